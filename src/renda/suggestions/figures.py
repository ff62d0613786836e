"""代表建议办理成效: figures computed from the rows the handling services wrote (never typed in).

The figures are taken over a *set of suggestions* (registered, not withdrawn; chosen by congress,
session, year, agency and deputy — see ``suggestion_set``) and, optionally, a period
``[start, end)`` that bounds *when* things happened:

* 按时答复率 = answering assignments (主办 and 分办; co-handlers do not answer) replied by their
  reply deadline — which includes every approved extension, as ``extension_decide`` moves it —
  / those due (deadline passed) or already replied. Each round counts (a re-handling round is a
  new assignment with its own one-month deadline). Withdrawn and returned assignments are left
  out: the unit was relieved of them. With a period: deadline in it (and passed), or replied in it.
* 满意率 = (满意 + 基本满意) / suggestions evaluated, on the **final evaluation per suggestion**:
  the proposer's (primary) verdict of the latest evaluated round (in the period); if that round was
  closed as 未评价 the suggestion counts as not evaluated. Co-signers' verdicts are never counted.
* 答复类别 = share of each result category (A/B/C/D…) among the replies in force (not sent back),
  every round's and every split unit's reply counted (reply time in the period).
* 重办率 = suggestions reopened after a 不满意 verdict (the REOPEN event, in the period) /
  suggestions with at least one verdict (in the period).
* 承诺事项 = commitments made by B-category replies (created in the period) and how many are still
  open (not marked fulfilled) now.

For an agency the same definitions apply to its own part: its answering assignments, its replies,
its commitments, and the verdicts (and reopenings) of rounds it answered.

Everything is loaded with a fixed number of queries (one per table) and grouped in Python, so the
page, the export and the annual report cost the same whatever the number of units.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from renda.core.access import restrict
from renda.core.models import User
from renda.handling.figures import wilson
from renda.handling.models import (
    ANSWERING_ROLES,
    Assignment,
    AssignmentStatus,
    CaseEvent,
    CaseKind,
    Commitment,
    Evaluation,
    EventKind,
    Reply,
    ResultCategory,
    Satisfaction,
)
from renda.suggestions.models import CoSigner, CoSignStatus, Suggestion, SuggestionStatus

ENDED = (AssignmentStatus.WITHDRAWN, AssignmentStatus.RETURNED)
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASIC)

DEFINITIONS = [
    "按时答复率：主办（分办）单位在答复时限内（含经批准延期后的时限）答复的件次 ÷ 已到期或已答复的件次；"
    "重办轮次单独计算，已撤回、已退回的交办不计。",
    "满意率：（满意 + 基本满意）÷ 已评价的建议件数，按每件建议的最终评价（最后一轮领衔代表的评价）计算；"
    "附议代表的评价不计入。",
    "答复类别占比：各类别答复 ÷ 全部有效答复（每轮、每个分办单位的答复各计一次）。",
    "重办率：因代表不满意而重办的建议件数 ÷ 已评价的建议件数。",
    "承诺事项：B 类答复作出的承诺事项，未落实为截至统计时尚未确认落实的项数。",
]


@dataclass(frozen=True)
class Rate:
    """A proportion with its Wilson 95% interval (the same as the handling figures use)."""

    label: str
    numerator: int = 0
    denominator: int = 0

    @property
    def rate(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def low(self) -> float | None:
        interval = wilson(self.numerator, self.denominator)
        return interval[0] if interval else None

    @property
    def high(self) -> float | None:
        interval = wilson(self.numerator, self.denominator)
        return interval[1] if interval else None

    @property
    def percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"


@dataclass(frozen=True)
class ResultShare:
    code: str
    label: str
    share: Rate


@dataclass
class SuggestionFigures:
    suggestions: int = 0
    on_time: Rate = field(default_factory=lambda: Rate("按时答复率"))
    satisfaction: Rate = field(default_factory=lambda: Rate("满意率"))
    satisfied: int = 0
    basic: int = 0
    unsatisfied: int = 0
    rehandle: Rate = field(default_factory=lambda: Rate("重办率"))
    results: list[ResultShare] = field(default_factory=list)
    replies: int = 0
    commitments: int = 0
    commitments_open: int = 0

    @property
    def rates(self) -> list[Rate]:
        return [self.on_time, self.satisfaction, self.rehandle]

    def result(self, code: str) -> Rate:
        return next((r.share for r in self.results if r.code == code), Rate(code))


@dataclass(frozen=True)
class Period:
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None

    def __contains__(self, at: datetime.datetime | None) -> bool:
        if at is None:
            return False
        return (self.start is None or at >= self.start) and (self.end is None or at < self.end)

    @property
    def bounded(self) -> bool:
        return self.start is not None or self.end is not None


ALWAYS = Period()


def period_between(start: datetime.date | None, end: datetime.date | None) -> Period:
    """Local days ``start`` .. ``end`` inclusive (either may be open)."""

    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return Period(
        midnight(start) if start else None,
        midnight(end + datetime.timedelta(days=1)) if end else None,
    )


# --- Which suggestions ----------------------------------------------------------------------------


def suggestion_set(
    user: User | None,
    *,
    congress=None,
    session=None,
    year: int | None = None,
    agency=None,
    deputy=None,
) -> QuerySet[Suggestion]:
    """Registered, not withdrawn suggestions (and motions) ``user`` may see (all, for ``user`` None).

    ``deputy``: the proposer or a confirmed co-signer. ``agency``: any assignment of it (the
    figures then count only the agency's own part). ``year``: the session's year.
    """
    qs = Suggestion.objects.filter(number__isnull=False, case__isnull=False).exclude(status=SuggestionStatus.WITHDRAWN)
    if user is not None:
        qs = restrict(qs, user)
    if congress is not None:
        qs = qs.filter(congress_id=getattr(congress, "pk", congress))
    if session is not None:
        qs = qs.filter(session_id=getattr(session, "pk", session))
    if year:
        qs = qs.filter(session__year=year)
    if agency is not None:
        assigned = Assignment.objects.filter(case_id=OuterRef("case_id"), agency_id=getattr(agency, "pk", agency))
        qs = qs.filter(Exists(assigned))
    if deputy is not None:
        pk = getattr(deputy, "pk", deputy)
        signed = CoSigner.objects.filter(deputy_id=pk, status=CoSignStatus.CONFIRMED).values("suggestion_id")
        qs = qs.filter(Q(proposer_id=pk) | Q(pk__in=signed))
    return qs


# --- The rows behind the figures -------------------------------------------------------------------


@dataclass
class Facts:
    """Every row the figures need, for one set of suggestions (six queries)."""

    cases: set[int]
    # case -> [(agency, round, reply_due_at, replied_at)] for answering assignments still counted
    answering: dict[int, list[tuple[int, int, datetime.datetime, datetime.datetime | None]]]
    # case -> [(agency or None, round, result code, at)] for replies in force
    replies: dict[int, list[tuple[int | None, int, str, datetime.datetime]]]
    # case -> [(round, satisfaction, at)] primary evaluations, oldest first
    evaluations: dict[int, list[tuple[int, str, datetime.datetime]]]
    # case -> [at] of REOPEN events, oldest first
    reopens: dict[int, list[datetime.datetime]]
    # case -> [(agency, created_at, fulfilled_at)]
    commitments: dict[int, list[tuple[int, datetime.datetime, datetime.datetime | None]]]
    categories: list[tuple[str, str]]

    def answered_rounds(self, case_id: int, agency_id: int) -> set[int]:
        return {rnd for agency, rnd, _, _ in self.answering.get(case_id, ()) if agency == agency_id}

    def agencies(self) -> set[int]:
        return {row[0] for rows in self.answering.values() for row in rows}


def result_categories() -> list[tuple[str, str]]:
    """The suggestion answer categories (A/B/C/D…), active ones first in their order."""
    rows = ResultCategory.objects.filter(kind=CaseKind.SUGGESTION).order_by("-is_active", "order", "code")
    return list(rows.values_list("code", "label"))


def _grouped(rows: Iterable[tuple]) -> dict[int, list[tuple]]:
    out: dict[int, list[tuple]] = defaultdict(list)
    for case_id, *rest in rows:
        out[case_id].append(tuple(rest))
    return out


def load_facts(suggestions: QuerySet[Suggestion]) -> Facts:
    cases = set(suggestions.values_list("case_id", flat=True))
    ids = sorted(cases)
    answering = Assignment.objects.filter(case_id__in=ids, role__in=ANSWERING_ROLES).exclude(status__in=ENDED)
    replies = Reply.objects.filter(case_id__in=ids, sent_back=False)
    evaluations = Evaluation.objects.filter(case_id__in=ids, is_primary=True).order_by("case_id", "round", "at", "id")
    reopens = CaseEvent.objects.filter(case_id__in=ids, kind=EventKind.REOPEN).order_by("case_id", "at", "id")
    return Facts(
        cases=cases,
        answering=_grouped(answering.values_list("case_id", "agency_id", "round", "reply_due_at", "replied_at")),
        replies=_grouped(replies.values_list("case_id", "assignment__agency_id", "round", "result", "at")),
        evaluations=_grouped(evaluations.values_list("case_id", "round", "satisfaction", "at")),
        reopens={c: [at for (at,) in rows] for c, rows in _grouped(reopens.values_list("case_id", "at")).items()},
        commitments=_grouped(
            Commitment.objects.filter(case_id__in=ids).values_list("case_id", "agency_id", "created_at", "fulfilled_at")
        ),
        categories=result_categories(),
    )


# --- The computation ------------------------------------------------------------------------------


def _final_verdict(facts: Facts, case_id: int, period: Period, agency_id: int | None) -> tuple[int, str] | None:
    """(round, satisfaction) of the last evaluated round in the period (for an agency: of a round it
    answered); None if there is none or it closed 未评价."""
    rounds = facts.answered_rounds(case_id, agency_id) if agency_id is not None else None
    last = None
    for rnd, satisfaction, at in facts.evaluations.get(case_id, ()):
        if at in period and (rounds is None or rnd in rounds):
            last = (rnd, satisfaction)
    if last is None or last[1] == Satisfaction.NONE:
        return None
    return last


def _has_verdict(facts: Facts, case_id: int, period: Period, agency_id: int | None) -> bool:
    rounds = facts.answered_rounds(case_id, agency_id) if agency_id is not None else None
    return any(
        at in period and sat != Satisfaction.NONE and (rounds is None or rnd in rounds)
        for rnd, sat, at in facts.evaluations.get(case_id, ())
    )


def _reopened(facts: Facts, case_id: int, period: Period, agency_id: int | None) -> bool:
    """A REOPEN in the period; the n-th reopening follows round n's verdict (for an agency: a round it answered)."""
    rounds = facts.answered_rounds(case_id, agency_id) if agency_id is not None else None
    return any(
        at in period and (rounds is None or n in rounds) for n, at in enumerate(facts.reopens.get(case_id, ()), start=1)
    )


def compute(
    facts: Facts,
    cases: Iterable[int] | None = None,
    *,
    agency_id: int | None = None,
    period: Period = ALWAYS,
    now: datetime.datetime | None = None,
) -> SuggestionFigures:
    """The figures over ``cases`` (default: all of ``facts``), for one agency's part if ``agency_id``."""
    now = now or timezone.now()
    case_ids = facts.cases if cases is None else set(cases) & facts.cases
    if agency_id is not None:
        case_ids = {c for c in case_ids if any(row[0] == agency_id for row in facts.answering.get(c, ()))}
    due = on_time = 0
    evaluated = satisfied = basic = unsatisfied = 0
    with_verdict = reopened = 0
    result_counts: dict[str, int] = defaultdict(int)
    commitments = commitments_open = 0
    for case_id in case_ids:
        for agency, _rnd, due_at, replied_at in facts.answering.get(case_id, ()):
            if agency_id is not None and agency != agency_id:
                continue
            counted = (due_at in period and due_at < now) or (replied_at in period)
            if not period.bounded:
                counted = due_at < now or replied_at is not None
            if counted:
                due += 1
                on_time += replied_at is not None and replied_at <= due_at
        verdict = _final_verdict(facts, case_id, period, agency_id)
        if verdict is not None:
            evaluated += 1
            satisfied += verdict[1] == Satisfaction.SATISFIED
            basic += verdict[1] == Satisfaction.BASIC
            unsatisfied += verdict[1] == Satisfaction.UNSATISFIED
        if _has_verdict(facts, case_id, period, agency_id):
            with_verdict += 1
            reopened += _reopened(facts, case_id, period, agency_id)
        for agency, _rnd, code, at in facts.replies.get(case_id, ()):
            if (agency_id is None or agency == agency_id) and at in period:
                result_counts[code] += 1
        for agency, created_at, fulfilled_at in facts.commitments.get(case_id, ()):
            if (agency_id is None or agency == agency_id) and created_at in period:
                commitments += 1
                commitments_open += fulfilled_at is None
    replies = sum(result_counts.values())
    labels = dict(facts.categories)
    codes = [c for c, _ in facts.categories] + sorted(set(result_counts) - set(labels))
    return SuggestionFigures(
        suggestions=len(case_ids),
        on_time=Rate("按时答复率", on_time, due),
        satisfaction=Rate("满意率", satisfied + basic, evaluated),
        satisfied=satisfied,
        basic=basic,
        unsatisfied=unsatisfied,
        rehandle=Rate("重办率", reopened, with_verdict),
        results=[ResultShare(c, labels.get(c, c), Rate(f"{c}类", result_counts.get(c, 0), replies)) for c in codes],
        replies=replies,
        commitments=commitments,
        commitments_open=commitments_open,
    )


def by_agency(
    facts: Facts, agencies: dict[int, str], *, period: Period = ALWAYS, now: datetime.datetime | None = None
) -> list[tuple[int, str, SuggestionFigures]]:
    """One row per answering unit (``agencies``: pk → name for the units to show), by name."""
    rows = [(pk, name, compute(facts, agency_id=pk, period=period, now=now)) for pk, name in agencies.items()]
    return sorted((r for r in rows if r[2].suggestions), key=lambda r: r[1])


def figures_for(
    suggestions: QuerySet[Suggestion],
    *,
    agency_id: int | None = None,
    period: Period = ALWAYS,
    now: datetime.datetime | None = None,
) -> SuggestionFigures:
    """Shortcut: load the rows of ``suggestions`` and compute (for one agency's part if given)."""
    return compute(load_facts(suggestions), agency_id=agency_id, period=period, now=now)
