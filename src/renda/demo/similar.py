"""Demo 重复与热点: index the recent demo opinions and find their hotspots (bulk, numpy).

Only the search window (``RENDA_SIMILAR_DAYS``, 90 days) is indexed: older opinions are never
offered as duplicates, so indexing them would only cost time. The triage badge counts
("可能重复 N") come from the same band collisions, then ``hotspots.rebuild()`` clusters the
hotspot window and proposes 重点约访 for the rising ones (their county staff get the notice).
"""

import datetime
import random

import numpy as np
from django.db import connection
from django.utils import timezone

from renda.handling.models import OPEN_STATES
from renda.opinions.models import Opinion
from renda.similar import hotspots, index, places
from renda.similar import minhash as mh
from renda.similar.models import Band, Hotspot, Signature, VisitProposal

LABEL = "重复与热点"
COUNT_LABELS = {"indexed": "已索引意见", "hotspots": "热点问题", "members": "热点内意见", "proposals": "约访建议"}  # the demo summary's words


def build(rng: random.Random, *, now: datetime.datetime, scale: float, say) -> dict[str, int]:
    since = now - datetime.timedelta(days=index.window_days())
    rows = list(
        Opinion.objects.filter(created_at__gte=since, is_spam=False)
        .order_by("id")
        .values_list("id", "title", "content", "case__state", "case__division_path", "case__congress_id")
    )
    if not rows:
        return {"indexed": 0, "hotspots": 0, "proposals": 0}
    matrix, ok = mh.signatures([f"{r[1]} {r[2]}" for r in rows])
    keep = np.nonzero(ok)[0]
    ids = [rows[i][0] for i in keep]
    matrix = matrix[keep]
    is_open = np.array([rows[i][3] in OPEN_STATES for i in keep])
    # 可能重复 N: open items before each one that share a band and are similar enough.
    a, b, _ = hotspots.similar_pairs(matrix, None, index.min_similarity())
    dups = np.bincount(b[is_open[a]], minlength=len(ids))  # a < b: a is the earlier (ids grow with time)
    roots = places.congress_roots(r[5] for r in rows)
    place_paths = [places.place_of(f"{rows[i][1]} {rows[i][2]}", rows[i][4], roots.get(rows[i][5], "")) for i in keep]
    _insert(ids, matrix, dups, place_paths)
    counts = hotspots.rebuild(now=timezone.now(), notify=True)
    return {
        "indexed": len(ids),
        "hotspots": Hotspot.objects.filter(size__gte=hotspots.MIN_SIZE).count(),
        "members": counts["members"],
        "proposals": VisitProposal.objects.count(),
    }


def _insert(ids: list[int], matrix: np.ndarray, dups: np.ndarray, place_paths: list[str]) -> None:
    """Plain multi-row INSERTs (no model instances: a million band rows at full scale)."""
    quote = connection.ops.quote_name
    sig_sql = (
        f"INSERT INTO {quote(Signature._meta.db_table)} ({quote('opinion_id')}, {quote('minhash')}, "
        f"{quote('duplicates')}, {quote('clustered')}, {quote('place_path')}) VALUES (%s, %s, %s, %s, %s)"
    )
    band_sql = f"INSERT INTO {quote(Band._meta.db_table)} ({quote('key')}, {quote('opinion_id')}) VALUES (%s, %s)"
    keys = mh.band_keys(matrix).tolist()
    with connection.cursor() as cursor:
        cursor.executemany(
            sig_sql,
            [
                (pk, mh.to_bytes(s), int(d), True, p)
                for pk, s, d, p in zip(ids, matrix, dups.tolist(), place_paths, strict=True)
            ],
        )
        cursor.executemany(band_sql, [(k, pk) for pk, row in zip(ids, keys, strict=True) for k in row])
