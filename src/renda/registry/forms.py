"""Console forms. They validate input and limit choices to the user's scope; saving is the services' job."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db.models import Q

from renda.core.access import restrict
from renda.core.idnumbers import ID_SHAPE_RE
from renda.core.uploads import clean_image
from renda.registry.models import (
    Agency,
    Congress,
    Deputy,
    Division,
    DivisionLevel,
    Grid,
    Mandate,
    MandateStatus,
    StaffRole,
    Station,
    StationChecklist,
    StationStaff,
    Term,
)

DATE = forms.DateInput(attrs={"type": "date"})


def scoped_divisions(user, *levels: str):
    qs = restrict(Division.objects.filter(is_active=True), user)
    return qs.filter(level__in=levels) if levels else qs


def scoped_terms(user):
    congresses = restrict(Congress.objects.filter(is_active=True), user)
    return Term.objects.filter(congress__in=congresses).select_related("congress").order_by("congress__name", "-number")


class ScopedForm(forms.ModelForm):
    """A ModelForm whose foreign-key choices are limited to what ``user`` may see."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.limit_choices()

    def limit_choices(self) -> None:
        pass


# --- 行政区划 -----------------------------------------------------------------------------------------------


class DivisionCreateForm(ScopedForm):
    class Meta:
        model = Division
        fields = ["parent", "code", "name", "level", "latitude", "longitude"]

    def limit_choices(self):
        self.fields["parent"].queryset = scoped_divisions(self.user).exclude(level=DivisionLevel.VILLAGE)


class DivisionEditForm(ScopedForm):
    class Meta:
        model = Division
        fields = ["name", "latitude", "longitude"]


# --- 人大与届次 --------------------------------------------------------------------------------------------


class CongressForm(ScopedForm):
    class Meta:
        model = Congress
        fields = ["name", "level", "division"]

    def limit_choices(self):
        self.fields["division"].queryset = scoped_divisions(self.user).exclude(level=DivisionLevel.VILLAGE)


class CongressEditForm(ScopedForm):
    class Meta:
        model = Congress
        fields = ["name", "level"]


class TermForm(ScopedForm):
    class Meta:
        model = Term
        fields = ["number", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        return data

    def _post_clean(self):
        pass  # the congress is set by the service; uniqueness is checked there


# --- 代表与代表资格 ------------------------------------------------------------------------------------------

DEPUTY_FIELDS = [
    "name",
    "gender",
    "ethnicity",
    "party",
    "birth_date",
    "occupation",
    "position",
    "photo",
    "bio",
    "phone",
    "id_number",
]


class DeputyForm(ScopedForm):
    photo = forms.FileField(label="照片", required=False, help_text="JPEG 或 PNG，上传后自动去除拍摄信息。")

    class Meta:
        model = Deputy
        fields = DEPUTY_FIELDS
        widgets = {"birth_date": DATE, "bio": forms.Textarea(attrs={"rows": 4})}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):  # a new upload (not the stored file)
            return clean_image(photo)
        return photo

    def clean_id_number(self):
        value = (self.cleaned_data.get("id_number") or "").strip().upper()
        if value and not ID_SHAPE_RE.match(value):
            raise ValidationError("身份证号应为 18 位（最后一位可以是 X）。")
        return value

    def _get_validation_exclusions(self):
        # Duplicate ID numbers are refused by the service, with a clearer message than the DB constraint's.
        return {*super()._get_validation_exclusions(), "id_number"}

    def service_fields(self) -> dict:
        """cleaned_data for the service; an untouched photo field is left out, a cleared one becomes empty."""
        data = {k: v for k, v in self.cleaned_data.items() if k in DEPUTY_FIELDS}
        photo = data.pop("photo", None)
        if photo is False:
            data["photo"] = ""
        elif photo and "photo" in self.changed_data:
            data["photo"] = photo
        return data


class DeputyCreateForm(DeputyForm):
    """A new deputy is registered together with a first mandate, so the record lies in the creator's scope."""

    number = forms.CharField(label="代表编号", max_length=32, required=False, help_text="留空则自动生成。")
    term = forms.ModelChoiceField(label="届次", queryset=Term.objects.none())
    started_on = forms.DateField(label="当选日期", widget=DATE)
    constituency = forms.CharField(label="选区", max_length=100, required=False)
    delegation = forms.CharField(label="代表团", max_length=100, required=False)

    class Meta(DeputyForm.Meta):
        fields = ["number", *DEPUTY_FIELDS]

    def limit_choices(self):
        self.fields["term"].queryset = scoped_terms(self.user)

    def clean(self):
        data = super().clean()
        if not data.get("constituency") and not data.get("delegation"):
            self.add_error("constituency", "请填写选区或代表团（至少一项）。")
        return data

    def clean_number(self):
        number = self.cleaned_data.get("number", "").strip()
        if number and Deputy.objects.filter(number=number).exists():
            raise ValidationError(f"代表编号 {number} 已存在。")
        return number

    def service_fields(self) -> dict:
        return {**super().service_fields(), "number": self.cleaned_data.get("number", "")}

    def mandate_fields(self) -> dict:
        data = self.cleaned_data
        return {k: data[k] for k in ("term", "started_on", "constituency", "delegation")}


class MandateForm(ScopedForm):
    class Meta:
        model = Mandate
        fields = ["term", "started_on", "constituency", "constituency_division", "delegation"]
        widgets = {"started_on": DATE}

    def limit_choices(self):
        self.fields["term"].queryset = scoped_terms(self.user)
        self.fields["constituency_division"].queryset = scoped_divisions(self.user)

    def clean(self):
        data = super().clean()
        if not data.get("constituency") and not data.get("delegation"):
            raise ValidationError("请填写选区或代表团（至少一项）。")
        return data

    def _post_clean(self):
        pass  # deputy and congress are set by the service, which also checks for duplicates


class MandateStatusForm(forms.Form):
    status = forms.ChoiceField(label="新状态", choices=MandateStatus.choices)
    reason = forms.CharField(label="原因", max_length=200, required=False, help_text="届满或终止时必须填写。")
    on = forms.DateField(label="生效日期", required=False, widget=DATE)

    def clean_on(self):
        on = self.cleaned_data.get("on")
        if on and on > datetime.date.today() + datetime.timedelta(days=366):
            raise ValidationError("生效日期不合理，请检查。")
        return on


# --- 家站点 ---------------------------------------------------------------------------------------------------


class StationForm(ScopedForm):
    class Meta:
        model = Station
        fields = [
            "code",
            "name",
            "kind",
            "division",
            "theme",
            "address",
            "latitude",
            "longitude",
            "opening_hours",
            "area_m2",
            "contact_phone",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def limit_choices(self):
        self.fields["division"].queryset = scoped_divisions(self.user).exclude(
            level__in=[DivisionLevel.NATION, DivisionLevel.PROVINCE]
        )


class StationProfileForm(ScopedForm):
    """What a station's own staff may change."""

    class Meta:
        model = Station
        fields = ["opening_hours", "contact_phone", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class StationStaffForm(ScopedForm):
    class Meta:
        model = StationStaff
        fields = ["role", "name", "phone", "deputy"]

    def limit_choices(self):
        self.fields["deputy"].queryset = restrict(Deputy.objects.filter(is_active=True), self.user)
        self.fields["role"].choices = StaffRole.choices

    def _post_clean(self):
        pass  # the station is set by the service, which enforces the 组长/副组长 limits


class ChecklistForm(ScopedForm):
    evidence_file = forms.FileField(
        label="佐证材料",
        required=False,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"])],
    )

    class Meta:
        model = StationChecklist
        fields = ["item", "met", "evidence", "evidence_file"]
        widgets = {"item": forms.HiddenInput, "evidence": forms.Textarea(attrs={"rows": 2})}

    def clean_evidence_file(self):
        f = self.cleaned_data.get("evidence_file")
        if f and getattr(f, "size", 0) > settings.RENDA_MAX_IMPORT_BYTES:
            raise ValidationError(f"佐证材料不能超过 {settings.RENDA_MAX_IMPORT_BYTES // 1024 // 1024} MB。")
        return f or None

    def _post_clean(self):
        pass


# --- 网格与承办单位 ------------------------------------------------------------------------------------------


class GridForm(ScopedForm):
    class Meta:
        model = Grid
        fields = ["code", "name", "division", "description"]

    def limit_choices(self):
        self.fields["division"].queryset = scoped_divisions(self.user, DivisionLevel.VILLAGE)


class AgencyForm(ScopedForm):
    class Meta:
        model = Agency
        fields = ["code", "name", "kind", "congress", "parent", "contact_name", "contact_phone"]

    def limit_choices(self):
        self.fields["congress"].queryset = restrict(Congress.objects.filter(is_active=True), self.user)
        parents = restrict(Agency.objects.filter(is_active=True), self.user)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


# --- 进站 / 进网格 ----------------------------------------------------------------------------------------------


class DeputyPickForm(forms.Form):
    """Pick a deputy in the user's scope by number, or by name when the name is unique."""

    deputy = forms.CharField(label="代表编号或姓名", max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_deputy(self) -> Deputy:
        value = self.cleaned_data["deputy"].strip()
        scoped = restrict(Deputy.objects.filter(is_active=True), self.user)
        matches = list(scoped.filter(Q(number=value) | Q(name=value))[:3])
        exact = [d for d in matches if d.number == value]
        if exact:
            return exact[0]
        if not matches:
            raise ValidationError(f"没有找到编号或姓名为“{value}”的在任代表，或该代表不在您的管辖范围内。")
        if len(matches) > 1:
            raise ValidationError(f"有多名代表名为“{value}”，请输入代表编号。")
        return matches[0]
