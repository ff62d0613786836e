"""民意直通车 intake throughput on SQLite and PostgreSQL (prints figures; not a test).

    .venv/bin/python bench/intake.py [-n 3000] [--procs 4] [--db sqlite,postgres] [--profile]

For each database a fresh subprocess sets the environment (temporary ``RENDA_DATA_DIR``;
``DATABASE_URL`` for PostgreSQL), runs ``django.setup()`` and ``migrate``, builds a tiny
demo registry (``build_demo(scale=0.02)``), then ``--procs`` worker processes (each with
its own database connection) submit ``-n`` opinions through ``POST /api/v1/opinions``
with Django's test ``Client`` (in-process WSGI, full middleware; rate limits off), one
``Idempotency-Key`` each. The same workers first POST the same body to a bare view
(``bench/bare_urls.py``): the cost of Django itself. Afterwards every acknowledged
tracking code is looked up in the database. Below target, one process is profiled.

Opinions are acknowledged once stored; as in production, a worker process registers them
meanwhile (``renda.opinions.intake``: case, deadline timer, events, notices), polling every
``RENDA_INTAKE_SECONDS``. It runs alongside the submitting workers (sharing the same two
cores) and the run reports how long after the last acknowledgement every opinion was
registered, and the registration rate.
"""

import argparse
import collections
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

from per_database import run_each

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/renda_bench_intake"
TARGETS = {"sqlite": 200.0, "postgres": 500.0}
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
INTAKE_URL = "/api/v1/opinions"
BARE_URL = "/bench/bare/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--opinions", type=int, default=3000, help="opinions to submit per database")
    parser.add_argument("--procs", type=int, default=4, help="concurrent worker processes (default 4)")
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--pg-url", default=PG_URL, help="PostgreSQL database (created and dropped)")
    parser.add_argument("--tasks", choices=["db", "immediate"], default="db", help="task backend (default db)")
    parser.add_argument("--profile", action="store_true", help="always profile (else only below target)")
    parser.add_argument("--profile-n", type=int, default=300, help="submissions to profile")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    return parser.parse_args()


# --------------------------------------------------------------------------- parent: one subprocess per database


def main() -> None:
    args = parse_args()
    if args.child:
        return child(args)
    run_each(__file__, args.db, args.pg_url)


def child(args: argparse.Namespace) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="renda-bench-intake-"))
    for name in ("DATABASE_URL", "RENDA_SQLITE_PATH", "DEBUG", "RENDA_TESTING"):
        os.environ.pop(name, None)
    os.environ.update(
        RENDA_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="bench_settings",
        RENDA_OPINION_RATE_IP="0/h",  # 0 = unlimited (renda.core.ratelimit.hit)
        RENDA_OPINION_RATE_PHONE="0/h",
        RENDA_TASK_BACKEND=(
            "django_tasks.backends.immediate.ImmediateBackend"
            if args.tasks == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
    )
    if args.child == "postgres":
        os.environ["DATABASE_URL"] = args.pg_url
    (data_dir / "static").mkdir()  # WhiteNoise warns about a missing STATIC_ROOT
    sys.path.insert(0, str(BENCH))
    try:
        import django

        django.setup()
        run(args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def body(tag: str, deputy: str) -> str:
    content = f"【{tag}】小区门口的路灯已经坏了两个多星期，晚上老人孩子出行很不方便，希望有关部门尽快修复。"
    return json.dumps({"content": content, "consent": True, "deputy": deputy}, ensure_ascii=False)


def submit(client, url: str, payload: str):
    return client.post(
        url, data=payload, content_type="application/json", headers={"Idempotency-Key": uuid.uuid4().hex}
    )


def worker(idx: int, url: str, count: int, deputy: str, barrier, queue) -> None:
    """One client process: warm up, wait for the others, then ``count`` requests; results to ``queue``."""
    from django.test import Client

    client = Client(REMOTE_ADDR=f"10.0.{idx}.1")
    codes, timings, errors = [], [], collections.Counter()

    def one(tag: str) -> float:
        t0 = time.perf_counter()
        try:
            response = submit(client, url, body(tag, deputy))
        except Exception as exc:  # e.g. "database is locked": counted as a failure
            errors[f"{type(exc).__name__}: {str(exc)[:80]}"] += 1
            return time.perf_counter() - t0
        elapsed = time.perf_counter() - t0
        if url == INTAKE_URL:
            if response.status_code == 201:
                codes.append(response.json()["tracking_code"])
            else:
                errors[f"HTTP {response.status_code}: {response.content[:80].decode(errors='replace')}"] += 1
        elif response.status_code != 200:
            errors[f"HTTP {response.status_code}"] += 1
        return elapsed

    for w in range(3):
        one(f"预热 {idx}-{w}")
    warm = len(codes)
    barrier.wait()
    start = time.perf_counter()
    for i in range(count):
        timings.append(one(f"{idx}-{i}") * 1000)
    end = time.perf_counter()
    queue.put({"idx": idx, "start": start, "end": end, "timings": timings, "codes": codes,
               "ok": len(codes) - warm if url == INTAKE_URL else count - sum(errors.values()),
               "errors": dict(errors)})  # fmt: skip


def registrar(stop, queue) -> None:
    """The production intake loop: register whatever is waiting, then sleep RENDA_INTAKE_SECONDS."""
    from django.conf import settings

    from renda.core.management.commands.worker import background_priority
    from renda.opinions.intake import opinions_register_all

    background_priority()  # as `renda worker` does
    registered, busy = 0, 0.0
    while True:
        t0 = time.perf_counter()
        done = opinions_register_all()
        registered += done
        busy += time.perf_counter() - t0 if done else 0.0
        if stop.is_set():
            if not done:
                break
            continue
        stop.wait(settings.RENDA_INTAKE_SECONDS)
    queue.put({"registered": registered, "busy": busy, "end": time.perf_counter()})


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = (len(sorted_values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def concurrent(url: str, total: int, procs: int, deputy: str, with_registrar: bool = False) -> dict:
    import multiprocessing as mp

    from django.db import connections

    connections.close_all()  # children must not share the parent's connection
    ctx = mp.get_context("fork")
    barrier, queue = ctx.Barrier(procs), ctx.Queue()
    shares = [total // procs + (1 if i < total % procs else 0) for i in range(procs)]
    workers = [ctx.Process(target=worker, args=(i, url, shares[i], deputy, barrier, queue)) for i in range(procs)]
    stop, reg_queue = ctx.Event(), ctx.Queue()
    reg = ctx.Process(target=registrar, args=(stop, reg_queue)) if with_registrar else None
    if reg is not None:
        reg.start()
    for p in workers:
        p.start()
    results = [queue.get() for _ in workers]
    for p in workers:
        p.join()
    registration = None
    if reg is not None:
        stop.set()
        registration = reg_queue.get()
        reg.join()
    timings = sorted(t for r in results for t in r["timings"])
    wall = max(r["end"] for r in results) - min(r["start"] for r in results)
    errors = collections.Counter()
    for r in results:
        errors.update(r["errors"])
    ok = sum(r["ok"] for r in results)
    return {
        "ok": ok,
        "failed": sum(errors.values()),
        "errors": errors,
        "rps": ok / wall if wall else 0.0,
        "wall": wall,
        "p50": percentile(timings, 0.50),
        "p99": percentile(timings, 0.99),
        "per_proc": [r["ok"] for r in sorted(results, key=lambda r: r["idx"])],
        "codes": [c for r in results for c in r["codes"]],
        "registration": registration,
        "last_ack": max(r["end"] for r in results),
    }


def run(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from renda.demo import build_demo
    from renda.opinions.models import Opinion

    db = args.child
    target = TARGETS[db]
    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    summary = build_demo(scale=0.02)
    deputy = summary.deputy_number
    before = Opinion.objects.count()
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"\n== {LABELS[db]}（{engine}）· {args.procs} 个进程 · {args.opinions} 条意见 · 代表 {deputy} · "
          f"任务后端 {settings.TASKS['default']['BACKEND'].rsplit('.', 1)[-1]} · 准备 {time.monotonic() - t0:.1f} 秒")  # fmt: skip

    bare = concurrent(BARE_URL, args.opinions, args.procs, deputy)
    line(f"基准 POST {BARE_URL}", bare)
    intake = concurrent(INTAKE_URL, args.opinions, args.procs, deputy, with_registrar=True)
    line(f"提交 POST {INTAKE_URL}", intake)
    reg = intake["registration"]
    lag = reg["end"] - intake["last_ack"]
    rate = reg["registered"] / reg["busy"] if reg["busy"] else 0.0
    print(f"  登记（同时运行的工作进程）：{reg['registered']} 条 · 登记速度 {rate:.0f} 条/秒（工作时间 {reg['busy']:.1f} 秒）"
          f" · 最后一条确认后 {max(lag, 0):.1f} 秒全部登记")  # fmt: skip
    print(f"  各进程成功数：{intake['per_proc']} · 总用时 {intake['wall']:.1f} 秒")
    if intake["errors"]:
        print(f"  失败 {intake['failed']} 次：")
        for message, n in intake["errors"].most_common(5):
            print(f"    {n} × {message}")
    ratio = intake["rps"] / bare["rps"] if bare["rps"] else 0.0
    print(f"  吞吐为基准的 {ratio:.1%} · p50 为基准的 {intake['p50'] / (bare['p50'] or 1e-9):.1f} 倍")

    client = Client()
    submit(client, INTAKE_URL, body("计数", deputy))  # warm this process
    with CaptureQueriesContext(connection) as ctx:
        response = submit(client, INTAKE_URL, body("计数", deputy))
    assert response.status_code == 201, response.content
    print(f"  每条提交的 SQL 查询数：{len(ctx.captured_queries)}")

    codes = intake["codes"]
    found = 0
    for i in range(0, len(codes), 500):
        found += Opinion.objects.filter(tracking_code__in=codes[i : i + 500]).count()
    unregistered = Opinion.objects.filter(tracking_code__in=codes, case__isnull=True).count() if codes else 0
    if unregistered:
        print(f"  UNREGISTERED {unregistered} acknowledged opinions")
    if found == len(codes) == len(set(codes)):
        print(f"  all {len(codes)} acknowledged opinions present（库中意见 {before} → {Opinion.objects.count()}）")
    else:
        print(f"  MISSING {len(set(codes)) - found} of {len(codes)} acknowledged opinions")
    verdict = "达标" if intake["rps"] >= target else "未达标"
    print(f"  目标 ≥ {target:.0f} 条/秒：实测 {intake['rps']:.0f} 条/秒 —— {verdict}")
    if args.profile or intake["rps"] < target:
        profile(client, deputy, args.profile_n)


def line(label: str, s: dict) -> None:
    print(f"  {label:<28} 成功 {s['ok']:>5} · 失败 {s['failed']:>3} · {s['rps']:>7.0f} 次/秒 · "
          f"p50 {s['p50']:6.2f} ms · p99 {s['p99']:6.2f} ms", flush=True)  # fmt: skip


def profile(client, deputy: str, n: int) -> None:
    profiler = cProfile.Profile()
    t0 = time.perf_counter()
    profiler.enable()
    for i in range(n):
        submit(client, INTAKE_URL, body(f"剖析 {i}", deputy))
    profiler.disable()
    elapsed = time.perf_counter() - t0
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"renda/|django_tasks|psycopg|sqlite3", 15)
    stats.sort_stats("tottime").print_stats(10)
    text = out.getvalue()
    for prefix in (str(REPO / "src") + "/", str(REPO / ".venv") + "/lib/", sys.prefix + "/lib/"):
        text = text.replace(prefix, "")
    print(f"  单进程剖析 {n} 次提交（{n / elapsed:.0f} 条/秒，含剖析开销）：")
    tables = text.split("   ncalls")[1:]
    for title, table in zip(
        ("renda 代码与数据库驱动，按累计时间前 15", "全部函数，按自身时间前 10"), tables, strict=False
    ):
        print(
            f"   — {title}：\n      ncalls  tottime  percall  cumtime  percall filename:lineno(function)\n"
            + "\n".join(r[:150] for r in table.splitlines()[1:] if r.strip()[:1].isdigit())
        )


if __name__ == "__main__":
    main()
