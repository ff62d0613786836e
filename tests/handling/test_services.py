"""The handling engine's own rules: transitions, immutable events, conflicts, and each service's effects."""

import pytest
from django.core.exceptions import ValidationError

from renda.core.models import Notification, SmsMessage, SmsStatus
from renda.handling import engine
from renda.handling import services as hs
from renda.handling.engine import TRANSITIONS, ConflictError, TransitionError
from renda.handling.models import (
    AssignmentRole,
    AssignmentStatus,
    Case,
    CaseEvent,
    CaseState,
    CloseReason,
    EventKind,
    ExtensionStatus,
    ReplyResult,
    Satisfaction,
    Stage,
)

from .conftest import submit

CHINESE = "不能"


# --- The transition table --------------------------------------------------------------------------


def test_every_event_kind_but_submit_is_in_the_table():
    assert set(TRANSITIONS) == set(EventKind.values) - {EventKind.SUBMIT}


@pytest.mark.parametrize("state", CaseState.values)
@pytest.mark.parametrize("kind", sorted(TRANSITIONS))
def test_check_move_follows_the_table(kind, state):
    allowed_from, allowed_to = TRANSITIONS[kind]
    case = Case(state=state)
    if state in allowed_from:
        engine.check_move(case, kind)
        for target in CaseState.values:
            if target != state and target not in allowed_to:
                with pytest.raises(TransitionError):
                    engine.check_move(case, kind, target)
    else:
        with pytest.raises(TransitionError) as exc:
            engine.check_move(case, kind)
        assert CHINESE in exc.value.messages[0] and CaseState(state).label in exc.value.messages[0]


def _unchanged(case, call):
    case.refresh_from_db()
    version, state, n_events = case.version, case.state, case.events.count()
    with pytest.raises(TransitionError) as exc:
        call()
    case.refresh_from_db()
    assert (case.version, case.state, case.events.count()) == (version, state, n_events)
    return exc.value.messages[0]


def test_services_refuse_wrong_states_and_write_nothing(world, opinion):
    case = opinion.case  # 待受理
    staff, handler = world.staff_a, world.handler_a
    assert CHINESE in _unchanged(case, lambda: hs.case_assign(actor=staff, case=case, lead=world.agency_a))
    assert CHINESE in _unchanged(case, lambda: hs.case_feedback(actor=staff, case=case, text="反馈"))
    assert CHINESE in _unchanged(
        case, lambda: hs.case_evaluate(case=case, resolved=True, satisfaction=Satisfaction.SATISFIED)
    )
    assert CHINESE in _unchanged(
        case, lambda: hs.case_reply(actor=handler, case=case, result=ReplyResult.RESOLVED, content="已办")
    )
    hs.case_accept(actor=world.deputy_user_a, case=case)
    assert CHINESE in _unchanged(case, lambda: hs.case_accept(actor=world.deputy_user_a, case=case))
    assert CHINESE in _unchanged(case, lambda: hs.case_forward(actor=world.deputy_user_a, case=case))
    hs.case_reject(actor=world.deputy_user_a, case=case, reason="重复")
    assert CHINESE in _unchanged(case, lambda: hs.case_supervise(actor=staff, case=case, reason="督办"))
    assert CHINESE in _unchanged(
        case, lambda: hs.case_answer(actor=world.deputy_user_a, case=case, result="resolved", content="答")
    )


def test_service_refuses_actor_without_permission(world, opinion):
    msg = _unchanged(
        opinion.case, lambda: hs.case_assign(actor=world.handler_a, case=opinion.case, lead=world.agency_a)
    )
    assert "权限" in msg


# --- Events and conflicts ----------------------------------------------------------------------------


def test_events_are_immutable(opinion):
    event = opinion.case.events.first()
    event.note = "改过"
    with pytest.raises(RuntimeError, match="不可修改"):
        event.save()
    with pytest.raises(RuntimeError, match="不可删除"):
        event.delete()
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_event_records_who_when_from_to_why(world, opinion):
    hs.case_reject(actor=world.deputy_user_a, case=opinion.case, reason="不属于人大职责")
    event = opinion.case.events.get(kind=EventKind.REJECT)
    assert event.actor == world.deputy_user_a and event.at is not None
    assert (event.from_state, event.to_state) == (CaseState.SUBMITTED, CaseState.REJECTED)
    assert event.note == "不属于人大职责" and event.public_note == "不属于人大职责"


def test_conflict_second_actor_with_same_version_loses(world, opinion):
    case = opinion.case
    seen = case.version
    hs.case_accept(actor=world.deputy_user_a, case=case, version=seen)
    with pytest.raises(ConflictError) as exc:
        hs.case_reject(actor=world.station_staff_a, case=case, reason="重复", version=seen)
    assert "已被他人处理" in exc.value.messages[0]
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED and case.reject_reason == ""
    assert not case.events.filter(kind=EventKind.REJECT).exists()
    assert isinstance(exc.value, ValidationError)


# --- Assignment, agencies ----------------------------------------------------------------------------


@pytest.fixture
def assigned(world, opinion):
    case = opinion.case
    hs.case_forward(actor=world.deputy_user_a, case=case)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a, co=[world.agency_a2], instructions="请核实")
    case.refresh_from_db()
    return case


def test_assign_with_lead_and_co_creates_assignments_and_timers(world, assigned):
    lead = assigned.assignments.get(role=AssignmentRole.LEAD)
    co = assigned.assignments.get(role=AssignmentRole.CO)
    assert (lead.agency, co.agency) == (world.agency_a, world.agency_a2)
    assert assigned.state == CaseState.ASSIGNED and assigned.stage == Stage.SIGN
    assert assigned.stage_due_at == lead.sign_due_at
    timers = assigned.timers.filter(cleared_at=None)
    assert set(timers.values_list("assignment_id", "stage")) == {
        (lead.pk, Stage.SIGN),
        (lead.pk, Stage.REPLY),
        (co.pk, Stage.SIGN),
    }
    assert not timers.filter(assignment=None).exists()  # the case-level acceptance timer was cleared
    assert Notification.objects.filter(user=world.handler_a, body__contains="主办").exists()
    assert Notification.objects.filter(user=world.handler_a2, body__contains="协办").exists()
    assert not Notification.objects.filter(user=world.handler_b).exists()


def test_return_goes_back_to_accepted_and_releases_co_handlers(world, assigned):
    with pytest.raises(TransitionError):
        hs.case_return(actor=world.handler_a2, case=assigned, reason="不是我们的")
    hs.case_return(actor=world.handler_a, case=assigned, reason="应由城管局主办")
    assigned.refresh_from_db()
    assert assigned.state == CaseState.ACCEPTED and assigned.stage == Stage.ACCEPT
    statuses = dict(assigned.assignments.values_list("role", "status"))
    assert statuses == {AssignmentRole.LEAD: AssignmentStatus.RETURNED, AssignmentRole.CO: AssignmentStatus.WITHDRAWN}
    assert not assigned.timers.filter(cleared_at=None).exclude(assignment=None).exists()
    assert assigned.timers.filter(cleared_at=None, assignment=None, stage=Stage.ACCEPT).count() == 1
    assert Notification.objects.filter(user=world.staff_a, body__contains="应由城管局主办").exists()
    # It can be assigned again.
    hs.case_assign(actor=world.staff_a, case=assigned, lead=world.agency_a2)
    assigned.refresh_from_db()
    assert assigned.state == CaseState.ASSIGNED


def test_lead_must_sign_before_reply_and_co_handler_cannot_reply(world, assigned):
    with pytest.raises(TransitionError):  # still 待签收: the table refuses a reply
        hs.case_reply(actor=world.handler_a, case=assigned, result=ReplyResult.RESOLVED, content="已办")
    hs.case_sign(actor=world.handler_a2, case=assigned)  # co signs: the case stays 待签收
    assigned.refresh_from_db()
    assert assigned.state == CaseState.ASSIGNED
    hs.case_sign(actor=world.handler_a, case=assigned)
    assigned.refresh_from_db()
    assert assigned.state == CaseState.IN_PROGRESS and assigned.stage == Stage.REPLY
    msg = _unchanged(
        assigned, lambda: hs.case_reply(actor=world.handler_a2, case=assigned, result="resolved", content="协办答复")
    )
    assert "主办单位" in msg
    with pytest.raises(TransitionError, match="已经签收"):
        hs.case_sign(actor=world.handler_a, case=assigned)
    with pytest.raises(TransitionError):
        hs.case_sign(actor=world.handler_b, case=assigned)  # another county's agency has no part in it
    hs.case_co_view(actor=world.handler_a2, case=assigned, text="配合巡查")
    assert Notification.objects.filter(user=world.handler_a, body__contains="协办意见").exists()
    reply = hs.case_reply(actor=world.handler_a, case=assigned, result=ReplyResult.PLANNED, content="列入明年计划")
    assigned.refresh_from_db()
    assert assigned.state == CaseState.REPLIED and reply.author_label == world.agency_a.name
    assert set(assigned.assignments.values_list("status", flat=True)) == {AssignmentStatus.REPLIED}
    assert not assigned.timers.filter(cleared_at=None).exclude(stage=Stage.FEEDBACK).exists()
    assert Notification.objects.filter(user=world.deputy_user_a, body__contains="已答复").exists()


def test_lead_unsigned_reply_is_refused_when_case_in_progress(world, assigned):
    hs.case_sign(actor=world.handler_a, case=assigned)
    lead = assigned.assignments.get(role=AssignmentRole.LEAD)
    lead.status = AssignmentStatus.PENDING
    lead.save(update_fields=["status"])
    with pytest.raises(TransitionError, match="请先签收"):
        hs.case_reply(actor=world.handler_a, case=assigned, result=ReplyResult.RESOLVED, content="已办")


def test_extension_approve_moves_the_reply_deadline(world, assigned):
    hs.case_sign(actor=world.handler_a, case=assigned)
    lead = assigned.assignments.get(role=AssignmentRole.LEAD)
    with pytest.raises(TransitionError):
        hs.case_request_extension(actor=world.handler_a2, case=assigned, working_days=3, reason="协办")
    with pytest.raises(ValidationError):
        hs.case_request_extension(actor=world.handler_a, case=assigned, working_days=0, reason="需要时间")
    request = hs.case_request_extension(actor=world.handler_a, case=assigned, working_days=5, reason="需要招标")
    assert Notification.objects.filter(user=world.staff_a, body__contains="需要招标").exists()
    with pytest.raises(ValidationError, match="审批中"):
        hs.case_request_extension(actor=world.handler_a, case=assigned, working_days=2, reason="再延")
    hs.extension_decide(actor=world.staff_a, request=request, approve=True, note="同意")
    lead.refresh_from_db()
    request.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED and lead.reply_due_at > lead.original_reply_due_at
    assigned.refresh_from_db()
    assert assigned.stage_due_at == lead.reply_due_at
    reply_timers = assigned.timers.filter(cleared_at=None, stage=Stage.REPLY)
    assert list(reply_timers.values_list("due_at", flat=True)) == [lead.reply_due_at]
    with pytest.raises(ConflictError):
        hs.extension_decide(actor=world.staff_a, request=request, approve=False)
    assert Notification.objects.filter(user=world.handler_a, body__contains="已同意").exists()


def test_extension_refuse_keeps_the_deadline(world, assigned):
    hs.case_sign(actor=world.handler_a, case=assigned)
    request = hs.case_request_extension(actor=world.handler_a, case=assigned, working_days=5, reason="需要招标")
    hs.extension_decide(actor=world.staff_a, request=request, approve=False, note="请按期办结")
    lead = assigned.assignments.get(role=AssignmentRole.LEAD)
    assert lead.reply_due_at == lead.original_reply_due_at
    assert assigned.events.filter(kind=EventKind.EXTENSION_REFUSE).count() == 1
    assert Notification.objects.filter(user=world.handler_a, body__contains="未获同意").exists()


# --- Evaluation --------------------------------------------------------------------------------------


def _to_fed_back(world, case):
    hs.case_sign(actor=world.handler_a, case=case)
    hs.case_reply(actor=world.handler_a, case=case, result=ReplyResult.RESOLVED, content="已修复。")
    hs.case_feedback(actor=world.deputy_user_a, case=case)
    case.refresh_from_db()


def test_unsatisfied_reopens_once_then_closes(world, assigned):
    _to_fed_back(world, assigned)
    hs.case_evaluate(case=assigned, resolved=False, satisfaction=Satisfaction.UNSATISFIED, comment="没修好")
    assigned.refresh_from_db()
    assert assigned.state == CaseState.REOPENED and assigned.reopened_count == 1 and assigned.supervision_level == 1
    assert Notification.objects.filter(user=world.handler_a, body__contains="不满意").exists()
    hs.case_assign(actor=world.staff_a, case=assigned, lead=world.agency_a)
    assigned.refresh_from_db()
    assert assigned.assignments.filter(round=2).count() == 1
    _to_fed_back(world, assigned)
    hs.case_evaluate(case=assigned, resolved=False, satisfaction=Satisfaction.UNSATISFIED)
    assigned.refresh_from_db()
    assert assigned.state == CaseState.CLOSED and assigned.close_reason == CloseReason.SECOND_UNSATISFIED
    assert assigned.evaluations.count() == 2
    assert not assigned.timers.filter(cleared_at=None).exists()


def test_satisfied_closes(world, assigned):
    _to_fed_back(world, assigned)
    with pytest.raises(ValidationError):
        hs.case_evaluate(case=assigned, resolved=True, satisfaction=Satisfaction.NONE)
    hs.case_evaluate(case=assigned, resolved=True, satisfaction=Satisfaction.BASIC)
    assigned.refresh_from_db()
    assert assigned.state == CaseState.CLOSED and assigned.close_reason == CloseReason.EVALUATED


def test_send_back_returns_reply_to_the_lead(world, assigned):
    hs.case_sign(actor=world.handler_a, case=assigned)
    hs.case_reply(actor=world.handler_a, case=assigned, result=ReplyResult.EXPLAINED, content="解释")
    hs.case_send_back(actor=world.staff_a, case=assigned, reason="答复过于简单")
    assigned.refresh_from_db()
    assert assigned.state == CaseState.IN_PROGRESS
    assert assigned.replies.get().sent_back
    assert Notification.objects.filter(user=world.handler_a, body__contains="答复过于简单").exists()


# --- Reject, merge, answer --------------------------------------------------------------------------


def test_reject_needs_a_reason_and_closes(world, opinion):
    with pytest.raises(ValidationError, match="理由"):
        hs.case_reject(actor=world.deputy_user_a, case=opinion.case, reason="  ")
    hs.case_reject(actor=world.deputy_user_a, case=opinion.case, reason="属于司法程序")
    opinion.case.refresh_from_db()
    assert opinion.case.state == CaseState.REJECTED and opinion.case.closed_at is not None
    assert not opinion.case.timers.filter(cleared_at=None).exists()


def test_merge_into_open_case_of_same_kind(world, opinion):
    other = submit(world).case
    with pytest.raises(ValidationError, match="自身"):
        hs.case_merge(actor=world.deputy_user_a, case=other, into=other)
    hs.case_merge(actor=world.deputy_user_a, case=other, into=opinion.case)
    other.refresh_from_db()
    assert other.state == CaseState.MERGED and other.merged_into == opinion.case
    third = submit(world).case
    with pytest.raises(ValidationError, match="尚未办结"):
        hs.case_merge(actor=world.deputy_user_a, case=third, into=other)


def test_deputy_answers_directly(world, opinion):
    hs.case_answer(actor=world.deputy_user_a, case=opinion.case, result=ReplyResult.RESOLVED, content="已协调解决")
    opinion.case.refresh_from_db()
    assert opinion.case.state == CaseState.FED_BACK and opinion.case.feedback_text == "已协调解决"
    assert opinion.case.timers.filter(cleared_at=None, stage=Stage.EVALUATE).count() == 1


# --- Notifications and SMS ----------------------------------------------------------------------------


def test_new_case_notifies_the_deputy_and_station_not_outsiders(world, opinion):
    assert Notification.objects.filter(user=world.deputy_user_a, body__contains="请在").exists()
    assert Notification.objects.filter(user=world.station_staff_a).exists()
    assert not Notification.objects.filter(user__in=[world.staff_b, world.handler_b, world.nobody]).exists()


def test_case_without_deputy_goes_to_congress_staff(world):
    submit(world, deputy=False)
    assert Notification.objects.filter(user=world.staff_a, body__contains="待交办").exists()
    assert not Notification.objects.filter(user=world.staff_b).exists()


def test_forward_notifies_congress_staff(world, opinion):
    Notification.objects.all().delete()
    hs.case_forward(actor=world.deputy_user_a, case=opinion.case)
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["staff_a"]


def test_sms_goes_only_to_verified_phones_after_commit(world, django_capture_on_commit_callbacks):
    verified = submit(world, phone="13800138001")
    unverified = submit(world, phone="13800138002")
    unverified.phone_verified = False
    unverified.save(update_fields=["phone_verified"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        hs.case_reject(actor=world.deputy_user_a, case=verified.case, reason="不属于受理范围")
    message = SmsMessage.objects.get(phone="13800138001", template_key="sms.rejected")
    assert message.status == SmsStatus.QUEUED and "不属于受理范围" in message.text
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):
        hs.case_reject(actor=world.deputy_user_a, case=unverified.case, reason="不属于受理范围")
    callbacks[0]()
    message.refresh_from_db()
    assert message.status == SmsStatus.SENT
    assert not SmsMessage.objects.filter(phone="13800138002", template_key="sms.rejected").exists()


def test_supervise_by_staff_notifies_owners_and_congress(world, assigned):
    Notification.objects.all().delete()
    hs.case_supervise(actor=world.staff_a, case=assigned, reason="群众多次反映")
    assigned.refresh_from_db()
    assert assigned.supervision_level == 1
    users = set(Notification.objects.values_list("user__username", flat=True))
    assert users == {"handler_a", "handler_a2", "staff_a"}
    with pytest.raises(TransitionError, match="权限"):
        hs.case_supervise(actor=world.handler_a, case=assigned, reason="x")
    for _ in range(4):
        hs.case_supervise(actor=world.staff_a, case=assigned, reason="再次督办")
    assigned.refresh_from_db()
    assert assigned.supervision_level == hs.MAX_SUPERVISION_LEVEL


@pytest.mark.django_db(transaction=True)
def test_two_threads_on_one_case_exactly_one_wins(world):
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks across connections are tested on PostgreSQL")
    import threading

    case = submit(world).case
    seen = case.version
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=act, args=(lambda: hs.case_accept(actor=world.deputy_user_a, case=case, version=seen),)
        ),
        threading.Thread(
            target=act,
            args=(lambda: hs.case_reject(actor=world.station_staff_a, case=case, reason="重复", version=seen),),
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    case.refresh_from_db()
    assert case.version == seen + 1
    assert case.events.filter(kind__in=[EventKind.ACCEPT, EventKind.REJECT]).count() == 1
