"""Numbers per congress and session: unique, gapless, rolled back with a failed registration,
and safe under concurrent registrations (PostgreSQL)."""

import threading

import pytest
from django.db import connection, transaction

from renda.handling.engine import TransitionError
from renda.suggestions import services as ss
from renda.suggestions.models import Suggestion
from renda.suggestions.numbering import number_next

from .conftest import make_session, submitted


def test_numbers_run_per_session_without_gaps(world, sw):
    a = [ss.suggestion_register(actor=world.staff_a, suggestion=submitted(world, sw)) for _ in range(3)]
    assert [s.number_label for s in a] == ["第0001号", "第0002号", "第0003号"]
    interim = make_session(world.congress_a, title="2026年闭会期间")
    b = ss.suggestion_register(actor=world.staff_a, suggestion=submitted(world, sw, session=interim))
    assert b.number == 1
    # Congress B's session numbers on its own.
    s = ss.suggestion_create(
        actor=sw.deputy_user_b, congress=world.congress_b, session=sw.session_b, title="建议", content="内容"
    )
    s = ss.suggestion_submit(actor=sw.deputy_user_b, suggestion=s)
    assert ss.suggestion_register(actor=world.staff_b, suggestion=s).number == 1


def test_failed_registration_leaves_no_gap(world, sw):
    s = submitted(world, sw)
    ss.suggestion_register(actor=world.staff_a, suggestion=s)
    with pytest.raises(TransitionError):
        ss.suggestion_register(actor=world.staff_a, suggestion=s)  # already registered: refused
    sw.session.refresh_from_db()
    assert sw.session.last_number == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        number_next(sw.session)
        raise RuntimeError("boom")
    t = ss.suggestion_register(actor=world.staff_a, suggestion=submitted(world, sw))
    assert t.number == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="concurrent writers need PostgreSQL")
def test_concurrent_registrations_get_distinct_numbers():
    from tests.conftest import build_world

    world = build_world()
    session = make_session(world.congress_a)
    drafts = []
    for i in range(8):
        s = ss.suggestion_create(
            actor=world.deputy_user_a, congress=world.congress_a, session=session, title=f"建议{i}", content="内容"
        )
        drafts.append(ss.suggestion_submit(actor=world.deputy_user_a, suggestion=s))
    barrier = threading.Barrier(len(drafts))
    errors = []

    def register(s):
        try:
            barrier.wait()
            ss.suggestion_register(actor=world.staff_a, suggestion=s)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(s,)) for s in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(Suggestion.objects.filter(session=session).values_list("number", flat=True))
    assert numbers == list(range(1, len(drafts) + 1))
