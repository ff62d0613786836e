"""Station management: which ledgers (一册两本三簿) a congress's stations keep.

The ledgers themselves are never stored: they are generated from the records (see ``registry.py``).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class LedgerSet(models.Model):
    """The enabled ledgers, in order, for the stations of one congress's territory (or for one station)."""

    congress = models.OneToOneField(
        "registry.Congress", verbose_name="人大", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    station = models.OneToOneField(
        "registry.Station", verbose_name="家站点", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    keys = models.JSONField("启用的台账", default=list)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    updated_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "台账设置"
        verbose_name_plural = "台账设置"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(congress__isnull=True, station__isnull=False)
                | models.Q(congress__isnull=False, station__isnull=True),
                name="ledgerset_one_owner",
            )
        ]

    def __str__(self) -> str:
        return f"台账设置：{self.congress or self.station}"
