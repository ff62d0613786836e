"""Forms for the 代表建议 configuration pages (会次, 分类, 重点督办专题, 议案联名人数, 答复类别)."""

from django import forms

from renda.core.access import restrict
from renda.core.models import User
from renda.handling.models import ResultCategory
from renda.registry.models import Congress
from renda.suggestions.models import KeyTopic, MotionThreshold, SuggestionCategory, SuggestionSession


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _congresses(user: User):
    return restrict(Congress.objects.filter(is_active=True), user).select_related("division").order_by("division__path")


class SessionForm(forms.ModelForm):
    class Meta:
        model = SuggestionSession
        fields = ["congress", "title", "period", "year", "starts_on", "ends_on", "is_current"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}
        help_texts = {
            "title": "如“第十七届人民代表大会第五次会议”或“2026年闭会期间”。",
            "is_current": "代表只能向“当前会次”提出建议；会次结束后取消勾选。",
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["congress"]
        else:
            self.fields["congress"].queryset = _congresses(user)
            self.fields["congress"].error_messages["invalid_choice"] = "所选人大不在您的管辖范围内。"


class CategoryForm(forms.ModelForm):
    class Meta:
        model = SuggestionCategory
        fields = ["name", "order"]


class KeyTopicForm(forms.ModelForm):
    class Meta:
        model = KeyTopic
        fields = ["congress", "title", "leader", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["congress"]
        else:
            self.fields["congress"].queryset = _congresses(user)
            self.fields["congress"].error_messages["invalid_choice"] = "所选人大不在您的管辖范围内。"


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = MotionThreshold
        fields = ["min_signers"]
        help_texts = {"min_signers": "含领衔代表在内，议案须由多少名代表联名提出。"}


class ResultCategoryForm(forms.ModelForm):
    class Meta:
        model = ResultCategory
        fields = ["label", "creates_commitment", "order"]
        help_texts = {"creates_commitment": "勾选后，选择此类别答复时须填写承诺事项，跟踪落实直至办结（如 B 类）。"}
