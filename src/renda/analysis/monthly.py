"""The monthly analysis (每月一题 in spirit): what people raised most, what is rising, where, who is slow,
who was left unsatisfied. ``build`` returns plain JSON (stored in ``MonthlyReport.data``); the page,
the PDF and the .xlsx all read that JSON, so a report reads the same however it is downloaded.
"""

import datetime
import logging
from collections import Counter, defaultdict
from functools import lru_cache

from django.db.models import Count, Q
from django.utils import timezone

from renda.analysis.models import OpinionTerms, ReplyCheck
from renda.core.workdays import working_days_between
from renda.handling.models import Assignment, Case, CaseState, Evaluation, Satisfaction
from renda.registry.models import Congress, Station
from renda.registry.selectors import subtree_q

logger = logging.getLogger("renda.analysis")

TOP = 10
MIN_AGENCY_ITEMS = 3  # an agency with fewer replies in the month is not ranked among the slowest
RISING_MIN = 3  # a category needs at least this many items this month to count as rising


@lru_cache(maxsize=4096)
def _working_days(start: datetime.date, end: datetime.date) -> int:
    tz = timezone.get_current_timezone()
    at = datetime.time(12)
    return working_days_between(
        datetime.datetime.combine(start, at, tzinfo=tz), datetime.datetime.combine(end, at, tzinfo=tz)
    )


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    first = month.replace(day=1)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(nxt, datetime.time.min, tzinfo=tz),
    )


def congress_q(congress: Congress, prefix: str = "") -> Q:
    return subtree_q(congress.division.path, prefix=f"{prefix}division_") | Q(**{f"{prefix}congress_id": congress.pk})


def station_q(station: Station, prefix: str = "") -> Q:
    return Q(**{f"{prefix}station_id": station.pk})


def _top(path: str) -> str:
    return path.split("/")[0] if path else "未分类"


def _categories(cases, start, end) -> Counter:
    rows = cases.filter(created_at__gte=start, created_at__lt=end).values_list("category_key").annotate(n=Count("pk"))
    counts: Counter = Counter()
    for key, n in rows:
        counts[_top(key)] += n
    return counts


def _keywords(q_case: Q, start, end) -> Counter:
    counts: Counter = Counter()
    rows = OpinionTerms.objects.filter(created_at__gte=start, created_at__lt=end).filter(
        case__in=Case.objects.filter(q_case).values("pk")
    )
    for terms in rows.values_list("terms", flat=True).iterator(chunk_size=2000):
        counts.update(set(terms or ()))
    return counts


def _change(now: int, before: int) -> float | None:
    return None if not before else round((now - before) / before, 3)


def _hotspots(congress: Congress | None, start, end) -> tuple[list[dict], bool]:
    """From the 重复与热点 app when it is installed (its selector is optional)."""
    try:
        from renda.similar.selectors import top_hotspots  # type: ignore[attr-defined]
    except Exception:
        return [], False
    try:
        found = top_hotspots(None, congress, start, end, TOP)
    except Exception:
        logger.exception("top_hotspots failed")
        return [], False
    rows = []
    for h in found or ():
        if isinstance(h, dict):
            title, count = h.get("title") or h.get("label") or "", h.get("count") or h.get("size")
        else:
            title = getattr(h, "title", None) or getattr(h, "label", None) or str(h)
            count = getattr(h, "count", None) or getattr(h, "size", None) or getattr(h, "opinions_count", None)
        rows.append({"title": str(title)[:200], "count": int(count) if isinstance(count, int) else None})
    return rows, True


def _agencies(q_case: Q, start, end) -> list[dict]:
    """Slowest agencies: average working days from 交办 to 答复 of replies given this month, overdue share."""
    replied = Assignment.objects.filter(
        Q(case__in=Case.objects.filter(q_case).values("pk")),
        replied_at__gte=start,
        replied_at__lt=end,
    ).values_list("agency_id", "agency__name", "assigned_at", "replied_at", "reply_due_at")
    per: dict[int, dict] = defaultdict(lambda: {"name": "", "n": 0, "days": 0, "late": 0})
    for agency_id, name, assigned, replied_at, due in replied.iterator(chunk_size=2000):
        row = per[agency_id]
        row["name"] = name
        row["n"] += 1
        row["days"] += _working_days(timezone.localdate(assigned), timezone.localdate(replied_at))
        row["late"] += replied_at > due
    rows = [
        {
            "agency": r["name"],
            "replies": r["n"],
            "avg_days": round(r["days"] / r["n"], 1),
            "overdue": r["late"],
            "overdue_share": round(r["late"] / r["n"], 3),
        }
        for r in per.values()
        if r["n"] >= MIN_AGENCY_ITEMS
    ]
    rows.sort(key=lambda r: (-r["avg_days"], -r["overdue_share"], r["agency"]))
    return rows[:TOP]


def _unsatisfied(q_case: Q, start, end) -> tuple[int, int, list[dict]]:
    evals = Evaluation.objects.filter(
        case__in=Case.objects.filter(q_case).values("pk"), is_primary=True, at__gte=start, at__lt=end
    ).exclude(satisfaction=Satisfaction.NONE)
    total = evals.count()
    bad = evals.filter(satisfaction=Satisfaction.UNSATISFIED).select_related("case").order_by("-at")
    bad = bad.prefetch_related("case__assignments__agency")
    items = []
    for e in bad[:30]:
        agencies = "、".join(
            sorted({a.agency.name for a in e.case.assignments.all() if a.round == e.round and a.role != "co"})
        )
        items.append(
            {
                "case": e.case_id,
                "title": e.case.title,
                "agencies": agencies,
                "comment": e.comment[:200],
                "at": timezone.localtime(e.at).strftime("%Y-%m-%d"),
                "resolved": e.resolved,
            }
        )
    return total, bad.count(), items


def _quality(q_case: Q, start, end) -> dict:
    checks = ReplyCheck.objects.filter(
        case__in=Case.objects.filter(q_case).values("pk"), replied_at__gte=start, replied_at__lt=end
    )
    agg = checks.aggregate(
        total=Count("pk"),
        flagged=Count("pk", filter=Q(flagged=True)),
        missed_points=Count("pk", filter=Q(missed_points=True)),
        template=Count("pk", filter=Q(template=True)),
        late=Count("pk", filter=Q(late=True)),
        short=Count("pk", filter=Q(short=True)),
    )
    return agg


def build(*, month: datetime.date, congress: Congress | None = None, station: Station | None = None) -> dict:
    """The analysis of one month for a congress's territory (or one station's items)."""
    if congress is not None:
        q_case, scope = congress_q(congress), congress.name
    elif station is not None:
        q_case, scope = station_q(station), station.name
    else:
        raise ValueError("congress or station")
    month = month.replace(day=1)
    start, end = month_bounds(month)
    prev_start, _ = month_bounds((month - datetime.timedelta(days=1)).replace(day=1))
    cases = Case.objects.filter(q_case)

    received = cases.filter(created_at__gte=start, created_at__lt=end)
    totals = {
        "received": received.count(),
        "previous": cases.filter(created_at__gte=prev_start, created_at__lt=start).count(),
        "closed": cases.filter(closed_at__gte=start, closed_at__lt=end).count(),
        "open_overdue": cases.filter(
            created_at__lt=end, stage_due_at__lt=min(end, timezone.now())
        ).exclude(state__in=(CaseState.CLOSED, CaseState.REJECTED, CaseState.MERGED)).count(),
    }  # fmt: skip

    now_cat = _categories(cases, start, end)
    prev_cat = _categories(cases, prev_start, start)
    categories = [
        {"name": name, "count": n, "previous": prev_cat.get(name, 0), "change": _change(n, prev_cat.get(name, 0))}
        for name, n in now_cat.most_common(TOP)
    ]
    rising = [
        {"name": name, "count": n, "previous": prev_cat.get(name, 0), "delta": n - prev_cat.get(name, 0),
         "change": _change(n, prev_cat.get(name, 0))}
        for name, n in now_cat.items()
        if n >= RISING_MIN and n - prev_cat.get(name, 0) > 0 and n >= 1.3 * prev_cat.get(name, 0)
    ]  # fmt: skip
    rising.sort(key=lambda r: (-r["delta"], r["name"]))

    now_kw = _keywords(q_case, start, end)
    prev_kw = _keywords(q_case, prev_start, start)
    keywords = [
        {"word": w, "count": n, "previous": prev_kw.get(w, 0), "change": _change(n, prev_kw.get(w, 0))}
        for w, n in now_kw.most_common(20)
    ]

    hotspots, hotspots_available = _hotspots(congress, start, end)
    evaluated, unsatisfied, unsatisfied_items = _unsatisfied(q_case, start, end)
    return {
        "scope": scope,
        "month": month.isoformat(),
        "title": f"{scope}{month.year}年{month.month}月民意分析",
        "built_at": timezone.now().isoformat(),
        "totals": totals,
        "categories": categories,
        "rising": rising[:TOP],
        "keywords": keywords,
        "hotspots": hotspots,
        "hotspots_available": hotspots_available,
        "agencies": _agencies(q_case, start, end),
        "evaluated": evaluated,
        "unsatisfied": unsatisfied,
        "unsatisfied_items": unsatisfied_items,
        "quality": _quality(q_case, start, end),
    }
