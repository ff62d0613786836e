"""Background work of 研判 (django-tasks; run by ``renda worker``)."""

from django_tasks import task

from renda.core.models import User
from renda.registry.models import Congress


@task()
def retrain(congress_id: int, actor_id: int | None = None) -> dict:
    """Retrain the category and agency models of one congress (on demand or from the weekly tick)."""
    from renda.insight.services import models_retrain

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    congress = Congress.objects.get(pk=congress_id)
    return models_retrain(actor=actor, congress=congress)
