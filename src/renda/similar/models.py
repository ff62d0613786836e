"""Near-duplicate index (signatures, LSH bands), followers, hotspots and 重点约访 proposals."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Signature(models.Model):
    """The MinHash signature of one opinion's text (``minhash.NUM_PERM`` uint32, little-endian)."""

    opinion = models.OneToOneField(
        "opinions.Opinion", primary_key=True, on_delete=models.CASCADE, related_name="similar_signature"
    )
    minhash = models.BinaryField()
    duplicates = models.PositiveIntegerField("可能重复", default=0)  # open near-duplicates found when indexed
    clustered = models.BooleanField("已归入热点计算", default=False, db_index=True)
    # the opinion's own division, or the registry township/village its text names under it (places.py)
    place_path = models.CharField("地点", max_length=255, blank=True, default="", db_default="")

    class Meta:
        verbose_name = "文本指纹"
        verbose_name_plural = "文本指纹"

    def __str__(self) -> str:
        return f"指纹 #{self.opinion_id}"


class Band(models.Model):
    """One LSH band key of an opinion: a near-duplicate look-up is one indexed ``key IN (...)`` query."""

    key = models.BigIntegerField()
    opinion = models.ForeignKey("opinions.Opinion", on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        verbose_name = "指纹分段"
        verbose_name_plural = "指纹分段"
        indexes = [
            models.Index(fields=["key", "opinion"], name="similar_band_key_idx"),
            models.Index(fields=["opinion"], name="similar_band_opinion_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.key} #{self.opinion_id}"


class Follower(models.Model):
    """A citizen who followed an existing item (关注这件事) instead of filing it again."""

    opinion = models.ForeignKey("opinions.Opinion", on_delete=models.CASCADE, related_name="followers")
    phone = models.CharField("手机号", max_length=20, blank=True)
    phone_verified = models.BooleanField("手机号已验证", default=False)
    client_ip = models.GenericIPAddressField("来源IP", null=True, blank=True)
    created_at = models.DateTimeField("关注时间", default=timezone.now)

    class Meta:
        verbose_name = "关注者"
        verbose_name_plural = "关注者"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opinion", "phone"], condition=~models.Q(phone=""), name="similar_follower_unique_phone"
            )
        ]

    def __str__(self) -> str:
        return f"关注 #{self.opinion_id}"


class HotspotStatus(models.TextChoices):
    NEW = "new", "新发现"
    RISING = "rising", "快速上升"
    VISIT_PROPOSED = "visit_proposed", "建议约访"
    VISITED = "visited", "已安排约访"
    CLOSED = "closed", "已关闭"


class Hotspot(models.Model):
    """A cluster of opinions about the same problem in the same place."""

    congress = models.ForeignKey(
        "registry.Congress", verbose_name="负责人大", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    division = models.ForeignKey(
        "registry.Division", verbose_name="地点", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    division_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    representative = models.ForeignKey(
        "opinions.Opinion", verbose_name="代表性意见", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField("概要", max_length=100)
    first_seen = models.DateTimeField("首次出现")
    last_seen = models.DateTimeField("最近出现", db_index=True)
    size = models.PositiveIntegerField("意见数", default=0)
    supporters = models.PositiveIntegerField("关注人数", default=0)
    recent = models.PositiveIntegerField("近7天新增", default=0)
    heat = models.FloatField("热度", default=0, db_index=True)
    status = models.CharField("状态", max_length=16, choices=HotspotStatus.choices, default=HotspotStatus.NEW)
    created_at = models.DateTimeField("发现时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "热点"
        verbose_name_plural = "热点"
        ordering = ["-heat", "-id"]
        indexes = [models.Index(fields=["status", "-heat"], name="similar_hotspot_status_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def span_days(self) -> int:
        return max(0, (self.last_seen - self.first_seen).days)


class HotspotMember(models.Model):
    hotspot = models.ForeignKey(Hotspot, on_delete=models.CASCADE, related_name="members")
    opinion = models.OneToOneField("opinions.Opinion", on_delete=models.CASCADE, related_name="hotspot_member")

    class Meta:
        verbose_name = "热点成员"
        verbose_name_plural = "热点成员"

    def __str__(self) -> str:
        return f"{self.hotspot_id} #{self.opinion_id}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "待确认"
    ACCEPTED = "accepted", "已采纳"
    DISMISSED = "dismissed", "已忽略"


class VisitProposal(models.Model):
    """重点约访: the deputies of the nearest station visit the people behind a rising hotspot."""

    hotspot = models.ForeignKey(Hotspot, verbose_name="热点", on_delete=models.CASCADE, related_name="proposals")
    station = models.ForeignKey(
        "registry.Station", verbose_name="家站点", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deputies = models.ManyToManyField("registry.Deputy", verbose_name="约访代表", blank=True, related_name="+")
    status = models.CharField("状态", max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED)
    reason = models.CharField("提出原因", max_length=200)
    created_at = models.DateTimeField("提出时间", default=timezone.now)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "重点约访建议"
        verbose_name_plural = "重点约访建议"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"重点约访：{self.hotspot}"
