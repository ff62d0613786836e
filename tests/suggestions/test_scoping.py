"""Who sees which suggestion (the scope rule) and the selectors built on it."""

import pytest
from django.http import Http404
from django.utils import timezone

from renda.core.access import restrict
from renda.handling import services as hs
from renda.handling.commitments import case_record_contact
from renda.handling.models import Satisfaction
from renda.suggestions import services as ss
from renda.suggestions.models import Suggestion
from renda.suggestions.selectors import public_replies, suggestion_detail, suggestion_list

from .conftest import draft, in_progress, registered


def _seen(user):
    return set(restrict(Suggestion.objects.all(), user).values_list("pk", flat=True))


def test_scope_rule(world, sw):
    own_draft = draft(world, sw, title="草稿")
    cosigned = draft(world, sw, actor=world.staff_a, proposer=sw.deputy_a2, title="他人草稿")
    ss.cosigner_invite(actor=world.staff_a, suggestion=cosigned, deputies=[world.deputy_a])
    other_draft = draft(world, sw, actor=sw.cosigner_user, title="陈的草稿")
    assigned = in_progress(world, sw, title="已交办")
    b = ss.suggestion_create(
        actor=sw.deputy_user_b, congress=world.congress_b, session=sw.session_b, title="B", content="内容"
    )

    # Deputy: own (incl. drafts) and those they were invited to co-sign; not another deputy's draft.
    assert _seen(world.deputy_user_a) == {own_draft.pk, cosigned.pk, assigned.pk}
    assert _seen(sw.cosigner_user) == {cosigned.pk, other_draft.pk}
    # Congress staff: their territory, but not other people's unsubmitted drafts (their own entry: yes).
    assert _seen(world.staff_a) == {cosigned.pk, assigned.pk}
    assert _seen(world.staff_b) == set()  # B's suggestion is still a draft
    ss.suggestion_submit(actor=sw.deputy_user_b, suggestion=b)
    assert _seen(world.staff_b) == {b.pk}
    # Agencies: what was assigned to them (even after it ends).
    assert _seen(world.handler_a) == {assigned.pk}
    assert _seen(world.handler_a2) == _seen(world.handler_b) == set()
    assert _seen(world.station_staff_a) == _seen(world.nobody) == set()
    assert len(_seen(world.admin)) == 5


def test_detail_404_outside_scope(world, sw):
    s = in_progress(world, sw)
    assert suggestion_detail(world.handler_a, s.pk) == s
    assert suggestion_detail(world.deputy_user_a, s.pk) == s
    for outsider in (world.handler_b, world.staff_b, sw.deputy_user_b, world.station_staff_a):
        with pytest.raises(Http404):
            suggestion_detail(outsider, s.pk)
    with pytest.raises(Http404):
        suggestion_detail(world.staff_a, "x")


def test_list_filters_and_queries(world, sw, django_assert_max_num_queries):
    topic = ss.key_topic_create(actor=world.staff_a, congress=world.congress_a, title="改造")
    first = in_progress(world, sw, title="老旧小区改造")
    ss.suggestion_mark_key(actor=world.staff_a, suggestion=first, topic=topic)
    second = registered(world, sw, title="学校周边交通")
    staff = world.staff_a
    assert set(suggestion_list(staff)) == {first, second}
    assert list(suggestion_list(staff, q="交通")) == [second]
    assert list(suggestion_list(staff, q="第0001号")) == [first]
    assert list(suggestion_list(staff, state="in_progress")) == [first]
    assert list(suggestion_list(staff, state="accepted")) == [second]
    assert list(suggestion_list(staff, state="bogus")) == []
    assert list(suggestion_list(staff, is_key=True)) == [first]
    assert list(suggestion_list(staff, topic=topic.pk)) == [first]
    assert list(suggestion_list(staff, agency=world.agency_a)) == [first]
    assert set(suggestion_list(staff, deputy=world.deputy_a, session=sw.session, year=2026, kind="suggestion")) == {
        first,
        second,
    }
    assert list(suggestion_list(staff, year=2025)) == []
    assert set(suggestion_list(staff, category=sw.category)) == {first, second}
    for _ in range(20):
        registered(world, sw)
    with django_assert_max_num_queries(3):
        rows = list(suggestion_list(staff))
        labels = [(s.case.state, s.congress.name, s.session.title, s.proposer.name, s.category, s.topic) for s in rows]
    assert len(labels) == 22


def test_public_replies_only_published_answers(world, sw, django_assert_max_num_queries):
    answered = in_progress(world, sw)
    case_record_contact(
        actor=world.handler_a, case=answered.case, method="phone", contacted_on=timezone.localdate(), content="电话"
    )
    hs.case_reply(actor=world.handler_a, case=answered.case, result="B", content="列入计划", commitments=["年底前完成"])
    hidden = in_progress(world, sw)
    ss.suggestion_set_disclosure(actor=world.staff_a, suggestion=hidden, publish=False, reason="涉及个人隐私")
    case_record_contact(
        actor=world.handler_a, case=hidden.case, method="phone", contacted_on=timezone.localdate(), content="电话"
    )
    hs.case_reply(actor=world.handler_a, case=hidden.case, result="A", content="已解决")
    registered(world, sw)  # not answered yet
    with django_assert_max_num_queries(3):
        rows = list(public_replies())
        texts = [[r.content for r in s.case.replies.all()] for s in rows]
        commitments = [[c.text for c in s.case.commitments.all()] for s in rows]
    assert [s.pk for s in rows] == [answered.pk]
    assert texts == [["列入计划"]] and commitments == [["年底前完成"]]
    # Still public after the deputy's verdict.
    hs.case_evaluate(case=answered.case, resolved=True, satisfaction=Satisfaction.SATISFIED, actor=world.deputy_user_a)
    assert list(public_replies()) == [answered]
