"""办理成效: five rates computed from the rows the handling services wrote (never typed in).

For a unit (deputy, station, agency, division subtree, congress) and a period
``[start, end)``:

* 响应率 = lead and co assignments signed by their sign deadline / assignments made
  (``assigned_at`` in the period). Assignments *withdrawn* (by 改派, or released
  when the lead returned the case) are left out of the denominator: the agency
  was relieved of them. A *returned* assignment counts: the agency was asked.
* 办结率 = cases closed / cases accepted (``accepted_at`` in the period).
* 按时办结率 = lead assignments replied by their (possibly extended) reply deadline /
  lead replies due, i.e. deadline in the period and already passed, or replied in
  the period; withdrawn and returned assignments are left out.
* 满意率 = (满意 + 基本满意) / evaluations with a verdict (``at`` in the period;
  "未评价" closings are not evaluations).
* 解决率 = evaluations saying "resolved" / the same evaluations.

For an agency, cases and evaluations are those whose lead assignment (in the
evaluated round) was that agency's and was not withdrawn or returned.

Every unit kind is computed with one GROUP BY query per table (assignments,
cases, evaluations), whatever the number of units; a division's figures are
rolled up from per-path groups in Python.
"""

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Model, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from renda.handling.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseState,
    Evaluation,
    Satisfaction,
)
from renda.registry.models import Agency, Congress, Deputy, Division, Station
from renda.registry.selectors import subtree_q

Z95 = 1.959963984540054

KINDS: dict[str, type[Model]] = {
    "deputy": Deputy,
    "station": Station,
    "agency": Agency,
    "division": Division,
    "congress": Congress,
}
KIND_LABELS = {"deputy": "代表", "station": "家站点", "agency": "承办单位", "division": "区划", "congress": "人大"}
FIGURES: tuple[tuple[str, str], ...] = (
    ("response", "响应率"),
    ("closure", "办结率"),
    ("on_time", "按时办结率"),
    ("satisfaction", "满意率"),
    ("resolution", "解决率"),
)
FIGURE_LABELS = dict(FIGURES)
ENDED = (AssignmentStatus.WITHDRAWN, AssignmentStatus.RETURNED)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion (None when n is 0)."""
    if n <= 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Figure:
    key: str
    numerator: int = 0
    denominator: int = 0

    @property
    def label(self) -> str:
        return FIGURE_LABELS[self.key]

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.numerator, self.denominator)

    @property
    def low(self) -> float | None:
        return self.interval[0] if self.denominator else None

    @property
    def high(self) -> float | None:
        return self.interval[1] if self.denominator else None


@dataclass
class UnitFigures:
    counts: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k, _ in FIGURES})

    def add(self, key: str, numerator: int, denominator: int) -> None:
        self.counts[key][0] += numerator or 0
        self.counts[key][1] += denominator or 0

    def __getitem__(self, key: str) -> Figure:
        num, den = self.counts[key]
        return Figure(key, num, den)

    def __getattr__(self, key: str) -> Figure:
        if key in FIGURE_LABELS:
            return self[key]
        raise AttributeError(key)

    def all(self) -> list[Figure]:
        return [self[k] for k, _ in FIGURES]

    @property
    def evaluated(self) -> int:
        return self.counts["satisfaction"][1]


@dataclass(frozen=True)
class Period:
    start: datetime.datetime
    end: datetime.datetime
    label: str = ""

    def q(self, field_name: str) -> Q:
        return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lt": self.end})


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def period_between(start: datetime.date, end: datetime.date, label: str = "") -> Period:
    """Days ``start`` .. ``end - 1`` in local time."""
    return Period(_local_midnight(start), _local_midnight(end), label or f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}")


def year_period(year: int) -> Period:
    return period_between(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1), f"{year}年")


def month_period(year: int, month: int) -> Period:
    end = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return period_between(datetime.date(year, month, 1), end, f"{year}年{month}月")


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    end = datetime.date(year + (quarter == 4), (first + 2) % 12 + 1, 1)
    return period_between(datetime.date(year, first, 1), end, f"{year}年第{quarter}季度")


def last_year_period(now: datetime.datetime | None = None) -> Period:
    """The twelve months up to today (the public pages' window)."""
    today = timezone.localdate(now or timezone.now())
    return period_between(today - datetime.timedelta(days=365), today + datetime.timedelta(days=1), "近一年")


# --- Grouping --------------------------------------------------------------------------------


def _case_key(kind: str, prefix: str) -> str:
    return f"{prefix}division_path" if kind == "division" else f"{prefix}{kind}_id"


def _unit_filter(kind: str, units: Sequence[Model], prefix: str) -> Q:
    """Rows whose case belongs to one of ``units`` (``prefix`` leads from the row to its case)."""
    if kind == "division":
        paths = sorted({u.path for u in units})
        roots = [p for i, p in enumerate(paths) if not any(p.startswith(q) for q in paths[:i])]
        return reduce(or_, (subtree_q(p, prefix=f"{prefix}division_") for p in roots), Q(pk__in=[]))
    return Q(**{f"{prefix}{kind}_id__in": [u.pk for u in units]})


def _assignment_rows(kind: str, units: Sequence[Model], period: Period, now) -> Iterable[dict[str, Any]]:
    key = "agency_id" if kind == "agency" else _case_key(kind, "case__")
    unit_q = Q(agency_id__in=[u.pk for u in units]) if kind == "agency" else _unit_filter(kind, units, "case__")
    made = period.q("assigned_at") & ~Q(status=AssignmentStatus.WITHDRAWN)
    due = (
        Q(role=AssignmentRole.LEAD)
        & ~Q(status__in=ENDED)
        & ((period.q("reply_due_at") & Q(reply_due_at__lt=now)) | period.q("replied_at"))
    )
    return (
        Assignment.objects.filter(unit_q)
        .filter(made | due)
        .values(key)
        .annotate(
            made=Count("pk", filter=made),
            signed=Count("pk", filter=made & Q(signed_at__isnull=False, signed_at__lte=F("sign_due_at"))),
            due=Count("pk", filter=due),
            on_time=Count("pk", filter=due & Q(replied_at__isnull=False, replied_at__lte=F("reply_due_at"))),
        )
        .order_by()
        .values_list(key, "made", "signed", "due", "on_time")
    )


def _lead_agency() -> Subquery:
    """The agency whose lead assignment answered the evaluated round (None for a deputy's direct answer)."""
    leads = Assignment.objects.filter(
        case=OuterRef("case_id"), round=OuterRef("round"), role=AssignmentRole.LEAD
    ).exclude(status__in=ENDED)
    return Subquery(leads.order_by("-id").values("agency_id")[:1])


def _case_rows(kind: str, units: Sequence[Model], period: Period) -> Iterable[tuple]:
    closed = Q(state=CaseState.CLOSED)
    if kind == "agency":
        qs = Assignment.objects.filter(
            agency_id__in=[u.pk for u in units], role=AssignmentRole.LEAD, case__accepted_at__gte=period.start,
            case__accepted_at__lt=period.end,
        ).exclude(status__in=ENDED)  # fmt: skip
        return (
            qs.values("agency_id")
            .annotate(
                accepted=Count("case_id", distinct=True),
                closed=Count("case_id", distinct=True, filter=Q(case__state=CaseState.CLOSED)),
            )
            .order_by()
            .values_list("agency_id", "accepted", "closed")
        )
    key = _case_key(kind, "")
    return (
        Case.objects.filter(_unit_filter(kind, units, ""), period.q("accepted_at"))
        .values(key)
        .annotate(accepted=Count("pk"), closed=Count("pk", filter=closed))
        .order_by()
        .values_list(key, "accepted", "closed")
    )


def _evaluation_rows(kind: str, units: Sequence[Model], period: Period) -> Iterable[tuple]:
    # Co-signing deputies' verdicts (is_primary=False) are recorded but never counted.
    qs = Evaluation.objects.filter(period.q("at"), is_primary=True).exclude(satisfaction=Satisfaction.NONE)
    if kind == "agency":
        key = "lead_agency"
        qs = qs.annotate(lead_agency=_lead_agency()).filter(lead_agency__in=[u.pk for u in units])
    else:
        key = _case_key(kind, "case__")
        qs = qs.filter(_unit_filter(kind, units, "case__"))
    satisfied = Q(satisfaction__in=(Satisfaction.SATISFIED, Satisfaction.BASIC))
    return (
        qs.values(key)
        .annotate(n=Count("pk"), satisfied=Count("pk", filter=satisfied), resolved=Count("pk", filter=Q(resolved=True)))
        .order_by()
        .values_list(key, "n", "satisfied", "resolved")
    )


def _targets(kind: str, units: Sequence[Model], key: Any) -> list[int]:
    """The units a grouped row counts for: by id, or every division whose subtree holds the path."""
    if key is None:
        return []
    if kind == "division":
        return [u.pk for u in units if key.startswith(u.path)]
    return [key]


def compute(kind: str, units: Sequence[Model], period: Period, *, now: datetime.datetime | None = None) -> dict:
    """``{unit pk: UnitFigures}`` for every unit in ``units`` (three queries, whatever the count)."""
    if kind not in KINDS:
        raise ValueError(f"unknown unit kind {kind!r}")
    now = now or timezone.now()
    result: dict[int, UnitFigures] = {u.pk: UnitFigures() for u in units}
    if not units:
        return result
    for key, made, signed, due, on_time in _assignment_rows(kind, units, period, now):
        for pk in _targets(kind, units, key):
            result[pk].add("response", signed, made)
            result[pk].add("on_time", on_time, due)
    for key, accepted, closed in _case_rows(kind, units, period):
        for pk in _targets(kind, units, key):
            result[pk].add("closure", closed, accepted)
    for key, n, satisfied, resolved in _evaluation_rows(kind, units, period):
        for pk in _targets(kind, units, key):
            result[pk].add("satisfaction", satisfied, n)
            result[pk].add("resolution", resolved, n)
    return result


def kind_of(unit: Model) -> str:
    for kind, model in KINDS.items():
        if isinstance(unit, model):
            return kind
    raise ValueError(f"no figures for {type(unit).__name__}")


def unit_figures(unit: Model, period: Period, *, now: datetime.datetime | None = None) -> UnitFigures:
    return compute(kind_of(unit), [unit], period, now=now)[unit.pk]


# --- Ranking ----------------------------------------------------------------------------------


@dataclass
class RankRow:
    rank: int
    unit: Model
    figures: UnitFigures


@dataclass
class Ranking:
    kind: str
    period: Period
    rows: list[RankRow]
    left_out: list[tuple[Model, UnitFigures]]
    min_evaluated: int

    @property
    def left_out_count(self) -> int:
        return len(self.left_out)


def _sort_key(item: tuple[Model, UnitFigures]) -> tuple:
    unit, figs = item
    sat = figs["satisfaction"]
    return (-(sat.low or 0.0), -(sat.rate or 0.0), -sat.denominator, str(unit))


def ranking(
    kind: str,
    units: QuerySet | Sequence[Model],
    period: Period,
    min_evaluated: int | None = None,
    *,
    now: datetime.datetime | None = None,
) -> Ranking:
    """Units with at least ``min_evaluated`` evaluations, best first by the Wilson lower bound of 满意率.

    The lower bound, not the rate, orders the table: one satisfied citizen (1/1,
    lower bound 0.21) does not outrank 95 of 100 (0.89).
    """
    if min_evaluated is None:
        min_evaluated = settings.RENDA_RANKING_MIN_EVALUATED
    units = list(units)
    figures = compute(kind, units, period, now=now)
    eligible = [(u, figures[u.pk]) for u in units if figures[u.pk].evaluated >= min_evaluated]
    left_out = [(u, figures[u.pk]) for u in units if figures[u.pk].evaluated < min_evaluated]
    eligible.sort(key=_sort_key)
    rows = [RankRow(i, u, f) for i, (u, f) in enumerate(eligible, start=1)]
    return Ranking(kind, period, rows, left_out, min_evaluated)


PUBLIC_CACHE_SECONDS = 600


def public_figures(unit: Model) -> UnitFigures:
    """A deputy's or station's figures for the last twelve months, cached briefly (public pages stay light)."""
    from django.core.cache import cache

    today = timezone.localdate()
    key = f"renda:figures:{kind_of(unit)}:{unit.pk}:{today.isoformat()}"
    counts = cache.get(key)
    if counts is None:
        counts = unit_figures(unit, last_year_period()).counts
        cache.set(key, counts, PUBLIC_CACHE_SECONDS)
    return UnitFigures(counts=counts)
