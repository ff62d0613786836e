"""办理成效 of suggestions: exact values on a hand-built set of suggestions, and the console page."""

import datetime
from dataclasses import dataclass
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renda.handling import services as hs
from renda.handling.commitments import case_record_contact, commitment_fulfil
from renda.handling.models import Assignment, AssignmentRole, Commitment, Satisfaction
from renda.suggestions import figures as sf
from renda.suggestions import services as ss
from renda.suggestions.models import Suggestion, SuggestionCategory

from .conftest import draft, make_session, registered


@dataclass
class FigWorld:
    s1: Suggestion
    s2: Suggestion
    s3: Suggestion
    s4: Suggestion
    s5: Suggestion
    s6: Suggestion
    old: Suggestion


def _contact(user, case):
    case_record_contact(actor=user, case=case, method="phone", contacted_on=timezone.localdate(), content="电话沟通")


def _answer(user, case, result, **extra):
    _contact(user, case)
    return hs.case_reply(actor=user, case=case, result=result, content=f"{result}类答复", **extra)


def _evaluate(world, case, satisfaction, actor=None):
    hs.case_evaluate(case=case, resolved=None, satisfaction=satisfaction, actor=actor or world.deputy_user_a)


def _assign(world, s, **parts):
    ss.suggestion_assign(actor=world.staff_a, suggestion=s, **parts)
    s.case.refresh_from_db()
    return s.case


def build_figures_world(world, sw) -> FigWorld:
    """Six registered 2026 suggestions of congress A (lead A = agency_a, A2 = agency_a2), one of 2025.

    s1: lead A (+ co A2), extension approved, answered A on time under the extended deadline;
        proposer 满意, co-signer 不满意 (not counted).
    s2: lead A answered B late (2 commitments, 1 fulfilled); 不满意 → re-handled by A2: A on time, 基本满意.
    s3: lead A answered C on time; 不满意 → reopened, not yet re-assigned.
    s4: lead A2 signed, deadline passed, no answer.
    s5: lead A signed, not yet due.
    s6: split A (A) + A2 (D), both on time; 满意.
    """
    a, a2 = world.handler_a, world.handler_a2
    other = SuggestionCategory.objects.get(name="教育科技")

    s1 = draft(world, sw, title="建议一")
    (row,) = ss.cosigner_invite(actor=world.deputy_user_a, suggestion=s1, deputies=[sw.deputy_a2])
    ss.cosign_respond(actor=sw.cosigner_user, cosigner=row, accept=True)
    s1 = ss.suggestion_register(
        actor=world.staff_a, suggestion=ss.suggestion_submit(actor=world.deputy_user_a, suggestion=s1)
    )
    case = _assign(world, s1, lead=world.agency_a, co=[world.agency_a2])
    hs.case_sign(actor=a, case=case)
    request = hs.case_request_extension(actor=a, case=case, working_days=10, reason="情况复杂")
    hs.extension_decide(actor=world.staff_a, request=request, approve=True)
    _answer(a, case, "A")
    lead = Assignment.objects.get(case=case, role=AssignmentRole.LEAD)
    assert lead.reply_due_at > lead.original_reply_due_at
    # Replied after the original deadline, within the extended one: on time.
    Assignment.objects.filter(pk=lead.pk).update(
        original_reply_due_at=lead.replied_at - datetime.timedelta(days=1),
        reply_due_at=lead.replied_at + datetime.timedelta(days=1),
    )
    _evaluate(world, case, Satisfaction.UNSATISFIED, actor=sw.cosigner_user)
    _evaluate(world, case, Satisfaction.SATISFIED)

    s2 = registered(world, sw, title="建议二", category=other)
    case = _assign(world, s2, lead=world.agency_a)
    hs.case_sign(actor=a, case=case)
    _answer(a, case, "B", commitments=["年内完成设计", ("明年开工", datetime.date(2027, 5, 1))])
    late = Assignment.objects.get(case=case, round=1)
    Assignment.objects.filter(pk=late.pk).update(reply_due_at=late.replied_at - datetime.timedelta(days=1))
    _evaluate(world, case, Satisfaction.UNSATISFIED)
    hs.case_assign(actor=world.staff_a, case=case, lead=world.agency_a2)
    hs.case_sign(actor=a2, case=case)
    _answer(a2, case, "A")
    _evaluate(world, case, Satisfaction.BASIC)
    commitment_fulfil(actor=a, commitment=Commitment.objects.filter(case=case).first(), note="设计已完成")

    s3 = registered(world, sw, title="建议三")
    case = _assign(world, s3, lead=world.agency_a)
    hs.case_sign(actor=a, case=case)
    _answer(a, case, "C")
    _evaluate(world, case, Satisfaction.UNSATISFIED)

    s4 = registered(world, sw, title="建议四", category=other)
    case = _assign(world, s4, lead=world.agency_a2)
    hs.case_sign(actor=a2, case=case)
    Assignment.objects.filter(case=case).update(reply_due_at=timezone.now() - datetime.timedelta(days=1))

    s5 = registered(world, sw, title="建议五")
    case = _assign(world, s5, lead=world.agency_a)
    hs.case_sign(actor=a, case=case)

    s6 = registered(world, sw, title="建议六")
    case = _assign(world, s6, split=[world.agency_a, world.agency_a2])
    hs.case_sign(actor=a, case=case)
    hs.case_sign(actor=a2, case=case)
    _answer(a, case, "A")
    _answer(a2, case, "D")
    _evaluate(world, case, Satisfaction.SATISFIED)

    draft(world, sw, title="草稿不计")
    ss.suggestion_submit(actor=world.deputy_user_a, suggestion=draft(world, sw, title="未立案不计"))
    old_session = make_session(world.congress_a, title="第十七届人民代表大会第四次会议", year=2025)
    old = registered(world, sw, title="上年建议", session=old_session)
    return FigWorld(s1, s2, s3, s4, s5, s6, old)


@pytest.fixture
def fw(world, sw) -> FigWorld:
    return build_figures_world(world, sw)


def _rate(rate: sf.Rate) -> tuple[int, int]:
    return rate.numerator, rate.denominator


def test_totals_exact(world, sw, fw):
    figs = sf.figures_for(sf.suggestion_set(world.staff_a, congress=world.congress_a, year=2026))
    assert figs.suggestions == 6
    assert _rate(figs.on_time) == (5, 7)  # s1 (extended), s2 r2, s3, s6 ×2 on time; s2 r1 late, s4 overdue
    assert _rate(figs.satisfaction) == (3, 4)  # final verdicts: s1 满意, s2 基本满意, s3 不满意, s6 满意
    assert (figs.satisfied, figs.basic, figs.unsatisfied) == (2, 1, 1)
    assert _rate(figs.rehandle) == (2, 4)  # s2, s3 reopened
    assert [(r.code, r.share.numerator) for r in figs.results] == [("A", 3), ("B", 1), ("C", 1), ("D", 1)]
    assert figs.replies == 6 and figs.result("A").denominator == 6
    assert (figs.commitments, figs.commitments_open) == (2, 1)
    low, high = figs.satisfaction.low, figs.satisfaction.high
    assert 0 < low < 0.75 < high <= 1  # the Wilson interval of the handling figures
    assert figs.satisfaction.percent == "75.0%"


def test_per_agency_exact(world, sw, fw):
    facts = sf.load_facts(sf.suggestion_set(None, congress=world.congress_a, year=2026))
    a = sf.compute(facts, agency_id=world.agency_a.pk)
    assert a.suggestions == 5  # s1, s2, s3, s5, s6 (co-handling s1 is not A2's)
    assert _rate(a.on_time) == (3, 4)
    assert _rate(a.satisfaction) == (2, 4)  # s1 满意, s2 r1 不满意, s3 不满意, s6 满意
    assert _rate(a.rehandle) == (2, 4)
    assert [(r.code, r.share.numerator) for r in a.results] == [("A", 2), ("B", 1), ("C", 1), ("D", 0)]
    assert (a.commitments, a.commitments_open) == (2, 1)
    a2 = sf.compute(facts, agency_id=world.agency_a2.pk)
    assert a2.suggestions == 3  # s2 (round 2), s4, s6
    assert _rate(a2.on_time) == (2, 3)
    assert _rate(a2.satisfaction) == (2, 2)
    assert _rate(a2.rehandle) == (0, 2)
    assert [(r.code, r.share.numerator) for r in a2.results] == [("A", 1), ("B", 0), ("C", 0), ("D", 1)]
    rows = sf.by_agency(facts, {world.agency_a.pk: "A", world.agency_a2.pk: "B", world.agency_b.pk: "无"})
    assert [r[1] for r in rows] == ["A", "B"]


def test_filters_deputy_session_year_period(world, sw, fw):
    assert sf.figures_for(sf.suggestion_set(world.staff_a, congress=world.congress_a)).suggestions == 7
    assert sf.suggestion_set(world.staff_a, session=sw.session).count() == 6
    cosigned = sf.figures_for(sf.suggestion_set(world.staff_a, deputy=sw.deputy_a2))
    assert cosigned.suggestions == 1 and _rate(cosigned.satisfaction) == (1, 1)
    by_agency = sf.suggestion_set(world.staff_a, agency=world.agency_a2, year=2026)
    assert by_agency.count() == 4  # s1 as co-handler is still "assigned to" A2
    # A period before everything happened counts nothing, a period around today counts everything.
    set_ = sf.suggestion_set(world.staff_a, year=2026)
    past = sf.period_between(datetime.date(2020, 1, 1), datetime.date(2020, 12, 31))
    empty = sf.figures_for(set_, period=past)
    assert empty.on_time.denominator == empty.satisfaction.denominator == empty.replies == 0
    today = timezone.localdate()
    around = sf.figures_for(set_, period=sf.period_between(today - datetime.timedelta(days=2), today))
    assert _rate(around.satisfaction) == (3, 4) and around.replies == 6
    # The overdue s4 deadline (yesterday) and the not-yet-due s5 are judged against the period too.
    assert _rate(around.on_time) == (5, 7)


def test_scope_outsider_sees_nothing(world, sw, fw):
    assert sf.suggestion_set(world.staff_b).count() == 0
    assert sf.suggestion_set(world.handler_b).count() == 0
    assert sf.suggestion_set(world.handler_a2, year=2026).count() == 4


# --- the console page ------------------------------------------------------------------------------


def test_page_staff_and_export(world, sw, fw, login, django_assert_max_num_queries):
    client = login(world.staff_a)
    url = reverse("console:suggestion_figures")
    with django_assert_max_num_queries(40):
        response = client.get(url, {"congress": world.congress_a.pk, "year": 2026})
    assert response.status_code == 200
    body = response.content.decode()
    assert "按时答复率" in body and "71.4%" in body and "75.0%" in body
    assert world.agency_a.name in body and world.agency_a2.name in body
    response = client.get(url, {"congress": world.congress_a.pk, "year": 2026, "format": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "单位" and rows[1][0] == "合计"
    assert rows[1][1] == 6
    # Bad filter values are ignored, never a 500.
    assert client.get(url, {"congress": "x", "year": "abc", "agency": "999", "start": "bad"}).status_code == 200


def test_page_agency_sees_only_its_part(world, sw, fw, login):
    body = login(world.handler_a2).get(reverse("console:suggestion_figures"), {"year": 2026}).content.decode()
    assert "66.7%" in body  # A2's 按时答复率 2/3
    assert world.agency_a.name not in body


def test_page_member_and_outsider(world, sw, fw, login):
    url = reverse("console:suggestion_figures")
    assert login(world.station_staff_a).get(url).status_code == 403  # no suggestion.view
    assert login(world.nobody).get(url).status_code in (302, 403)
    body = login(world.staff_b).get(url, {"congress": world.congress_a.pk}).content.decode()
    assert "建议一" not in body and "71.4%" not in body
