"""Registering stored opinions: each gets its case, acceptance timer, events, notices and the citizen's text.

``opinion_submit`` only writes the opinion row, so a citizen is acknowledged as
soon as the opinion is safely stored. The worker then registers what is waiting,
in batches (``opinions_register``): a batch of hundreds costs about a dozen
queries, so the loop keeps up with bursts far beyond one request at a time.
With ``RENDA_INTAKE_INLINE`` (tests, staff entry) the same code runs inside the
submission's own transaction instead.

Each batch locks its rows (``SKIP LOCKED`` on PostgreSQL; SQLite serialises
writers), so two workers never register the same opinion twice.
"""

import logging
from collections.abc import Callable, Iterable

from django.db import connection, transaction

from renda.core.notifications import sms_queue_many
from renda.handling import services as handling
from renda.handling.models import CaseKind, Urgency
from renda.opinions.models import Opinion
from renda.registry.models import Congress, Division, Mandate, Station

logger = logging.getLogger("renda.intake")

BATCH = 500  # opinions per registration transaction (PostgreSQL)
SQLITE_BATCH = 100  # SQLite has one writer: a batch holds the write lock for its whole transaction


def batch_size() -> int:
    """Smaller batches on SQLite let citizen submissions in between two of them."""
    return SQLITE_BATCH if connection.vendor == "sqlite" else BATCH

RegisteredHook = Callable[[list[Opinion]], None]
_AFTER_REGISTER: list[RegisteredHook] = []


def after_register(func: RegisteredHook) -> RegisteredHook:
    """Run ``func(opinions)`` for every batch just registered (analysis apps: hints, duplicates, hotspots).

    Each hook runs in its own savepoint and its failure is only logged: analysis never loses or
    delays an opinion. Hooks see the opinions with ``case`` set.
    """
    if func not in _AFTER_REGISTER:
        _AFTER_REGISTER.append(func)
    return func


def _run_hooks(opinions: list[Opinion]) -> None:
    for hook in _AFTER_REGISTER:
        try:
            with transaction.atomic():
                hook(opinions)
        except Exception:
            logger.exception("after-register hook %s failed", getattr(hook, "__name__", hook))


def pending_count() -> int:
    return Opinion.objects.filter(case__isnull=True).count()


def opinions_register(*, limit: int | None = None, ids: Iterable[int] | None = None) -> int:
    """Register up to ``limit`` waiting opinions (or exactly ``ids``); returns how many were registered."""
    with transaction.atomic():
        qs = Opinion.objects.filter(case__isnull=True).order_by("id")
        if ids is not None:
            ids = list(ids)
            qs = qs.filter(pk__in=ids)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        if limit is None:
            limit = len(set(ids)) if ids is not None else batch_size()
        opinions = list(qs.select_related("category")[:limit])
        if not opinions:
            return 0
        _register(opinions)
        _run_hooks(opinions)
    return len(opinions)


def opinions_register_all(*, limit: int | None = None) -> int:
    """Register everything waiting, batch by batch (the worker's loop and ``renda tick`` call this)."""
    total = 0
    while done := opinions_register(limit=limit):
        total += done
    if total:
        logger.info("registered %s opinions", total)
    return total


def _register(opinions: list[Opinion]) -> None:
    station_division = dict(
        Station.objects.filter(pk__in={o.station_id for o in opinions if o.station_id}).values_list("pk", "division_id")
    )
    divisions = Division.objects.in_bulk(
        {o.division_id for o in opinions if o.division_id} | set(station_division.values())
    )
    congresses = _congresses_by_code(divisions.values())
    deputy_congress = _deputy_congresses({o.deputy_id for o in opinions if o.deputy_id})
    specs = []
    for opinion in opinions:
        place = divisions.get(station_division.get(opinion.station_id) or opinion.division_id)
        specs.append(
            handling.NewCase(
                kind=CaseKind.OPINION,
                title=(opinion.title or opinion.content[:30]),
                division=divisions.get(opinion.division_id),
                congress=_nearest(place, congresses) or deputy_congress.get(opinion.deputy_id),
                deputy_id=opinion.deputy_id,
                station_id=opinion.station_id,
                urgency=opinion.urgency or Urgency.NORMAL,
                category_key=opinion.category.path if opinion.category else "",
                actor=opinion.entered_by,
                actor_label="" if opinion.entered_by_id else "群众",
                at=opinion.created_at,
            )
        )
    cases = handling.cases_open(specs, notify=False)
    for opinion, case in zip(opinions, cases, strict=True):
        opinion.case = case  # also caches case.opinion, which the console link needs
    _link_cases(opinions)
    handling.cases_announce(cases)
    from renda.opinions.services import track_url

    sms_queue_many(
        (o.phone, "sms.received", {"code": o.tracking_code, "url": track_url(o)})
        for o in opinions
        if o.phone and o.phone_verified
    )


def _link_cases(opinions: list[Opinion]) -> None:
    """Set each opinion's case_id: one prepared UPDATE run for many rows (``bulk_update``'s CASE
    expression cost more to build than all of the batch's INSERTs together)."""
    quote = connection.ops.quote_name
    sql = f"UPDATE {quote(Opinion._meta.db_table)} SET {quote('case_id')} = %s WHERE {quote('id')} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(o.case_id, o.pk) for o in opinions])


def _congresses_by_code(divisions: Iterable[Division]) -> dict[str, Congress]:
    codes = {c for d in divisions for c in d.path.strip("/").split("/") if c}
    if not codes:
        return {}
    active = Congress.objects.filter(division__code__in=codes, is_active=True).select_related("division")
    return {c.division.code: c for c in active}


def _nearest(place: Division | None, congresses: dict[str, Congress]) -> Congress | None:
    """The congress of the nearest division on the place's path (a town's opinion goes to its county)."""
    if place is None:
        return None
    for code in reversed([c for c in place.path.strip("/").split("/") if c]):
        if code in congresses:
            return congresses[code]
    return None


def _deputy_congresses(deputy_ids: set[int]) -> dict[int, Congress]:
    """For a deputy with no station or place: the lowest-level congress they sit in."""
    if not deputy_ids:
        return {}
    mandates = (
        Mandate.objects.filter(deputy_id__in=deputy_ids, status="active")
        .select_related("congress__division")
        .order_by("deputy_id", "-congress__division__depth")
    )
    found: dict[int, Congress] = {}
    for mandate in mandates:
        found.setdefault(mandate.deputy_id, mandate.congress)
    return found
