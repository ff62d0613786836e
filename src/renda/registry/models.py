"""The registry: divisions, grids, congresses and terms, deputies and their
mandates, 家站点 (stations) and 承办单位 (agencies)."""

from django.db import models
from django.utils import timezone


class DivisionLevel(models.TextChoices):
    NATION = "nation", "全国"
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


DIVISION_DEPTH = {level: depth for depth, level in enumerate(DivisionLevel.values)}


class Division(models.Model):
    """行政区划 with a materialized path of official codes.

    ``path`` is ``/<code>/<code>/…/``; a subtree is the range of paths starting
    with a node's path, which a plain B-tree index answers on SQLite and
    PostgreSQL alike (see ``selectors.subtree_q``).
    """

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    latitude = models.FloatField("纬度", null=True, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)
    boundary = models.JSONField("边界（GeoJSON）", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class CongressLevel(models.TextChoices):
    NATIONAL = "national", "全国人大"
    PROVINCIAL = "provincial", "省级人大"
    CITY = "city", "市级人大"
    COUNTY = "county", "县级人大"
    TOWNSHIP = "township", "乡镇人大"


CONGRESS_LEVEL_FOR_DIVISION = {
    DivisionLevel.NATION: CongressLevel.NATIONAL,
    DivisionLevel.PROVINCE: CongressLevel.PROVINCIAL,
    DivisionLevel.CITY: CongressLevel.CITY,
    DivisionLevel.COUNTY: CongressLevel.COUNTY,
    DivisionLevel.TOWNSHIP: CongressLevel.TOWNSHIP,
}


class Congress(models.Model):
    """人大: one per level and division."""

    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=CongressLevel.choices)
    division = models.OneToOneField(Division, verbose_name="行政区划", on_delete=models.PROTECT)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "人大"
        verbose_name_plural = "人大"
        ordering = ["division__path"]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """届次."""

    congress = models.ForeignKey(Congress, verbose_name="人大", on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField("届次")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["congress", "-number"]
        constraints = [models.UniqueConstraint(fields=["congress", "number"], name="term_unique_number")]

    def __str__(self) -> str:
        return f"{self.congress.name}第{self.number}届"


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Deputy(models.Model):
    """A person who holds (or held) one or more mandates."""

    number = models.CharField("代表编号", max_length=32, unique=True)
    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    party = models.CharField("党派", max_length=30, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    occupation = models.CharField("职业", max_length=50, blank=True)
    position = models.CharField("工作单位及职务", max_length=200, blank=True)
    photo = models.ImageField("照片", upload_to="deputies/", blank=True)
    bio = models.TextField("简介", blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    successor = models.ForeignKey(
        "self",
        verbose_name="接任代表",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="任期结束后，其二维码引导到接任代表",
    )

    class Meta:
        verbose_name = "代表"
        verbose_name_plural = "代表"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"], condition=~models.Q(id_number=""), name="deputy_unique_id_number"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MandateStatus(models.TextChoices):
    ACTIVE = "active", "在任"
    SUSPENDED = "suspended", "暂停执行代表职务"
    ENDED = "ended", "届满"
    TERMINATED = "terminated", "终止（辞职、罢免等）"


class Mandate(models.Model):
    """One deputy's seat in one congress for one term. Ended mandates stay as history."""

    deputy = models.ForeignKey(Deputy, verbose_name="代表", on_delete=models.PROTECT, related_name="mandates")
    congress = models.ForeignKey(Congress, verbose_name="人大", on_delete=models.PROTECT, related_name="mandates")
    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.PROTECT, related_name="mandates")
    constituency = models.CharField("选区", max_length=100, blank=True)
    constituency_division = models.ForeignKey(
        Division, verbose_name="选区所在区划", null=True, blank=True, on_delete=models.PROTECT
    )
    delegation = models.CharField("代表团", max_length=100, blank=True)
    status = models.CharField("状态", max_length=12, choices=MandateStatus.choices, default=MandateStatus.ACTIVE)
    started_on = models.DateField("当选日期")
    ended_on = models.DateField("终止日期", null=True, blank=True)
    end_reason = models.CharField("终止原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "代表资格"
        verbose_name_plural = "代表资格"
        ordering = ["congress__division__depth", "-started_on"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "term"], name="mandate_unique_per_term"),
        ]
        indexes = [models.Index(fields=["congress", "status"], name="mandate_congress_status")]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.congress}"


class StationKind(models.TextChoices):
    HOME = "home", "代表之家"
    STATION = "station", "代表联络站"
    POINT = "point", "代表联系点"


class Station(models.Model):
    """家站点."""

    code = models.CharField("编号", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100, db_index=True)
    kind = models.CharField("类型", max_length=10, choices=StationKind.choices)
    division = models.ForeignKey(Division, verbose_name="所在区划", on_delete=models.PROTECT, related_name="stations")
    theme = models.CharField("专业特色", max_length=50, blank=True)
    address = models.CharField("地址", max_length=200)
    latitude = models.FloatField("纬度", null=True, blank=True)
    longitude = models.FloatField("经度", null=True, blank=True)
    opening_hours = models.CharField("开放时间", max_length=200, blank=True)
    area_m2 = models.DecimalField("面积（平方米）", max_digits=8, decimal_places=1, null=True, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    description = models.TextField("简介", blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "家站点"
        verbose_name_plural = "家站点"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StaffRole(models.TextChoices):
    LEADER = "leader", "组长（站长）"
    DEPUTY_LEADER = "deputy_leader", "副组长"
    LIAISON = "liaison", "联络员"


MAX_DEPUTY_LEADERS = 2


class StationStaff(models.Model):
    station = models.ForeignKey(Station, verbose_name="家站点", on_delete=models.CASCADE, related_name="staff")
    role = models.CharField("职务", max_length=15, choices=StaffRole.choices)
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号", max_length=20, blank=True)
    deputy = models.ForeignKey(Deputy, verbose_name="对应代表", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "家站点工作人员"
        verbose_name_plural = "家站点工作人员"
        ordering = ["station", "role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class StationDeputy(models.Model):
    """进站: a deputy assigned to a station; ``left_on`` keeps the history."""

    station = models.ForeignKey(Station, verbose_name="家站点", on_delete=models.PROTECT, related_name="memberships")
    deputy = models.ForeignKey(
        Deputy, verbose_name="代表", on_delete=models.PROTECT, related_name="station_memberships"
    )
    joined_on = models.DateField("进站日期", default=timezone.localdate)
    left_on = models.DateField("离站日期", null=True, blank=True)

    class Meta:
        verbose_name = "进站代表"
        verbose_name_plural = "进站代表"
        constraints = [
            models.UniqueConstraint(
                fields=["station", "deputy"], condition=models.Q(left_on__isnull=True), name="station_deputy_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deputy} @ {self.station}"


class ChecklistItem(models.TextChoices):
    PLACE = "place", "有固定场所"
    STAFF = "staff", "有工作人员"
    RULES = "rules", "有工作制度"
    PLAN = "plan", "有活动计划"
    LEDGERS = "ledgers", "有工作台账"
    FUNDING = "funding", "有经费保障"


def _private_storage():
    """Evidence may show people and papers: private storage, served by the scoped station view."""
    from renda.registry.models_import import private_storage

    return private_storage()


class StationChecklist(models.Model):
    """The 六有 checklist, one row per item, with evidence."""

    station = models.ForeignKey(Station, verbose_name="家站点", on_delete=models.CASCADE, related_name="checklist")
    item = models.CharField("项目", max_length=10, choices=ChecklistItem.choices)
    met = models.BooleanField("已达标", default=False)
    evidence = models.TextField("佐证说明", blank=True)
    evidence_file = models.FileField("佐证材料", upload_to="station-evidence/", blank=True, storage=_private_storage)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "六有建设"
        verbose_name_plural = "六有建设"
        constraints = [models.UniqueConstraint(fields=["station", "item"], name="checklist_unique_item")]

    def __str__(self) -> str:
        return f"{self.station} {self.get_item_display()}"


class Grid(models.Model):
    """网格, below a community or village."""

    code = models.CharField("网格编号", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100)
    division = models.ForeignKey(
        Division, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="grids"
    )
    description = models.CharField("范围说明", max_length=200, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "网格"
        verbose_name_plural = "网格"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class GridDeputy(models.Model):
    """进网格."""

    grid = models.ForeignKey(Grid, verbose_name="网格", on_delete=models.PROTECT, related_name="memberships")
    deputy = models.ForeignKey(Deputy, verbose_name="代表", on_delete=models.PROTECT, related_name="grid_memberships")
    joined_on = models.DateField("进网格日期", default=timezone.localdate)
    left_on = models.DateField("离开日期", null=True, blank=True)

    class Meta:
        verbose_name = "网格代表"
        verbose_name_plural = "网格代表"
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "deputy"], condition=models.Q(left_on__isnull=True), name="grid_deputy_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.deputy} @ {self.grid}"


class AgencyKind(models.TextChoices):
    GOVERNMENT = "government", "人民政府"
    SUPERVISION = "supervision", "监察委员会"
    COURT = "court", "人民法院"
    PROCURATORATE = "procuratorate", "人民检察院"
    DEPARTMENT = "department", "政府工作部门"
    OTHER = "other", "其他单位"


class Agency(models.Model):
    """承办单位: one of 一府一委两院 or a department."""

    code = models.CharField("单位编号", max_length=32, unique=True)
    name = models.CharField("名称", max_length=100, db_index=True)
    kind = models.CharField("类型", max_length=15, choices=AgencyKind.choices)
    congress = models.ForeignKey(Congress, verbose_name="对应人大", on_delete=models.PROTECT, related_name="agencies")
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "承办单位"
        verbose_name_plural = "承办单位"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


from renda.registry.models_import import ImportJob  # noqa: E402,F401
