"""A local nginx TLS front (the shipped snippets of deploy/nginx), for the demo and the tests.

nginx runs without systemd: ``nginx -p <dir> -e <dir>/error.log -c <dir>/nginx.conf
-g 'daemon off;'``, its pid, logs and temporary files in that one folder.
"""

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy" / "nginx"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class LocalFront:
    folder: Path
    portal_port: int
    card_port: int

    @property
    def config(self) -> Path:
        return self.folder / "nginx.conf"

    @property
    def portal_url(self) -> str:
        return f"https://localhost:{self.portal_port}"

    @property
    def card_url(self) -> str:
        return f"https://localhost:{self.card_port}"

    def command(self) -> list[str]:
        return [NGINX, "-p", str(self.folder), "-e", str(self.folder / "error.log"),
                "-c", str(self.config), "-g", "daemon off;"]


def render(folder: Path, *, upstream: str, cert: Path, key: Path, portal_port: int,
           card_port: int) -> LocalFront:
    """Write nginx.conf and the snippets into folder; return how to reach the front."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    shutil.copytree(DEPLOY / "snippets", folder / "snippets", dirs_exist_ok=True)
    # As root, nginx would hand its workers to "nobody", who cannot enter the folder.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
    text = (DEPLOY / "local.conf.in").read_text()
    for name, value in {
        "USER": user, "DIR": str(folder), "CERT": str(cert), "KEY": str(key),
        "UPSTREAM": upstream, "PORTAL_PORT": str(portal_port), "CARD_PORT": str(card_port),
    }.items():
        text = text.replace(f"@@{name}@@", value)
    front = LocalFront(folder, portal_port, card_port)
    front.config.write_text(text)
    return front


def wait_for_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def start(front: LocalFront) -> subprocess.Popen:
    """Start nginx in the foreground of a child process and wait until it listens."""
    test = subprocess.run([*front.command()[:-2], "-t"], capture_output=True, text=True)  # noqa: S603
    if test.returncode != 0:
        raise RuntimeError(f"nginx refuses {front.config}:\n{test.stderr}")
    process = subprocess.Popen(front.command())  # noqa: S603
    try:
        wait_for_port(front.portal_port)
        wait_for_port(front.card_port)
    except TimeoutError:
        process.terminate()
        raise
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()  # SIGTERM: nginx's fast shutdown
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
