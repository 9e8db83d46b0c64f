"""Fixtures shared by the whole suite.

- a fast password hasher, except in tests that mark themselves ``real_hasher``;
- ``smtp_server``: a real aiosmtpd SMTP peer on loopback, with the portal's
  e-mail settings pointing at it;
- ``run_mail_worker``: runs the outbox worker (django-tasks' db_worker) until the
  queue is empty, as production does;
- ``browser`` / ``page``: Debian's Chromium driven by Playwright;
- ``axe_check``: axe-core run in the page, asserting no violation.
"""

import email
import email.policy
import os
import shutil
import socket
import threading
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ETS_CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def pytest_configure(config):
    config.addinivalue_line("markers", "real_hasher: use the production Argon2 hasher")


@pytest.fixture(autouse=True)
def _fast_hasher(request, settings):
    if "real_hasher" not in request.keywords:
        settings.PASSWORD_HASHERS = [
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "eprocedures.accounts.hashers.ETSArgon2PasswordHasher",
        ]


@pytest.fixture(autouse=True)
def _no_answer_floor(settings):
    # The equal-time floor of the reset and fresh-link answers is tested on its own.
    settings.ETS_EQUAL_ANSWER_MS = 0


@pytest.fixture(autouse=True)
def _isolated_mailbox(settings, tmp_path):
    settings.ETS_MAILBOX_DIR = tmp_path / "mailbox"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SMTPPeer:
    """A real SMTP server on loopback that keeps every message it accepts."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []
        self._lock = threading.Lock()
        self.port = free_port()
        self.controller = None
        self.refused: set[str] = set()  # recipients answered "550 no such user"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.envelopes.append(envelope)
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self):
        """Listen on the same port again (a stopped controller cannot restart)."""
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        """Close the port: connections are refused until start() is called again."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address):
        return [m for m in self.messages if address in str(m["To"])]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message) -> str:
        return message.get_body(preferencelist=("html",)).get_content()


@pytest.fixture
def smtp_server(settings):
    peer = SMTPPeer()
    peer.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = peer.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    yield peer
    peer.stop()


@pytest.fixture
def run_mail_worker(transactional_db):
    """Run the outbox worker until no task is ready, as `manage.py db_worker --batch`.

    The worker commits and checks its connection like the real process does, so the
    tests that use it run with real transactions (transactional_db).
    """

    def run():
        call_command("db_worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    return run


# --- Browser ---------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does it as root)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls
    # made by the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A page in a new browser context; the test fails if the portal's Content-Security-Policy
    refused anything the page needed (an inline style or script of ours, say)."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    pg = context.new_page()
    refused = []
    pg.on("console", lambda message: refused.append(f"{pg.url}: {message.text}")
          if "Content Security Policy" in message.text else None)
    yield pg
    context.close()
    assert not refused, "\n".join(refused)


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` (make test does it)")
    return AXE_JS.read_text()


@pytest.fixture
def axe_check(axe_source):
    """axe_check(page) fails the test with every WCAG 2.1 A/AA violation found."""

    def check(pg, context=""):
        if not pg.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated by the browser's debugging protocol: the page's CSP, which refuses
            # inline scripts, does not apply to the test's own tool.
            pg.evaluate(axe_source)
        result = pg.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                                 'best-practice']}
            })"""
        )
        violations = result["violations"]
        report = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in violations
        )
        assert not violations, f"axe-core violations on {pg.url} {context}:\n{report}"

    return check


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None
