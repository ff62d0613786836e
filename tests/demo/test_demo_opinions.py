"""The demo's opinions: every state, events that replay the engine's rules, queues for the demo accounts."""

from collections import Counter, defaultdict

import pytest

from renda.core.models import Notification, User
from renda.demo import build_demo
from renda.handling import figures
from renda.handling.engine import TRANSITIONS
from renda.handling.models import (
    OPEN_STATES,
    Assignment,
    Case,
    CaseEvent,
    CaseState,
    Evaluation,
    EventKind,
    Reply,
    Satisfaction,
    Supervision,
    Timer,
)
from renda.opinions.models import Channel, Opinion
from renda.registry.models import Congress

SCALE = 0.06  # ~250 random opinions plus the showcase items for the demo accounts


@pytest.fixture
def demo(db):
    return build_demo(seed=3, scale=SCALE)


def test_every_state_and_channel_present(demo):
    states = Counter(Case.objects.filter(kind="opinion").values_list("state", flat=True))
    assert set(states) == set(CaseState.values)
    assert set(Opinion.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert demo.counts["opinions"] == Opinion.objects.count() == Case.objects.filter(kind="opinion").count()
    assert (
        sum(demo.opinion_counts[f"opinions_{s}"] for s in CaseState.values)
        == Case.objects.filter(kind="opinion").count()
    )
    assert states[CaseState.CLOSED] > sum(states[s] for s in OPEN_STATES)  # a year of history: mostly closed


def test_events_follow_the_engine(demo):
    events = defaultdict(list)
    for e in CaseEvent.objects.order_by("case_id", "id"):
        events[e.case_id].append(e)
    for case in Case.objects.filter(kind="opinion"):
        trail = events[case.pk]
        assert trail[0].kind == EventKind.SUBMIT and trail[0].to_state == CaseState.SUBMITTED
        assert trail[0].at == case.created_at
        assert all(a.at <= b.at for a, b in zip(trail, trail[1:], strict=False)), case.pk
        state = CaseState.SUBMITTED
        for e in trail[1:]:
            allowed_from, allowed_to = TRANSITIONS[e.kind]
            assert e.from_state == state and state in allowed_from, (case.pk, e.kind, state)
            assert e.to_state == state or e.to_state in allowed_to, (case.pk, e.kind, e.to_state)
            state = e.to_state
        assert state == case.state, case.pk
        assert case.version == len(trail) - 1
        if case.state in (CaseState.CLOSED, CaseState.REJECTED, CaseState.MERGED):
            assert case.closed_at == trail[-1].at or case.state == CaseState.CLOSED
        if case.accepted_at:
            assert case.accepted_at >= case.created_at
        if case.state == CaseState.MERGED:
            assert case.merged_into is not None and case.merged_into.created_at < trail[-1].at
    # Timers: open cases have a live one, final cases none.
    live = set(Timer.objects.filter(cleared_at=None, escalated_at=None).values_list("case_id", flat=True))
    finals = set(Case.objects.filter(kind="opinion").exclude(state__in=OPEN_STATES).values_list("pk", flat=True))
    assert not live & finals


def test_rows_are_consistent(demo):
    codes = list(Opinion.objects.values_list("tracking_code", flat=True))
    tokens = list(Opinion.objects.values_list("access_token", flat=True))
    assert len(set(codes)) == len(codes) and len(set(tokens)) == len(tokens)
    for a in Assignment.objects.all()[:300]:
        assert a.sign_due_at > a.assigned_at and a.reply_due_at >= a.original_reply_due_at
        if a.signed_at:
            assert a.signed_at >= a.assigned_at
    replied = Assignment.objects.filter(replied_at__isnull=False)
    on_time = sum(a.replied_on_time for a in replied)
    assert 0.5 < on_time / replied.count() < 0.98
    verdicts = Counter(Evaluation.objects.values_list("satisfaction", flat=True))
    assert verdicts[Satisfaction.SATISFIED] > verdicts[Satisfaction.BASIC] > verdicts[Satisfaction.UNSATISFIED]
    assert Supervision.objects.exists() and Reply.objects.exists()
    for model in (Case, Opinion, Assignment, Reply, Evaluation, CaseEvent, Timer):
        for obj in model.objects.all()[:150]:
            obj.full_clean(exclude=["assigned_by", "author", "actor", "resolved"])  # as the services write them


def test_demo_accounts_have_work_waiting(demo):
    users = {u.username: u for u in User.objects.all()}
    deputy, station_staff = users["deputy"], users["station_staff"]
    assert Case.objects.filter(deputy=deputy.deputy, state=CaseState.SUBMITTED).exists()
    assert Case.objects.filter(station=station_staff.station, state=CaseState.SUBMITTED).exists()
    assert Case.objects.filter(station=station_staff.station, state=CaseState.REPLIED).exists()
    assert Case.objects.filter(station=station_staff.station, state=CaseState.FED_BACK).exists()
    assert Case.objects.filter(congress=users["county_staff"].congress, state=CaseState.ACCEPTED).exists()
    assert Assignment.objects.filter(agency=users["agency"].agency, status="pending").exists()
    assert Assignment.objects.filter(agency=users["agency"].agency, status="signed").exists()
    for name in ("deputy", "station_staff", "county_staff", "agency"):
        assert Notification.objects.filter(user=users[name], read_at=None).exists(), name


def test_figures_are_computable(demo):
    city = Congress.objects.get(division__code="990100")
    result = figures.unit_figures(city, figures.last_year_period())
    assert result is not None
