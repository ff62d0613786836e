"""What happens on the citizen's side when an opinion's case moves: a text, where they verified a phone."""

from django.urls import NoReverseMatch, reverse

from renda.core.notifications import sms_queue
from renda.handling.engine import register_hooks
from renda.handling.models import Case, CaseEvent, CaseKind, EventKind

CITIZEN_TEXTS = {
    EventKind.REJECT: "sms.rejected",
    EventKind.FEEDBACK: "sms.feedback",
    EventKind.REOPEN: "sms.reopened",
}


class OpinionHooks:
    def after_event(self, case: Case, event: CaseEvent) -> None:
        key = CITIZEN_TEXTS.get(event.kind)
        if key is None:
            return
        opinion = getattr(case, "opinion", None)
        if opinion is None or not opinion.phone or not opinion.phone_verified:
            return
        from renda.opinions.services import track_url

        sms_queue(
            opinion.phone,
            key,
            {"code": opinion.tracking_code, "url": track_url(opinion), "reason": event.public_note},
        )

    def link(self, case: Case) -> str:
        try:
            return reverse("console:opinion_detail", args=[case.opinion.pk])
        except (NoReverseMatch, Case.opinion.RelatedObjectDoesNotExist):
            return ""


register_hooks(CaseKind.OPINION, OpinionHooks())
