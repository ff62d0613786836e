"""办理成效: exact figures from a small history built through the real handling services.

The history (March 2026, county A unless noted; "on time" = well before the deadline):

* C1 deputy_a/station_a: lead agency_a + co agency_a2, both sign on time, reply on time, 满意 + resolved.
* C2 deputy_a/station_a: lead agency_a signs late and replies late, 不满意 (reopened); round 2 lead
  agency_a2 never signs (its reply deadline passes in March).
* C3 deputy_a/station_a: lead agency_a, 改派 to agency_a2 (withdrawn), a2 signs and replies on time, 基本满意.
* C4 deputy_a, no station: the deputy answers directly, 满意 + resolved.
* C5 no deputy/station: lead agency_a returns it unsigned; agency_a2 signs on time, never replies.
* C6 county B: agency_b on time throughout, 满意 + resolved.
* C7 deputy_a/station_a, submitted 31 March 23:00, accepted and handled in April: only in April's figures.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from renda.handling import figures as fg
from renda.handling import services as hs
from renda.handling.models import Assignment, ReplyResult, Satisfaction
from renda.registry.models import Agency, Division
from tests.handling.conftest import submit

MARCH = fg.month_period(2026, 3)
APRIL = fg.month_period(2026, 4)
LATER = timezone.make_aware(datetime.datetime(2026, 5, 10, 9))


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour, minute))


class Clock:
    def __init__(self):
        self.now = at(3, 2)

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(timezone, "now", c)
    return c


def _sign_late(clock, world, case, user):
    a = Assignment.objects.get(case=case, agency=user.agency, status="pending")
    clock.now = a.sign_due_at + datetime.timedelta(hours=1)
    hs.case_sign(actor=user, case=case)


def _close(clock, world, case, reviewer, when, satisfaction, resolved):
    clock.now = when
    hs.case_feedback(actor=reviewer, case=case)
    clock.now = when + datetime.timedelta(hours=1)
    hs.case_evaluate(case=case, resolved=resolved, satisfaction=satisfaction)


@pytest.fixture
def history(world, clock):
    w = world
    dep = w.deputy_user_a
    # C1
    clock.now = at(3, 2, 9)
    c1 = submit(w).case
    hs.case_forward(actor=dep, case=c1)
    clock.now = at(3, 2, 10)
    hs.case_assign(actor=w.staff_a, case=c1, lead=w.agency_a, co=[w.agency_a2])
    clock.now = at(3, 2, 11)
    hs.case_sign(actor=w.handler_a, case=c1)
    hs.case_co_view(actor=w.handler_a2, case=c1, text="配合")
    clock.now = at(3, 3, 9)
    hs.case_reply(actor=w.handler_a, case=c1, result=ReplyResult.RESOLVED, content="已修复")
    _close(clock, w, c1, dep, at(3, 3, 10), Satisfaction.SATISFIED, True)
    # C2
    clock.now = at(3, 2, 9, 5)
    c2 = submit(w).case
    hs.case_forward(actor=dep, case=c2)
    clock.now = at(3, 2, 10, 5)
    hs.case_assign(actor=w.staff_a, case=c2, lead=w.agency_a)
    _sign_late(clock, w, c2, w.handler_a)
    lead = Assignment.objects.get(case=c2, agency=w.agency_a)
    clock.now = lead.reply_due_at + datetime.timedelta(hours=1)
    hs.case_reply(actor=w.handler_a, case=c2, result=ReplyResult.PLANNED, content="列入计划")
    _close(clock, w, c2, dep, clock.now + datetime.timedelta(hours=1), Satisfaction.UNSATISFIED, False)
    clock.now = at(3, 13, 9)
    hs.case_assign(actor=w.staff_a, case=c2, lead=w.agency_a2)
    # C3
    clock.now = at(3, 4, 9)
    c3 = submit(w).case
    hs.case_forward(actor=dep, case=c3)
    hs.case_assign(actor=w.staff_a, case=c3, lead=w.agency_a)
    clock.now = at(3, 4, 10)
    hs.case_reassign(actor=w.staff_a, case=c3, lead=w.agency_a2, reason="职责不符")
    clock.now = at(3, 4, 11)
    hs.case_sign(actor=w.handler_a2, case=c3)
    hs.case_reply(actor=w.handler_a2, case=c3, result=ReplyResult.EXPLAINED, content="解释")
    _close(clock, w, c3, dep, at(3, 5, 9), Satisfaction.BASIC, None)
    # C4
    clock.now = at(3, 6, 9)
    c4 = submit(w, station=None).case
    hs.case_accept(actor=dep, case=c4)
    hs.case_answer(actor=dep, case=c4, result=ReplyResult.RESOLVED, content="已协调解决")
    clock.now = at(3, 6, 10)
    hs.case_evaluate(case=c4, resolved=True, satisfaction=Satisfaction.SATISFIED)
    # C5
    clock.now = at(3, 9, 9)
    c5 = submit(w, deputy=False).case
    hs.case_accept(actor=w.staff_a, case=c5)
    hs.case_assign(actor=w.staff_a, case=c5, lead=w.agency_a)
    clock.now = at(3, 9, 10)
    hs.case_return(actor=w.handler_a, case=c5, reason="不属本单位职责")
    hs.case_assign(actor=w.staff_a, case=c5, lead=w.agency_a2)
    clock.now = at(3, 9, 11)
    hs.case_sign(actor=w.handler_a2, case=c5)
    # C6 (county B)
    clock.now = at(3, 10, 9)
    c6 = submit(w, deputy=False, division=w.town_b).case
    hs.case_accept(actor=w.staff_b, case=c6)
    hs.case_assign(actor=w.staff_b, case=c6, lead=w.agency_b)
    clock.now = at(3, 10, 10)
    hs.case_sign(actor=w.handler_b, case=c6)
    hs.case_reply(actor=w.handler_b, case=c6, result=ReplyResult.RESOLVED, content="已解决")
    _close(clock, w, c6, w.staff_b, at(3, 10, 11), Satisfaction.SATISFIED, True)
    # C7 (April)
    clock.now = at(3, 31, 23)
    c7 = submit(w).case
    clock.now = at(4, 1, 0, 30)
    hs.case_forward(actor=dep, case=c7)
    hs.case_assign(actor=w.staff_a, case=c7, lead=w.agency_a)
    clock.now = at(4, 1, 9)
    hs.case_sign(actor=w.handler_a, case=c7)
    clock.now = at(4, 2, 9)
    hs.case_reply(actor=w.handler_a, case=c7, result=ReplyResult.RESOLVED, content="已修复")
    _close(clock, w, c7, dep, at(4, 2, 10), Satisfaction.SATISFIED, True)
    clock.now = LATER
    return w


def counts(figs: fg.UnitFigures) -> dict[str, tuple[int, int]]:
    return {f.key: (f.numerator, f.denominator) for f in figs.all()}


def test_wilson_known_values():
    low, high = fg.wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    low, high = fg.wilson(1, 1)
    assert (round(low, 3), high) == (0.207, 1.0)
    low, high = fg.wilson(0, 4)
    assert (low, round(high, 3)) == (0.0, 0.490)
    assert fg.wilson(0, 0) is None
    empty = fg.Figure("satisfaction")
    assert empty.rate is None and empty.interval is None and empty.low is None


def test_deputy_figures(history):
    figs = fg.unit_figures(history.deputy_a, MARCH)
    assert counts(figs) == {
        "response": (3, 5),
        "closure": (3, 4),
        "on_time": (2, 4),
        "satisfaction": (3, 4),
        "resolution": (2, 4),
    }
    assert figs.satisfaction.rate == 0.75
    assert counts(fg.unit_figures(history.deputy_b, MARCH)) == {k: (0, 0) for k, _ in fg.FIGURES}


def test_station_figures(history):
    assert counts(fg.unit_figures(history.station_a, MARCH)) == {
        "response": (3, 5),
        "closure": (2, 3),
        "on_time": (2, 4),
        "satisfaction": (2, 3),
        "resolution": (1, 3),
    }


def test_agency_figures(history):
    assert counts(fg.unit_figures(history.agency_a, MARCH)) == {
        "response": (1, 3),  # a1 on time, C2 late, C5 returned unsigned; C3 withdrawn is left out
        "closure": (1, 2),
        "on_time": (1, 2),
        "satisfaction": (1, 2),
        "resolution": (1, 2),
    }
    assert counts(fg.unit_figures(history.agency_a2, MARCH)) == {
        "response": (3, 4),
        "closure": (1, 3),
        "on_time": (1, 3),
        "satisfaction": (1, 1),
        "resolution": (0, 1),
    }


def test_division_figures(history):
    w = history
    assert counts(fg.unit_figures(w.county_a, MARCH)) == {
        "response": (4, 7),
        "closure": (3, 5),
        "on_time": (2, 5),
        "satisfaction": (3, 4),
        "resolution": (2, 4),
    }
    both = fg.compute("division", [w.city, w.county_a, w.county_b], MARCH)
    assert counts(both[w.county_b.pk]) == {k: (1, 1) for k, _ in fg.FIGURES}
    assert counts(both[w.city.pk]) == {
        "response": (5, 8),
        "closure": (4, 6),
        "on_time": (3, 6),
        "satisfaction": (4, 5),
        "resolution": (3, 5),
    }
    assert counts(fg.unit_figures(w.congress_a, MARCH)) == counts(both[w.county_a.pk])


def test_period_boundary(history):
    w = history
    assert counts(fg.unit_figures(w.deputy_a, APRIL)) == {k: (1, 1) for k, _ in fg.FIGURES}
    assert counts(fg.unit_figures(w.agency_a, APRIL)) == {k: (1, 1) for k, _ in fg.FIGURES}
    # A period ending just before C7 was accepted sees none of it.
    upto = fg.Period(MARCH.start, at(4, 1, 0, 30))
    assert counts(fg.unit_figures(w.deputy_a, upto)) == counts(fg.unit_figures(w.deputy_a, MARCH))
    assert fg.unit_figures(w.deputy_a, fg.Period(MARCH.start, at(4, 1, 0, 31))).closure.denominator == 5


def test_ranking_needs_enough_evaluations(history):
    r = fg.ranking("agency", Agency.objects.all(), MARCH, min_evaluated=2)
    assert [row.unit for row in r.rows] == [history.agency_a]
    assert r.left_out_count == 2  # agency_a2 (1 of 1 satisfied) and agency_b (1 of 1)
    assert {u for u, _ in r.left_out} == {history.agency_a2, history.agency_b}


def test_ranking_sorts_by_wilson_lower_bound(history):
    r = fg.ranking("agency", Agency.objects.all(), MARCH, min_evaluated=1)
    assert [row.rank for row in r.rows] == [1, 2, 3]
    assert r.rows[-1].unit == history.agency_a  # 1/2 (low 0.09) below 1/1 (low 0.21)
    lows = [row.figures.satisfaction.low for row in r.rows]
    assert lows == sorted(lows, reverse=True)


def test_ranking_query_count(history, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # the units, then one query per table
        r = fg.ranking("division", Division.objects.all(), MARCH, min_evaluated=1)
    assert history.county_a in {row.unit for row in r.rows}
    for kind, qs in (("deputy", "Deputy"), ("station", "Station"), ("congress", "Congress")):
        model = fg.KINDS[kind]
        assert model.__name__ == qs
        with django_assert_max_num_queries(4):
            fg.ranking(kind, model.objects.all(), MARCH)


# --- Pages ---------------------------------------------------------------------------------------


def test_figures_page_staff(history, login, django_assert_max_num_queries):
    client = login(history.staff_a)
    url = reverse("console:figures")
    params = {"kind": "agency", "mode": "month", "year": 2026, "month": 3}
    with django_assert_max_num_queries(10):
        response = client.get(url, params)
    body = response.content.decode()
    assert response.status_code == 200 and "2026年3月" in body
    assert "东风区住房和城乡建设局" in body and "向阳区教育局" not in body  # outsider's agency not in scope
    export = client.get(url, {**params, "format": "xlsx"})
    assert export.status_code == 200 and export.content[:2] == b"PK"
    for kind in ("deputy", "station", "division"):
        assert client.get(url, {**params, "kind": kind}).status_code == 200
    assert client.get(url, {"mode": "custom", "start": "2026-03-01", "end": "2026-03-31"}).status_code == 200
    bad = client.get(url, {"mode": "custom", "start": "x", "kind": "nope", "year": "abc"})
    assert bad.status_code == 200 and "无效" in bad.content.decode()


def test_figures_page_members_see_own_unit(history, login):
    url = reverse("console:figures")
    params = {"mode": "month", "year": 2026, "month": 3}
    handler = login(history.handler_a).get(url, {**params, "kind": "deputy"}).content.decode()
    assert "东风区住房和城乡建设局" in handler and "东风区城市管理局" not in handler
    assert "1/3 件" in handler  # its own 响应率, shown although below the ranking threshold
    deputy = login(history.deputy_user_a).get(url, params).content.decode()
    assert history.deputy_a.name in deputy and "3/4 件" in deputy
    outsider = login(history.handler_b).get(url, params).content.decode()
    assert "东风区住房和城乡建设局" not in outsider and "向阳区教育局" in outsider
    assert login(history.nobody).get(url).status_code == 403


def test_public_and_agency_pages_show_figures(history, client, login, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    body = client.get(reverse("public:deputy_detail", args=[history.deputy_a.number])).content.decode()
    assert "办理成效" in body and "满意率" in body and "（4/5）" in body  # March + April, last twelve months
    body = client.get(reverse("public:station_detail", args=[history.station_b.code])).content.decode()
    assert "暂无数据" in body
    page = login(history.staff_a).get(reverse("console:agency_detail", args=[history.agency_a.pk]))
    assert page.status_code == 200 and "按时办结率" in page.content.decode()
    assert login(history.staff_b).get(reverse("console:agency_detail", args=[history.agency_a.pk])).status_code == 404
