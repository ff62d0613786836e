"""Reads of 述职评议. Console callers restrict through ``core.access``; public reads only published reports."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from renda.core.access import restrict
from renda.registry.models import Congress, Mandate, MandateStatus, Term
from renda.reportback.models import (
    Appraisal,
    Choice,
    DeputyReport,
    MeetingStatus,
    PaperTally,
    ReportMeeting,
    ReportMode,
)

ORAL_MIN_SHARE = 0.30


def district_of(mandate: Mandate) -> str:
    """The electoral district a deputy reports to: the 选区, or the 代表团 for deputies elected by a congress."""
    return mandate.constituency or mandate.delegation


def district_q(district: str, prefix: str = "") -> Q:
    return Q(**{f"{prefix}constituency": district}) | Q(
        **{f"{prefix}constituency": "", f"{prefix}delegation": district}
    )


def term_mandates(term: Term, district: str | None = None) -> QuerySet[Mandate]:
    qs = Mandate.objects.filter(term=term, status=MandateStatus.ACTIVE).exclude(constituency="", delegation="")
    if district is not None:
        qs = qs.filter(district_q(district))
    return qs


def term_districts(term: Term) -> list[str]:
    rows = term_mandates(term).values_list("constituency", "delegation").distinct()
    return sorted({c or d for c, d in rows})


def visible_terms(user) -> QuerySet[Term]:
    """The terms of the congresses the user sees, newest first."""
    return (
        Term.objects.filter(congress__in=restrict(Congress.objects.all(), user))
        .select_related("congress")
        .order_by("congress__division__path", "-number")
    )


def current_terms(user) -> QuerySet[Term]:
    """The terms still running (no end date), of the congresses the user sees."""
    return visible_terms(user).filter(ends_on__isnull=True)


def meetings_for(user) -> QuerySet[ReportMeeting]:
    return restrict(ReportMeeting.objects.all(), user).select_related("term__congress")


def reports_for(user) -> QuerySet[DeputyReport]:
    return restrict(DeputyReport.objects.all(), user).select_related("meeting__term__congress", "deputy")


def held_reports(term: Term) -> QuerySet[DeputyReport]:
    """Reports that count for compliance: given at a meeting of the term that was held."""
    return DeputyReport.objects.filter(meeting__term=term, meeting__status=MeetingStatus.HELD)


@dataclass
class Results:
    online: dict[str, int] = field(default_factory=dict)
    paper: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> dict[str, int]:
        return {c: self.online.get(c, 0) + self.paper.get(c, 0) for c in Choice.values}

    @property
    def votes(self) -> int:
        return sum(self.total.values())

    def rows(self) -> list[dict]:
        total, votes = self.total, self.votes
        return [
            {
                "label": label,
                "online": self.online.get(value, 0),
                "paper": self.paper.get(value, 0),
                "total": total[value],
                "percent": round(100 * total[value] / votes, 1) if votes else 0,
            }
            for value, label in Choice.choices
        ]

    @property
    def satisfaction(self) -> float | None:
        """满意率: (满意 + 基本满意) / all votes, in percent."""
        votes = self.votes
        if not votes:
            return None
        total = self.total
        return round(100 * (total[Choice.SATISFIED] + total[Choice.BASIC]) / votes, 1)


def results_for(reports: list[DeputyReport]) -> dict[int, Results]:
    """Online and paper counts for several reports in two queries."""
    ids = [r.pk for r in reports]
    out = {pk: Results() for pk in ids}
    for row in Appraisal.objects.filter(report_id__in=ids).values("report_id", "choice").annotate(n=Count("id")):
        out[row["report_id"]].online[row["choice"]] = row["n"]
    for tally in PaperTally.objects.filter(report_id__in=ids):
        out[tally.report_id].paper = {
            Choice.SATISFIED: tally.satisfied,
            Choice.BASIC: tally.basic,
            Choice.UNSATISFIED: tally.unsatisfied,
        }
    return out


def public_reports() -> QuerySet[DeputyReport]:
    return (
        DeputyReport.objects.filter(published_at__isnull=False)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting__term__congress", "deputy")
        .order_by("-published_at", "-id")
    )


@dataclass
class DistrictCompliance:
    district: str
    deputies: int
    reported: int
    oral: int

    @property
    def oral_share(self) -> float:
        return self.oral / self.deputies if self.deputies else 0.0

    @property
    def oral_percent(self) -> float:
        return round(100 * self.oral_share, 1)

    @property
    def oral_ok(self) -> bool:
        return self.oral_share >= ORAL_MIN_SHARE

    @property
    def oral_needed(self) -> int:
        """How many more deputies must report orally to reach 30%."""
        import math

        return max(0, math.ceil(ORAL_MIN_SHARE * self.deputies - 1e-9) - self.oral)


def district_compliance(term: Term) -> list[DistrictCompliance]:
    """Per electoral district: deputies, deputies who reported (held meeting), deputies who reported orally."""
    reported = held_reports(term).filter(deputy=OuterRef("deputy_id"))
    rows = (
        term_mandates(term)
        .annotate(has_report=Exists(reported), has_oral=Exists(reported.filter(mode=ReportMode.ORAL)))
        .values_list("constituency", "delegation", "has_report", "has_oral")
    )
    acc: dict[str, list[int]] = {}
    for constituency, delegation, has_report, has_oral in rows:
        counts = acc.setdefault(constituency or delegation, [0, 0, 0])
        counts[0] += 1
        counts[1] += bool(has_report)
        counts[2] += bool(has_oral)
    return [DistrictCompliance(d, *acc[d]) for d in sorted(acc)]


def unreported_mandates(term: Term) -> QuerySet[Mandate]:
    """Deputies of the term who have not yet reported at a held meeting."""
    reported = held_reports(term).filter(deputy=OuterRef("deputy_id"))
    return (
        term_mandates(term)
        .filter(~Exists(reported))
        .select_related("deputy", "congress")
        .order_by("constituency", "delegation", "deputy__number")
    )
