"""Hotspots: clusters of opinions about the same problem in the same place, ranked by heat.

Two opinions are linked when their texts are near-duplicates (estimated Jaccard ≥ ``CLUSTER_MIN``
on character bigrams), they are within ``RENDA_HOTSPOT_DAYS`` of each other, they went to the
same congress and they are not in two different townships (a missing place matches any).
A hotspot is a connected component of those links (union-find).

* ``on_registered(opinions)`` (intake hook): indexes the batch and counts each one's open
  near-duplicates, in a fixed number of queries.
* ``cluster_pending()`` (on the worker's tick): joins each newly indexed opinion to the hotspot of
  what it is linked to (creating one for a new pair, uniting two clusters it bridges), then
  refreshes the touched hotspots.
* ``rebuild()``: the same clustering for every indexed opinion of the window at once, in numpy
  (band collisions → verified pairs → ``scipy.sparse.csgraph.connected_components``). The demo and
  ``renda similar_rebuild`` use it.
* ``refresh_all(now)`` (also on the tick): heat decays with time, so every live hotspot is re-scored.

Heat (documented in docs/similar.md)::

    heat = 10 × (ln(1+size) + 0.5·ln(1+supporters) + ln(1+recent) + 0.25·ln(1+span_days))
              × 0.5 ** (idle_days / 14)

size = opinions in the cluster, supporters = citizens who followed one of them (关注这件事),
recent = opinions of the last 7 days, span = first to last, idle = days since the last one.
A hotspot of at least ``MIN_SIZE`` opinions with ``recent ≥ RENDA_HOTSPOT_RISE`` becomes
*rising*: its congress's staff get a notice and a 重点约访 proposal names the nearest station and
its deputies.
"""

import datetime
import math
from collections import Counter, defaultdict

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from renda.core.audit import audit_record
from renda.core.models import Notification
from renda.core.notifications import DEFAULT_TEMPLATES, notification_rows
from renda.handling.engine import congress_users_by_id
from renda.opinions.models import Opinion
from renda.registry.models import Division, Station, StationDeputy
from renda.similar import index, places
from renda.similar import minhash as mh
from renda.similar.models import (
    Follower,
    Hotspot,
    HotspotMember,
    HotspotStatus,
    ProposalStatus,
    Signature,
    VisitProposal,
)

CLUSTER_MIN = 0.4
MIN_SIZE = 3  # smaller clusters are kept but not listed
RECENT_DAYS = 7
HALF_LIFE_DAYS = 14
TOWNSHIP_DEPTH = 4  # nation 0, province 1, city 2, county 3, township 4

DEFAULT_TEMPLATES.setdefault(
    "notice.hotspot_rising",
    (
        "人大：热点问题上升",
        "{place}“{title}”近{days}天新增{recent}件、累计{size}件，建议由{station}的代表开展重点约访。",
    ),
)


def window_days() -> int:
    return int(getattr(settings, "RENDA_HOTSPOT_DAYS", 30))


def rise_min() -> int:
    return int(getattr(settings, "RENDA_HOTSPOT_RISE", 3))


def heat_score(*, size: int, supporters: int, recent: int, span_days: float, idle_days: float) -> float:
    base = math.log1p(size) + 0.5 * math.log1p(supporters) + math.log1p(recent) + 0.25 * math.log1p(span_days)
    return round(10 * base * 0.5 ** (max(0.0, idle_days) / HALF_LIFE_DAYS), 2)


def _township(path: str) -> str:
    parts = [p for p in (path or "").strip("/").split("/") if p]
    return "/".join(parts[: TOWNSHIP_DEPTH + 1]) if len(parts) > TOWNSHIP_DEPTH else ""


def _place_ok(a: str, b: str) -> bool:
    ta, tb = _township(a), _township(b)
    return not ta or not tb or ta == tb


# ---------------------------------------------------------------- incremental (intake hook, tick)


def on_registered(opinions: list[Opinion]) -> None:
    """Intake hook: index a just-registered batch with its count of open near-duplicates (the 可能重复
    badge), in a fixed number of queries whatever the batch size. Clustering into hotspots runs on the
    worker's tick (``cluster_pending``), outside the registration transaction."""
    from renda.handling.models import OPEN_STATES

    if not opinions:
        return
    texts = [index.opinion_text(o) for o in opinions]
    matrix, ok = mh.signatures(texts)
    rows = [i for i in range(len(opinions)) if ok[i]]
    if not rows:
        return
    place_of = places.places_for([opinions[i] for i in rows], [texts[i] for i in rows])
    ids = [opinions[i].pk for i in rows]
    matrix = matrix[rows]
    sigs = dict(zip(ids, matrix, strict=True))
    matches = index.search_many(sigs, batch=True)  # the index as it was: batch-mates are counted below
    found = {pk for hits in matches.values() for pk, _ in hits}
    open_ids = set()
    if found:
        open_ids = set(
            Opinion.objects.filter(pk__in=found, is_spam=False, case__state__in=OPEN_STATES).values_list(
                "pk", flat=True
            )
        )
    dups = np.array([sum(1 for pk, _ in matches.get(q, []) if pk in open_ids) for q in ids])
    if len(ids) > 1:
        a, b, _ = similar_pairs(matrix, None, index.min_similarity())
        dups += np.bincount(b, minlength=len(ids))  # earlier batch-mates (a < b)
    Signature.objects.filter(opinion_id__in=ids).delete()
    from renda.similar.models import Band

    Band.objects.filter(opinion_id__in=ids).delete()
    index.store(ids, matrix, duplicates=dups.tolist(), places=place_of)


def cluster_pending(now: datetime.datetime | None = None, *, limit: int = 2000) -> int:
    """Grow the hotspots with the opinions indexed since the last run (tick hook; idempotent)."""
    pending = list(Signature.objects.filter(clustered=False).order_by("opinion_id").values_list(
        "opinion_id", "minhash")[:limit])
    if not pending:
        return 0
    sigs = {pk: mh.from_bytes(b) for pk, b in pending}
    matches = index.search_many(sigs, threshold=CLUSTER_MIN, batch=True)
    ids = {pk for found in matches.values() for pk, _ in found} | set(sigs)
    info = {
        row["pk"]: row
        for row in Opinion.objects.filter(pk__in=ids).values(
            "pk", "created_at", "is_spam", "case__state", "case__congress_id", "case__division_path",
            "similar_signature__place_path",
        )
    }
    links = {q: [pk for pk, s in found if pk in sigs and pk < q or pk not in sigs]
             for q, found in matches.items()}
    links = {q: [pk for pk in ls if _linked(info.get(q), info.get(pk))] for q, ls in links.items()}
    with transaction.atomic():
        _grow(links)
        Signature.objects.filter(opinion_id__in=list(sigs)).update(clustered=True)
    return len(sigs)


def _linked(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None or a["is_spam"] or b["is_spam"]:
        return False
    if a["case__congress_id"] != b["case__congress_id"]:
        return False
    if abs((a["created_at"] - b["created_at"]).total_seconds()) > window_days() * 86400:
        return False
    return _place_ok(_place(a), _place(b))


def _place(row: dict) -> str:
    return row.get("similar_signature__place_path") or row["case__division_path"] or ""


def _grow(links: dict[int, list[int]]) -> None:
    involved = {pk for q, ls in links.items() if ls for pk in [q, *ls]}
    if not involved:
        return
    member_of = dict(
        HotspotMember.objects.filter(opinion_id__in=involved).exclude(hotspot__status=HotspotStatus.CLOSED)
        .values_list("opinion_id", "hotspot_id")
    )
    sizes = Counter(member_of.values())
    touched: set[int] = set()
    for q, ls in links.items():
        if not ls:
            continue
        group = [q, *ls]
        existing = {member_of[pk] for pk in group if pk in member_of}
        if existing:
            target = max(existing, key=lambda h: (sizes[h], -h))
        else:
            target = Hotspot.objects.create(title="", first_seen=timezone.now(), last_seen=timezone.now()).pk
        for other in existing - {target}:  # this opinion bridges two clusters: unite them
            if VisitProposal.objects.filter(hotspot_id=other).exists():
                continue
            HotspotMember.objects.filter(hotspot_id=other).update(hotspot_id=target)
            for pk, h in list(member_of.items()):
                if h == other:
                    member_of[pk] = target
            sizes[target] += sizes.pop(other, 0)
            Hotspot.objects.filter(pk=other).delete()
            touched.discard(other)
        new = [pk for pk in group if pk not in member_of]
        HotspotMember.objects.bulk_create([HotspotMember(hotspot_id=target, opinion_id=pk) for pk in new])
        for pk in new:
            member_of[pk] = target
        sizes[target] += len(new)
        touched.add(target)
    refresh(Hotspot.objects.filter(pk__in=touched))


# ---------------------------------------------------------------- batch (demo, command, bench)


def similar_pairs(sigs: np.ndarray, groups: np.ndarray | None = None, threshold: float = CLUSTER_MIN):
    """Row pairs (a < b) of ``sigs`` (n, NUM_PERM) that share an LSH band (within the same ``groups``
    value, if given) and whose estimated Jaccard is at least ``threshold``: (a, b, similarity)."""
    n = len(sigs)
    keys = mh.band_keys(sigs).view(np.uint64)  # (n, BANDS)
    if groups is not None:
        with np.errstate(over="ignore"):
            keys = (keys * np.uint64(0x9E3779B97F4A7C15)) ^ groups.astype(np.uint64)[:, None]
    flat = keys.ravel()
    rows = np.repeat(np.arange(n), mh.BANDS)
    order = np.argsort(flat, kind="stable")
    flat, rows = flat[order], rows[order]
    same = flat[1:] == flat[:-1]
    a, b = rows[:-1][same], rows[1:][same]
    keep = a != b
    a, b = a[keep], b[keep]
    if not a.size:
        return a, b, np.empty(0)
    pair = np.unique(np.stack([np.minimum(a, b), np.maximum(a, b)], axis=1), axis=0)
    a, b = pair[:, 0], pair[:, 1]
    sim = np.empty(a.size)
    for i in range(0, a.size, 200_000):  # bounded memory
        sim[i : i + 200_000] = (sigs[a[i : i + 200_000]] == sigs[b[i : i + 200_000]]).mean(axis=1)
    good = sim >= threshold
    return a[good], b[good], sim[good]


def components(ids: np.ndarray, sigs: np.ndarray, groups: np.ndarray, threshold: float = CLUSTER_MIN) -> np.ndarray:
    """Connected components of near-duplicate links among ``sigs`` (n, NUM_PERM) within the same
    ``groups`` value (place key, int64). Returns a component label per row (numpy + scipy only).

    Same-band neighbours in sorted key order are verified pairwise (a chain per band bucket), so a
    bucket of k rows costs k-1 comparisons, not k²."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(ids)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    a, b, _ = similar_pairs(sigs, groups, threshold)
    graph = coo_matrix((np.ones(a.size, dtype=np.int8), (a, b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels


def _place_key(congress_id: int | None, path: str) -> int:
    return (int(congress_id or 0) << 32) ^ (hash(_township(path)) & 0xFFFFFFFF) if _township(path) else (
        int(congress_id or 0) << 32
    )


def rebuild(*, now: datetime.datetime | None = None, notify: bool = True) -> dict[str, int]:
    """Cluster every indexed opinion of the window from scratch; keeps hotspots that have proposals or
    were closed, replaces the others. Returns counts."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=window_days())
    rows = list(
        Signature.objects.filter(opinion__created_at__gte=since, opinion__is_spam=False)
        .values_list("opinion_id", "minhash", "opinion__case__congress_id", "place_path",
                     "opinion__case__division_path")
    )
    if not rows:
        return {"hotspots": 0, "members": 0}
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    sigs = np.stack([mh.from_bytes(r[1]) for r in rows])
    groups = np.array([_place_key(r[2], r[3] or r[4] or "") for r in rows], dtype=np.int64)
    labels = components(ids, sigs, groups)
    clusters: dict[int, list[int]] = defaultdict(list)
    for pk, label in zip(ids.tolist(), labels.tolist(), strict=True):
        clusters[label].append(pk)
    clusters = {k: v for k, v in clusters.items() if len(v) >= 2}
    with transaction.atomic():
        kept = set(
            Hotspot.objects.filter(proposals__isnull=False).values_list("pk", flat=True).distinct()
        ) | set(Hotspot.objects.filter(status=HotspotStatus.CLOSED).values_list("pk", flat=True))
        kept_members = dict(HotspotMember.objects.filter(hotspot_id__in=kept).values_list("opinion_id", "hotspot_id"))
        Hotspot.objects.exclude(pk__in=kept).delete()
        members = []
        for pks in clusters.values():
            if any(pk in kept_members for pk in pks):
                continue  # already followed up as a kept hotspot
            hotspot = Hotspot(title="", first_seen=now, last_seen=now)
            members.append((hotspot, pks))
        Hotspot.objects.bulk_create([h for h, _ in members], batch_size=1000)
        HotspotMember.objects.bulk_create(
            [HotspotMember(hotspot=h, opinion_id=pk) for h, pks in members for pk in pks], batch_size=5000
        )
        refresh(Hotspot.objects.filter(pk__in=[h.pk for h, _ in members]), now=now, notify=notify)
    return {"hotspots": len(members), "members": sum(len(p) for _, p in members)}


# ---------------------------------------------------------------- scores, status, proposals


def refresh(hotspots, *, now: datetime.datetime | None = None, notify: bool = True) -> int:
    """Recompute size, supporters, period, place, representative and heat of ``hotspots``; a hotspot
    that starts rising gets its 重点约访 proposal and its congress's staff a notice."""
    now = now or timezone.now()
    hotspots = list(hotspots)
    if not hotspots:
        return 0
    by_id = {h.pk: h for h in hotspots}
    rows = list(
        HotspotMember.objects.filter(hotspot_id__in=list(by_id)).values_list(
            "hotspot_id", "opinion_id", "opinion__created_at", "opinion__division__path",
            "opinion__case__congress_id", "opinion__title", "opinion__content",
            "opinion__similar_signature__place_path",
        )
    )
    supporters = dict(
        Follower.objects.filter(opinion__hotspot_member__hotspot_id__in=list(by_id))
        .values("opinion__hotspot_member__hotspot_id").annotate(n=Count("id"))
        .values_list("opinion__hotspot_member__hotspot_id", "n")
    )
    rows = [(*r[:3], r[7] or r[3], *r[4:7]) for r in rows]  # the effective place (text-named or own)
    per: dict[int, list] = defaultdict(list)
    for row in rows:
        per[row[0]].append(row)
    sig_of = index._signatures([r[1] for r in rows]) if rows else {}
    divisions = Division.objects.in_bulk({r[3] for r in rows if r[3]}, field_name="path")
    recent_since = now - datetime.timedelta(days=RECENT_DAYS)
    rising = []
    for pk, h in by_id.items():
        members = per.get(pk, [])
        if not members:
            continue
        times = [m[2] for m in members]
        h.size = len(members)
        h.first_seen, h.last_seen = min(times), max(times)
        h.recent = sum(1 for t in times if t >= recent_since)
        h.supporters = supporters.get(pk, 0)
        h.congress_id = Counter(m[4] for m in members).most_common(1)[0][0]
        place = Counter(m[3] for m in members if m[3]).most_common(1)
        h.division = divisions.get(place[0][0]) if place else None
        h.division_path = h.division.path if h.division else ""
        rep = _representative([m[1] for m in members], sig_of)
        rep_row = next(m for m in members if m[1] == rep)
        h.representative_id = rep
        h.title = (rep_row[5] or rep_row[6])[:40]
        h.heat = heat_score(
            size=h.size, supporters=h.supporters, recent=h.recent,
            span_days=(h.last_seen - h.first_seen).total_seconds() / 86400,
            idle_days=(now - h.last_seen).total_seconds() / 86400,
        )
        h.updated_at = now
        if h.status == HotspotStatus.NEW and h.size >= MIN_SIZE and h.recent >= rise_min():
            h.status = HotspotStatus.RISING
            rising.append(h)
    Hotspot.objects.bulk_update(
        list(by_id.values()),
        ["size", "first_seen", "last_seen", "recent", "supporters", "congress", "division", "division_path",
         "representative", "title", "heat", "updated_at", "status"],
        batch_size=500,
    )
    if rising:
        _propose(rising, now=now, notify=notify)
    return len(by_id)


def _representative(ids: list[int], sig_of: dict) -> int:
    """The member most similar to all others (medoid on the signatures); the first for big clusters."""
    have = [pk for pk in ids if pk in sig_of][:300]
    if len(have) < 3:
        return min(ids)
    sigs = np.stack([sig_of[pk] for pk in have])
    agree = (sigs[:, None, :] == sigs[None, :, :]).sum(axis=(1, 2))
    return have[int(np.argmax(agree))]


HOTSPOT_TICK_LOCK = 7_305_114  # PostgreSQL advisory lock key of the hotspot tick


def tick(now: datetime.datetime | None = None) -> dict[str, int]:
    """Tick hook: cluster what was indexed since the last tick, then re-score the live hotspots.
    Adds nothing to the tick's counts (they are logged instead)."""
    import logging

    from django.db import connection, transaction

    with transaction.atomic():
        # Two workers ticking at once would cluster the same opinions twice: one clusters, the other skips.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [HOTSPOT_TICK_LOCK])
                if not cursor.fetchone()[0]:
                    return {}
        clustered = 0
        while done := cluster_pending(now):
            clustered += done
        refreshed = refresh_all(now)
    if clustered or refreshed:
        logging.getLogger("renda.similar").info("clustered %s, re-scored %s hotspots", clustered, refreshed)
    return {}


def refresh_all(now: datetime.datetime | None = None) -> int:
    """Re-score every live hotspot (heat decays; 'recent' slides); returns how many."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=window_days() * 2)
    live = Hotspot.objects.exclude(status=HotspotStatus.CLOSED).filter(last_seen__gte=since)
    done = 0
    ids = list(live.values_list("pk", flat=True))
    for i in range(0, len(ids), 500):
        done += refresh(Hotspot.objects.filter(pk__in=ids[i : i + 500]), now=now)
    return done


def nearest_station(hotspot: Hotspot) -> Station | None:
    """A station in the hotspot's place (its subtree first, then up its ancestors), else the one nearest
    to the place's coordinates in the congress's territory."""
    stations = Station.objects.filter(is_active=True).select_related("division")
    div = hotspot.division
    if div is not None:
        inside = stations.filter(division__path__startswith=div.path).order_by("division__depth", "code").first()
        if inside:
            return inside
        codes = [c for c in div.path.strip("/").split("/") if c]
        for depth in range(len(codes) - 1, 1, -1):
            up = stations.filter(division__code=codes[depth]).order_by("code").first()
            if up:
                return up
    territory = hotspot.congress.division.path if hotspot.congress_id else (div.path if div else "")
    if not territory:
        return None
    candidates = list(stations.filter(division__path__startswith=territory)[:2000])
    if not candidates:
        return None
    lat = div.latitude if div else None
    lon = div.longitude if div else None
    if lat is None or lon is None:
        return candidates[0]
    placed = [s for s in candidates if s.latitude is not None and s.longitude is not None]
    if not placed:
        return candidates[0]
    return min(placed, key=lambda s: (s.latitude - lat) ** 2 + ((s.longitude - lon) * math.cos(math.radians(lat))) ** 2)


def _propose(hotspots: list[Hotspot], *, now: datetime.datetime, notify: bool) -> None:
    from django.urls import reverse

    staff = congress_users_by_id(h.congress_id for h in hotspots) if notify else {}
    notices = []
    for h in hotspots:
        if VisitProposal.objects.filter(hotspot=h).exists():
            continue
        station = nearest_station(h)
        proposal = VisitProposal.objects.create(
            hotspot=h, station=station, created_at=now,
            reason=f"近{RECENT_DAYS}天新增{h.recent}件，累计{h.size}件",
        )
        if station:
            deputies = list(
                StationDeputy.objects.filter(station=station, left_on=None).values_list("deputy_id", flat=True)[:20]
            )
            proposal.deputies.set(deputies)
        Hotspot.objects.filter(pk=h.pk).update(status=HotspotStatus.VISIT_PROPOSED)
        h.status = HotspotStatus.VISIT_PROPOSED
        audit_record(actor=None, action="similar.hotspot.rising", target=h, after={"size": h.size, "recent": h.recent})
        if notify:
            ctx = {
                "place": h.division.name if h.division else "", "title": h.title, "days": RECENT_DAYS,
                "recent": h.recent, "size": h.size, "station": station.name if station else "就近家站点",
            }
            notices += notification_rows(
                staff.get(h.congress_id, []), "notice.hotspot_rising", ctx,
                url=reverse("console:similar_hotspot_detail", args=[h.pk]),
            )
    if notices:
        Notification.objects.bulk_create(notices)


__all__ = ["ProposalStatus", "on_registered", "cluster_pending", "tick", "rebuild", "refresh", "refresh_all",
           "components", "heat_score"]
