"""Background tasks of the core: sending queued text messages."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from renda.core.models import SmsMessage, SmsStatus
from renda.core.sms import SmsError, get_backend


@task()
def send_sms(message_id: int) -> None:
    sms_send_now(message_id)


def sms_send_now(message_id: int) -> None:
    with transaction.atomic():
        message = SmsMessage.objects.select_for_update().filter(pk=message_id, status=SmsStatus.QUEUED).first()
        if message is None:
            return
        message.attempts += 1
        try:
            get_backend().send(message.phone, message.text)
        except SmsError as exc:
            message.status = SmsStatus.FAILED
            message.error = str(exc)[:300]
        else:
            message.status = SmsStatus.SENT
            message.sent_at = timezone.now()
        message.save(update_fields=["status", "attempts", "error", "sent_at"])
