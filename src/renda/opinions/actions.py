"""The handling actions on one opinion: which form, which service, and who may see the button now.

``ACTIONS`` is the dispatch table behind ``console:opinion_act``. Each handler is
one service call; permissions and state are checked again by the service (a
``TransitionError`` is shown as a message), the panel only hides what cannot apply.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from renda.core.access import has_perm
from renda.core.models import Role, User
from renda.handling import services as hs
from renda.handling.models import AssignmentRole, AssignmentStatus, CaseState
from renda.opinions import forms_console as f
from renda.opinions.models import Opinion
from renda.opinions.selectors import CaseRecord
from renda.opinions.services import opinion_mark_spam

S = CaseState
FRONT_OPEN = (S.SUBMITTED, S.ACCEPTED)
IN_AGENCY = (S.ASSIGNED, S.IN_PROGRESS)

Handler = Callable[[User, Opinion, dict[str, Any]], Any]


@dataclass(frozen=True)
class Action:
    label: str
    perm: str
    form: type[f.ActionForm]
    run: Handler
    done: str
    group: str  # front / assign / handle / review / note
    danger: bool = False


def _spam(user: User, opinion: Opinion, d: dict) -> Any:
    return opinion_mark_spam(
        actor=user, opinion=opinion, reason=d["reason"], block_phone=d["block_phone"], version=d["version"]
    )


def _extension(user: User, opinion: Opinion, d: dict) -> Any:
    return hs.extension_decide(actor=user, request=d["extension"], approve=d["approve"], note=d["note"])


def _v(d: dict) -> dict:
    return {"version": d["version"]}


ACTIONS: dict[str, Action] = {
    "accept": Action(
        "受理", "case.accept", f.OptionalNoteForm,
        lambda u, o, d: hs.case_accept(actor=u, case=o.case, note=d["note"], **_v(d)), "已受理。", "front",
    ),
    "forward": Action(
        "受理并转人大交办", "case.accept", f.OptionalNoteForm,
        lambda u, o, d: hs.case_forward(actor=u, case=o.case, note=d["note"], **_v(d)),
        "已受理并转人大常委会交办。", "front",
    ),
    "reject": Action(
        "不予受理", "case.accept", f.ReasonForm,
        lambda u, o, d: hs.case_reject(actor=u, case=o.case, reason=d["reason"], **_v(d)),
        "已不予受理，理由将告知群众。", "front", danger=True,
    ),
    "answer": Action(
        "直接答复", "case.accept", f.AnswerForm,
        lambda u, o, d: hs.case_answer(actor=u, case=o.case, result=d["result"], content=d["content"], **_v(d)),
        "已答复并反馈群众。", "front",
    ),
    "merge": Action(
        "合并", "case.accept", f.MergeForm,
        lambda u, o, d: hs.case_merge(actor=u, case=o.case, into=d["target"].case, **_v(d)),
        "已合并办理。", "front",
    ),
    "spam": Action("标记为无效信息", "opinion.spam", f.SpamForm, _spam, "已标记为无效信息。", "front", danger=True),
    "assign": Action(
        "交办", "case.assign", f.AssignForm,
        lambda u, o, d: hs.case_assign(
            actor=u, case=o.case, lead=d["lead"], co=list(d["co"]), urgency=d["urgency"],
            instructions=d["instructions"], **_v(d),
        ),
        "已交办。", "assign",
    ),
    "reassign": Action(
        "改派", "case.assign", f.ReassignForm,
        lambda u, o, d: hs.case_reassign(actor=u, case=o.case, lead=d["lead"], co=list(d["co"]), reason=d["reason"],
                                         **_v(d)),
        "已改派。", "assign",
    ),
    "supervise": Action(
        "督办", "case.supervise", f.SuperviseForm,
        lambda u, o, d: hs.case_supervise(actor=u, case=o.case, reason=d["reason"], level=d["level"]),
        "已督办。", "assign",
    ),
    "extension": Action("延期审批", "case.assign", f.ExtensionDecideForm, _extension, "已审批延期申请。", "assign"),
    "sign": Action(
        "签收", "case.handle", f.SignForm, lambda u, o, d: hs.case_sign(actor=u, case=o.case, **_v(d)),
        "已签收。", "handle",
    ),
    "return": Action(
        "退回", "case.handle", f.ReasonForm,
        lambda u, o, d: hs.case_return(actor=u, case=o.case, reason=d["reason"], **_v(d)),
        "已退回人大重新交办。", "handle", danger=True,
    ),
    "co_view": Action(
        "提交协办意见", "case.handle", f.CoViewForm,
        lambda u, o, d: hs.case_co_view(actor=u, case=o.case, text=d["text"], **_v(d)),
        "已提交协办意见。", "handle",
    ),
    "request_extension": Action(
        "申请延期", "case.handle", f.ExtensionRequestForm,
        lambda u, o, d: hs.case_request_extension(
            actor=u, case=o.case, working_days=d["working_days"], reason=d["reason"], **_v(d)
        ),
        "已提交延期申请。", "handle",
    ),
    "reply": Action(
        "答复", "case.handle", f.ReplyForm,
        lambda u, o, d: hs.case_reply(
            actor=u, case=o.case, result=d["result"], content=d["content"], attachments=d["attachments"], **_v(d)
        ),
        "已答复，等待审核反馈。", "handle",
    ),
    "send_back": Action(
        "退回重新答复", "case.review", f.ReasonForm,
        lambda u, o, d: hs.case_send_back(actor=u, case=o.case, reason=d["reason"], **_v(d)),
        "已退回重新答复。", "review", danger=True,
    ),
    "feedback": Action(
        "反馈群众", "case.review", f.FeedbackForm,
        lambda u, o, d: hs.case_feedback(actor=u, case=o.case, text=d["text"], **_v(d)),
        "已反馈群众。", "review",
    ),
    "note": Action(
        "内部备注", "console", f.NoteForm, lambda u, o, d: hs.case_note(actor=u, case=o.case, note=d["note"]),
        "已添加备注。", "note",
    ),
}  # fmt: skip


def run_action(name: str, user: User, opinion: Opinion, data, files) -> tuple[bool, str]:
    """Validate the action's form and call its service: (ok, Chinese message)."""
    action = ACTIONS[name]
    if not has_perm(user, action.perm):  # some services (opinion_mark_spam) check a weaker permission
        return False, "您没有执行此操作的权限。"
    form = action.form(data, files, user=user, opinion=opinion)
    if not form.is_valid():
        return False, "；".join(str(e) for errors in form.errors.values() for e in errors)
    try:
        action.run(user, opinion, form.cleaned_data)
    except ValidationError as exc:
        return False, "；".join(exc.messages)
    return True, action.done


def own_assignment(user: User, record: CaseRecord):
    """The assignment this user acts on: their agency's active one (admins: the active lead's)."""
    active = record.active_assignments
    if user.role == Role.AGENCY_HANDLER:
        mine = [a for a in active if a.agency_id == user.agency_id]
    else:
        mine = [a for a in active if a.role == AssignmentRole.LEAD]
    mine.sort(key=lambda a: a.role != AssignmentRole.LEAD)
    return mine[0] if mine else None


def _handle_actions(user: User, state: str, record: CaseRecord) -> list[str]:
    mine = own_assignment(user, record)
    if mine is None or state not in IN_AGENCY:
        return []
    names = ["sign"] if mine.status == AssignmentStatus.PENDING else []
    if mine.role == AssignmentRole.CO:
        return names + ([] if mine.co_view_at else ["co_view"])  # the view is sent once, to the lead
    names.append("return")
    if not any(e.assignment_id == mine.pk for e in record.pending_extensions):
        names.append("request_extension")
    if mine.status == AssignmentStatus.SIGNED and state == S.IN_PROGRESS:
        names.append("reply")
    return names


def available(user: User, opinion: Opinion, record: CaseRecord) -> list[str]:
    """The actions this user may take on the case now, in panel order."""
    state = opinion.case.state
    names: list[str] = []
    if state == S.SUBMITTED:
        names += ["accept", "forward"]
    if state in FRONT_OPEN:
        names += ["reject"]
    if state in (S.SUBMITTED, S.ACCEPTED, S.REOPENED):
        names += ["answer"]
    if state in FRONT_OPEN:
        names += ["merge", "spam"]
    if state in (S.ACCEPTED, S.REOPENED):
        names += ["assign"]
    if state in IN_AGENCY:
        names += ["reassign"]
    if opinion.case.is_open:
        names += ["supervise"]
    if record.pending_extensions:
        names += ["extension"]
    if has_perm(user, "case.handle"):
        names += _handle_actions(user, state, record)
    if state == S.REPLIED:
        names += ["send_back", "feedback"]
    names += ["note"]
    return [n for n in names if has_perm(user, ACTIONS[n].perm)]
