"""Subtree queries on a 100k+ division tree (materialized path).

Builds a synthetic tree in a throw-away SQLite database (or the database named
by DATABASE_URL), then prints p50/p99 latency of subtree queries at each level,
next to a bare primary-key lookup measured in the same run.

    .venv/bin/python bench/divisions.py [--villages-per-township 240]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("RENDA_DATA_DIR", tempfile.mkdtemp(prefix="renda-bench-div-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from renda.registry.models import Division, DivisionLevel  # noqa: E402
from renda.registry.selectors import subtree_q  # noqa: E402


def build(villages_per_township: int) -> int:
    rows = []

    def add(code, name, level, parent_path, depth):
        path = f"{parent_path}{code}/"
        rows.append(Division(code=code, name=name, level=level, path=path, depth=depth))
        return path

    root = add("000000", "全国", DivisionLevel.NATION, "/", 0)
    for p in range(1, 4):
        ppath = add(f"{90 + p}0000", f"省{p}", DivisionLevel.PROVINCE, root, 1)
        for c in range(1, 6):
            cpath = add(f"{90 + p}{c:02d}00", f"市{c}", DivisionLevel.CITY, ppath, 2)
            for k in range(1, 9):
                kcode = f"{90 + p}{c:02d}{k:02d}"
                kpath = add(kcode, f"县{k}", DivisionLevel.COUNTY, cpath, 3)
                for t in range(1, 15):
                    tcode = f"{kcode}{t:03d}"
                    tpath = add(tcode, f"乡{t}", DivisionLevel.TOWNSHIP, kpath, 4)
                    for v in range(1, villages_per_township // 4 + 1):
                        add(f"{tcode}{v:03d}", f"村{v}", DivisionLevel.VILLAGE, tpath, 5)
    with transaction.atomic():
        Division.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def timed(fn, n=200):
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages-per-township", type=int, default=240)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if Division.objects.exists():
        sys.exit("数据库中已有行政区划：请使用空的 RENDA_DATA_DIR 或测试数据库运行基准。")
    t0 = time.perf_counter()
    total = build(args.villages_per_township)
    print(f"built {total:,} divisions in {time.perf_counter() - t0:.1f} s")
    samples = {
        "bare pk lookup (baseline)": lambda: Division.objects.filter(pk=1).exists(),
        "subtree count, province": lambda: Division.objects.filter(subtree_q("/000000/910000/")).count(),
        "subtree count, county": lambda: Division.objects.filter(subtree_q("/000000/910000/910100/910101/")).count(),
        "subtree first page, city": lambda: list(
            Division.objects.filter(subtree_q("/000000/920000/920300/")).order_by("path")[:30]
        ),
    }
    print(f"{'query':32} {'p50 ms':>8} {'p99 ms':>8}")
    for name, fn in samples.items():
        p50, p99 = timed(fn)
        print(f"{name:32} {p50:8.2f} {p99:8.2f}")


if __name__ == "__main__":
    main()
