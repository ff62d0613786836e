from renda.core.models import Notification, SmsMessage
from renda.handling import services as hs
from renda.handling.models import CaseState, ReplyResult, Satisfaction


def test_full_loop_with_reopen(world, opinion):
    case = opinion.case
    assert case.state == CaseState.SUBMITTED
    assert case.congress == world.congress_a
    assert Notification.objects.filter(user=world.deputy_user_a).exists()
    hs.case_forward(actor=world.deputy_user_a, case=case)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a, co=[world.agency_a2])
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED
    hs.case_sign(actor=world.handler_a, case=case)
    hs.case_co_view(actor=world.handler_a2, case=case, text="城管配合巡查。")
    hs.case_reply(actor=world.handler_a, case=case, result=ReplyResult.RESOLVED, content="已修复路灯。")
    hs.case_feedback(actor=world.deputy_user_a, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.FED_BACK
    hs.case_evaluate(case=case, resolved=False, satisfaction=Satisfaction.UNSATISFIED, comment="还是不亮")
    case.refresh_from_db()
    assert case.state == CaseState.REOPENED and case.supervision_level == 1
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a)
    hs.case_sign(actor=world.handler_a, case=case)
    hs.case_reply(actor=world.handler_a, case=case, result=ReplyResult.RESOLVED, content="已更换线路。")
    hs.case_feedback(actor=world.staff_a, case=case)
    hs.case_evaluate(case=case, resolved=True, satisfaction=Satisfaction.SATISFIED)
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert not case.timers.filter(cleared_at=None).exists()
    assert SmsMessage.objects.filter(phone="13800138000").count() >= 3
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[0] == "submit" and kinds[-1] == "close"
