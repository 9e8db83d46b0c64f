"""A gunicorn worker that passes the TLS peer certificate to the portal.

For gunicorn serving TLS itself (no nginx): it copies the client certificate of
the connection into the WSGI environ under services.ENVIRON_KEY, a key without
the HTTP_ prefix, so that no request header can ever produce or overwrite it.

    gunicorn eprocedures.wsgi -k eprocedures.smartcard.gunicorn_worker.CertificateWorker \\
      --certfile server.pem --keyfile server-key.pem --cert-reqs 1 --ca-certs ca.pem

Python's ssl module has no "ask but do not judge" mode: with --cert-reqs 1
(CERT_OPTIONAL) a certificate from an issuer outside --ca-certs fails the TLS
handshake instead of reaching the portal's explanation. nginx is the front of
choice; this worker is for small set-ups.
"""

import ssl

from gunicorn.workers.sync import SyncWorker

from .services import ENVIRON_KEY


class CertificateWorker(SyncWorker):
    def handle_request(self, listener, req, client, addr):
        app = self.wsgi
        der = client.getpeercert(binary_form=True) if isinstance(client, ssl.SSLSocket) else None
        pem = ssl.DER_cert_to_PEM_cert(der) if der else None

        def with_certificate(environ, start_response):
            # Always set, empty without a certificate: the portal then never falls back to
            # a header (which anyone connecting from a trusted address could send).
            environ[ENVIRON_KEY] = pem or ""
            return app(environ, start_response)

        self.wsgi = with_certificate
        try:
            return super().handle_request(listener, req, client, addr)
        finally:
            self.wsgi = app
