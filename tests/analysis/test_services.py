"""Reply checks from the handling loop, opinion keywords at intake, the monthly analysis."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from renda.analysis import monthly, services
from renda.analysis.models import MonthlyReport, OpinionTerms, ReplyCheck
from renda.core.models import AuditEvent
from renda.handling import services as hs
from renda.handling.models import Assignment, Satisfaction
from renda.handling.tick import deadlines_tick

from .conftest import replied, submit

BOILERPLATE = "您好！您的留言已收悉。关于您反映的问题，我局已转交相关科室调查处理，请耐心等待，感谢您对我们工作的支持！"


def test_a_reply_is_checked_by_the_tick_not_inside_the_reply(world):
    _, case = replied(world)
    reply = case.replies.get()
    assert not ReplyCheck.objects.exists()  # the reply itself never waits for its check
    deadlines_tick()
    check = ReplyCheck.objects.get(reply=reply)
    assert check.case == case and check.agency == world.agency_a
    assert check.flags == [] and check.score == 100 and not check.flagged
    assert check.working_days == 0
    deadlines_tick()  # idempotent
    assert ReplyCheck.objects.count() == 1


def test_tick_counts_stay_the_deadline_figures(world):
    replied(world)
    counts = deadlines_tick()
    assert counts["failed"] == 0
    assert not [k for k in counts if "reply" in k or "monthly" in k or "analysis" in k]  # our counts go to the log
    assert ReplyCheck.objects.count() == 1


def test_short_and_template_replies_are_flagged_across_cases(world):
    cases = [replied(world, BOILERPLATE)[1] for _ in range(3)]
    services.reply_checks_run()
    checks = {c.case_id: c for c in ReplyCheck.objects.all()}
    assert len(checks) == 3
    for case in cases:
        check = checks[case.pk]
        assert "short" in check.flags and "missed_points" in check.flags
        assert "template" in check.flags  # the same text in two other cases' replies
        assert check.flagged and check.score <= 10
        assert check.flag_labels[:1] == ["未回应要点"]


def test_template_found_later_flags_the_earlier_copies(world):
    replied(world, BOILERPLATE)
    replied(world, BOILERPLATE)
    services.reply_checks_run()
    assert not ReplyCheck.objects.filter(template=True).exists()  # two copies: not yet a template
    replied(world, BOILERPLATE)
    services.reply_checks_run()
    assert ReplyCheck.objects.filter(template=True).count() == 3


def test_a_late_reply_is_flagged(world):
    _, case = replied(world)
    Assignment.objects.filter(case=case).update(reply_due_at=timezone.now() - datetime.timedelta(days=1))
    services.reply_checks_run()
    check = ReplyCheck.objects.get()
    assert check.late and check.flags == ["late"] and check.score == 80


def test_a_deputys_direct_answer_is_checked_too(world, login):
    from django.urls import reverse

    from renda.handling.models import ReplyResult

    opinion = submit(world)
    reply = hs.case_answer(actor=world.deputy_user_a, case=opinion.case, result=ReplyResult.EXPLAINED, content="已转达。")
    services.reply_checks_run()
    check = ReplyCheck.objects.get(reply=reply)
    assert check.agency is None and "short" in check.flags and "missed_points" in check.flags and check.flagged
    page = login(world.staff_a).get(reverse("console:opinion_detail", args=[opinion.pk])).content.decode()
    assert "（直接答复）" in page and "内容过简" in page


def test_opinion_terms_are_stored_when_registered(world):
    opinion = submit(world)
    terms = OpinionTerms.objects.get(opinion=opinion)
    assert terms.case_id == opinion.case_id
    assert "路灯" in terms.terms
    assert terms.created_at == opinion.created_at


def test_monthly_report_sections(world):
    opinion, case = replied(world, BOILERPLATE)
    services.reply_checks_run()
    hs.case_feedback(actor=world.deputy_user_a, case=case)
    hs.case_evaluate(case=case, resolved=False, satisfaction=Satisfaction.UNSATISFIED, comment="根本没修")
    for _ in range(3):
        submit(world, "长安街道菜市场门口占道经营严重，希望城管管一管菜市场门口。")
    month = timezone.localdate().replace(day=1)
    report = services.monthly_report_generate(actor=world.staff_a, congress=world.congress_a, month=month)
    data = report.data
    assert data["totals"]["received"] == 4
    assert data["title"].startswith("东风区人民代表大会")
    words = [k["word"] for k in data["keywords"]]
    assert {"菜市场", "路灯"} <= set(words)
    assert data["unsatisfied"] == 1 and data["unsatisfied_items"][0]["title"] == case.title
    assert data["unsatisfied_items"][0]["agencies"] == world.agency_a.name
    assert data["quality"]["flagged"] == 1 and data["quality"]["short"] == 1
    assert isinstance(data["hotspots"], list)
    assert AuditEvent.objects.filter(action="analysis.monthly_report.generate").exists()
    # the other county's congress sees none of it
    other = monthly.build(congress=world.congress_b, month=month)
    assert other["totals"]["received"] == 0 and other["keywords"] == []
    # regenerating replaces, never duplicates
    services.monthly_report_generate(actor=world.staff_a, congress=world.congress_a, month=month)
    assert MonthlyReport.objects.count() == 1


def test_slowest_agencies_need_three_replies(world):
    for _ in range(3):
        replied(world)
    month = timezone.localdate().replace(day=1)
    rows = monthly.build(congress=world.congress_a, month=month)["agencies"]
    assert rows == [{"agency": world.agency_a.name, "replies": 3, "avg_days": 0.0, "overdue": 0, "overdue_share": 0.0}]


def test_only_congress_staff_generate(world):
    month = timezone.localdate().replace(day=1)
    with pytest.raises(PermissionDenied):
        services.monthly_report_generate(actor=world.station_staff_a, congress=world.congress_a, month=month)
    future = (month + datetime.timedelta(days=40)).replace(day=1)
    with pytest.raises(Exception, match="尚未开始"):
        services.monthly_report_generate(actor=world.staff_a, congress=world.congress_a, month=future)


def test_last_month_reports_are_made_once_by_the_tick(world, settings):
    opinion = submit(world)
    last_month = services.previous_month(timezone.localdate())
    moment = timezone.make_aware(datetime.datetime.combine(last_month.replace(day=10), datetime.time(10)))
    type(opinion.case).objects.filter(pk=opinion.case_id).update(created_at=moment)
    deadlines_tick()
    report = MonthlyReport.objects.get()
    assert (report.congress, report.month, report.generated_by) == (world.congress_a, last_month, None)
    assert report.data["totals"]["received"] == 1
    deadlines_tick()
    assert MonthlyReport.objects.count() == 1
