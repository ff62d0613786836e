"""The per-kind policy of the engine: suggestions' return window, extension cap, split handling,
configurable result categories and kind-specific limits; opinions keep their rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from renda.handling import services as hs
from renda.handling.commitments import case_record_contact
from renda.handling.deadlines import KIND_DEFAULT_LIMITS, Limit, add_months, due_after, limit_for
from renda.handling.engine import TransitionError
from renda.handling.models import (
    AssignmentRole,
    AssignmentStatus,
    CaseKind,
    CaseState,
    EventKind,
    ExtensionStatus,
    LimitUnit,
    ReplyResult,
    ResultCategory,
    Stage,
    StageLimit,
)
from renda.handling.policy import policy_for, result_choices
from renda.handling.services_config import stage_limit_create
from tests.suggestions.conftest import in_progress, registered, sw  # noqa: F401  (fixture)

from .conftest import submit

TZ = datetime.timezone(datetime.timedelta(hours=8))


def _shift_assignment(case, days: int) -> None:
    """Pretend the assignment happened ``days`` calendar days ago."""
    for a in case.assignments.all():
        a.assigned_at -= datetime.timedelta(days=days)
        a.save(update_fields=["assigned_at"])


# --- Deadlines ---------------------------------------------------------------------------------


def test_add_months_clamps_to_month_end():
    start = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=TZ)
    assert add_months(start, 3).date() == datetime.date(2027, 2, 28)
    assert add_months(start, 1).date() == datetime.date(2026, 12, 30)
    assert due_after(start, Limit(6, LimitUnit.MONTHS)).date() == datetime.date(2027, 5, 30)


def test_kind_defaults_and_configured_rows(db):
    assert limit_for(Stage.REPLY, kind=CaseKind.SUGGESTION) == Limit(3, LimitUnit.MONTHS)
    assert limit_for(Stage.REPLY, kind=CaseKind.OPINION) == Limit(7, LimitUnit.WORKING_DAYS)
    assert limit_for(Stage.REPLY) == Limit(7, LimitUnit.WORKING_DAYS)
    # A row for any kind does not override a kind's own default …
    stage_limit_create(actor=None, stage=Stage.REPLY, amount=10, unit=LimitUnit.WORKING_DAYS)
    assert limit_for(Stage.REPLY, kind=CaseKind.SUGGESTION) == Limit(3, LimitUnit.MONTHS)
    assert limit_for(Stage.REPLY, kind=CaseKind.OPINION) == Limit(10, LimitUnit.WORKING_DAYS)
    # … a row for the kind does.
    stage_limit_create(actor=None, stage=Stage.REPLY, amount=2, unit=LimitUnit.MONTHS, kind=CaseKind.SUGGESTION)
    assert limit_for(Stage.REPLY, kind=CaseKind.SUGGESTION) == Limit(2, LimitUnit.MONTHS)
    assert StageLimit.objects.count() == 2
    assert set(KIND_DEFAULT_LIMITS[CaseKind.SUGGESTION]) >= {(Stage.REPLY, ""), (Stage.EVALUATE, "")}


def test_result_choices_per_kind(db):
    assert result_choices(CaseKind.OPINION) == list(ReplyResult.choices)
    assert [c for c, _ in result_choices(CaseKind.SUGGESTION)] == ["A", "B", "C", "D"]
    ResultCategory.objects.filter(kind=CaseKind.SUGGESTION, code="D").update(is_active=False)  # many localities
    assert [c for c, _ in result_choices(CaseKind.SUGGESTION)] == ["A", "B", "C"]


def test_disabled_category_is_refused(world, sw):  # noqa: F811
    s = in_progress(world, sw)
    ResultCategory.objects.filter(kind=CaseKind.SUGGESTION, code="D").update(is_active=False)
    case_record_contact(
        actor=world.handler_a, case=s.case, method="phone", contacted_on=timezone.localdate(), content="电话"
    )
    with pytest.raises(ValidationError, match="答复类别"):
        hs.case_reply(actor=world.handler_a, case=s.case, result="D", content="留作参考。")


def test_opinions_keep_their_rules(world):
    assert policy_for(CaseKind.OPINION).return_days is None
    assert not policy_for(CaseKind.OPINION).auto_feedback
    opinion = submit(world)
    case = opinion.case
    hs.case_accept(actor=world.deputy_user_a, case=case)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a, co=[world.agency_a2])
    co = case.assignments.get(role=AssignmentRole.CO)
    lead = case.assignments.get(role=AssignmentRole.LEAD)
    assert co.reply_due_at == lead.reply_due_at  # no separate co-view deadline
    assert not case.timers.filter(stage=Stage.CO_VIEW).exists()
    _shift_assignment(case, 60)
    hs.case_sign(actor=world.handler_a, case=case)
    hs.case_reply(actor=world.handler_a, case=case, result=ReplyResult.RESOLVED, content="已修好")  # no contact needed
    case.refresh_from_db()
    assert case.state == CaseState.REPLIED  # the staff feedback step stays


# --- Return window -----------------------------------------------------------------------------


def test_suggestion_return_within_window(world, sw):  # noqa: F811
    s = in_progress(world, sw)
    _shift_assignment(s.case, 3)
    hs.case_return(actor=world.handler_a, case=s.case, reason="不属于我局职责")
    s.case.refresh_from_db()
    assert s.case.state == CaseState.ACCEPTED


def test_suggestion_return_after_window_refused(world, sw, settings):  # noqa: F811
    s = in_progress(world, sw)
    _shift_assignment(s.case, 20)  # far more than 7 working days
    with pytest.raises(ValidationError, match="7 个工作日"):
        hs.case_return(actor=world.handler_a, case=s.case, reason="不属于我局职责")
    settings.RENDA_SUGGESTION_RETURN_DAYS = 30
    hs.case_return(actor=world.handler_a, case=s.case, reason="不属于我局职责")


# --- Extension cap -----------------------------------------------------------------------------


def test_extension_capped_at_six_months(world, sw):  # noqa: F811
    s = in_progress(world, sw)
    case = s.case
    with pytest.raises(ValidationError, match="6个月"):
        hs.case_request_extension(actor=world.handler_a, case=case, working_days=100, reason="情况复杂")
    request = hs.case_request_extension(actor=world.handler_a, case=case, working_days=40, reason="情况复杂")
    hs.extension_decide(actor=world.staff_a, request=request, approve=True)
    lead = case.assignments.get(role=AssignmentRole.LEAD)
    assert lead.reply_due_at <= add_months(lead.assigned_at, 6)
    with pytest.raises(ValidationError, match="6个月"):
        hs.case_request_extension(actor=world.handler_a, case=case, working_days=40, reason="还要延")
    # A request that fitted when asked but no longer does (approved meanwhile elsewhere) is refused too.
    request = hs.case_request_extension(actor=world.handler_a, case=case, working_days=20, reason="再延")
    lead.reply_due_at = add_months(lead.assigned_at, 6) - datetime.timedelta(days=1)
    lead.save(update_fields=["reply_due_at"])
    with pytest.raises(ValidationError, match="6个月"):
        hs.extension_decide(actor=world.staff_a, request=request, approve=True)
    request.refresh_from_db()
    assert request.status == ExtensionStatus.PENDING


def test_opinion_extension_still_limited_to_30_working_days(world):
    case = submit(world).case
    hs.case_accept(actor=world.deputy_user_a, case=case)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a)
    with pytest.raises(ValidationError, match="1 至 30"):
        hs.case_request_extension(actor=world.handler_a, case=case, working_days=31, reason="复杂")


# --- Split handling ----------------------------------------------------------------------------


def test_split_handling_each_unit_answers(world, sw):  # noqa: F811
    s = registered(world, sw)
    case = s.case
    with pytest.raises(ValidationError, match="两个"):
        hs.case_assign(actor=world.staff_a, case=case, split=[world.agency_a])
    with pytest.raises(ValidationError, match="分办"):
        hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a, split=[world.agency_a, world.agency_a2])
    hs.case_assign(actor=world.staff_a, case=case, split=[world.agency_a, world.agency_a2])
    assert set(case.assignments.values_list("role", flat=True)) == {AssignmentRole.SPLIT}
    hs.case_sign(actor=world.handler_a, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.IN_PROGRESS
    hs.case_sign(actor=world.handler_a2, case=case)
    for user, result in ((world.handler_a, "A"), (world.handler_a2, "C")):
        case_record_contact(actor=user, case=case, method="phone", contacted_on=timezone.localdate(), content="电话")
        hs.case_reply(actor=user, case=case, result=result, content=f"{user}的答复")
        case.refresh_from_db()
        if user == world.handler_a:
            assert case.state == CaseState.IN_PROGRESS  # the other unit has not answered yet
            assert case.events.filter(kind=EventKind.SPLIT_REPLY).count() == 1
    assert case.state == CaseState.FED_BACK
    assert case.replies.count() == 2 and case.events.filter(kind=EventKind.REPLY).count() == 1
    assert "【东风区住房和城乡建设局】" in case.feedback_text and "【东风区城市管理局】" in case.feedback_text


def test_split_unit_returns_only_its_part(world, sw):  # noqa: F811
    s = registered(world, sw)
    case = s.case
    hs.case_assign(actor=world.staff_a, case=case, split=[world.agency_a, world.agency_a2])
    hs.case_return(actor=world.handler_a2, case=case, reason="不是我局职责")
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED
    assert case.assignments.get(agency=world.agency_a2).status == AssignmentStatus.RETURNED
    assert case.assignments.get(agency=world.agency_a).status == AssignmentStatus.PENDING
    hs.case_return(actor=world.handler_a, case=case, reason="也不是我局")
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED


def test_co_handler_cannot_record_contact_or_reply(world, sw):  # noqa: F811
    s = in_progress(world, sw, co=[world.agency_a2])
    with pytest.raises(TransitionError):
        case_record_contact(
            actor=world.handler_a2, case=s.case, method="phone", contacted_on=timezone.localdate(), content="电话"
        )
    with pytest.raises(TransitionError):
        case_record_contact(
            actor=world.handler_b, case=s.case, method="phone", contacted_on=timezone.localdate(), content="电话"
        )
    with pytest.raises(ValidationError):
        case_record_contact(
            actor=world.handler_a,
            case=s.case,
            method="fax",
            contacted_on=timezone.localdate() + datetime.timedelta(days=2),
            content="",
        )
    assert not s.case.contacts.exists()


def test_overdue_co_view_is_supervised_by_the_worker(world, sw):  # noqa: F811
    from renda.handling.tick import deadlines_tick

    s = in_progress(world, sw, co=[world.agency_a2])
    co = s.case.assignments.get(role=AssignmentRole.CO)
    counts = deadlines_tick(now=co.reply_due_at + datetime.timedelta(minutes=1))
    assert counts["escalated"] >= 1
    supervision = s.case.supervisions.filter(reason__contains="协办意见").get()
    assert world.agency_a2.name in supervision.reason
