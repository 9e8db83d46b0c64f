#!/usr/bin/env python3
"""Benchmark of password sign-in: the portal under gunicorn on loopback against PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ets_bench python bench/signin.py

What it does, in one run (every loop is bounded; nothing leaves 127.0.0.1):
1. migrates the database (created if missing) and prepares one account per client
   plus one blocked account, passwords hashed with the portal's hasher settings;
2. starts gunicorn (sync workers, --workers) on a free loopback port, pinned to the
   server CPUs (--server-cpus, default: every CPU but the first) while this process,
   the load generator, is pinned to the other CPUs, so that its own work neither
   slows the server nor counts against it;
3. drives --signins full sign-ins at --concurrency (8): GET /connexion/, POST the
   form with its CSRF token, expect the redirect to "/" with a new session cookie;
   then checks that the sessions and the "signin.success" audit rows were written;
4. sends --blocked-attempts POSTs with the right password to the blocked account;
5. measures the bare Argon2 verification rate of the same hasher with as many
   processes as gunicorn workers, pinned to the same server CPUs (the physical
   ceiling), before and after the sign-ins, and takes the mean;
6. prints sign-ins/s, p50/p99 latency, sign-ins per server CPU-second (user+system
   CPU of the gunicorn processes), the ratio to the Argon2 ceiling, and the server
   CPU of a rejected attempt on a blocked account relative to a full sign-in.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Banc;42Essai"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TICKS = os.sysconf("SC_CLK_TCK")
TARGETS = {"ratio": 0.85, "per_cpu_second": 22, "p99_over_p50": 1.5, "blocked_cost": 0.05}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ets_bench"))
    parser.add_argument("--server-cpus", default=None, help=(
        "comma list of the CPUs of gunicorn and of the Argon2 ceiling (default: every "
        "CPU but the first; the load generator gets the others)"))
    parser.add_argument("--no-pin", action="store_true",
                        help="run everything on every CPU (the load generator competes)")
    parser.add_argument("--workers", type=int, default=None,
                        help="gunicorn sync workers (default: 2 per server CPU)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--signins", type=int, default=400)
    parser.add_argument("--blocked-attempts", type=int, default=400)
    parser.add_argument("--argon2-seconds", type=float, default=10.0)
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark runs against PostgreSQL: give a postgres:// DATABASE_URL")
    every = sorted(os.sched_getaffinity(0))
    if args.no_pin or len(every) < 2:
        args.server_cpus, args.client_cpus = set(every), set(every)
    else:
        if args.server_cpus:
            try:
                chosen = {int(c) for c in args.server_cpus.split(",")}
            except ValueError:
                parser.error("--server-cpus is a comma list of CPU numbers")
        else:
            chosen = set(every[1:])
        if not chosen or not chosen < set(every):
            parser.error(f"--server-cpus must leave at least one of {every} to the client")
        args.server_cpus, args.client_cpus = chosen, set(every) - chosen
    if args.workers is None:
        args.workers = 2 * len(args.server_cpus)
    for name in ("workers", "concurrency", "signins", "blocked_attempts"):
        if not 1 <= getattr(args, name) <= 100_000:
            parser.error(f"--{name.replace('_', '-')} must be between 1 and 100000")
    return args


def configure_environment(args, data_dir: str) -> dict:
    """The environment of both this process and gunicorn: same database, same hasher."""
    env = {
        "DATABASE_URL": args.database_url,
        "ETS_DATA_DIR": data_dir,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "ETS_SECURE_COOKIES": "false",
        # One client address drives everything: the per-address throttle would stop the run.
        "ETS_SIGNIN_FAILURES_PER_IP": "1000000000",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "eprocedures.settings",
    }
    os.environ.update(env)
    return {**os.environ, **env}


def ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare_accounts(clients: int):
    """One active account per client and one blocked account, hashed by the portal's hasher."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from eprocedures.accounts.models import User

    encoded = make_password(PASSWORD)
    emails = [f"bench-{n}@bench.invalid" for n in range(clients)] + ["bench-blocked@bench.invalid"]
    for email in emails:
        user, _ = User.objects.get_or_create(email=email, defaults={
            "first_name": "Banc", "last_name": "Essai", "mobile_phone": "+33612345678",
            "street_name": "rue du Banc", "postal_code": "75001", "city": "Paris",
            "is_active": True, "activated_at": timezone.now(),
        })
        blocked = email.startswith("bench-blocked")
        User.objects.filter(pk=user.pk).update(
            password=encoded, failed_login_count=5 if blocked else 0,
            blocked_at=timezone.now() if blocked else None)
    return emails[:-1], emails[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, workers: int, env: dict, cpus: set[int]) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "eprocedures.wsgi", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
               "--backlog", "256", "--log-level", "warning"]
    # The master and the workers it forks run on the server CPUs only.
    server = subprocess.Popen(command, cwd=ROOT, env=env,
                              preexec_fn=lambda: os.sched_setaffinity(0, cpus))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", "/healthz")
            if status == 200 and len(worker_pids(server.pid)) == workers:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer on /healthz within 60 s")


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def cpu_seconds(pids) -> float:
    """User + system CPU time consumed so far by these processes."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def request(port, method, path, body=None, cookies=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": f"127.0.0.1:{port}"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}/connexion/"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        jar = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.update({k: m.value for k, m in SimpleCookie(header).items()})
        return response.status, dict(response.getheaders()) | {"_cookies": jar}, data
    finally:
        conn.close()


def login_form(port):
    status, headers, body = request(port, "GET", "/connexion/")
    if status != 200:
        raise RuntimeError(f"GET /connexion/ answered {status}")
    token = CSRF_INPUT.search(body.decode())[1]
    return token, headers["_cookies"]


def full_sign_in(port, email) -> float:
    """GET the page, POST the form; returns the latency of the pair in seconds."""
    start = time.perf_counter()
    token, cookies = login_form(port)
    body = urlencode({"csrfmiddlewaretoken": token, "email": email, "password": PASSWORD})
    status, headers, _ = request(port, "POST", "/connexion/", body, cookies)
    elapsed = time.perf_counter() - start
    if status != 302 or headers.get("Location") != "/" or "ets_session" not in headers["_cookies"]:
        raise RuntimeError(f"sign-in of {email} failed: {status} {headers.get('Location')}")
    return elapsed


def run_clients(concurrency, total, work) -> tuple[list[float], float]:
    """Run ``work(client_index)`` ``total`` times over ``concurrency`` threads."""
    latencies, errors = [], []
    lock = threading.Lock()
    remaining = [total]

    def client(index):
        while True:
            with lock:
                if remaining[0] <= 0 or errors:
                    return
                remaining[0] -= 1
            try:
                latency = work(index)
            except Exception as exc:  # reported after the run
                with lock:
                    errors.append(exc)
                return
            with lock:
                latencies.append(latency)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    if errors:
        raise SystemExit(f"the run stopped: {errors[0]}")
    return latencies, wall


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _argon2_worker(encoded, seconds, cpus, queue):
    os.sched_setaffinity(0, cpus)
    import django

    django.setup()
    from eprocedures.accounts.hashers import ETSArgon2PasswordHasher

    hasher = ETSArgon2PasswordHasher()
    done, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if not hasher.verify(PASSWORD, encoded):
            raise RuntimeError("the bare verification failed")
        done += 1
    queue.put(done)


def argon2_rate(processes: int, seconds: float, cpus: set[int]) -> float:
    """Verifications per second of the portal's hasher, ``processes`` processes on ``cpus``."""
    from django.contrib.auth.hashers import make_password

    encoded = make_password(PASSWORD)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_argon2_worker, args=(encoded, seconds, cpus, queue))
               for _ in range(processes)]
    for w in workers:
        w.start()
    counts = [queue.get(timeout=seconds + 60) for _ in workers]
    for w in workers:
        w.join()
    return sum(counts) / seconds


def audit_count(event):
    from eprocedures.audit.models import AuditEvent

    return AuditEvent.objects.filter(event=event).count()


def main():
    args = parse_args()
    load_start = os.getloadavg()
    data_dir = tempfile.mkdtemp(prefix="ets-bench-")
    env = configure_environment(args, data_dir)
    ensure_database(args.database_url)

    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    emails, blocked_email = prepare_accounts(args.concurrency)
    hasher = (f"argon2id m={settings.ETS_ARGON2_MEMORY_COST} KiB, "
              f"t={settings.ETS_ARGON2_TIME_COST}, p={settings.ETS_ARGON2_PARALLELISM}")

    # The ceiling is measured before and after the run (the mean is used): other work
    # on the machine moves it, and both moments are seen.
    ceiling_before = argon2_rate(args.workers, args.argon2_seconds / 2, args.server_cpus)
    port = free_port()
    server = start_gunicorn(port, args.workers, env, args.server_cpus)
    os.sched_setaffinity(0, args.client_cpus)  # the load generator: the other CPUs
    client_before = os.times()
    try:
        pids = [server.pid, *worker_pids(server.pid)]
        # Warm-up: every worker loads its templates and catalogues.
        run_clients(args.concurrency, args.concurrency * 2,
                    lambda i: full_sign_in(port, emails[i]))

        successes_before = audit_count("signin.success")
        from django.contrib.sessions.models import Session

        sessions_before = Session.objects.count()
        cpu_before = cpu_seconds(pids)
        latencies, wall = run_clients(args.concurrency, args.signins,
                                      lambda i: full_sign_in(port, emails[i]))
        signin_cpu = cpu_seconds(pids) - cpu_before
        written = audit_count("signin.success") - successes_before
        new_sessions = Session.objects.count() - sessions_before
        if written != args.signins or new_sessions < args.signins:
            raise SystemExit(f"expected {args.signins} audit rows and sessions, "
                             f"found {written} and {new_sessions}")

        # Rejected attempts on a blocked account: the right password, POST only.
        forms = [login_form(port) for _ in range(args.concurrency)]

        def blocked_attempt(i):
            token, cookies = forms[i]
            body = urlencode({"csrfmiddlewaretoken": token, "email": blocked_email,
                              "password": PASSWORD})
            start = time.perf_counter()
            status, _, page = request(port, "POST", "/connexion/", body, cookies)
            if status != 200 or "nombre de tentatives maximal atteint" not in page.decode():
                raise RuntimeError(f"the blocked account answered {status}")
            return time.perf_counter() - start

        cpu_before = cpu_seconds(pids)
        blocked_latencies, blocked_wall = run_clients(
            args.concurrency, args.blocked_attempts, blocked_attempt)
        blocked_cpu = cpu_seconds(pids) - cpu_before

        # For scale: the least a request costs this server (gunicorn, WhiteNoise, no view).
        def static_file(i):
            start = time.perf_counter()
            status, _, _ = request(port, "GET", "/static/core/ets.css")
            if status != 200:
                raise RuntimeError(f"GET /static/core/ets.css answered {status}")
            return time.perf_counter() - start

        cpu_before = cpu_seconds(pids)
        run_clients(args.concurrency, args.blocked_attempts, static_file)
        floor_cpu = cpu_seconds(pids) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
    client_after = os.times()
    client_cpu = (client_after.user - client_before.user) + (
        client_after.system - client_before.system)

    ceiling_after = argon2_rate(args.workers, args.argon2_seconds / 2, args.server_cpus)
    ceiling = (ceiling_before + ceiling_after) / 2

    rate = args.signins / wall
    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    per_cpu = args.signins / signin_cpu
    ratio = rate / ceiling
    blocked_cost = (blocked_cpu / args.blocked_attempts) / (signin_cpu / args.signins)
    floor_cost = (floor_cpu / args.blocked_attempts) / (signin_cpu / args.signins)

    def verdict(ok):
        return "ok" if ok else "BELOW TARGET"

    def cpus(s):
        return ",".join(map(str, sorted(s)))

    print(f"hasher: {hasher}; gunicorn sync workers: {args.workers} on CPU(s) "
          f"{cpus(args.server_cpus)}; load generator on CPU(s) {cpus(args.client_cpus)} "
          f"(its own CPU, not counted: {client_cpu:.1f} s); CPUs: {os.cpu_count()}; "
          f"concurrency: {args.concurrency}; load average at the start / end: "
          f"{' '.join(f'{x:.2f}' for x in load_start)} / "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work on the machine "
          f"skews the wall-clock figures; the per-CPU-second ones are robust to it)")
    print(f"sign-ins: {args.signins} in {wall:.2f} s (GET + POST with CSRF, session and audit "
          f"row checked: {written})")
    print(f"  sign-ins/s:                       {rate:8.1f}")
    print(f"  latency p50 / p99:                {p50 * 1000:8.1f} / {p99 * 1000:.1f} ms "
          f"(p99/p50 {p99 / p50:.2f}, target <= {TARGETS['p99_over_p50']}: "
          f"{verdict(p99 / p50 <= TARGETS['p99_over_p50'])})")
    print(f"  sign-ins per server CPU-second:   {per_cpu:8.1f} (target >= "
          f"{TARGETS['per_cpu_second']}: {verdict(per_cpu >= TARGETS['per_cpu_second'])})")
    print(f"  bare Argon2 verifications/s:      {ceiling:8.1f} ({args.workers} processes on "
          f"CPU(s) {cpus(args.server_cpus)}; before {ceiling_before:.1f}, after "
          f"{ceiling_after:.1f})")
    print(f"  ratio to the Argon2 ceiling:      {ratio:8.2f} (target >= {TARGETS['ratio']}: "
          f"{verdict(ratio >= TARGETS['ratio'])})")
    print(f"blocked account: {args.blocked_attempts} rejected attempts in {blocked_wall:.2f} s, "
          f"p50 {statistics.median(blocked_latencies) * 1000:.1f} ms")
    print(f"  server CPU per rejected attempt / per sign-in: {blocked_cost:.3f} (target <= "
          f"{TARGETS['blocked_cost']}: {verdict(blocked_cost <= TARGETS['blocked_cost'])})")
    print(f"  for scale, a static file (no view) / per sign-in:  {floor_cost:.3f}; server CPU "
          f"per sign-in {signin_cpu / args.signins * 1000:.1f} ms, per rejected attempt "
          f"{blocked_cpu / args.blocked_attempts * 1000:.2f} ms, per static file "
          f"{floor_cpu / args.blocked_attempts * 1000:.2f} ms")


if __name__ == "__main__":
    main()
