"""Writes of station management: the ledger set of a congress (or a station)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from renda.core.audit import audit_record
from renda.core.models import User
from renda.ledgers.models import LedgerSet
from renda.ledgers.registry import LEDGERS
from renda.registry.models import Congress, Station


@transaction.atomic
def ledger_set_save(
    *, actor: User | None, keys: list[str], congress: Congress | None = None, station: Station | None = None
) -> LedgerSet:
    """Choose which ledgers (in this order) the stations of ``congress`` (or one ``station``) keep."""
    if (congress is None) == (station is None):
        raise ValidationError("请指定一个人大或一个家站点。")
    unknown = [k for k in keys if k not in LEDGERS]
    if unknown:
        raise ValidationError(f"没有这些台账：{'、'.join(unknown)}。")
    keys = list(dict.fromkeys(keys))
    if not keys:
        raise ValidationError("请至少选择一种台账。")
    owner = {"congress": congress} if congress else {"station": station}
    ledger_set, _ = LedgerSet.objects.select_for_update().get_or_create(**owner)
    before = {"启用的台账": [LEDGERS[k].title for k in ledger_set.keys if k in LEDGERS]}
    ledger_set.keys = keys
    ledger_set.updated_by = actor if actor and actor.pk else None
    ledger_set.updated_at = timezone.now()
    ledger_set.save()
    audit_record(
        actor=actor,
        action="ledgers.ledgerset.update",
        target=ledger_set,
        before=before,
        after={"启用的台账": [LEDGERS[k].title for k in keys]},
    )
    return ledger_set


@transaction.atomic
def ledger_set_reset(*, actor: User | None, ledger_set: LedgerSet) -> None:
    """Back to the default (all ledgers)."""
    audit_record(actor=actor, action="ledgers.ledgerset.delete", target=ledger_set)
    ledger_set.delete()
