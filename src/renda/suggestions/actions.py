"""The actions on one suggestion: which form, which service, who may take it, and when.

``ACTIONS`` is the dispatch table behind ``console:suggestion_action``. Each handler is one
service call; the services check permission and state again (their refusal is shown as a
message), the panel only offers what applies to this user now. ``who`` is the role-level
gate: a user who can never take the action gets 403.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from renda.core.access import has_perm
from renda.core.models import Role, User
from renda.core.workdays import working_days_between
from renda.handling import engine
from renda.handling import services as hs
from renda.handling.commitments import case_record_contact
from renda.handling.engine import ConflictError
from renda.handling.models import (
    ANSWERING_ROLES,
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    CaseContact,
    CaseEvent,
    CaseState,
    Commitment,
    Evaluation,
    EventKind,
    ExtensionRequest,
    Reply,
    Supervision,
)
from renda.handling.policy import policy_for
from renda.suggestions import forms_console as f
from renda.suggestions import services as ss
from renda.suggestions.models import CoSigner, CoSignStatus, Suggestion, SuggestionKind, SuggestionStatus

S = CaseState
IN_AGENCY = (S.ASSIGNED, S.IN_PROGRESS)

# Labels where a suggestion's words differ from the engine's (opinions say 受理, suggestions 立案).
STATE_LABELS = {
    S.SUBMITTED: "待立案",
    S.ACCEPTED: "已立案待交办",
    S.REJECTED: "不予立案",
    S.REPLIED: "已答复",
    S.FED_BACK: "已答复待评价",
}


# The engine's words are the opinion loop's; on a suggestion's page these read as the suggestion loop says them.
EVENT_LABELS = {
    EventKind.SUBMIT: "提交建议",
    EventKind.ACCEPT: "立案",
    EventKind.REJECT: "不予立案",
    EventKind.FEEDBACK: "答复送代表",
    EventKind.EVALUATE: "代表评价",
    EventKind.REOPEN: "代表不满意，重新办理",
}
STAGE_LABELS = {S.SUBMITTED: "审查立案", S.ACCEPTED: "交办", S.REOPENED: "重新交办"}
ROLE_ORDER = {"lead": 0, "split": 1, "co": 2}


def stage_label(case) -> str:
    return STAGE_LABELS.get(case.state) or case.get_stage_display()


def _label_events(events: list[CaseEvent]) -> list[CaseEvent]:
    for ev in events:
        ev.label = EVENT_LABELS.get(ev.kind) or ev.get_kind_display()
        ev.from_label = STATE_LABELS.get(ev.from_state) or (ev.get_from_state_display() if ev.from_state else "")
        ev.to_label = STATE_LABELS.get(ev.to_state) or (ev.get_to_state_display() if ev.to_state else "")
    return events


def state_label(s: Suggestion) -> str:
    """What the suggestion's status is, in one phrase: the draft status before the case, then the case's."""
    if s.status != SuggestionStatus.SUBMITTED or s.case is None:
        return s.get_status_display()
    return STATE_LABELS.get(s.case.state, s.case.get_state_display())


def state_choices() -> list[tuple[str, str]]:
    pre = [(v, SuggestionStatus(v).label) for v in (SuggestionStatus.DRAFT, SuggestionStatus.COSIGNING)]
    cases = [(v, STATE_LABELS.get(v, label)) for v, label in S.choices if v != S.MERGED]
    return pre + cases + [(SuggestionStatus.WITHDRAWN, SuggestionStatus.WITHDRAWN.label)]


# --- The handling record -------------------------------------------------------------------------


@dataclass
class SuggestionRecord:
    """Everything the detail page shows around one suggestion, each a single query."""

    cosigners: list[CoSigner] = field(default_factory=list)
    attachments: list = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    contacts: list[CaseContact] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    extensions: list[ExtensionRequest] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    supervisions: list[Supervision] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)

    @property
    def active_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments if a.is_active]

    @property
    def pending_extensions(self) -> list[ExtensionRequest]:
        return [e for e in self.extensions if e.status == "pending"]

    @property
    def open_commitments(self) -> list[Commitment]:
        return [c for c in self.commitments if c.is_open]


def suggestion_record(s: Suggestion) -> SuggestionRecord:
    record = SuggestionRecord(cosigners=list(s.cosigners.all()), attachments=list(s.attachments.all()))
    if s.case_id is None:
        return record
    case = s.case
    assignments = case.assignments.select_related("agency", "assigned_by", "signed_by")
    record.assignments = sorted(assignments, key=lambda a: (ROLE_ORDER.get(a.role, 9), a.pk))  # 主办 first
    record.contacts = list(case.contacts.select_related("agency", "recorded_by"))
    record.replies = list(
        case.replies.prefetch_related(
            "attachments", Prefetch("commitments", queryset=Commitment.objects.order_by("id"))
        )
    )
    record.commitments = list(case.commitments.select_related("agency", "fulfilled_by").order_by("id"))
    record.extensions = list(
        ExtensionRequest.objects.filter(assignment__case=case).select_related(
            "assignment__agency", "requested_by", "decided_by"
        )
    )
    record.evaluations = list(case.evaluations.select_related("evaluator").order_by("round", "-is_primary", "at"))
    record.supervisions = list(case.supervisions.select_related("by"))
    record.events = _label_events(list(case.events.select_related("agency")))
    return record


def own_assignment(user: User, record: SuggestionRecord) -> Assignment | None:
    """The assignment this user acts on: their agency's active one (admins: the active lead's)."""
    active = record.active_assignments
    if user.role == Role.AGENCY_HANDLER:
        mine = [a for a in active if a.agency_id == user.agency_id]
    else:
        mine = [a for a in active if a.role in ANSWERING_ROLES]
    mine.sort(key=lambda a: a.role != AssignmentRole.LEAD)
    return mine[0] if mine else None


def may_fulfil(user: User, commitment: Commitment) -> bool:
    """Mirrors ``handling.commitments._may_fulfil`` for showing the button (the service decides)."""
    if commitment.fulfilled_at is not None:
        return False
    if user.role == Role.AGENCY_HANDLER:
        return has_perm(user, "case.handle") and user.agency_id == commitment.agency_id
    return has_perm(user, "case.supervise")


# --- Actions ----------------------------------------------------------------------------------------

Handler = Callable[[User, Suggestion, dict[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    label: str
    who: str  # edit / cosign / evaluate / manage / handle
    form: type[f.ActionForm]
    run: Handler
    done: str
    group: str  # deputy / staff / agency
    danger: bool = False


def _v(d: dict) -> dict:
    return {"version": d["version"]}


def _cosign(u: User, s: Suggestion, d: dict) -> Any:
    row = CoSigner.objects.filter(suggestion=s, deputy_id=u.deputy_id).first()
    if row is None:
        raise ValidationError("您没有被邀请附议这件建议。")
    return ss.cosign_respond(actor=u, cosigner=row, accept=d["accept"])


def _reply(u: User, s: Suggestion, d: dict) -> Any:
    return hs.case_reply(
        actor=u, case=s.case, result=d["result"], content=d["content"], attachments=d["attachments"],
        commitments=d["commitments"], **_v(d),
    )  # fmt: skip


ACTIONS: dict[str, Action] = {
    # the proposing deputy (or the staff member who drafted it)
    "submit": Action(
        "提交", "edit", f.EmptyForm, lambda u, s, d: ss.suggestion_submit(actor=u, suggestion=s),
        "已提交，等待人大常委会工作机构审查立案。", "deputy",
    ),
    "withdraw": Action(
        "撤回", "edit", f.WithdrawForm, lambda u, s, d: ss.suggestion_withdraw(actor=u, suggestion=s, reason=d["reason"]),
        "已撤回。", "deputy", danger=True,
    ),
    "cosign": Action("答复附议邀请", "cosign", f.CosignForm, _cosign, "已答复附议邀请。", "deputy"),
    "evaluate": Action(
        "评价答复", "evaluate", f.EvaluateForm,
        lambda u, s, d: hs.case_evaluate(
            case=s.case, resolved=None, satisfaction=d["satisfaction"], comment=d["comment"], actor=u
        ),
        "已评价，谢谢。", "deputy",
    ),
    # congress staff
    "register": Action(
        "立案", "manage", f.OptionalNoteForm,
        lambda u, s, d: ss.suggestion_register(actor=u, suggestion=s, note=d["note"]), "已立案。", "staff",
    ),
    "decline": Action(
        "不予立案", "manage", f.ReasonForm,
        lambda u, s, d: ss.suggestion_decline(actor=u, suggestion=s, reason=d["reason"]),
        "已不予立案，作为参考意见保留，理由已告知代表。", "staff", danger=True,
    ),
    "motion": Action(
        "议案处理决定", "manage", f.MotionDecideForm,
        lambda u, s, d: ss.motion_decide(actor=u, suggestion=s, decision=d["decision"], note=d["note"]),
        "已记录议案处理决定。", "staff",
    ),
    "assign": Action(
        "交办", "manage", f.AssignForm,
        lambda u, s, d: ss.suggestion_assign(
            actor=u, suggestion=s, lead=d["lead"], co=list(d["co"]), split=list(d["split"]),
            instructions=d["instructions"],
        ),
        "已交办。", "staff",
    ),
    "reassign": Action(
        "改派", "manage", f.ReassignForm,
        lambda u, s, d: hs.case_reassign(
            actor=u, case=s.case, lead=d["lead"], co=list(d["co"]), split=list(d["split"]), reason=d["reason"], **_v(d)
        ),
        "已改派。", "staff",
    ),
    "extension": Action(
        "延期审批", "manage", f.ExtensionDecideForm,
        lambda u, s, d: hs.extension_decide(actor=u, request=d["extension"], approve=d["approve"], note=d["note"]),
        "已审批延期申请。", "staff",
    ),
    "mark_key": Action(
        "重点督办", "manage", f.MarkKeyForm,
        lambda u, s, d: ss.suggestion_mark_key(actor=u, suggestion=s, is_key=d["is_key"], topic=d["topic"]),
        "已更新重点督办。", "staff",
    ),
    "disclosure": Action(
        "答复公开", "manage", f.DisclosureForm,
        lambda u, s, d: ss.suggestion_set_disclosure(actor=u, suggestion=s, publish=d["publish"], reason=d["reason"]),
        "已更新答复公开设置。", "staff",
    ),
    "supervise": Action(
        "督办", "manage", f.SuperviseForm,
        lambda u, s, d: hs.case_supervise(actor=u, case=s.case, reason=d["reason"], level=d["level"]),
        "已督办。", "staff",
    ),
    # the handling units
    "sign": Action(
        "签收", "handle", f.EmptyForm, lambda u, s, d: hs.case_sign(actor=u, case=s.case, **_v(d)), "已签收。", "agency",
    ),
    "return": Action(
        "退回", "handle", f.ReasonForm,
        lambda u, s, d: hs.case_return(actor=u, case=s.case, reason=d["reason"], **_v(d)),
        "已退回人大常委会工作机构重新交办。", "agency", danger=True,
    ),
    "contact": Action(
        "记录沟通联系", "handle", f.ContactForm,
        lambda u, s, d: case_record_contact(
            actor=u, case=s.case, method=d["method"], contacted_on=d["contacted_on"], content=d["content"], **_v(d)
        ),
        "已记录沟通联系情况。", "agency",
    ),
    "co_view": Action(
        "提交协办意见", "handle", f.CoViewForm,
        lambda u, s, d: hs.case_co_view(actor=u, case=s.case, text=d["text"], **_v(d)),
        "已向主办单位提交协办意见。", "agency",
    ),
    "reply": Action("答复", "handle", f.ReplyForm, _reply, "已答复，答复已送代表。", "agency"),
    "request_extension": Action(
        "申请延期", "handle", f.ExtensionRequestForm,
        lambda u, s, d: hs.case_request_extension(
            actor=u, case=s.case, working_days=d["working_days"], reason=d["reason"], **_v(d)
        ),
        "已提交延期申请，等待审批。", "agency",
    ),
}  # fmt: skip


def _cosigner_row(user: User, record: SuggestionRecord) -> CoSigner | None:
    if user.role != Role.DEPUTY or not user.deputy_id:
        return None
    return next((c for c in record.cosigners if c.deputy_id == user.deputy_id), None)


def allowed(user: User, s: Suggestion, who: str, record: SuggestionRecord | None = None) -> bool:
    """The role-level gate of an action (not its timing)."""
    if who == "edit":
        return ss.may_edit(user, s)
    if who == "manage":
        return ss.may_manage(user, s)
    if who == "handle":
        return has_perm(user, "case.handle")
    if who == "cosign":
        return _cosigner_row(user, record or suggestion_record(s)) is not None
    if who == "evaluate":
        return s.case_id is not None and engine.evaluator_role(s.case, user) is not None
    return False


def _deputy_actions(user: User, s: Suggestion, record: SuggestionRecord) -> list[str]:
    names = []
    case = s.case
    if ss.may_edit(user, s):
        if s.is_editable:
            names += ["submit", "withdraw"]
        elif s.status == SuggestionStatus.SUBMITTED and case is not None and case.state == S.SUBMITTED:
            names.append("withdraw")
    row = _cosigner_row(user, record)
    if row is not None and row.status == CoSignStatus.INVITED and s.is_editable:
        names.append("cosign")
    if case is not None and case.state == S.FED_BACK:
        role = engine.evaluator_role(case, user)
        round_no = case.reopened_count + 1
        done = role == "secondary" and any(
            e.round == round_no and not e.is_primary and e.evaluator_id == user.deputy_id for e in record.evaluations
        )
        if role is not None and not done:
            names.append("evaluate")
    return names


def _staff_actions(user: User, s: Suggestion, record: SuggestionRecord) -> list[str]:
    case = s.case
    if case is None or s.status == SuggestionStatus.WITHDRAWN or not ss.may_manage(user, s):
        return []
    names = []
    if case.state == S.SUBMITTED:
        names += ["register", "decline"]
    registered = s.number is not None
    if registered and s.kind == SuggestionKind.MOTION and not s.decision and case.state == S.ACCEPTED:
        names.append("motion")
    if case.state in (S.ACCEPTED, S.REOPENED) and registered and s.kind == SuggestionKind.SUGGESTION:
        names.append("assign")
    if case.state in IN_AGENCY:
        names.append("reassign")
    if record.pending_extensions:
        names.append("extension")
    if registered and case.is_open:
        names += ["mark_key", "supervise"]
    if registered:
        names.append("disclosure")
    return names


def _within_return_window(s: Suggestion, assignment: Assignment) -> bool:
    days = policy_for(s.case.kind).return_days
    return days is None or working_days_between(assignment.assigned_at, timezone.now()) <= days


def _agency_actions(user: User, s: Suggestion, record: SuggestionRecord) -> list[str]:
    case = s.case
    if case is None or case.state not in IN_AGENCY or not has_perm(user, "case.handle"):
        return []
    mine = own_assignment(user, record)
    if mine is None:
        return []
    names = ["sign"] if mine.status == AssignmentStatus.PENDING else []
    if mine.role == AssignmentRole.CO:
        return names + ([] if mine.co_view_at else ["co_view"])  # the view is sent once, to the lead
    if _within_return_window(s, mine):
        names.append("return")
    names.append("contact")
    if not any(e.assignment_id == mine.pk for e in record.pending_extensions):
        names.append("request_extension")
    contacted = any(c.assignment_id == mine.pk for c in record.contacts) or not policy_for(case.kind).requires_contact
    if mine.status == AssignmentStatus.SIGNED and case.state == S.IN_PROGRESS and contacted:
        names.append("reply")
    return names


def available(user: User, s: Suggestion, record: SuggestionRecord) -> list[str]:
    """The actions this user may take on the suggestion now, in panel order."""
    names = _deputy_actions(user, s, record) + _staff_actions(user, s, record) + _agency_actions(user, s, record)
    return list(dict.fromkeys(names))


def _check_fresh(s: Suggestion, data: dict) -> None:
    """Refuse (nothing written) when the suggestion moved since the user loaded the page."""
    current = Suggestion.objects.select_for_update().get(pk=s.pk)
    case = engine.lock(current.case) if current.case_id else None  # row locks: suggestion, then its case
    if current.status != data["status"] or (case.version if case else 0) != data["version"]:
        label = state_label(current)
        raise ConflictError(f"该建议刚刚已被他人处理（当前状态：{label}），您的操作未执行。请刷新页面后再试。")


def run_action(name: str, user: User, s: Suggestion, data, files) -> tuple[bool, str]:
    """Validate the action's form and call its service: (ok, Chinese message). 403 for a user who can never."""
    action = ACTIONS[name]
    if not allowed(user, s, action.who):
        raise PermissionDenied("您没有执行此操作的权限。")
    form = action.form(data, files, user=user, suggestion=s)
    if not form.is_valid():
        return False, "；".join(str(e) for errors in form.errors.values() for e in errors)
    try:
        with transaction.atomic():
            _check_fresh(s, form.cleaned_data)
            action.run(user, s, form.cleaned_data)
    except ValidationError as exc:
        return False, "；".join(exc.messages)
    return True, action.done
