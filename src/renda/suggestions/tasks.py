"""Background tasks of suggestions (django-tasks; run by ``renda worker`` in production)."""

import base64

from django_tasks import task

from renda.core.models import User
from renda.registry.models import Congress
from renda.suggestions.imports import suggestions_import


@task()
def import_suggestions(actor_id: int, congress_id: int, data: str) -> dict:
    """A large suggestions file: checked again and written in one transaction (all or nothing)."""
    actor = User.objects.get(pk=actor_id)
    congress = Congress.objects.get(pk=congress_id)
    result = suggestions_import(actor=actor, congress=congress, data=base64.b64decode(data))
    return result.as_dict()
