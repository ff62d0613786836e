"""Latency of the public pages and API reads at demo scale (prints figures; not a test).

    .venv/bin/python bench/pages.py [--seconds 4] [--synthetic] [--scale 1.0]

1. Builds a demo-scale database in a temporary ``RENDA_DATA_DIR`` with
   ``renda demo --no-serve`` (falls back to ``renda.demo.build_demo``, then to a
   small built-in synthetic loader if the demo generator is unavailable).
2. Measures in-process with Django's test ``Client`` (no network, no server):
   p50/p95/p99 latency and requests/s per page, the ratio to a bare Django view
   (the cost of Django itself), and the number of SQL queries per page.

Pages with a 5-minute cache (home figures, map data) are measured warm, as
visitors see them; their cold (uncached) time is printed too.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 100.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=4.0, help="measuring time per page (default 4)")
    parser.add_argument("--max-requests", type=int, default=2000, help="cap on requests per page")
    parser.add_argument("--synthetic", action="store_true", help="use the built-in loader, not the demo generator")
    parser.add_argument("--scale", type=float, default=1.0, help="dataset scale (1.0 = the demo city)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    return parser.parse_args()


# --------------------------------------------------------------------------- data


def build_with_demo_command(data_dir: Path, scale: float) -> bool:
    """``renda demo --no-serve`` in a subprocess (the real thing, as an operator runs it)."""
    renda = Path(sys.executable).with_name("renda")
    cmd = [str(renda)] if renda.exists() else [sys.executable, "-m", "renda.cli"]
    cmd += ["demo", "--no-serve"]
    if scale != 1.0:
        cmd += ["--scale", str(scale)]
    env = {**os.environ, "RENDA_DATA_DIR": str(data_dir)}
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=150)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"  renda demo 不可用：{exc}")
        return False
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
        print(f"  renda demo 失败（{result.returncode}）：{tail[0][:200]}")
        return False
    return True


def build_with_demo_module(scale: float) -> bool:
    try:
        from renda.demo import build_demo
    except ImportError as exc:
        print(f"  renda.demo 不可用：{exc}")
        return False
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        build_demo(scale=scale)
    except Exception as exc:  # a half-finished generator must not stop the bench
        print(f"  build_demo 失败：{exc!r}")
        return False
    return True


def build_synthetic(scale: float) -> None:
    """A quick city-sized dataset: 8 counties × 12 townships, 241 stations, 6,142 deputies."""
    import datetime

    from django.core.management import call_command
    from django.db import transaction

    from renda.registry.models import (
        ChecklistItem,
        Congress,
        CongressLevel,
        Deputy,
        Division,
        DivisionLevel,
        Mandate,
        Station,
        StationChecklist,
        StationDeputy,
        StationKind,
        Term,
    )

    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    n_deputies = max(50, int(6142 * scale))
    n_stations = max(10, int(241 * scale))
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅琳晨宇浩然思远嘉怡子涵雨欣"

    def square(lng, lat, size):
        ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
        return {"type": "Polygon", "coordinates": [ring]}

    with transaction.atomic():
        nation = Division.objects.create(code="000000", name="全国", level=DivisionLevel.NATION, path="/000000/")
        province = Division.objects.create(
            code="990000", name="江北省", level=DivisionLevel.PROVINCE, parent=nation, path="/000000/990000/", depth=1
        )
        city = Division.objects.create(
            code="990100",
            name="佳河市",
            level=DivisionLevel.CITY,
            parent=province,
            path=f"{province.path}990100/",
            depth=2,
        )
        counties, towns = [], []
        for c in range(8):
            code = f"9901{c + 2:02d}"
            lng, lat = 130 + (c % 4) * 0.4, 46.5 + (c // 4) * 0.4
            county = Division.objects.create(
                code=code, name=f"第{c + 1}区", level=DivisionLevel.COUNTY, parent=city, path=f"{city.path}{code}/",
                depth=3, boundary=square(lng, lat, 0.4),
            )  # fmt: skip
            counties.append(county)
            for t in range(12):
                tcode = f"{code}{t + 1:03d}"
                towns.append(
                    Division(
                        code=tcode,
                        name=f"{county.name}{t + 1}街道",
                        level=DivisionLevel.TOWNSHIP,
                        parent=county,
                        path=f"{county.path}{tcode}/",
                        depth=4,
                        boundary=square(lng + (t % 4) * 0.1, lat + (t // 4) * 0.1, 0.1),
                    )  # fmt: skip
                )
        towns = Division.objects.bulk_create(towns)
        start = datetime.date(2022, 1, 1)
        terms = []
        for division, level in [(city, CongressLevel.CITY)] + [(c, CongressLevel.COUNTY) for c in counties]:
            congress = Congress.objects.create(name=f"{division.name}人民代表大会", level=level, division=division)
            terms.append(Term.objects.create(congress=congress, number=17, starts_on=start))
        kinds = [StationKind.HOME] * 27 + [StationKind.STATION] * 130
        kinds += [StationKind.POINT] * (n_stations - len(kinds))
        stations = Station.objects.bulk_create(
            Station(
                code=f"ST{i:04d}",
                name=f"{towns[i % len(towns)].name}代表{StationKind(kinds[i]).label}",
                kind=kinds[i],
                division=towns[i % len(towns)],
                address=f"幸福路 {i} 号",
                opening_hours="每周三 9:00-11:30",
                latitude=46.5 + rng.random() * 0.8,
                longitude=130 + rng.random() * 1.6,
                theme=rng.choice(["", "法律", "生态"]),
            )  # fmt: skip
            for i in range(n_stations)
        )
        StationChecklist.objects.bulk_create(
            StationChecklist(station=s, item=item, met=rng.random() < 0.8) for s in stations for item in ChecklistItem
        )
        deputies = Deputy.objects.bulk_create(
            Deputy(
                number=f"D{i + 1:07d}",
                name=rng.choice(surnames) + "".join(rng.sample(given, rng.choice([1, 2]))),
                gender=rng.choice("MF"),
                position="某单位职员",
                phone=f"139{i:08d}",
            )  # fmt: skip
            for i in range(n_deputies)
        )
        mandates, members = [], []
        for i, d in enumerate(deputies):
            term = terms[1 + i % 8] if i % 10 else terms[0]
            mandates.append(Mandate(deputy=d, term=term, congress_id=term.congress_id, started_on=start))
            if i % 12 == 0 and term is not terms[0]:
                mandates.append(Mandate(deputy=d, term=terms[0], congress_id=terms[0].congress_id, started_on=start))
            members.append(StationDeputy(station=stations[i % n_stations], deputy=d))
        Mandate.objects.bulk_create(mandates, batch_size=1000)
        StationDeputy.objects.bulk_create(members, batch_size=1000)


# --------------------------------------------------------------------------- measuring


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = (len(sorted_values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def measure(client, make_url, *, seconds: float, max_requests: int) -> dict:
    for _ in range(5):  # warm-up (template loading, caches)
        assert client.get(make_url()).status_code == 200
    timings = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline and len(timings) < max_requests:
        url = make_url()
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} → HTTP {response.status_code}")
    timings.sort()
    return {
        "n": len(timings),
        "p50": percentile(timings, 0.50),
        "p95": percentile(timings, 0.95),
        "p99": percentile(timings, 0.99),
        "rps": len(timings) / (sum(timings) / 1000),
    }


def count_queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return len(ctx.captured_queries)


def main() -> None:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="renda-bench-"))
    os.environ["RENDA_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "renda.settings")
    for name in ("DATABASE_URL", "RENDA_SQLITE_PATH", "DEBUG"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(REPO / "src"))
    started = time.monotonic()
    try:
        print(f"数据目录：{data_dir}")
        print("生成演示规模的数据……")
        built = "synthetic"
        if not args.synthetic and build_with_demo_command(data_dir, args.scale):
            built = "renda demo --no-serve"
        import django

        django.setup()
        if built == "synthetic" and not args.synthetic and build_with_demo_module(args.scale):
            built = "renda.demo.build_demo"
        if built == "synthetic":
            build_synthetic(args.scale)
        run(args, built, started)
    finally:
        if args.keep:
            print(f"保留数据目录：{data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


def run(args: argparse.Namespace, built: str, started: float) -> None:
    from django.conf import settings
    from django.core.cache import cache
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path

    from renda.public.views import build_map_data
    from renda.registry.models import Deputy, Division, Mandate, Station
    from renda.registry.selectors import public_deputies

    print(
        f"数据来源：{built} · 代表 {Deputy.objects.count():,} · 代表资格 {Mandate.objects.count():,} · "
        f"家站点 {Station.objects.count():,} · 区划 {Division.objects.count():,} · "
        f"用时 {time.monotonic() - started:.1f} 秒"
    )

    def baseline(request):
        return HttpResponse("ok")

    import renda.urls

    bench_urls = types.ModuleType("renda_bench_urls")
    bench_urls.urlpatterns = [path("__bench__/baseline", baseline), *renda.urls.urlpatterns]
    sys.modules["renda_bench_urls"] = bench_urls

    rng = random.Random(2026)
    numbers = list(public_deputies().values_list("number", flat=True))
    names = list(public_deputies().values_list("name", flat=True)[:2000])
    codes = list(Station.objects.filter(is_active=True).values_list("code", flat=True))
    if not numbers or not codes:
        raise SystemExit("数据集中没有公开的代表或家站点，无法测量。")
    county = Division.objects.filter(level="county").values_list("code", flat=True).first() or ""

    pages = [
        ("基准：空 Django 视图", lambda: "/__bench__/baseline"),
        ("首页", lambda: "/"),
        ("代表名录", lambda: f"/deputies/?page={rng.randint(1, 20)}"),
        ("代表名录·按姓名搜索", lambda: f"/deputies/?q={rng.choice(names)[:1]}"),
        ("代表名录·层级+区域", lambda: f"/deputies/?level=county&division={county}"),
        ("代表详情（随机）", lambda: f"/deputies/{rng.choice(numbers)}/"),
        ("家站点名录", lambda: f"/stations/?page={rng.randint(1, 5)}"),
        ("家站点详情（随机）", lambda: f"/stations/{rng.choice(codes)}/"),
        ("分布图页面", lambda: "/map/"),
        ("分布图数据（缓存）", lambda: "/map/data.json"),
        ("API 代表列表", lambda: f"/api/v1/deputies?page={rng.randint(1, 20)}"),
        ("API 代表详情", lambda: f"/api/v1/deputies/{rng.choice(numbers)}"),
        ("API 家站点列表", lambda: "/api/v1/stations?page_size=100"),
    ]

    client = Client()
    results = []
    # Plain static storage: the manifest storage of production needs ``collectstatic`` first;
    # both resolve a static URL with a dictionary lookup or less, so timings are comparable.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(ROOT_URLCONF="renda_bench_urls", DEBUG=False, STORAGES=storages):
        cache.clear()
        for label, make_url in pages:
            stats = measure(client, make_url, seconds=args.seconds, max_requests=args.max_requests)
            cache.clear()
            stats["queries"] = count_queries(client, make_url())  # cold: includes the cached pages' own queries
            results.append((label, stats))
            print(f"  {label} … p95 {stats['p95']:.1f} ms", flush=True)
        t0 = time.perf_counter()
        build_map_data()
        cold_map = (time.perf_counter() - t0) * 1000

    base = results[0][1]["p50"] or 1e-9
    print()
    print(f"{'页面':<22}{'次数':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'请求/秒':>9}{'×基准':>8}{'查询数':>7}")
    print("-" * 80)
    slow = []
    for label, s in results:
        pad = 22 - sum(2 if ord(ch) > 0x2E80 else 1 for ch in label) + len(label)
        print(
            f"{label:<{pad}}{s['n']:>7}{s['p50']:>9.1f}{s['p95']:>9.1f}{s['p99']:>9.1f}{s['rps']:>9.0f}"
            f"{s['p50'] / base:>8.1f}{s['queries']:>7}"
        )
        if s["p95"] > TARGET_P95_MS:
            slow.append(label)
    print("-" * 80)
    print(f"分布图数据未缓存时生成一次：{cold_map:.1f} ms（之后缓存 5 分钟）。查询数为缓存清空后的单次请求。")
    print(f"目标：p95 < {TARGET_P95_MS:.0f} ms —— " + ("全部达标。" if not slow else "未达标：" + "、".join(slow)))
    print(f"数据库：{settings.DATABASES['default']['NAME']} · 总用时 {time.monotonic() - started:.1f} 秒")


if __name__ == "__main__":
    main()
