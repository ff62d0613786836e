"""Scoped reads for the console work queues (triage, agency inbox, extensions, supervision).

Every function goes through ``renda.core.access.restrict``: what a user gets is
already limited to what their role may see.
"""

from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from renda.core.access import restrict
from renda.handling.models import (
    ACTIVE_ASSIGNMENT,
    OPEN_STATES,
    Assignment,
    AssignmentStatus,
    Case,
    CaseKind,
    CaseState,
    ExtensionRequest,
    ExtensionStatus,
)
from renda.opinions.models import Opinion

TRIAGE_STATES = (CaseState.ACCEPTED, CaseState.REOPENED)
INBOX_TABS = (
    AssignmentStatus.PENDING,
    AssignmentStatus.SIGNED,
    AssignmentStatus.REPLIED,
    AssignmentStatus.RETURNED,
)


def triage_queue(user: Any) -> QuerySet[Opinion]:
    """Opinions waiting to be assigned (受理后待交办, or reopened), oldest deadline first."""
    cases = restrict(Case.objects.filter(kind=CaseKind.OPINION, state__in=TRIAGE_STATES), user)
    return (
        Opinion.objects.filter(case__in=cases.values("pk"))
        .select_related("case", "category", "division", "deputy", "station")
        .order_by(F("case__stage_due_at").asc(nulls_last=True), "case__created_at", "pk")
    )


def agency_assignments(user: Any, status: str | None = None) -> QuerySet[Assignment]:
    """The assignments a user sees (an agency handler: their own agency's), optionally of one status."""
    qs = restrict(Assignment.objects.all(), user).select_related("case", "case__opinion", "agency")
    if status:
        qs = qs.filter(status=status)
    if status == AssignmentStatus.PENDING:
        return qs.order_by("sign_due_at", "pk")
    if status == AssignmentStatus.SIGNED:
        return qs.order_by("reply_due_at", "pk")
    return qs.order_by("-assigned_at", "-pk")


def assignment_counts(user: Any) -> dict[str, int]:
    """How many assignments per inbox tab (one query)."""
    rows = restrict(Assignment.objects.filter(status__in=INBOX_TABS), user).values("status").annotate(n=Count("pk"))
    counts = dict.fromkeys(INBOX_TABS, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def pending_extensions(user: Any, *, decided: bool | None = False) -> QuerySet[ExtensionRequest]:
    """Extension requests in scope: pending ones (default), decided ones (True) or all (None)."""
    qs = restrict(ExtensionRequest.objects.all(), user)
    if decided is True:
        qs = qs.exclude(status=ExtensionStatus.PENDING)
    elif decided is False:
        qs = qs.filter(status=ExtensionStatus.PENDING)
    return qs.select_related(
        "assignment", "assignment__agency", "assignment__case", "assignment__case__opinion", "requested_by",
        "decided_by",
    ).order_by("-requested_at", "-pk")  # fmt: skip


def overdue_cases(user: Any, *, overdue: bool = True, supervised: bool = True) -> QuerySet[Case]:
    """Open cases in scope whose stage deadline has passed and/or that are under supervision (督办)."""
    cond = Q()
    if overdue:
        cond |= Q(stage_due_at__lt=timezone.now())
    if supervised:
        cond |= Q(supervision_level__gt=0)
    if not cond:
        return Case.objects.none()
    active = Assignment.objects.filter(status__in=ACTIVE_ASSIGNMENT).select_related("agency").order_by("role", "pk")
    return (
        restrict(Case.objects.filter(state__in=OPEN_STATES).filter(cond), user)
        .select_related("opinion", "division")
        .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
        .order_by(F("stage_due_at").asc(nulls_last=True), "pk")
    )


def with_active_agency(qs: QuerySet[Case], agency_id: int | str) -> QuerySet[Case]:
    """Cases currently assigned (主办 or 协办) to one agency."""
    active = Assignment.objects.filter(case=OuterRef("pk"), agency_id=agency_id, status__in=ACTIVE_ASSIGNMENT)
    return qs.filter(Exists(active))
