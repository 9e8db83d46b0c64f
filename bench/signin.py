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
3. runs --rounds rounds (5), each of them, one after the other:
   - the bare Argon2 verification rate of the same hasher with as many processes as
     gunicorn workers, pinned to the same server CPUs (the physical ceiling);
   - full sign-ins at --concurrency (8): GET /connexion/, POST the form with its CSRF
     token, expect the redirect to "/" with a new session cookie;
   - POSTs with the right password to the blocked account;
   - GETs of a static file, for scale;
   so that each ratio compares figures taken within seconds of each other: the
   machine's speed drifts (shared hosts), and a ratio of a sign-in measured in a slow
   minute to a ceiling measured in a fast one says nothing;
4. checks that the sessions and the "signin.success" audit rows were written;
5. prints sign-ins/s, p50/p99 latency, sign-ins per server CPU-second (user+system
   CPU of the gunicorn processes), the ratio to the Argon2 ceiling and the server CPU
   of a rejected attempt on a blocked account relative to a full sign-in: each round's
   figures, and their medians, which the targets are checked against.
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
    parser.add_argument("--blocked-attempts", type=int, default=2000)
    parser.add_argument("--argon2-seconds", type=float, default=15.0,
                        help="time spent measuring the ceiling, over all rounds")
    parser.add_argument("--rounds", type=int, default=5)
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
    if args.rounds > min(args.signins, args.blocked_attempts):
        parser.error("--rounds cannot exceed --signins nor --blocked-attempts")
    for name in ("workers", "concurrency", "signins", "blocked_attempts", "rounds"):
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
    """CPU time consumed so far by these processes (all their threads).

    From /proc/<pid>/task/<tid>/schedstat, in nanoseconds, where the kernel has it; else
    user + system time from /proc/<pid>/stat, in clock ticks (10 ms: a round of a few
    hundred cheap requests would then be measured to a few per cent only).
    """
    total = 0.0
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
            total += sum(int((t / "schedstat").read_text().split()[0]) for t in tasks) / 1e9
        except (OSError, ValueError, IndexError):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return total


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


def _argon2_worker(encoded, cpus, barrier, commands, results):
    """One process of the ceiling: on each command, verify for that many seconds."""
    os.sched_setaffinity(0, cpus)
    import django

    django.setup()
    from eprocedures.accounts.hashers import ETSArgon2PasswordHasher

    hasher = ETSArgon2PasswordHasher()
    while (seconds := commands.get()) is not None:
        barrier.wait()  # every process starts together: none runs alone for a while
        done, deadline = 0, time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            if not hasher.verify(PASSWORD, encoded):
                raise RuntimeError("the bare verification failed")
            done += 1
        results.put(done)


class Argon2Ceiling:
    """Verifications per second of the portal's hasher, ``processes`` processes on ``cpus``.

    The processes are started once and wait (idle) between measurements.
    """

    def __init__(self, processes: int, cpus: set[int]):
        from django.contrib.auth.hashers import make_password

        ctx = multiprocessing.get_context("spawn")
        # Kept referenced: the children open it after this returns.
        self.barrier = barrier = ctx.Barrier(processes)
        self.results = ctx.Queue()
        self.commands = [ctx.Queue() for _ in range(processes)]
        encoded = make_password(PASSWORD)
        self.workers = [ctx.Process(target=_argon2_worker, daemon=True,
                                    args=(encoded, cpus, barrier, q, self.results))
                        for q in self.commands]
        for w in self.workers:
            w.start()

    def rate(self, seconds: float) -> float:
        for q in self.commands:
            q.put(seconds)
        counts = [self.results.get(timeout=seconds + 120) for _ in self.workers]
        return sum(counts) / seconds

    def stop(self):
        for q in self.commands:
            q.put(None)
        for w in self.workers:
            w.join(timeout=30)


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

    ceiling = Argon2Ceiling(args.workers, args.server_cpus)
    port = free_port()
    server = start_gunicorn(port, args.workers, env, args.server_cpus)
    os.sched_setaffinity(0, args.client_cpus)  # the load generator: the other CPUs
    client_before = os.times()
    rounds, latencies = [], []
    try:
        pids = [server.pid, *worker_pids(server.pid)]
        # Warm-up: every worker loads its templates and catalogues.
        run_clients(args.concurrency, args.concurrency * 2,
                    lambda i: full_sign_in(port, emails[i]))
        ceiling.rate(1)

        successes_before = audit_count("signin.success")
        from django.contrib.sessions.models import Session

        sessions_before = Session.objects.count()
        forms = [login_form(port) for _ in range(args.concurrency)]

        def blocked_attempt(i):
            # The right password, POST only: the page "Votre compte est bloqué…".
            token, cookies = forms[i]
            body = urlencode({"csrfmiddlewaretoken": token, "email": blocked_email,
                              "password": PASSWORD})
            start = time.perf_counter()
            status, _, page = request(port, "POST", "/connexion/", body, cookies)
            if status != 200 or "nombre de tentatives maximal atteint" not in page.decode():
                raise RuntimeError(f"the blocked account answered {status}")
            return time.perf_counter() - start

        def static_file(i):
            # For scale: the least a request costs this server (gunicorn, WhiteNoise).
            start = time.perf_counter()
            status, _, _ = request(port, "GET", "/static/core/ets.css")
            if status != 200:
                raise RuntimeError(f"GET /static/core/ets.css answered {status}")
            return time.perf_counter() - start

        def measured(count, work):
            cpu_before = cpu_seconds(pids)
            lat, wall = run_clients(args.concurrency, count, work)
            return lat, wall, cpu_seconds(pids) - cpu_before

        for r in range(args.rounds):
            signins = share(args.signins, args.rounds, r)
            attempts = share(args.blocked_attempts, args.rounds, r)
            ceiling_rate = ceiling.rate(args.argon2_seconds / args.rounds)
            lat, wall, signin_cpu = measured(signins, lambda i: full_sign_in(port, emails[i]))
            _, _, blocked_cpu = measured(attempts, blocked_attempt)
            _, _, static_cpu = measured(attempts, static_file)
            latencies += lat
            rounds.append({
                "signins": signins, "wall": wall, "signin_cpu": signin_cpu,
                "ceiling": ceiling_rate, "rate": signins / wall,
                "ratio": signins / wall / ceiling_rate,
                "per_cpu": signins / signin_cpu,
                "blocked": (blocked_cpu / attempts) / (signin_cpu / signins),
                "static": (static_cpu / attempts) / (signin_cpu / signins),
                "signin_ms": signin_cpu / signins * 1000,
                "blocked_ms": blocked_cpu / attempts * 1000,
                "static_ms": static_cpu / attempts * 1000,
                "p50": percentile(lat, 0.50), "p99": percentile(lat, 0.99),
            })

        written = audit_count("signin.success") - successes_before
        new_sessions = Session.objects.count() - sessions_before
        if written != args.signins or new_sessions < args.signins:
            raise SystemExit(f"expected {args.signins} audit rows and sessions, "
                             f"found {written} and {new_sessions}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        ceiling.stop()
    client_after = os.times()
    client_cpu = (client_after.user - client_before.user) + (
        client_after.system - client_before.system)
    report(args, hasher, rounds, latencies, written, client_cpu, load_start)


def share(total: int, parts: int, index: int) -> int:
    """The index-th of ``parts`` near-equal shares of ``total``."""
    return total // parts + (1 if index < total % parts else 0)


def report(args, hasher, rounds, latencies, written, client_cpu, load_start):
    def median(key):
        return statistics.median(r[key] for r in rounds)

    def verdict(ok):
        return "ok" if ok else "BELOW TARGET"

    def cpus(s):
        return ",".join(map(str, sorted(s)))

    p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
    ratio, blocked, per_cpu = median("ratio"), median("blocked"), median("per_cpu")
    print(f"hasher: {hasher}; gunicorn sync workers: {args.workers} on CPU(s) "
          f"{cpus(args.server_cpus)}; load generator on CPU(s) {cpus(args.client_cpus)} "
          f"(its own CPU, not counted: {client_cpu:.1f} s); CPUs: {os.cpu_count()}; "
          f"concurrency: {args.concurrency}; load average at the start / end: "
          f"{' '.join(f'{x:.2f}' for x in load_start)} / "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{args.rounds} rounds, each: the Argon2 ceiling, then sign-ins (GET + POST with "
          f"CSRF), rejected attempts on the blocked account, static files; {written} sign-ins "
          f"in all, each with its session and audit row checked")
    for r in rounds:
        r["spread"] = r["p99"] / r["p50"]
    print("round  sign-ins/s  ceiling/s  ratio  sign-ins/CPU-s  blocked/sign-in  "
          "static/sign-in  CPU ms: sign-in  blocked  static  p50 ms  p99/p50")
    for n, r in enumerate(rounds, 1):
        print(f"{n:5d}  {r['rate']:10.1f}  {r['ceiling']:9.1f}  {r['ratio']:5.2f}  "
              f"{r['per_cpu']:14.1f}  {r['blocked']:15.3f}  {r['static']:14.3f}  "
              f"{r['signin_ms']:15.1f}  {r['blocked_ms']:7.2f}  {r['static_ms']:6.2f}  "
              f"{r['p50'] * 1000:6.0f}  {r['spread']:7.2f}")
    print("medians of the rounds (the targets are checked against them):")
    print(f"  sign-ins/s:                       {median('rate'):8.1f}")
    print(f"  bare Argon2 verifications/s:      {median('ceiling'):8.1f} ({args.workers} "
          f"processes on CPU(s) {cpus(args.server_cpus)})")
    print(f"  ratio to the Argon2 ceiling:      {ratio:8.2f} (target >= {TARGETS['ratio']}: "
          f"{verdict(ratio >= TARGETS['ratio'])})")
    print(f"  sign-ins per server CPU-second:   {per_cpu:8.1f} (target >= "
          f"{TARGETS['per_cpu_second']}: {verdict(per_cpu >= TARGETS['per_cpu_second'])})")
    print(f"  rejected attempt on the blocked account / sign-in (server CPU): {blocked:.3f} "
          f"(target <= {TARGETS['blocked_cost']}: "
          f"{verdict(blocked <= TARGETS['blocked_cost'])}); a static file: "
          f"{median('static'):.3f}")
    print(f"  server CPU per sign-in {median('signin_ms'):.1f} ms, per rejected attempt "
          f"{median('blocked_ms'):.2f} ms, per static file {median('static_ms'):.2f} ms")
    spread = median("spread")
    print(f"  latency of a sign-in: p99/p50 {spread:.2f} (target <= "
          f"{TARGETS['p99_over_p50']}: {verdict(spread <= TARGETS['p99_over_p50'])}); over "
          f"all rounds together p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms "
          f"({p99 / p50:.2f}, which also counts the drift of the machine between rounds)")


if __name__ == "__main__":
    main()
