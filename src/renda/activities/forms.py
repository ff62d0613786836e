"""Forms of the 履职活动 console; choices are always limited to the user's scope."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from renda.activities.models import Activity, ActivityKind
from renda.activities.selectors import congress_for_station, organiser_congresses, standard_congresses
from renda.core.access import restrict
from renda.core.models import Role
from renda.registry.models import Station

DT_FORMAT = "%Y-%m-%dT%H:%M"


def _dt_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DT_FORMAT)


def _stations(user):
    return restrict(Station.objects.filter(is_active=True), user).order_by("code")


class ActivityForm(forms.ModelForm):
    starts_at = forms.DateTimeField(label="开始时间", widget=_dt_widget(), input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label="结束时间", widget=_dt_widget(), input_formats=[DT_FORMAT, "%Y-%m-%d %H:%M"])

    class Meta:
        model = Activity
        fields = ["kind", "title", "congress", "station", "organiser", "starts_at", "ends_at", "place", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"station": "在家站点开展的活动请选择家站点；计入该家站点的年度计划完成情况。"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["congress"].queryset = organiser_congresses(user)
        self.fields["congress"].empty_label = "请选择"
        self.fields["station"].queryset = _stations(user)
        self.fields["station"].empty_label = "（不在家站点）"
        if user.role == Role.STATION_STAFF:
            self.fields["station"].required = True
            self.fields["station"].empty_label = None
        if not self.instance.pk and not self.is_bound:
            start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
            self.initial.setdefault("starts_at", start)
            self.initial.setdefault("ends_at", start + datetime.timedelta(hours=2))
            if user.congress_id:
                self.initial.setdefault("congress", user.congress_id)
            elif user.role == Role.STATION_STAFF and user.station_id:
                congress = congress_for_station(user.station)
                if congress:
                    self.initial.setdefault("congress", congress.pk)
                self.initial.setdefault("station", user.station_id)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", "结束时间不能早于开始时间。")
        return data


class StandardForm(forms.Form):
    congress = forms.ModelChoiceField(label="人大", queryset=None, empty_label="请选择")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    min_reception_days = forms.IntegerField(label="每名代表每年接待选民日（天）", min_value=0, max_value=366)
    min_activities_per_deputy = forms.IntegerField(label="每名代表每年参加活动（次）", min_value=0, max_value=999)
    min_activities_per_station = forms.IntegerField(label="每个家站点每年开展活动（次）", min_value=0, max_value=999)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = standard_congresses(user)


class PlanForm(forms.Form):
    station = forms.ModelChoiceField(label="家站点", queryset=None, empty_label="请选择")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = _stations(user)
        if user.role == Role.STATION_STAFF:
            self.fields["station"].empty_label = None
        for value, label in ActivityKind.choices:
            self.fields[f"kind_{value}"] = forms.IntegerField(
                label=f"{label}（次）", min_value=0, max_value=999, required=False, initial=0
            )

    def counts(self) -> dict[str, int]:
        return {v: self.cleaned_data.get(f"kind_{v}") or 0 for v in ActivityKind.values}

    def clean(self):
        data = super().clean()
        if not self.errors and not any(self.counts().values()):
            raise ValidationError("请至少填写一类活动的计划次数。")
        return data
