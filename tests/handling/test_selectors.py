"""Scoped reads behind the work queues: each role sees exactly its part."""

import pytest

from renda.handling import selectors
from renda.handling import services as hs
from renda.handling.models import AssignmentStatus, ExtensionStatus
from tests.handling.queues_helpers import build, forwarded, make_overdue


@pytest.fixture
def q(world):
    return build(world, ext_b=True)


def pks(qs):
    return set(qs.values_list("pk", flat=True))


def test_triage_queue_is_scoped(world, q):
    assert pks(selectors.triage_queue(world.staff_a)) == {q.triage_a.pk}
    assert pks(selectors.triage_queue(world.staff_b)) == {q.triage_b.pk}
    assert pks(selectors.triage_queue(world.admin)) == {q.triage_a.pk, q.triage_b.pk}
    assert not selectors.triage_queue(world.handler_a).exists()
    assert not selectors.triage_queue(world.nobody).exists()


def test_triage_queue_oldest_deadline_first(world, q):
    late = forwarded(world, "a")
    make_overdue(late.case)
    assert list(selectors.triage_queue(world.staff_a).values_list("pk", flat=True)) == [late.pk, q.triage_a.pk]


def test_triage_includes_reopened_not_assigned(world, q):
    assert q.assigned_a.pk not in pks(selectors.triage_queue(world.staff_a))


def test_assignments_agency_sees_only_own(world, q):
    own = selectors.agency_assignments(world.handler_a)
    assert {a.agency_id for a in own} == {world.agency_a.pk}
    co = selectors.agency_assignments(world.handler_a2)
    assert {a.agency_id for a in co} == {world.agency_a2.pk}
    assert {a.agency_id for a in selectors.agency_assignments(world.handler_b)} == {world.agency_b.pk}


def test_assignments_staff_see_their_county(world, q):
    agencies = {a.agency_id for a in selectors.agency_assignments(world.staff_a)}
    assert agencies == {world.agency_a.pk, world.agency_a2.pk}
    assert {a.agency_id for a in selectors.agency_assignments(world.staff_b)} == {world.agency_b.pk}
    assert not selectors.agency_assignments(world.nobody).exists()


def test_assignments_by_status_and_counts(world, q):
    pending = selectors.agency_assignments(world.handler_a2, AssignmentStatus.PENDING)
    assert pending.count() == 1
    assert not selectors.agency_assignments(world.handler_a, AssignmentStatus.PENDING).exists()
    counts = selectors.assignment_counts(world.staff_a)
    assert counts[AssignmentStatus.PENDING] == 1 and counts[AssignmentStatus.SIGNED] == 1
    assert counts[AssignmentStatus.RETURNED] == 0


def test_extensions_scoped(world, q):
    assert pks(selectors.pending_extensions(world.staff_a)) == {q.ext_a.pk}
    assert pks(selectors.pending_extensions(world.staff_b)) == {q.ext_b.pk}
    assert pks(selectors.pending_extensions(world.handler_a)) == {q.ext_a.pk}
    assert not selectors.pending_extensions(world.handler_a2).exists()  # the lead's request, not theirs
    assert not selectors.pending_extensions(world.nobody).exists()
    hs.extension_decide(actor=world.staff_a, request=q.ext_a, approve=False)
    assert not selectors.pending_extensions(world.staff_a).exists()
    decided = selectors.pending_extensions(world.staff_a, decided=True)
    assert [e.status for e in decided] == [ExtensionStatus.REFUSED]
    assert selectors.pending_extensions(world.staff_a, decided=None).count() == 1


def test_overdue_cases(world, q):
    assert not selectors.overdue_cases(world.staff_a).exists()
    make_overdue(q.assigned_a.case)
    make_overdue(q.assigned_b.case)
    assert pks(selectors.overdue_cases(world.staff_a)) == {q.assigned_a.case.pk}
    assert pks(selectors.overdue_cases(world.staff_b)) == {q.assigned_b.case.pk}
    hs.case_supervise(actor=world.staff_a, case=q.triage_a.case, reason="请尽快交办")
    assert pks(selectors.overdue_cases(world.staff_a)) == {q.assigned_a.case.pk, q.triage_a.case.pk}
    assert pks(selectors.overdue_cases(world.staff_a, overdue=False)) == {q.triage_a.case.pk}
    case = selectors.overdue_cases(world.staff_a).get(pk=q.assigned_a.case.pk)
    assert {a.agency_id for a in case.active_assignments} == {world.agency_a.pk, world.agency_a2.pk}
    assert pks(selectors.with_active_agency(selectors.overdue_cases(world.staff_a), world.agency_a2.pk)) == {
        q.assigned_a.case.pk
    }
