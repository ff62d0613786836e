"""Forms for the opinion console: one small form per handling action, staff entry, blocked phones."""

import os
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from renda.core.access import restrict
from renda.core.uploads import clean_image
from renda.handling.models import ReplyResult, Urgency
from renda.opinions.models import STAFF_ENTERED_CHANNELS, Category, Channel
from renda.opinions.services import MAX_PHOTOS, normalize_tracking_code
from renda.registry.models import Agency, Deputy, Station

PHONE_RE = re.compile(r"^1\d{10}$")
IMAGE_EXTS = {".jpg", ".jpeg", ".png"}
# extension -> magic bytes the file must start with
DOC_MAGIC = {
    ".pdf": b"%PDF",
    ".docx": b"PK",
    ".xlsx": b"PK",
    ".doc": b"\xd0\xcf\x11\xe0",
    ".xls": b"\xd0\xcf\x11\xe0",
}
MAX_ATTACHMENTS = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def clean_phone(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    if value and not PHONE_RE.match(value):
        raise ValidationError("请输入 11 位手机号码。")
    return value


def clean_attachment(upload) -> tuple[str, object]:
    """An attachment checked by its content: images re-encoded, documents by their magic bytes."""
    name = os.path.basename(upload.name or "附件")[:200]
    ext = os.path.splitext(name)[1].lower()
    limit = settings.RENDA_MAX_PHOTO_BYTES * 2
    if (upload.size or 0) > limit:
        raise ValidationError(f"附件“{name}”超过 {limit // 1024 // 1024} MB。")
    if ext in IMAGE_EXTS:
        return os.path.splitext(name)[0] + ".jpg", clean_image(upload)
    magic = DOC_MAGIC.get(ext)
    if magic is None:
        raise ValidationError(f"附件“{name}”格式不支持，只能上传 PDF、Word、Excel、JPG 或 PNG 文件。")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(magic):
        raise ValidationError(f"附件“{name}”的内容与文件类型不符，请检查后重新上传。")
    return name, upload


# --- Handling actions ----------------------------------------------------------------


class ActionForm(forms.Form):
    """Every action form carries the case version the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, user=None, opinion=None, **kwargs):
        self.user, self.opinion = user, opinion
        super().__init__(*args, **kwargs)
        if opinion is not None:
            self.fields["version"].initial = opinion.case.version


class NoteForm(ActionForm):
    note = forms.CharField(label="备注", widget=textarea(2), max_length=2000)


class OptionalNoteForm(ActionForm):
    note = forms.CharField(label="说明（可选）", widget=textarea(2), max_length=2000, required=False)


class ReasonForm(ActionForm):
    reason = forms.CharField(label="理由", widget=textarea(2), max_length=2000)


class AnswerForm(ActionForm):
    result = forms.ChoiceField(label="办理结果", choices=ReplyResult.choices)
    content = forms.CharField(label="答复内容", widget=textarea(4), max_length=5000)


class MergeForm(ActionForm):
    code = forms.CharField(label="合并到（查询码）", max_length=20)

    def clean_code(self):
        from renda.opinions.selectors import opinion_by_code

        code = normalize_tracking_code(self.cleaned_data["code"])
        target = opinion_by_code(self.user, code) if code else None
        if target is None:
            raise ValidationError("在您的管辖范围内没有找到该查询码的意见。")
        self.cleaned_data["target"] = target
        return code


class SpamForm(ActionForm):
    reason = forms.CharField(label="说明", max_length=200, required=False)
    block_phone = forms.BooleanField(label="同时屏蔽该手机号", required=False)


def agency_choices(user):
    return restrict(Agency.objects.filter(is_active=True), user).order_by("name")


class AssignForm(ActionForm):
    lead = forms.ModelChoiceField(label="主办单位", queryset=Agency.objects.none())
    co = forms.ModelMultipleChoiceField(
        label="协办单位", queryset=Agency.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    urgency = forms.ChoiceField(label="办理类别", choices=Urgency.choices)
    instructions = forms.CharField(label="交办意见", widget=textarea(2), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = self.fields["co"].queryset = agency_choices(self.user)
        if self.opinion is not None:
            self.fields["urgency"].initial = self.opinion.case.urgency


class ReassignForm(AssignForm):
    reason = forms.CharField(label="改派理由", widget=textarea(2), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["urgency"], self.fields["instructions"]


class SuperviseForm(ActionForm):
    level = forms.TypedChoiceField(
        label="督办级别", coerce=int, choices=[(1, "一级"), (2, "二级"), (3, "三级")], required=False, empty_value=None
    )
    reason = forms.CharField(label="督办事由", widget=textarea(2), max_length=2000)


class ExtensionDecideForm(ActionForm):
    request = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label="审批", coerce=lambda v: v == "1", choices=[("1", "同意延期"), ("0", "不同意")]
    )
    note = forms.CharField(label="审批意见", widget=textarea(2), max_length=2000, required=False)

    def clean_request(self):
        from renda.opinions.selectors import extension_for

        found = extension_for(self.opinion, self.cleaned_data["request"])
        if found is None:
            raise ValidationError("没有找到该延期申请。")
        self.cleaned_data["extension"] = found
        return found.pk


class SignForm(ActionForm):
    pass


class CoViewForm(ActionForm):
    text = forms.CharField(label="协办意见", widget=textarea(3), max_length=5000)


class ExtensionRequestForm(ActionForm):
    working_days = forms.IntegerField(label="延期工作日", min_value=1, max_value=30)
    reason = forms.CharField(label="延期理由", widget=textarea(2), max_length=2000)


class ReplyForm(ActionForm):
    result = forms.ChoiceField(label="办理结果", choices=ReplyResult.choices)
    content = forms.CharField(label="答复内容", widget=textarea(5), max_length=5000)
    attachments = MultipleFileField(
        label="附件", help_text="可上传 PDF、Word、Excel、JPG、PNG 文件", widget=MultipleFileInput()
    )

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(f"最多上传 {MAX_ATTACHMENTS} 个附件。")
        return [clean_attachment(f) for f in files]


class FeedbackForm(ActionForm):
    text = forms.CharField(label="反馈给群众的内容", widget=textarea(5), max_length=5000)


# --- Staff entry and blocked phones -----------------------------------------------------------------


class StaffEntryForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)
    channel = forms.ChoiceField(label="来源渠道", choices=[(c.value, c.label) for c in STAFF_ENTERED_CHANNELS])
    station = forms.ModelChoiceField(label="家站点", queryset=Station.objects.none())
    deputy = forms.ModelChoiceField(label="反映给代表（可选）", queryset=Deputy.objects.none(), required=False)
    title = forms.CharField(label="标题", max_length=100, required=False)
    content = forms.CharField(label="反映内容", widget=textarea(6), max_length=5000)
    category = forms.ModelChoiceField(label="分类", queryset=Category.objects.none(), required=False)
    address = forms.CharField(label="地点", max_length=200, required=False)
    citizen_name = forms.CharField(label="群众姓名", max_length=50, required=False)
    phone = forms.CharField(label="群众手机号", max_length=20, required=False, help_text="群众在场，视为已核实")
    anonymous = forms.BooleanField(label="群众要求匿名", required=False)
    consent = forms.BooleanField(
        label="群众已同意", error_messages={"required": "请确认群众已同意隐私说明。"}, help_text="已向群众说明隐私条款"
    )
    photos = MultipleFileField(label="照片", widget=MultipleFileInput(attrs={"accept": "image/*"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["station"].queryset = restrict(Station.objects.filter(is_active=True), user).order_by("name")
        self.fields["deputy"].queryset = restrict(Deputy.objects.filter(is_active=True), user).order_by("name")
        self.fields["category"].queryset = Category.objects.filter(is_active=True, taxonomy__is_default=True)
        if user is not None and user.station_id:
            self.fields["station"].initial = user.station_id
        self.fields["channel"].initial = Channel.WALK_IN

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_photos(self):
        files = self.cleaned_data.get("photos") or []
        if len(files) > MAX_PHOTOS:
            raise ValidationError(f"最多上传 {MAX_PHOTOS} 张照片。")
        return [clean_image(f) for f in files]


class BlockPhoneForm(forms.Form):
    phone = forms.CharField(label="手机号", max_length=20)
    reason = forms.CharField(label="屏蔽原因", max_length=200)

    def clean_phone(self):
        value = clean_phone(self.cleaned_data.get("phone", ""))
        if not value:
            raise ValidationError("请填写手机号。")
        return value
