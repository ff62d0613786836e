"""Forms for 选民接待日 (console and public). Validation of the rule itself lives in the services."""

import datetime

from django import forms

from renda.core.access import restrict
from renda.opinions.verification import normalize_phone
from renda.reception.models import WEEKDAY_LABELS, PlanKind, ShiftStatus
from renda.registry.models import Station

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PlanForm(forms.Form):
    station = forms.ModelChoiceField(
        label="家站点",
        queryset=Station.objects.none(),
        error_messages={"required": "请选择家站点。", "invalid_choice": "请选择家站点。"},
    )
    title = forms.CharField(
        label="名称", max_length=100, initial="选民接待日", error_messages={"required": "请填写名称。"}
    )
    kind = forms.ChoiceField(label="安排方式", choices=PlanKind.choices, initial=PlanKind.WEEKLY)
    weekdays = forms.MultipleChoiceField(
        label="每周（安排方式为“每周”时）",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(str(i), label) for i, label in enumerate(WEEKDAY_LABELS)],
    )
    month_days = forms.CharField(
        label="每月日期（安排方式为“每月固定日”时）", max_length=100, required=False, help_text="如 15，或 9,19"
    )
    months = forms.CharField(label="仅限月份", max_length=40, required=False, help_text="空=每月；单月填 1,3,5,7,9,11")
    starts_on = forms.DateField(
        label="开始日期（单次：接待日期）",
        widget=DATE,
        error_messages={"required": "请填写开始日期。", "invalid": "日期格式不正确。"},
    )
    ends_on = forms.DateField(
        label="结束日期",
        required=False,
        widget=DATE,
        help_text="空=长期（自动向后生成）",
        error_messages={"invalid": "日期格式不正确。"},
    )
    start_time = forms.TimeField(
        label="开始时间",
        initial=datetime.time(9, 0),
        widget=TIME,
        error_messages={"required": "请填写开始时间。", "invalid": "时间格式不正确。"},
    )
    end_time = forms.TimeField(
        label="结束时间",
        initial=datetime.time(11, 30),
        widget=TIME,
        error_messages={"required": "请填写结束时间。", "invalid": "时间格式不正确。"},
    )
    slot_minutes = forms.IntegerField(label="每个预约时段（分钟）", initial=30, min_value=5, max_value=240)
    slot_capacity = forms.IntegerField(label="每时段可预约人数", initial=3, min_value=1, max_value=100)
    announce_days = forms.IntegerField(label="提前公告天数", initial=3, min_value=0, max_value=60)
    place = forms.CharField(label="接待地点", max_length=200, required=False, help_text="空=家站点地址")

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = restrict(Station.objects.filter(is_active=True), user).order_by("code")

    def plan_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("station")
        data["weekdays"] = ",".join(data.get("weekdays") or [])
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=200, error_messages={"required": "请填写取消原因。"})


class ShiftMarkForm(forms.Form):
    status = forms.ChoiceField(choices=ShiftStatus.choices)
    substitute = forms.IntegerField(required=False)
    note = forms.CharField(max_length=200, required=False)


class VisitForm(forms.Form):
    booking = forms.IntegerField(label="对应预约", required=False, widget=forms.HiddenInput)
    visitor_name = forms.CharField(label="来访人姓名", max_length=50, required=False)
    phone = forms.CharField(label="手机号", max_length=40, required=False)
    summary = forms.CharField(
        label="接待情况", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deputy = forms.IntegerField(label="接待代表", required=False)
    opinion_1 = forms.CharField(
        label="意见一", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opinion_2 = forms.CharField(
        label="意见二", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opinion_3 = forms.CharField(
        label="意见三", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent = forms.BooleanField(label="已向来访群众说明隐私说明并取得同意", required=False)

    OPINION_FIELDS = ("opinion_1", "opinion_2", "opinion_3")

    def clean_phone(self) -> str:
        raw = self.cleaned_data.get("phone") or ""
        if not raw.strip():
            return ""
        phone = normalize_phone(raw)
        if not phone:
            raise forms.ValidationError("请填写正确的 11 位手机号。")
        return phone

    def opinions(self) -> list[dict]:
        return [
            {"content": self.cleaned_data[f]} for f in self.OPINION_FIELDS if (self.cleaned_data.get(f) or "").strip()
        ]


class BookingForm(forms.Form):
    slot = forms.CharField(label="预约时段", error_messages={"required": "请选择预约时段。"})
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写您的姓名。"})
    phone = forms.CharField(label="手机号", max_length=40, error_messages={"required": "请填写手机号。"})
    sms_code = forms.CharField(label="短信验证码", max_length=20, error_messages={"required": "请填写短信验证码。"})
    topic = forms.CharField(
        label="想反映的事项（选填）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent = forms.BooleanField(
        label="我已阅读并同意《隐私说明》", error_messages={"required": "请阅读并同意隐私说明。"}
    )

    def clean_slot(self) -> datetime.time:
        try:
            return datetime.datetime.strptime(self.cleaned_data["slot"], "%H:%M").time()
        except ValueError as exc:
            raise forms.ValidationError("请选择预约时段。") from exc

    def clean_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data.get("phone"))
        if not phone:
            raise forms.ValidationError("请填写正确的 11 位手机号。")
        return phone


class CitizenCancelForm(forms.Form):
    phone = forms.CharField(label="手机号后四位", max_length=20, error_messages={"required": "请输入手机号后四位。"})
