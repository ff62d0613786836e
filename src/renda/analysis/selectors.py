"""Reads of 研判, always scoped through ``core.access.restrict``."""

import datetime
from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from renda.analysis.models import MonthlyReport, OpinionTerms, ReplyCheck
from renda.core.access import restrict
from renda.handling.models import Case, CaseKind
from renda.registry.models import Division
from renda.registry.selectors import subtree_q

UNITS = (("month", "按月"), ("week", "按周"))
CHART_CATEGORIES = 6


def reply_checks(user: Any) -> QuerySet[ReplyCheck]:
    return restrict(ReplyCheck.objects.all(), user).select_related("case", "case__opinion", "agency", "reply")


def check_summary(qs: QuerySet[ReplyCheck]) -> dict[str, int]:
    return qs.aggregate(
        total=Count("pk"),
        flagged=Count("pk", filter=Q(flagged=True)),
        missed_points=Count("pk", filter=Q(missed_points=True)),
        template=Count("pk", filter=Q(template=True)),
        late=Count("pk", filter=Q(late=True)),
        short=Count("pk", filter=Q(short=True)),
    )


def checks_for_cases(user: Any, case_ids: list[int]) -> dict[int, list[ReplyCheck]]:
    by_case: dict[int, list[ReplyCheck]] = defaultdict(list)
    for check in restrict(ReplyCheck.objects.filter(case_id__in=case_ids), user).select_related("agency", "reply"):
        by_case[check.case_id].append(check)
    return by_case


def monthly_reports(user: Any) -> QuerySet[MonthlyReport]:
    return restrict(MonthlyReport.objects.all(), user).select_related("congress")


def _period_start(day: datetime.date, unit: str) -> datetime.date:
    if unit == "week":
        return day - datetime.timedelta(days=day.weekday())
    return day.replace(day=1)


def _step_back(start: datetime.date, unit: str) -> datetime.date:
    if unit == "week":
        return start - datetime.timedelta(days=7)
    return (start - datetime.timedelta(days=1)).replace(day=1)


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _label(day: datetime.date, unit: str) -> str:
    return f"{day:%m-%d}周" if unit == "week" else f"{day.year}年{day.month}月"


def trends(
    user: Any,
    *,
    division: Division | None = None,
    unit: str = "month",
    periods: int = 12,
    until: datetime.date | None = None,
) -> dict:
    """Category counts per period (for the chart, from the cases) and the last period's keywords
    (from ``OpinionTerms``) and categories against the one before (count, change). A fixed handful
    of queries whatever the volume."""
    until = until or timezone.localdate()
    starts = [_period_start(until, unit)]
    for _ in range(periods - 1):
        starts.insert(0, _step_back(starts[0], unit))
    nxt = starts[-1] + (datetime.timedelta(days=7) if unit == "week" else datetime.timedelta(days=32))
    end = nxt if unit == "week" else nxt.replace(day=1)
    qs = restrict(OpinionTerms.objects.all(), user).filter(
        created_at__gte=_aware(starts[0]), created_at__lt=_aware(end)
    )
    if division is not None:
        qs = qs.filter(subtree_q(division.path, prefix="case__division_"))
    # Category counts from the cases themselves (every opinion, whether its keywords are cut yet or not).
    cases = restrict(Case.objects.filter(kind=CaseKind.OPINION, opinion__is_spam=False), user).filter(
        created_at__gte=_aware(starts[0]), created_at__lt=_aware(end)
    )
    if division is not None:
        cases = cases.filter(subtree_q(division.path, prefix="division_"))
    trunc = TruncWeek("created_at") if unit == "week" else TruncMonth("created_at")
    counts: dict[str, Counter] = defaultdict(Counter)
    totals: Counter = Counter()
    for period, path, n in cases.annotate(p=trunc).values_list("p", "category_key").annotate(n=Count("pk")):
        day = timezone.localtime(period).date() if isinstance(period, datetime.datetime) else period
        key = _period_start(day, unit).isoformat()
        counts[(path or "").split("/")[0] or "未分类"][key] += n
        totals[key] += n
    keys = [s.isoformat() for s in starts]
    overall = Counter({name: sum(c.values()) for name, c in counts.items()})
    shown = [name for name, _ in overall.most_common(CHART_CATEGORIES)]
    last, before = keys[-1], keys[-2] if len(keys) > 1 else None

    def change(now: int, prev: int) -> float | None:
        return None if not prev else (now - prev) / prev

    categories = sorted(
        (
            {"name": name, "count": c[last], "previous": c[before] if before else 0,
             "change": change(c[last], c[before] if before else 0), "delta": c[last] - (c[before] if before else 0)}
            for name, c in counts.items()
        ),
        key=lambda r: (-r["count"], r["name"]),
    )  # fmt: skip
    now_kw: Counter = Counter()
    prev_kw: Counter = Counter()
    recent = qs.filter(created_at__gte=_aware(starts[-2] if len(starts) > 1 else starts[-1]))
    last_start = _aware(starts[-1])
    for created, words in recent.values_list("created_at", "terms").iterator(chunk_size=2000):
        (now_kw if created >= last_start else prev_kw).update(set(words or ()))
    keywords = [
        {"word": w, "count": n, "previous": prev_kw.get(w, 0), "change": change(n, prev_kw.get(w, 0))}
        for w, n in now_kw.most_common(20)
    ]
    return {
        "labels": [_label(s, unit) for s in starts],
        "chart": {
            "labels": [_label(s, unit) for s in starts],
            "series": [{"name": name, "data": [counts[name][k] for k in keys]} for name in shown],
            "total": [totals[k] for k in keys],
        },
        "categories": categories[:15],
        "rising": sorted((r for r in categories if r["delta"] > 0), key=lambda r: -r["delta"])[:10],
        "keywords": keywords,
        "period": _label(starts[-1], unit),
        "previous_period": _label(starts[-2], unit) if len(starts) > 1 else "",
        "total": sum(totals.values()),
    }
