"""Near-duplicate search and hotspot clustering at 1M stored opinions (prints figures; not a test).

    .venv/bin/python bench/similar.py [-n 1000000] [--queries 2000] [--db sqlite,postgres]

For each database a fresh subprocess migrates an empty database (temporary ``RENDA_DATA_DIR``;
``DATABASE_URL`` for PostgreSQL) and loads, with the database's own bulk paths:

* ``-n`` opinion rows (minimal columns), one every 30 seconds back from now, so the ids grow
  with time as in production and about a quarter fall in the 90-day search window;
* one MinHash signature per opinion and its ``BANDS`` LSH band keys (20 per opinion: 20M rows at
  1M). Most signatures are random (unrelated texts); 5 % are near-copies (about 75 % of the
  positions kept) of the signatures of real seed texts — the 4,284 messages of
  ``../shared/data/gov-messages/messages.csv`` when present (read, never copied), else generated
  Chinese text — so a query finds real clusters.

Then it times, in the same process and the same run:

* **baseline**: ``Opinion.objects.filter(pk=…).values_list(…).first()`` (one primary-key look-up);
* **duplicate search**: ``renda.similar.index.similar_to_text(text)`` end to end, from the raw
  text: signature (numpy), the band ``IN`` query, the candidates' signatures, re-ranking and the
  final opinion query; half the queries are edited seed texts (they find their cluster), half
  are unrelated texts;
* **hotspots**: ``hotspots.components()`` over all ``-n`` signatures in memory (the numpy +
  scipy clustering core), and ``hotspots.rebuild()`` against the database (reads the 30-day
  window's signatures, clusters, writes hotspots and members, scores them).
"""

import argparse
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from per_database import run_each

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PG_URL = "postgres://postgres@127.0.0.1:5432/renda_bench_similar"
MESSAGES = REPO.parent / "shared" / "data" / "gov-messages" / "messages.csv"
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
TARGET_P99_MS = 20.0
CHUNK = 500_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--opinions", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--pg-url", default=PG_URL, help="PostgreSQL database (created and dropped)")
    parser.add_argument("--cold", action="store_true", help="skip reading the band index once before timing")
    parser.add_argument("--profile", action="store_true", help="profile the search loop (cProfile, top 25)")
    parser.add_argument("--child", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.child:
        return child(args)
    run_each(__file__, args.db, args.pg_url)


def child(args: argparse.Namespace) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="renda-bench-similar-"))
    for name in ("DATABASE_URL", "RENDA_SQLITE_PATH", "DEBUG", "RENDA_TESTING"):
        os.environ.pop(name, None)
    os.environ.update(RENDA_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="bench_settings")
    if args.child == "postgres":
        os.environ["DATABASE_URL"] = args.pg_url
    (data_dir / "static").mkdir()
    sys.path.insert(0, str(BENCH))
    try:
        import django

        django.setup()
        run(args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# --------------------------------------------------------------------------- data


def seed_texts(rng) -> tuple[list[str], str]:
    if MESSAGES.exists():
        with MESSAGES.open(encoding="utf-8") as fh:
            texts = [f"{r['title']} {r['body']}" for r in csv.DictReader(fh)]
        return texts, f"{len(texts)} real messages (messages.csv)"
    return [random_text(rng) for _ in range(4000)], "4000 generated texts (messages.csv absent)"


def random_text(rng, length: int = 200) -> str:
    return "".join(chr(c) for c in rng.integers(0x4E00, 0x4E00 + 3000, size=length))


def edited(rng, text: str) -> str:
    """The same complaint by someone else: a few characters changed."""
    chars = list(text)
    for i in rng.integers(0, len(chars), size=max(1, len(chars) // 30)):
        chars[i] = chr(int(rng.integers(0x4E00, 0x4E00 + 3000)))
    return "".join(chars)


def timed(label: str, func):
    start = time.perf_counter()
    result = func()
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)
    return result


def load(db: str, n: int, sigs, keys) -> None:
    import numpy as np
    from django.db import connection

    from renda.similar import minhash as mh

    band_indexes = ["similar_band_key_idx", "similar_band_opinion_idx"]
    with connection.cursor() as cur:
        for name in band_indexes:
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')
    ids = np.arange(1, n + 1, dtype=np.int64)
    t0 = time.perf_counter()

    def phase(label):
        nonlocal t0
        print(f"    {label}: {time.perf_counter() - t0:.1f} s", flush=True)
        t0 = time.perf_counter()

    if db == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA foreign_keys=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("BEGIN")  # one transaction: autocommit would commit every row
            cur.execute(
                f"""WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n})
                INSERT INTO opinions_opinion (id, tracking_code, access_token, title, content, citizen_name, phone,
                  phone_verified, anonymous, channel, urgency, created_at, is_spam, address)
                SELECT x, 'B' || x, 'T' || x, '', 'bench', '', '', 0, 0, 'web', 'normal',
                  datetime('now', '-' || (({n} - x) * 30) || ' seconds'), 0, '' FROM c"""
            )
            phase("opinions")
            for i in range(0, n, CHUNK):
                cur.executemany(
                    "INSERT INTO similar_signature (opinion_id, minhash, duplicates, clustered) VALUES (%s, %s, 0, 1)",
                    [(int(pk), mh.to_bytes(s)) for pk, s in zip(ids[i : i + CHUNK], sigs[i : i + CHUNK], strict=True)],
                )
            phase("signatures")
            flat_ids = np.repeat(ids, mh.BANDS)
            flat_keys = keys.ravel()
            raw = connection.connection  # sqlite3, without Django's per-row parameter handling
            for i in range(0, flat_keys.size, CHUNK * 4):
                raw.executemany(
                    "INSERT INTO similar_band (key, opinion_id) VALUES (?, ?)",
                    zip(flat_keys[i : i + CHUNK * 4].tolist(), flat_ids[i : i + CHUNK * 4].tolist(), strict=True),
                )
            cur.execute("COMMIT")
            phase("bands")
    else:
        raw = connection.connection
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")  # bulk load: skip FK triggers
            cur.execute(
                f"""INSERT INTO opinions_opinion (id, tracking_code, access_token, title, content, citizen_name, phone,
                  phone_verified, anonymous, channel, urgency, created_at, is_spam, address)
                SELECT x, 'B' || x, 'T' || x, '', 'bench', '', '', false, false, 'web', 'normal',
                  now() - (({n} - x) * interval '30 seconds'), false, '' FROM generate_series(1, {n}) x"""
            )
            cur.execute(f"SELECT setval(pg_get_serial_sequence('opinions_opinion', 'id'), {n})")
        with raw.cursor() as cur:
            sig_dtype = np.dtype([("nf", ">i2"), ("l1", ">i4"), ("id", ">i8"), ("l2", ">i4"),
                                  ("sig", f"V{mh.NUM_PERM * 4}"), ("l3", ">i4"), ("dup", ">i4"),
                                  ("l4", ">i4"), ("cl", "u1")])
            rows = np.zeros(n, dtype=sig_dtype)
            rows["nf"], rows["l1"], rows["id"], rows["l2"], rows["l3"] = 4, 8, ids, mh.NUM_PERM * 4, 4
            rows["l4"], rows["cl"] = 1, 1
            rows["sig"] = np.ascontiguousarray(sigs.astype("<u4")).view(f"V{mh.NUM_PERM * 4}").ravel()
            _copy(cur, "similar_signature (opinion_id, minhash, duplicates, clustered)", rows)
            band_dtype = np.dtype([("nf", ">i2"), ("l1", ">i4"), ("key", ">i8"), ("l2", ">i4"), ("id", ">i8")])
            flat_ids = np.repeat(ids, mh.BANDS)
            flat_keys = keys.ravel()
            for i in range(0, flat_keys.size, CHUNK * 4):
                part = np.zeros(min(CHUNK * 4, flat_keys.size - i), dtype=band_dtype)
                part["nf"], part["l1"], part["l2"] = 2, 8, 8
                part["key"], part["id"] = flat_keys[i : i + part.size], flat_ids[i : i + part.size]
                _copy(cur, "similar_band (key, opinion_id)", part)
        raw.commit() if not raw.autocommit else None
    phase("loaded")
    with connection.cursor() as cur:
        cur.execute('CREATE INDEX "similar_band_key_idx" ON "similar_band" ("key", "opinion_id")')
        cur.execute('CREATE INDEX "similar_band_opinion_idx" ON "similar_band" ("opinion_id")')
        phase("load")
        cur.execute("ANALYZE")
        if db == "sqlite":
            cur.execute("PRAGMA foreign_keys=ON")


def _copy(cur, target: str, rows) -> None:
    header = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
    with cur.copy(f"COPY {target} FROM STDIN WITH (FORMAT binary)") as copy:
        copy.write(header + rows.tobytes() + b"\xff\xff")


# --------------------------------------------------------------------------- run


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    p = lambda q: values[min(len(values) - 1, int(q * len(values)))] * 1000  # noqa: E731
    return f"p50 {p(0.50):6.2f} ms   p99 {p(0.99):6.2f} ms   max {values[-1] * 1000:6.2f} ms"


def run(args: argparse.Namespace) -> None:
    import numpy as np
    from django.core.management import call_command
    from django.db import connection

    from renda.opinions.models import Opinion
    from renda.similar import hotspots, index
    from renda.similar import minhash as mh
    from renda.similar.models import Band, Hotspot

    db, n = args.child, args.opinions
    print(f"\n== {LABELS[db]} · {n:,} opinions · load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(7)
    texts, source = seed_texts(rng)
    seeds = [(t, mh.signature(t)) for t in texts]
    seeds = [(t, s) for t, s in seeds if s is not None]
    print(f"  seeds: {source}")

    def make():
        sigs = rng.integers(0, 2**32, size=(n, mh.NUM_PERM), dtype=np.uint64).astype(np.uint32)
        members = rng.choice(n, size=n // 20, replace=False)
        which = rng.integers(0, len(seeds), size=members.size)
        seed_sigs = np.stack([s for _, s in seeds])
        copies = seed_sigs[which]
        keep = rng.random(copies.shape) < 0.75
        sigs[members] = np.where(keep, copies, sigs[members])
        return sigs, mh.band_keys(sigs)

    sigs, keys = timed(f"generate {n:,} signatures and {keys_count(n):,} band keys (numpy)", make)
    timed("bulk load opinions, signatures, bands; build indexes", lambda: load(db, n, sigs, keys))
    print(f"  band rows: {Band.objects.count():,}", flush=True)

    qs = Opinion.objects.filter(is_spam=False)
    pk_times, search_times, cpu_times, found = [], [], [], 0
    queries = []
    for i in range(args.queries):
        if i % 2 == 0:
            queries.append(edited(rng, seeds[int(rng.integers(0, len(seeds)))][0]))
        else:
            queries.append(random_text(rng))
    if not args.cold:  # a serving database has its hot index in memory: read it once, as a running server would have
        timed("read the band index and signatures once (warm cache)", lambda: warm(db))
    for text in queries[:50]:  # warm the caches
        index.similar_to_text(text, qs)
    if args.profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        for text in queries[:300]:
            index.similar_to_text(text, qs)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
    for text in queries:
        pk = int(rng.integers(1, n + 1))
        t0 = time.perf_counter()
        Opinion.objects.filter(pk=pk).values_list("id", "created_at").first()
        t1 = time.perf_counter()
        c1 = time.process_time()
        items = index.similar_to_text(text, qs)
        cpu_times.append(time.process_time() - c1)
        t2 = time.perf_counter()
        pk_times.append(t1 - t0)
        search_times.append(t2 - t1)
        found += bool(items)
    print(f"  baseline pk look-up     : {percentiles(pk_times)}")
    print(f"  duplicate search (text) : {percentiles(search_times)}   ({found}/{len(queries)} queries found items)")
    print(f"    of which this process's CPU: {percentiles(cpu_times)}")
    p99 = sorted(search_times)[int(0.99 * len(search_times))] * 1000
    print(f"  target p99 < {TARGET_P99_MS:.0f} ms: {'met' if p99 < TARGET_P99_MS else 'NOT met'}")

    import scipy.sparse.csgraph  # noqa: F401 — imported before timing

    groups = rng.integers(1, 11, size=n).astype(np.int64) << 32
    ids = np.arange(1, n + 1, dtype=np.int64)
    start = time.perf_counter()
    labels = hotspots.components(ids, sigs, groups)
    took = time.perf_counter() - start
    sizes = np.bincount(labels)
    print(f"  hotspot clustering, all {n:,} in memory: {took:.1f} s "
          f"({int((sizes >= hotspots.MIN_SIZE).sum()):,} clusters of ≥{hotspots.MIN_SIZE})")
    start = time.perf_counter()
    counts = hotspots.rebuild(notify=False)
    took = time.perf_counter() - start
    print(f"  hotspots.rebuild() on the database ({hotspots.window_days()}-day window): {took:.1f} s "
          f"({counts['hotspots']:,} clusters, {counts['members']:,} members; "
          f"{Hotspot.objects.filter(size__gte=hotspots.MIN_SIZE).count():,} listed)")
    connection.close()


def warm(db: str) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        if db == "postgres":
            cur.execute("SET enable_seqscan = off")
        cur.execute("SELECT COUNT(*) FROM similar_band WHERE key >= %s", [-(2**63)])
        cur.execute("SELECT COUNT(*), SUM(LENGTH(minhash)) FROM similar_signature")
        if db == "postgres":
            cur.execute("SET enable_seqscan = on")


def keys_count(n: int) -> int:
    from renda.similar import minhash as mh

    return n * mh.BANDS


if __name__ == "__main__":
    main()
