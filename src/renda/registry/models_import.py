"""批量导入任务 (ImportJob): one uploaded .xlsx/.csv file and the outcome of importing it.

Loaded from ``registry.models`` so that Django sees the model as part of the
registry app. The work itself lives in ``renda.registry.imports``.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property

from renda.core.access import scope_rule
from renda.core.models import User


class PrivateFileStorage(FileSystemStorage):
    """Local files that are never served by URL (``/media/`` serves MEDIA_ROOT only).

    Import files carry identity-card and phone numbers (and citizens' photos, attachments and
    unpublished posts live here too), so they are kept in ``RENDA_PRIVATE_ROOT``, by default next to
    MEDIA_ROOT in ``private/`` rather than inside it.
    """

    @cached_property
    def base_location(self):
        default = getattr(settings, "RENDA_PRIVATE_ROOT", None) or str(Path(settings.MEDIA_ROOT).parent / "private")
        return self._value_or_setting(self._location, str(default))

    @cached_property
    def base_url(self):
        return None


def private_storage() -> Storage:
    """The ``private`` storage if configured (e.g. a non-public S3 bucket), else a local private folder."""
    if "private" in settings.STORAGES:
        return storages["private"]
    return PrivateFileStorage()


def import_upload_to(job: "ImportJob", filename: str) -> str:
    suffix = Path(filename).suffix.lower()[:8] or ".bin"
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportKind(models.TextChoices):
    DEPUTIES = "deputies", "代表"
    STATIONS = "stations", "家站点"
    AGENCIES = "agencies", "承办单位"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    VALIDATING = "validating", "校验中"
    IMPORTING = "importing", "导入中"
    DONE = "done", "已完成"
    FAILED = "failed", "有错误未导入"
    ERROR = "error", "系统错误"


# The allowed moves; ``imports.runner`` refuses anything else.
IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ImportStatus.PENDING: frozenset({ImportStatus.VALIDATING, ImportStatus.FAILED, ImportStatus.ERROR}),
    ImportStatus.VALIDATING: frozenset({ImportStatus.IMPORTING, ImportStatus.FAILED, ImportStatus.ERROR}),
    ImportStatus.IMPORTING: frozenset({ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.ERROR}),
    ImportStatus.DONE: frozenset(),
    ImportStatus.FAILED: frozenset(),
    ImportStatus.ERROR: frozenset(),
}
RUNNING_STATUSES = frozenset({ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.IMPORTING})


class ImportJob(models.Model):
    kind = models.CharField("导入内容", max_length=10, choices=ImportKind.choices)
    status = models.CharField("状态", max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    file = models.FileField("文件", upload_to=import_upload_to, storage=private_storage, max_length=200)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.PROTECT, related_name="import_jobs"
    )
    congress = models.ForeignKey(
        "registry.Congress",
        verbose_name="导入人所属人大",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    error_count = models.PositiveIntegerField("错误数", default=0)
    errors = models.JSONField("错误", default=list, blank=True)
    notes = models.JSONField("提示", default=list, blank=True)
    created_at = models.DateTimeField("上传时间", default=timezone.now, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "批量导入"
        verbose_name_plural = "批量导入"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="importjob_user_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}导入 #{self.pk}（{self.original_name}）"

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, self.processed_rows * 100 // self.total_rows)


@scope_rule(ImportJob)
def _import_jobs(user: User) -> Q:
    # Administrators see every job (restrict() lets them through); everyone else their own.
    return Q(created_by_id=user.pk)
