"""Serve the app with gunicorn and compare a page's throughput with a bare view's.

    .venv/bin/python bench/serve_ratio.py --path / [--concurrency 8 --seconds 3 --rounds 7]

Both URLs are measured in one run, on the same server, database and concurrency, after a
warm-up, in rounds: each round measures the page and then the bare view, and gives one
ratio (page ÷ bare view). The median of the rounds' ratios is reported, so a machine
whose speed drifts (a shared or virtual one) moves both halves of a round together
instead of skewing the result. The ratio means something on any machine. Set DATABASE_URL to
measure on PostgreSQL (the production engine); unset, it uses the embedded SQLite file.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    rps: float
    p95_ms: float
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start on port {port}")


def measure(port: int, path: str, concurrency: int, seconds: float, cookie: str = "") -> Result:
    """Hit one path from `concurrency` keep-alive clients for `seconds`."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    headers = {"Cookie": cookie} if cookie else {}

    def client() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else float("nan")
    return Result(rps=len(latencies) / seconds, p95_ms=p95, errors=errors)


def _with_set_cookies(port: int, path: str, cookie: str) -> str:
    """`cookie` plus the cookies the page sets on a first visit (the CSRF cookie), as a
    browser would send them from then on. Without them every request would be a first
    visit, minting a new CSRF secret and setting it again."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    response.read()
    conn.close()
    jar = SimpleCookie(cookie)
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--path", default="/", help="the page to measure")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3.0, help="per URL and round")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--cookie", default="", help="a Cookie header, for pages that need a session"
    )
    args = parser.parse_args()

    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait_for(port)
        cookie = _with_set_cookies(port, args.path, args.cookie)
        for path in (args.path, "/bench/ok"):  # warm-up
            measure(port, path, args.concurrency, 2.0, cookie)
        runs: dict[str, list[Result]] = {args.path: [], "/bench/ok": []}
        for _ in range(args.rounds):
            for path in runs:
                runs[path].append(measure(port, path, args.concurrency, args.seconds, cookie))
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"concurrency {args.concurrency}, {args.workers} gunicorn workers, "
        f"{args.rounds} rounds of {args.seconds:g}s per URL, medians"
    )
    for path, results in runs.items():
        rps = statistics.median(r.rps for r in results)
        p95 = statistics.median(r.p95_ms for r in results)
        errors = sum(r.errors for r in results)
        print(f"{path:20} {rps:8.1f} req/s   p95 {p95:7.1f} ms   errors {errors}")
    ratios = [
        page.rps / bare.rps for page, bare in zip(runs[args.path], runs["/bench/ok"], strict=True)
    ]
    print("ratio per round: " + " ".join(f"{ratio:.2f}" for ratio in ratios))
    print(f"ratio {args.path} / bare view: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
