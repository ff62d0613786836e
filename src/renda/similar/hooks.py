"""Followers (关注这件事) with a verified phone get a text when the item they follow is answered.

Wraps the opinions' case hooks (``handling.engine.register_hooks``) instead of replacing them:
everything else is delegated unchanged.
"""

from renda.core.notifications import DEFAULT_TEMPLATES, sms_queue_many
from renda.handling import engine
from renda.handling.models import Case, CaseEvent, CaseKind, EventKind

DEFAULT_TEMPLATES.setdefault(
    "sms.follow_feedback",
    ("群众：关注事项已答复", "【数字人大】您关注的群众反映问题（{place}）已有办理结果并已答复反映人，感谢您的关注。"),
)


class FollowerHooks:
    def __init__(self, inner) -> None:
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def after_event(self, case: Case, event: CaseEvent) -> None:
        if self.inner is not None:
            self.inner.after_event(case, event)
        if event.kind != EventKind.FEEDBACK:
            return
        opinion = getattr(case, "opinion", None)
        if opinion is None:
            return
        from renda.similar.models import Follower

        phones = set(
            Follower.objects.filter(opinion=opinion, phone_verified=True).exclude(phone="").values_list(
                "phone", flat=True
            )
        )
        phones.discard(opinion.phone)
        place = opinion.division.name if opinion.division_id else "本地"
        sms_queue_many((p, "sms.follow_feedback", {"place": place}) for p in sorted(phones))


def install() -> None:
    current = engine._HOOKS.get(CaseKind.OPINION)
    if not isinstance(current, FollowerHooks):
        engine.register_hooks(CaseKind.OPINION, FollowerHooks(current))
