"""What a citizen may see of their opinion: a public-safe view of its case.

Only events in ``PUBLIC_EVENT_LABELS`` appear, with the citizen wording, the
time and the ``public_note``; never staff names, actor labels, internal notes
or agency handlers.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from renda.handling.models import PUBLIC_EVENT_LABELS, Case, CaseEvent, CaseState, EventKind
from renda.opinions.models import Opinion
from renda.opinions.services import normalize_tracking_code
from renda.opinions.verification import normalize_phone

PUBLIC_STATE_LABELS = {
    CaseState.SUBMITTED: "待受理",
    CaseState.ACCEPTED: "已受理",
    CaseState.ASSIGNED: "已交有关单位办理",
    CaseState.IN_PROGRESS: "办理中",
    CaseState.REPLIED: "已答复，待反馈",
    CaseState.FED_BACK: "已反馈，请您评价",
    CaseState.REOPENED: "重新办理中",
    CaseState.CLOSED: "已办结",
    CaseState.REJECTED: "不予受理",
    CaseState.MERGED: "已与相同问题合并办理",
}
FEEDBACK_STATES = frozenset({CaseState.FED_BACK, CaseState.REOPENED, CaseState.CLOSED})


@dataclass
class Step:
    label: str
    at: object
    note: str = ""


@dataclass
class Progress:
    state: str
    state_label: str
    steps: list[Step] = field(default_factory=list)
    feedback: str = ""


@dataclass
class PublicView:
    opinion: Opinion
    own: Progress
    merged: Progress | None = None  # the case this one was merged into

    @property
    def can_evaluate(self) -> bool:
        case = self.opinion.case
        return case is not None and case.state == CaseState.FED_BACK and not self.opinion.is_spam


def _progress(case: Case, events: list[CaseEvent], *, spam: bool = False) -> Progress:
    state = "closed" if spam else case.state
    steps = [Step(PUBLIC_EVENT_LABELS[e.kind], e.at, e.public_note) for e in events if e.kind in PUBLIC_EVENT_LABELS]
    feedback = case.feedback_text if case.state in FEEDBACK_STATES and not spam else ""
    return Progress(state=state, state_label="已处理" if spam else PUBLIC_STATE_LABELS[case.state], steps=steps,
                    feedback=feedback)  # fmt: skip


def received(opinion: Opinion) -> PublicView:
    """An opinion stored but not yet registered by the intake worker: 待受理, submitted just now."""
    steps = [Step(PUBLIC_EVENT_LABELS[EventKind.SUBMIT], opinion.created_at)]
    state = CaseState.SUBMITTED
    return PublicView(opinion=opinion, own=Progress(state=state, state_label=PUBLIC_STATE_LABELS[state], steps=steps))


def public_view(opinion: Opinion) -> PublicView:
    """Two queries (three when merged): the events of the case, and of the case it was merged into."""
    case = opinion.case
    if case is None:
        return received(opinion)
    events = list(CaseEvent.objects.filter(case=case, kind__in=list(PUBLIC_EVENT_LABELS)).only(
        "kind", "at", "public_note").order_by("at", "id"))  # fmt: skip
    view = PublicView(opinion=opinion, own=_progress(case, events, spam=opinion.is_spam))
    if case.state == CaseState.MERGED and case.merged_into_id:
        target = Case.objects.get(pk=case.merged_into_id)
        target_events = list(target.events.filter(kind__in=list(PUBLIC_EVENT_LABELS)).only("kind", "at", "public_note"))
        view.merged = _progress(target, target_events)
    return view


def opinion_queryset():
    return Opinion.objects.select_related("case", "deputy", "station")


def opinion_by_token(token: str) -> Opinion | None:
    token = str(token or "")
    if not token or len(token) > 64:
        return None
    return opinion_queryset().filter(access_token=token).first()


def opinion_by_code_phone(code: str, phone: str) -> Opinion | None:
    """The opinion with this tracking code and phone; None for any mismatch (the caller says which not)."""
    code, phone = normalize_tracking_code(str(code or "")), normalize_phone(phone)
    if not code or not phone:
        return None
    return opinion_queryset().filter(tracking_code=code, phone=phone).first()


def as_json(view: PublicView, private_url: str) -> dict:
    opinion = view.opinion

    def progress(p: Progress | None) -> dict | None:
        if p is None:
            return None
        steps = [{"label": s.label, "at": timezone.localtime(s.at).isoformat(), "note": s.note} for s in p.steps]
        return {"state": p.state, "state_label": p.state_label, "steps": steps, "feedback": p.feedback}

    return {
        "tracking_code": opinion.tracking_code,
        "private_url": private_url,
        "title": opinion.display_title,
        "content": opinion.content,
        "created_at": timezone.localtime(opinion.created_at).isoformat(),
        "state": view.own.state,
        "state_label": view.own.state_label,
        "steps": progress(view.own)["steps"],
        "feedback": view.own.feedback,
        "can_evaluate": view.can_evaluate,
        "merged": progress(view.merged),
    }
