"""QR landing page ``/d/<number>/`` against a bare Django view (prints figures; not a test).

    .venv/bin/python bench/landing.py [--seconds 4] [--gunicorn] [--threads 8]

Builds a tiny demo registry (``build_demo(scale=0.02)``) in a temporary
``RENDA_DATA_DIR``, then measures, warm (the landing page is cached), requests/s
and p50/p99 of the deputy short URL and of a bare view (``bench/bare_urls.py``):

1. in-process through Django's test ``Client`` (same process, same middleware);
2. with ``--gunicorn``: through ``gunicorn renda.wsgi`` (2 workers, bench settings)
   with a threaded Python HTTP client on the same machine.

Target: the landing page serves at least 50% of the bare view's requests/s.
"""

import argparse
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
TARGET_RATIO = 0.50
BARE_URL = "/bench/bare/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help="measuring time per page (default 4)")
    parser.add_argument("--gunicorn", action="store_true", help="also measure through gunicorn over HTTP")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=8, help="HTTP client threads (default 8)")
    return parser.parse_args()


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = (len(sorted_values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def stats(timings: list[float], wall: float) -> dict:
    timings.sort()
    return {
        "n": len(timings),
        "rps": len(timings) / wall if wall else 0.0,
        "p50": percentile(timings, 0.50),
        "p99": percentile(timings, 0.99),
    }


def report(title: str, bare: dict, landing: dict) -> None:
    print(f"\n{title}")
    for label, s in (("基准：空 Django 视图", bare), ("二维码落地页 /d/<编号>/", landing)):
        print(
            f"  {label:<24} {s['n']:>7} 次 · {s['rps']:>7.0f} 次/秒 · p50 {s['p50']:6.2f} ms · p99 {s['p99']:6.2f} ms"
        )
    ratio = landing["rps"] / bare["rps"] if bare["rps"] else 0.0
    verdict = "达标" if ratio >= TARGET_RATIO else "未达标"
    print(f"  落地页吞吐为基准的 {ratio:.1%}（目标 ≥ {TARGET_RATIO:.0%}）—— {verdict}")


# --------------------------------------------------------------------------- in-process


def in_process(urls: list[str], seconds: float) -> list[dict]:
    """Alternate the pages in 0.25 s slices so that drift (other load, CPU clocks) hits both alike."""
    from django.test import Client

    client = Client()
    timings: list[list[float]] = [[] for _ in urls]
    spent = [0.0 for _ in urls]

    def get(url: str) -> float:
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - t0
        if response.status_code != 200:
            raise SystemExit(f"{url} → HTTP {response.status_code}")
        return elapsed

    for url in urls:
        for _ in range(20):  # warm-up: templates, the landing cache
            get(url)
    while min(spent) < seconds:
        for i, url in enumerate(urls):
            stop = time.perf_counter() + 0.25
            while time.perf_counter() < stop:
                elapsed = get(url)
                timings[i].append(elapsed * 1000)
                spent[i] += elapsed
    return [stats(t, s) for t, s in zip(timings, spent, strict=True)]


# --------------------------------------------------------------------------- gunicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def over_http(port: int, url: str, seconds: float, threads: int) -> dict:
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run() -> None:
        mine = []
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", url)
                response = conn.getresponse()
                response.read()
                conn.close()
            except OSError as exc:
                errors.append(repr(exc))
                continue
            if response.status != 200:
                errors.append(f"HTTP {response.status}")
                continue
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            timings.extend(mine)

    for _ in range(20):  # warm both workers' caches
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", url)
        conn.getresponse().read()
        conn.close()
    start = time.perf_counter()
    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    result = stats(timings, time.perf_counter() - start)
    if errors:
        print(f"  {url}：{len(errors)} 次失败，例如 {errors[0]}")
    return result


def with_gunicorn(args: argparse.Namespace, landing_url: str) -> None:
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH), os.environ.get("PYTHONPATH")]))}
    cmd = [str(gunicorn), "renda.wsgi", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}"]
    cmd += ["--log-level", "warning"]
    server = subprocess.Popen(cmd, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            print("gunicorn 未能启动。")
            return
        bare = over_http(port, BARE_URL, args.seconds, args.threads)
        landing = over_http(port, landing_url, args.seconds, args.threads)
        report(f"2. gunicorn（{args.workers} 个 worker）+ {args.threads} 线程 HTTP 客户端，本机：", bare, landing)
    finally:
        server.terminate()
        server.wait(timeout=10)


# --------------------------------------------------------------------------- main


def main() -> None:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="renda-bench-landing-"))
    for name in ("DATABASE_URL", "RENDA_SQLITE_PATH", "DEBUG", "RENDA_TESTING"):
        os.environ.pop(name, None)
    os.environ.update(RENDA_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="bench_settings")
    (data_dir / "static").mkdir()  # WhiteNoise warns about a missing STATIC_ROOT
    sys.path.insert(0, str(BENCH))
    try:
        import django

        django.setup()
        from django.core.management import call_command

        from renda.demo import build_demo

        call_command("migrate", verbosity=0)
        number = build_demo(scale=0.02).deputy_number
        landing_url = f"/d/{number}/"
        print(f"数据目录：{data_dir} · 代表 {number} · 每页测量 {args.seconds:g} 秒")
        bare, landing = in_process([BARE_URL, landing_url], args.seconds)
        report("1. 进程内（django.test.Client，同一进程、同一套中间件）：", bare, landing)
        if args.gunicorn:
            from django.db import connections

            connections.close_all()
            with_gunicorn(args, landing_url)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
