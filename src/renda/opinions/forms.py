"""Citizen intake forms: the web form and the API body share one validation path."""

import hashlib

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from renda.core.uploads import clean_image
from renda.handling.models import Satisfaction
from renda.opinions import verification
from renda.opinions.models import Category
from renda.opinions.services import MAX_CONTENT, MAX_PHOTOS, OpinionInput, is_blocked
from renda.registry.models import Deputy, Division, DivisionLevel, Grid, Station

CATEGORY_OPTIONS_CACHE_KEY = "renda:opinions:category-options:v1"
AREA_OPTIONS_CACHE_KEY = "renda:opinions:area-options:v1"
OPTIONS_CACHE_SECONDS = 300


def category_options() -> str:
    """<option>s of the default taxonomy, indented by level; cached (rendered once per 5 minutes)."""
    options = cache.get(CATEGORY_OPTIONS_CACHE_KEY)
    if options is None:
        rows = Category.objects.filter(taxonomy__is_default=True, is_active=True).order_by("path")
        options = str(format_html_join("", '<option value="{}">{}{}</option>', (
            (pk, "　" * (level - 1) + ("└ " if level > 1 else ""), name)
            for pk, name, level in rows.values_list("pk", "name", "level"))))  # fmt: skip
        cache.set(CATEGORY_OPTIONS_CACHE_KEY, options, OPTIONS_CACHE_SECONDS)
    return options


def area_options() -> str:
    """<option>s of counties and their townships (villages are loaded on demand)."""
    options = cache.get(AREA_OPTIONS_CACHE_KEY)
    if options is None:
        rows = Division.objects.filter(is_active=True, level__in=[DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP])
        options = str(format_html_join("", '<option value="{}">{}{}</option>', (
            (code, "　└ " if level == DivisionLevel.TOWNSHIP else "", name)
            for code, name, level in rows.order_by("path").values_list("code", "name", "level"))))  # fmt: skip
        cache.set(AREA_OPTIONS_CACHE_KEY, options, OPTIONS_CACHE_SECONDS)
    return options


def selected(options: str, value: str) -> str:
    """Mark ``value`` selected in cached options (values are ids or digit codes, so only attributes change)."""
    if value and str(value).isdigit():
        options = options.replace(f'value="{value}"', f'value="{value}" selected', 1)
    return mark_safe(options)  # noqa: S308 - built by format_html_join


BAD_POINT = {"invalid": "地图位置不正确。", "min_value": "地图位置不正确。", "max_value": "地图位置不正确。"}


class _SharedFields(dict):
    """A form's ``base_fields`` that each instance shares instead of deep-copying.

    Only for forms that are never rendered and never change a field per instance: the API form,
    where the copy of every field and widget was a third of the form's cost on the intake hot path.
    """

    def __deepcopy__(self, memo: dict) -> dict:
        return dict(self)


def _text(max_length: int, label: str, **kw) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, strip=True, **kw)


class OpinionBaseForm(forms.Form):
    content = forms.CharField(
        label="反映内容",
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "请填写您要反映的内容。", "max_length": f"内容不能超过 {MAX_CONTENT} 字。"},
    )
    title = _text(100, "标题", error_messages={"max_length": "标题不能超过 100 字。"})
    category = _text(20, "问题分类")
    division = _text(12, "所在区域")
    village = _text(12, "村（社区）")
    grid = _text(32, "网格")
    address = _text(200, "详细地址", error_messages={"max_length": "地址不能超过 200 字。"})
    latitude = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput, error_messages=BAD_POINT
    )
    longitude = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput, error_messages=BAD_POINT
    )
    name = _text(50, "姓名", error_messages={"max_length": "姓名不能超过 50 字。"})
    phone = _text(40, "手机号")
    sms_code = _text(20, "短信验证码")
    anonymous = forms.BooleanField(label="匿名反映（不向办理单位显示姓名）", required=False)
    consent = forms.BooleanField(
        label="我已阅读并同意《隐私说明》", required=True, error_messages={"required": "请阅读并同意隐私说明。"}
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.verification = None

    def clean_category(self) -> Category | None:
        value = self.cleaned_data.get("category")
        if not value:
            return None
        category = None
        if value.isdigit() and len(value) < 12:
            category = Category.objects.filter(pk=int(value), taxonomy__is_default=True, is_active=True).first()
        if category is None:
            raise ValidationError("请从列表中选择问题分类。")
        return category

    def _division(self, field: str, message: str) -> Division | None:
        code = self.cleaned_data.get(field)
        if not code:
            return None
        division = Division.objects.filter(code=code, is_active=True).first() if code.isdigit() else None
        if division is None:
            raise ValidationError(message)
        return division

    def clean_division(self) -> Division | None:
        return self._division("division", "请从列表中选择所在区域。")

    def clean_village(self) -> Division | None:
        return self._division("village", "请从列表中选择村（社区）。")

    def clean_grid(self) -> Grid | None:
        code = self.cleaned_data.get("grid")
        if not code:
            return None
        grid = Grid.objects.filter(code=code, is_active=True).select_related("division").first()
        if grid is None:
            raise ValidationError("请从列表中选择网格。")
        return grid

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone")
        if not raw:
            return ""
        phone = verification.normalize_phone(raw)
        if not phone:
            raise ValidationError(verification.BAD_PHONE)
        if is_blocked(phone):
            raise ValidationError(verification.BLOCKED)
        return phone

    def clean(self) -> dict:
        data = super().clean()
        area, village, grid = data.get("division"), data.get("village"), data.get("grid")
        if area and village and not village.path.startswith(area.path):
            self.add_error("village", "所选村（社区）不在所选区域内。")
        place = village or area
        if grid and place and not grid.division.path.startswith(place.path):
            self.add_error("grid", "所选网格不在所选区域内。")
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            self.add_error("latitude", "地图位置不完整。")
        phone = data.get("phone")
        if phone and not self.errors:
            try:
                self.verification = self.verify_phone(phone)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field if field in self.fields else "phone", messages)
        return data

    def verify_phone(self, phone: str):
        code = self.cleaned_data.get("sms_code")
        if not code:
            raise ValidationError({"sms_code": "请填写短信验证码；如不想留手机号，可清空手机号一栏。"})
        return verification.phone_code_check(phone=phone, code=code)

    def idempotency_key(self, raw: str | None, prefix: str) -> str | None:
        """The stored key: the client's key bound to the content, so a guessed key cannot reveal another's link."""
        raw = (raw or "").strip()[:100]
        if not raw:
            return None
        content = (self.cleaned_data.get("content") or "").strip()
        return f"{prefix}:" + hashlib.sha256(f"{raw}\x00{content}".encode()).hexdigest()

    def to_input(self, *, channel: str, deputy: Deputy | None, station: Station | None, ip: str | None,
                 photos: list | None = None) -> OpinionInput:  # fmt: skip
        d = self.cleaned_data
        return OpinionInput(
            content=d["content"],
            channel=channel,
            title=d.get("title") or "",
            category=d.get("category"),
            division=d.get("village") or d.get("division"),
            grid=d.get("grid"),
            address=d.get("address") or "",
            latitude=d.get("latitude"),
            longitude=d.get("longitude"),
            citizen_name=d.get("name") or "",
            phone=d.get("phone") or "",
            phone_verified=bool(d.get("phone")) and self.verification is not None,
            anonymous=bool(d.get("anonymous")),
            consent=bool(d.get("consent")),
            deputy=deputy,
            station=station,
            client_ip=ip,
            photos=photos or [],
        )


class OpinionForm(OpinionBaseForm):
    """The web form: photos and a per-render idempotency key."""

    idempotency_key = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        files = self.files.getlist("photos") if hasattr(self.files, "getlist") else []
        files = [f for f in files if getattr(f, "name", "")]
        if len(files) > MAX_PHOTOS:
            self.add_error(None, f"最多上传 {MAX_PHOTOS} 张照片。")
            return data
        photos = []
        for number, upload in enumerate(files, start=1):
            try:
                photos.append(clean_image(upload))
            except ValidationError as exc:
                self.add_error(None, f"第 {number} 张照片：{'；'.join(exc.messages)}")
        data["photos"] = photos
        return data


class OpinionApiForm(OpinionBaseForm):
    """The API body: a phone is proven by ``phone_token`` (from sms-verify) or by ``sms_code``."""

    phone_token = _text(64, "手机验证令牌")
    deputy = _text(32, "代表编号")
    station = _text(32, "家站点编号")

    def verify_phone(self, phone: str):
        token = self.cleaned_data.get("phone_token")
        if token:
            return verification.phone_token_check(phone=phone, token=token)
        if not self.cleaned_data.get("sms_code"):
            raise ValidationError({"phone_token": "填写手机号时，请先完成短信验证并提供 phone_token 或 sms_code。"})
        return verification.phone_code_check(phone=phone, code=self.cleaned_data["sms_code"])

    def clean_deputy(self) -> Deputy | None:
        number = self.cleaned_data.get("deputy")
        if not number:
            return None
        deputy_id = resolve_deputy_id(number)
        if deputy_id is None:
            raise ValidationError("代表编号不存在。")
        return Deputy(pk=deputy_id)  # only its key is stored with the opinion

    def clean_station(self) -> Station | None:
        code = self.cleaned_data.get("station")
        if not code:
            return None
        station = resolve_station(code)
        if station is None:
            raise ValidationError("家站点编号不存在。")
        return station


OpinionApiForm.base_fields = _SharedFields(OpinionApiForm.base_fields)


def resolve_deputy(number: str) -> Deputy | None:
    """The deputy a QR code names; a departed deputy's code leads to the successor when there is one."""
    # order_by(): no ORDER BY to compile or run for a unique lookup (this is on the intake hot path)
    deputy = next(iter(Deputy.objects.filter(number=str(number)[:32]).order_by()[:1]), None)
    if deputy is not None and not deputy.is_active and deputy.successor_id:
        successor = Deputy.objects.filter(pk=deputy.successor_id, is_active=True).first()
        return successor or deputy
    return deputy


def resolve_deputy_id(number: str) -> int | None:
    """``resolve_deputy``'s answer as a key, in one plain statement (the API's intake hot path, where
    building the ORM query cost more than running it)."""
    table, quote = Deputy._meta.db_table, connection.ops.quote_name
    sql = (
        f"SELECT d.id, s.id FROM {quote(table)} d LEFT JOIN {quote(table)} s"
        " ON s.id = d.successor_id AND s.is_active AND NOT d.is_active WHERE d.number = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [str(number)[:32]])
        row = cursor.fetchone()
    return None if row is None else row[1] or row[0]


def resolve_station(code: str) -> Station | None:
    return next(iter(Station.objects.filter(code=str(code)[:32]).order_by()[:1]), None)


class EvaluationForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label="问题是否解决",
        choices=[("yes", "是"), ("no", "否")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择问题是否解决。", "invalid_choice": "请选择问题是否解决。"},
    )
    satisfaction = forms.ChoiceField(
        label="您对办理结果是否满意",
        choices=[(c.value, c.label) for c in (Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED)],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意程度。", "invalid_choice": "请选择满意程度。"},
    )
    comment = forms.CharField(
        label="评价意见（选填）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "评价意见不能超过 2000 字。"},
    )


class TrackForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=40, error_messages={"required": "请填写查询码。"})
    phone = forms.CharField(label="手机号", max_length=40, error_messages={"required": "请填写提交时的手机号。"})
