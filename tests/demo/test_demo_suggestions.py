"""The demo's 代表建议: two sessions, every state and branch, events that follow the engine, clones consistent."""

from collections import Counter, defaultdict

import pytest
from django.urls import reverse

from renda.core.models import User
from renda.demo import build_demo
from renda.handling.engine import TRANSITIONS
from renda.handling.models import (
    Assignment,
    AssignmentRole,
    Case,
    CaseEvent,
    CaseKind,
    CaseState,
    Commitment,
    Evaluation,
    EventKind,
    ExtensionStatus,
    Reply,
)
from renda.suggestions.models import MotionDecision, SessionPeriod, Suggestion, SuggestionSession, SuggestionStatus
from renda.suggestions.selectors import public_replies, suggestion_list

SCALE = 0.05


@pytest.fixture
def demo(db):
    return build_demo(seed=5, scale=SCALE)


def test_every_state_and_branch(demo):
    counts = demo.suggestion_counts
    assert counts["suggestions"] == Suggestion.objects.count() == demo.counts["suggestions"] >= 80
    assert counts["suggestions_sample"] < counts["suggestions"]  # the rest are clones
    statuses = Counter(Suggestion.objects.values_list("status", flat=True))
    assert set(statuses) == set(SuggestionStatus.values)
    states = Counter(
        Case.objects.filter(kind=CaseKind.SUGGESTION)
        .exclude(suggestion__status="withdrawn")
        .values_list("state", flat=True)
    )
    expected = {CaseState.SUBMITTED, CaseState.ACCEPTED, CaseState.ASSIGNED, CaseState.IN_PROGRESS, CaseState.FED_BACK,
                CaseState.REOPENED, CaseState.CLOSED, CaseState.REJECTED}  # fmt: skip
    assert expected <= set(states)
    results = set(Reply.objects.filter(case__kind=CaseKind.SUGGESTION).values_list("result", flat=True))
    assert results == {"A", "B", "C", "D"}
    verdicts = set(Evaluation.objects.filter(case__kind=CaseKind.SUGGESTION).values_list("satisfaction", flat=True))
    assert {"satisfied", "basic", "unsatisfied"} <= verdicts
    assert Case.objects.filter(kind=CaseKind.SUGGESTION, reopened_count__gt=0, state=CaseState.CLOSED).exists()
    commitments = Commitment.objects.all()
    assert commitments.filter(fulfilled_at=None).exists() and commitments.exclude(fulfilled_at=None).exists()
    assert Suggestion.objects.filter(is_key=True, topic__isnull=False).exists()
    assert set(Suggestion.objects.exclude(decision="").values_list("decision", flat=True)) == set(MotionDecision.values)
    assert Suggestion.objects.filter(publish=False).exclude(no_publish_reason="").exists()
    assert Assignment.objects.filter(role=AssignmentRole.SPLIT).exists()
    assert Assignment.objects.filter(role=AssignmentRole.CO).exclude(co_view="").exists()
    assert Assignment.objects.filter(extensions__status=ExtensionStatus.APPROVED).exists()
    periods = set(SuggestionSession.objects.filter(congress__division__code="990100").values_list("period", flat=True))
    assert periods == set(SessionPeriod.values)
    # Still exactly the six demo accounts (stand-in handlers were removed).
    assert User.objects.count() == 6


def test_events_follow_the_engine_and_numbers_are_unique(demo):
    events = defaultdict(list)
    for e in CaseEvent.objects.filter(case__kind=CaseKind.SUGGESTION).order_by("case_id", "at", "id"):
        events[e.case_id].append(e)
    for case in Case.objects.filter(kind=CaseKind.SUGGESTION):
        trail = events[case.pk]
        assert trail[0].kind == EventKind.SUBMIT, case.pk
        state = CaseState.SUBMITTED
        for e in trail[1:]:
            allowed_from, allowed_to = TRANSITIONS[e.kind]
            assert e.from_state == state and state in allowed_from, (case.pk, e.kind, state)
            assert e.to_state == state or e.to_state in allowed_to, (case.pk, e.kind, e.to_state)
            state = e.to_state
        assert state == case.state, case.pk
    numbers = Counter(Suggestion.objects.exclude(number=None).values_list("session_id", "number"))
    assert numbers and max(numbers.values()) == 1
    for session in SuggestionSession.objects.all():
        registered = Suggestion.objects.filter(session=session).exclude(number=None).count()
        assert session.last_number == registered
    # Every suggestion with a case points at a case of its own, whose deputy is its proposer.
    rows = Suggestion.objects.exclude(case=None).values_list("proposer_id", "case__deputy_id")
    assert all(a == b for a, b in rows)
    for s in Suggestion.objects.all()[:40]:
        s.full_clean()


def test_demo_deputy_and_public_site(demo, client):
    deputy = User.objects.get(username="deputy")
    own = suggestion_list(deputy)
    assert own.count() >= 5
    assert {"draft", "submitted"} <= set(own.values_list("status", flat=True))
    assert own.filter(case__state=CaseState.CLOSED).exists()
    published = public_replies()
    assert published.count() > 10
    s = published.first()
    assert client.get(reverse("public:suggestion_reply_list")).status_code == 200
    assert client.get(reverse("public:suggestion_reply_detail", args=[s.pk])).status_code == 200
    hidden = Suggestion.objects.filter(publish=False).exclude(case=None).first()
    assert client.get(reverse("public:suggestion_reply_detail", args=[hidden.pk])).status_code == 404
    client.force_login(User.objects.get(username="city_staff"))
    assert client.get("/api/v1/suggestions").json()["count"] > 50


def test_new_records_after_the_demo_get_fresh_ids(demo):
    """The demo writes rows with their own ids; the platform's next case and suggestion must not collide."""
    from renda.opinions.models import Channel
    from renda.opinions.services import OpinionInput, opinion_submit

    opinion, _ = opinion_submit(
        actor=None, data=OpinionInput(content="演示之后的新意见", channel=Channel.WEB, consent=True), register_now=True
    )
    assert opinion.case_id > Case.objects.exclude(pk=opinion.case_id).order_by("-id").values_list("id", flat=True)[0]
