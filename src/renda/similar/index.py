"""The near-duplicate index: write signatures and band keys, find similar open opinions.

A look-up is: the text's signature (numpy, < 1 ms), one indexed ``Band.key IN (20 keys)`` query
restricted to recent opinions (``opinion_id >= first id of the window``: ids grow with time),
one query for the candidates' signatures (re-ranked by estimated Jaccard), and one for the
survivors' opinions (still open, not spam). Everything lives in the database, so web processes
and the worker share it and nothing is lost on restart.
"""

import datetime
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from renda.handling.models import OPEN_STATES
from renda.opinions.models import Opinion
from renda.similar import minhash as mh
from renda.similar.models import Band, Signature

CANDIDATES = 60  # re-ranked per look-up (those sharing the most bands)
PER_KEY = 200  # newest band rows per key a batch look-up considers
KEY_CHUNK = 2000  # band keys per IN (SQLite's variable limit is far above)


def window_days() -> int:
    return int(getattr(settings, "RENDA_SIMILAR_DAYS", 90))


def min_similarity() -> float:
    return float(getattr(settings, "RENDA_SIMILAR_MIN", 0.3))


def opinion_text(opinion: Opinion) -> str:
    return f"{opinion.title} {opinion.content}"


def store(ids: list[int], matrix: np.ndarray, *, duplicates=None, places=None) -> None:
    """Insert signatures (with count of near-duplicates and effective place) and band rows for new ``ids``.

    Plain prepared INSERTs run through ``executemany``: 21 rows per opinion, written by the intake
    worker for every batch, cost a fifth of what model instances through ``bulk_create`` do."""
    if not ids:
        return
    duplicates = duplicates or [0] * len(ids)
    places = places or [""] * len(ids)
    q = connection.ops.quote_name
    sig_sql = (
        f"INSERT INTO {q(Signature._meta.db_table)} ({q('opinion_id')}, {q('minhash')}, {q('duplicates')}, "
        f"{q('clustered')}, {q('place_path')}) VALUES (%s, %s, %s, %s, %s)"
    )
    band_sql = f"INSERT INTO {q(Band._meta.db_table)} ({q('key')}, {q('opinion_id')}) VALUES (%s, %s)"
    keys = mh.band_keys(matrix).tolist()
    with connection.cursor() as cursor:
        cursor.executemany(
            sig_sql,
            [(pk, mh.to_bytes(s), int(d), False, p or "")
             for pk, s, d, p in zip(ids, matrix, duplicates, places, strict=True)],
        )
        cursor.executemany(band_sql, [(k, pk) for pk, row in zip(ids, keys, strict=True) for k in row])


def first_id_since(since: datetime.datetime) -> int:
    """The smallest opinion id created at or after ``since`` (ids grow with time): one index probe."""
    first = Opinion.objects.filter(created_at__gte=since).order_by("created_at").values_list("id", flat=True)[:1]
    return first[0] if first else 2**62  # nothing recent: nothing to find


def _band_rows(keys: list[int], min_id: int) -> np.ndarray:
    """(key, opinion_id) rows for ``keys`` from ``min_id`` on, at most ``PER_KEY`` (the newest) per key:
    a burst of near-identical messages shares the same keys, and without the cap the candidates
    of a batch would grow with the square of its size. Returns an int64 array (m, 2)."""
    q = connection.ops.quote_name
    band = q(Band._meta.db_table)
    chunks = []
    with connection.cursor() as cursor:
        for i in range(0, len(keys), KEY_CHUNK):
            part = keys[i : i + KEY_CHUNK]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT k, o FROM (SELECT {q('key')} AS k, {q('opinion_id')} AS o, ROW_NUMBER() OVER ("
                f"PARTITION BY {q('key')} ORDER BY {q('opinion_id')} DESC) AS rn FROM {band} "
                f"WHERE {q('key')} IN ({marks}) AND {q('opinion_id')} >= %s) t WHERE rn <= {PER_KEY}",
                [*part, min_id],
            )
            rows = cursor.fetchall()
            if rows:
                chunks.append(np.array(rows, dtype=np.int64))
    return np.concatenate(chunks) if chunks else np.empty((0, 2), dtype=np.int64)


def _top_candidates(qids: list[int], qkeys: np.ndarray, rows: np.ndarray) -> dict[int, list[int]]:
    """For each query, the ``CANDIDATES`` opinions sharing the most bands with it (not itself), in numpy:
    a join of the queries' keys with the band rows by sorted key ranges, then a count per pair."""
    top: dict[int, list[int]] = {q: [] for q in qids}
    if not rows.size:
        return top
    order = np.argsort(rows[:, 0], kind="stable")
    keys, owners = rows[order, 0], rows[order, 1]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    sizes = np.diff(np.r_[starts, keys.size])
    unique_keys = keys[starts]
    flat = qkeys.ravel()
    which = np.repeat(np.arange(len(qids)), qkeys.shape[1])
    pos = np.minimum(np.searchsorted(unique_keys, flat), unique_keys.size - 1)
    hit = unique_keys[pos] == flat
    which, pos = which[hit], pos[hit]
    if not which.size:
        return top
    n = sizes[pos]
    offsets = np.repeat(starts[pos] - np.cumsum(np.r_[0, n[:-1]]), n) + np.arange(n.sum())
    pair_q, pair_o = np.repeat(which, n), owners[offsets]
    own = np.asarray(qids, dtype=np.int64)[pair_q]
    keep = pair_o != own
    codes, counts = np.unique((pair_q[keep] << 32) | pair_o[keep], return_counts=True)
    cq, co = codes >> 32, codes & 0xFFFFFFFF
    order = np.lexsort((-co, -counts, cq))  # per query: most shared bands first, then newest
    cq, co = cq[order], co[order]
    first = np.flatnonzero(np.r_[True, cq[1:] != cq[:-1]])
    rank = np.arange(cq.size) - np.repeat(first, np.diff(np.r_[first, cq.size]))
    for qi, pk in zip(cq[rank < CANDIDATES].tolist(), co[rank < CANDIDATES].tolist(), strict=True):
        top[qids[qi]].append(pk)
    return top


def _signatures(ids) -> dict[int, np.ndarray]:
    return {pk: mh.from_bytes(b) for pk, b in Signature.objects.filter(opinion_id__in=list(ids)).values_list(
        "opinion_id", "minhash"
    )}


def _search_one(sig: np.ndarray, since: datetime.datetime) -> list[tuple[int, np.ndarray]]:
    """One statement: the window's first id, the band look-up, the best ``CANDIDATES`` by shared bands,
    and their signatures (a web request pays one round trip and no ORM query building)."""
    keys = [int(k) for k in mh.band_keys(sig)[0]]
    band, signature, opinion = Band._meta.db_table, Signature._meta.db_table, Opinion._meta.db_table
    q = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(keys))
    sql = (
        f"SELECT s.{q('opinion_id')}, s.{q('minhash')} FROM {q(signature)} s WHERE s.{q('opinion_id')} IN ("
        f"SELECT b.{q('opinion_id')} FROM {q(band)} b WHERE b.{q('key')} IN ({marks}) AND b.{q('opinion_id')} >= "
        f"(SELECT o.{q('id')} FROM {q(opinion)} o WHERE o.{q('created_at')} >= %s ORDER BY o.{q('created_at')} LIMIT 1)"
        f" GROUP BY b.{q('opinion_id')} ORDER BY COUNT(*) DESC, b.{q('opinion_id')} DESC LIMIT {CANDIDATES})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys, connection.ops.adapt_datetimefield_value(since)])
        return [(pk, mh.from_bytes(blob)) for pk, blob in cursor.fetchall()]


def search_many(
    sigs: dict[int, np.ndarray], *, since: datetime.datetime | None = None, threshold: float | None = None,
    batch: bool = False,
) -> dict[int, list[tuple[int, float]]]:
    """For each query signature, the indexed opinions (not itself) at or above ``threshold``, best first.

    Two queries for any number of queries (in key chunks). No state or scope filter: callers do that."""
    if not sigs:
        return {}
    threshold = min_similarity() if threshold is None else threshold
    since = since or timezone.now() - datetime.timedelta(days=window_days())
    if len(sigs) == 1 and not batch:
        (q, sig), = sigs.items()
        found = [(pk, s) for pk, s in _search_one(sig, since) if pk != q]
        if not found:
            return {q: []}
        scores = mh.jaccard_many(sig, np.stack([s for _, s in found]))
        hits = [(pk, float(x)) for (pk, _), x in zip(found, scores, strict=True) if x >= threshold]
        return {q: sorted(hits, key=lambda t: (-t[1], -t[0]))}
    min_id = first_id_since(since)
    qids = list(sigs)
    qkeys = mh.band_keys(np.stack([sigs[q] for q in qids])).astype(np.int64)
    top = _top_candidates(qids, qkeys, _band_rows(sorted(set(qkeys.ravel().tolist())), min_id))
    stored = _signatures({pk for ids in top.values() for pk in ids})
    result: dict[int, list[tuple[int, float]]] = {}
    for q, ids in top.items():
        ids = [pk for pk in ids if pk in stored]
        if not ids:
            result[q] = []
            continue
        scores = mh.jaccard_many(sigs[q], np.stack([stored[pk] for pk in ids]))
        found = [(pk, float(s)) for pk, s in zip(ids, scores, strict=True) if s >= threshold]
        result[q] = sorted(found, key=lambda t: (-t[1], -t[0]))
    return result


@dataclass
class SimilarItem:
    opinion: Opinion
    similarity: float  # estimated Jaccard of the texts
    same_place: bool
    score: float

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def open_opinions() -> QuerySet[Opinion]:
    return Opinion.objects.filter(is_spam=False, case__state__in=OPEN_STATES, case__merged_into__isnull=True)


def rank(
    matches: list[tuple[int, float]], queryset: QuerySet[Opinion], *, division_id=None, grid_id=None, limit: int = 5
) -> list[SimilarItem]:
    """Re-rank raw matches among ``queryset`` (already scoped / filtered): text similarity first, then
    the same place (division, grid) and recency. One query."""
    if not matches:
        return []
    sim = dict(matches)
    now = timezone.now()
    since = now - datetime.timedelta(days=window_days())
    opinions = queryset.filter(pk__in=list(sim), created_at__gte=since).select_related("case", "division")
    items = []
    for o in opinions:
        same = bool(division_id and o.division_id == division_id) or bool(grid_id and o.grid_id == grid_id)
        age = max(0.0, (now - o.created_at).total_seconds() / 86400)
        score = sim[o.pk] + (0.15 if same else 0) + 0.05 * max(0.0, 1 - age / window_days())
        items.append(SimilarItem(o, sim[o.pk], same, score))
    items.sort(key=lambda i: (-i.score, -i.opinion.pk))
    return items[:limit]


def similar_to_text(text: str, queryset: QuerySet[Opinion] | None = None, **kw) -> list[SimilarItem]:
    sig = mh.signature(text)
    if sig is None:
        return []
    matches = search_many({0: sig})[0]
    return rank(matches, queryset if queryset is not None else open_opinions(), **kw)


def similar_to_opinion(opinion: Opinion, queryset: QuerySet[Opinion] | None = None, **kw) -> list[SimilarItem]:
    sig = mh.signature(opinion_text(opinion))  # deterministic: the stored one, without a query
    if sig is None:
        return []
    matches = [m for m in search_many({opinion.pk: sig})[opinion.pk] if m[0] != opinion.pk]
    qs = (queryset if queryset is not None else open_opinions()).exclude(pk=opinion.pk)
    kw.setdefault("division_id", opinion.division_id)
    kw.setdefault("grid_id", opinion.grid_id)
    return rank(matches, qs, **kw)
