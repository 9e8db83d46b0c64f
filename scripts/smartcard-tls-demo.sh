#!/usr/bin/env bash
# Serve the portal over TLS with card sign-in, locally (make tls-demo).
#   https://localhost:$TLS_PORT       the portal
#   https://localhost:$CARD_PORT      the client-certificate front ("Activer", card sign-in)
# Demo PKI, nginx files and logs in $ETS_DATA_DIR/smartcard. Stop with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
  echo "nginx is missing: install it with  sudo apt-get install nginx-light  (Debian/Ubuntu)" >&2
  exit 1
fi
PORT=${PORT:-8000}
TLS_PORT=${TLS_PORT:-8443}
CARD_PORT=${CARD_PORT:-8444}
DEMO_ACCOUNT=${DEMO_ACCOUNT:-demo@localhost.test}

export ETS_SITE_URL="https://localhost:$TLS_PORT"
export ETS_SMARTCARD_URL="https://localhost:$CARD_PORT"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-localhost,127.0.0.1}"
export ETS_TRUSTED_PROXIES="${ETS_TRUSTED_PROXIES:-127.0.0.1}"
export DEBUG="${DEBUG:-true}"
# HSTS on "localhost" would outlive the demo in the browser.
export SECURE_HSTS_SECONDS=0

"$PY" manage.py migrate --noinput -v0
"$PY" manage.py smartcard_demo --account "$DEMO_ACCOUNT"
NGINX_DIR=$("$PY" manage.py shell -v 0 -c "
from pathlib import Path
from django.conf import settings
from eprocedures.smartcard import tlsfront
d = Path(settings.DATA_DIR) / 'smartcard'
f = tlsfront.render(d / 'nginx', upstream='127.0.0.1:$PORT', cert=d / 'server.pem',
                    key=d / 'server-key.pem', portal_port=$TLS_PORT, card_port=$CARD_PORT)
print(f.folder)")

cat <<MSG

  Portal (TLS):       $ETS_SITE_URL/
  Card front:         $ETS_SMARTCARD_URL/carte-a-puce/connexion/
  E-mails sent:       $ETS_SITE_URL/boite-locale/
  nginx files, logs:  $NGINX_DIR

  1. Import the demo card into your browser (password "demo"): see docs/smartcard.md.
  2. Sign in with the account above, "Mes informations" → "Ajouter", open the e-mail
     in the local mailbox, follow "Activer", type the code, choose the certificate.
  3. Sign out, "Carte à puce" tab → "Connexion par carte à puce".
  Stop with Ctrl-C.

MSG

trap 'kill 0' INT TERM EXIT
"$PY" manage.py db_worker --interval 1 &
"$PY" manage.py runserver --noreload "127.0.0.1:$PORT" &
"$NGINX" -p "$NGINX_DIR" -e "$NGINX_DIR/error.log" -c "$NGINX_DIR/nginx.conf" -g 'daemon off;' &
wait
