"""What happens on the deputy's side when a suggestion's case moves, and who may evaluate it.

The proposing deputy (and the co-signers who confirmed) are told when the
suggestion is registered, declined, answered and sent back for re-handling.
Console links point at ``console:suggestion_detail`` (args: the suggestion's
pk), built by the console pages; until that URL exists links are "".
"""

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from renda.core.access import can_see, has_perm
from renda.core.models import Role, User
from renda.core.notifications import notify_users
from renda.handling.engine import register_hooks
from renda.handling.models import Case, CaseEvent, CaseKind, EventKind
from renda.suggestions.models import CoSigner, CoSignStatus, SuggestionStatus

SUGGESTION_DETAIL_URL = "console:suggestion_detail"

DEPUTY_NOTICES = {
    EventKind.ACCEPT: "notice.suggestion_registered",
    EventKind.REJECT: "notice.suggestion_declined",
    EventKind.FEEDBACK: "notice.suggestion_replied",
    EventKind.REOPEN: "notice.suggestion_rehandled",
}


def suggestion_url(suggestion) -> str:
    try:
        return reverse(SUGGESTION_DETAIL_URL, args=[suggestion.pk])
    except NoReverseMatch:
        return ""


def _suggestion(case: Case):
    try:
        return case.suggestion
    except Case.suggestion.RelatedObjectDoesNotExist:
        return None


def proposer_and_cosigner_users(suggestion) -> list[User]:
    """Active accounts of the proposer and of every confirmed co-signer."""
    confirmed = CoSigner.objects.filter(suggestion=suggestion, status=CoSignStatus.CONFIRMED).values("deputy_id")
    return list(
        User.objects.filter(
            Q(deputy_id=suggestion.proposer_id) | Q(deputy_id__in=confirmed), role=Role.DEPUTY, is_active=True
        )
    )


class SuggestionHooks:
    def after_event(self, case: Case, event: CaseEvent) -> None:
        suggestion = _suggestion(case)
        if suggestion is None:
            return  # the SUBMIT event fires before the suggestion is linked
        if event.kind == EventKind.FEEDBACK and suggestion.publish and suggestion.published_at is None:
            suggestion.published_at = event.at or timezone.now()
            suggestion.save(update_fields=["published_at"])
        key = DEPUTY_NOTICES.get(event.kind)
        if key is None:
            return
        if event.kind == EventKind.REJECT and suggestion.status == SuggestionStatus.WITHDRAWN:
            return  # the deputy withdrew it themselves
        notify_users(
            proposer_and_cosigner_users(suggestion),
            key,
            {
                "kind": suggestion.get_kind_display(),
                "title": suggestion.title,
                "number": suggestion.number_label,
                "reason": event.public_note or event.note,
            },
            url=suggestion_url(suggestion),
        )

    def link(self, case: Case) -> str:
        suggestion = _suggestion(case)
        return suggestion_url(suggestion) if suggestion is not None else ""

    def evaluator_role(self, case: Case, user: User | None) -> str | None:
        """The proposer's verdict is primary; a confirmed co-signer's is secondary; staff of the
        congress may enter the proposer's verdict for them (primary)."""
        suggestion = _suggestion(case)
        if suggestion is None or user is None or not user.is_authenticated:
            return None
        if user.role == Role.DEPUTY and user.deputy_id:
            if user.deputy_id == suggestion.proposer_id:
                return "primary"
            if suggestion.cosigners.filter(deputy_id=user.deputy_id, status=CoSignStatus.CONFIRMED).exists():
                return "secondary"
            return None
        if has_perm(user, "suggestion.manage") and can_see(user, suggestion.congress):
            return "primary"
        return None


register_hooks(CaseKind.SUGGESTION, SuggestionHooks())
