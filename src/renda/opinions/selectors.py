"""Scoped reads for the opinion console: the inbox, one opinion with everything around it, 待办 counts."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from renda.core.access import get_scoped_or_404, has_perm, restrict
from renda.core.models import Role, User
from renda.handling.models import (
    OPEN_STATES,
    Assignment,
    CaseEvent,
    CaseState,
    Evaluation,
    ExtensionRequest,
    Reply,
    Supervision,
)
from renda.opinions.models import Opinion


def opinion_inbox(user: User) -> QuerySet[Opinion]:
    """Every registered opinion the user may see, with what a list row shows joined in (no N+1)."""
    qs = Opinion.objects.filter(case__isnull=False).select_related("case", "deputy", "station", "category")
    return restrict(qs, user)


def opinion_get(user: User, pk: int) -> Opinion:
    """One opinion in the user's scope (else 404), with its case and parties joined in."""
    qs = Opinion.objects.filter(case__isnull=False).select_related(
        "case", "case__merged_into", "deputy", "station", "category", "entered_by"
    )
    return get_scoped_or_404(qs, user, pk=pk)


def opinion_by_code(user: User, code: str) -> Opinion | None:
    return opinion_inbox(user).filter(tracking_code=code).first()


def is_front_user(user: User) -> bool:
    """Deputies and station staff: their inbox opens on what waits for them."""
    return user.role in (Role.DEPUTY, Role.STATION_STAFF)


@dataclass
class CaseRecord:
    """Everything the detail page shows about one case, each a single query."""

    photos: list = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)
    extensions: list[ExtensionRequest] = field(default_factory=list)
    evaluations: list[Evaluation] = field(default_factory=list)
    supervisions: list[Supervision] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)

    @property
    def active_assignments(self) -> list[Assignment]:
        return [a for a in self.assignments if a.is_active]

    @property
    def pending_extensions(self) -> list[ExtensionRequest]:
        return [e for e in self.extensions if e.status == "pending"]

    @property
    def latest_reply(self) -> Reply | None:
        current = [r for r in self.replies if not r.sent_back]
        return current[-1] if current else None


def case_record(opinion: Opinion) -> CaseRecord:
    case = opinion.case
    return CaseRecord(
        photos=list(opinion.photos.all()),
        assignments=list(case.assignments.select_related("agency", "assigned_by", "signed_by")),
        replies=list(case.replies.prefetch_related("attachments")),
        extensions=list(
            ExtensionRequest.objects.filter(assignment__case=case).select_related(
                "assignment__agency", "requested_by", "decided_by"
            )
        ),
        evaluations=list(case.evaluations.all()),
        supervisions=list(case.supervisions.select_related("by")),
        events=list(case.events.select_related("agency")),
    )


def extension_for(opinion: Opinion, pk: int) -> ExtensionRequest | None:
    return ExtensionRequest.objects.filter(pk=pk, assignment__case_id=opinion.case_id).first()


def todo_counts(user: User) -> dict[str, int]:
    """待办 for the console home: to accept, to review (replied, awaiting feedback), overdue."""
    qs = opinion_inbox(user)
    counts = {"overdue": qs.filter(case__state__in=OPEN_STATES, case__stage_due_at__lt=timezone.now()).count()}
    if has_perm(user, "case.accept"):
        counts["accept"] = qs.filter(case__state=CaseState.SUBMITTED).count()
    if has_perm(user, "case.review"):
        counts["review"] = qs.filter(case__state=CaseState.REPLIED).count()
    return counts
