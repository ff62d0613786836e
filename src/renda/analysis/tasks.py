"""Background tasks of 研判 (django-tasks; run by ``renda worker``)."""

import datetime

from django_tasks import task

from renda.core.models import User
from renda.registry.models import Congress


@task()
def generate_monthly_report(actor_id: int | None, congress_id: int, month: str) -> int:
    from renda.analysis.services import monthly_report_generate

    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    report = monthly_report_generate(
        actor=actor, congress=Congress.objects.get(pk=congress_id), month=datetime.date.fromisoformat(month)
    )
    return report.pk
