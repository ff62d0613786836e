"""Forms for drafting a suggestion (deputy on a phone, or staff on a deputy's behalf) and inviting co-signers."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from renda.core.access import restrict
from renda.core.models import Role, User
from renda.registry.models import Deputy, Mandate, MandateStatus
from renda.suggestions.models import (
    Suggestion,
    SuggestionCategory,
    SuggestionKind,
    SuggestionSession,
)
from renda.suggestions.services import MAX_ATTACHMENTS, MAX_CONTENT, MAX_TITLE


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "application/pdf,image/*"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SuggestionSession) -> str:
        return f"{obj.congress.name} · {obj.title}（{obj.get_period_display()}）"


def drafting_sessions(user: User) -> QuerySet[SuggestionSession]:
    """Current 会次 a new suggestion may go to: the deputy's congresses, or the staff member's territory."""
    qs = SuggestionSession.objects.filter(is_current=True, congress__is_active=True).select_related("congress")
    if user.role == Role.DEPUTY:
        active = Mandate.objects.filter(deputy_id=user.deputy_id, status=MandateStatus.ACTIVE)
        return qs.filter(congress_id__in=active.values("congress_id")).order_by(
            "congress__division__path", "-starts_on"
        )
    return restrict(qs, user).order_by("congress__division__path", "-starts_on")


def congress_deputies(congress_id: int) -> QuerySet[Deputy]:
    """Deputies holding an active mandate in the congress (the pool of proposers and co-signers)."""
    active = Mandate.objects.filter(congress_id=congress_id, status=MandateStatus.ACTIVE)
    return Deputy.objects.filter(is_active=True, pk__in=active.values("deputy_id"))


class DraftForm(forms.Form):
    """A new draft or an edit. ``proposer`` appears only for staff entering on a deputy's behalf."""

    proposer = forms.CharField(
        label="领衔代表", max_length=50, help_text="输入代表编号或姓名（同名时请输入编号）。", required=False
    )
    kind = forms.ChoiceField(label="类型", choices=SuggestionKind.choices, initial=SuggestionKind.SUGGESTION)
    session = SessionChoiceField(label="会次", queryset=SuggestionSession.objects.none(), empty_label="请选择会次")
    title = forms.CharField(label="标题", max_length=MAX_TITLE, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    content = forms.CharField(label="内容", max_length=MAX_CONTENT, widget=forms.Textarea(attrs={"rows": 10}))
    category = forms.ModelChoiceField(
        label="分类", queryset=SuggestionCategory.objects.none(), required=False, empty_label="请选择分类"
    )
    publish = forms.BooleanField(label="答复可以在网站上公开", required=False, initial=True)
    no_publish_reason = forms.CharField(
        label="不公开的理由", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="不同意公开答复的，请说明理由。",
    )  # fmt: skip
    attachments = MultipleFileField(
        label="附件", help_text=f"PDF 文件或图片，每个不超过 20 MB，最多 {MAX_ATTACHMENTS} 个。"
    )

    def __init__(self, *args, user: User, suggestion: Suggestion | None = None, existing: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.suggestion, self.existing = user, suggestion, existing
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写{field.label}。"
        self.fields["session"].error_messages["required"] = "请选择会次。"
        self.fields["session"].error_messages["invalid_choice"] = "所选会次不存在或当前不能提出建议。"
        self.fields["category"].error_messages["invalid_choice"] = "所选分类不存在或已停用。"
        self.fields["kind"].error_messages["invalid_choice"] = "类型不正确。"
        self.fields["title"].error_messages["max_length"] = f"标题不能超过 {MAX_TITLE} 字。"
        self.fields["content"].error_messages["max_length"] = f"内容不能超过 {MAX_CONTENT} 字。"
        self.fields["attachments"].error_messages["empty"] = "上传的文件是空的。"
        sessions = drafting_sessions(user) if suggestion is None else self._edit_sessions(suggestion)
        self.fields["session"].queryset = sessions
        categories = Q(is_active=True)
        if suggestion is not None and suggestion.category_id:
            categories |= Q(pk=suggestion.category_id)
        self.fields["category"].queryset = SuggestionCategory.objects.filter(categories)
        if suggestion is not None or user.role == Role.DEPUTY:
            del self.fields["proposer"]
        else:
            self.fields["proposer"].required = True
            self.fields["proposer"].error_messages["required"] = "请填写领衔代表。"

    @staticmethod
    def _edit_sessions(suggestion: Suggestion) -> QuerySet[SuggestionSession]:
        return (
            SuggestionSession.objects.filter(congress_id=suggestion.congress_id)
            .filter(Q(is_current=True) | Q(pk=suggestion.session_id))
            .select_related("congress")
            .order_by("-starts_on")
        )

    def clean_attachments(self):
        files = self.cleaned_data["attachments"]
        if self.existing + len(files) > MAX_ATTACHMENTS:
            raise ValidationError(f"附件最多 {MAX_ATTACHMENTS} 个（已有 {self.existing} 个）。")
        return files

    def clean(self):
        data = super().clean()
        if not data.get("publish") and not (data.get("no_publish_reason") or "").strip():
            self.add_error("no_publish_reason", "不公开答复的，请填写不公开的理由。")
        if "proposer" in self.fields and data.get("proposer") and data.get("session"):
            data["proposer"] = self._find_proposer(data["proposer"].strip(), data["session"])
        return data

    def _find_proposer(self, value: str, session: SuggestionSession) -> Deputy | None:
        pool = congress_deputies(session.congress_id)
        matches = list(pool.filter(Q(number=value) | Q(name=value))[:3])
        exact = [d for d in matches if d.number == value]
        if exact:
            return exact[0]
        if not matches:
            self.add_error("proposer", f"{session.congress.name}没有编号或姓名为“{value}”的在任代表。")
        elif len(matches) > 1:
            self.add_error("proposer", f"有多名代表名为“{value}”，请输入代表编号。")
        else:
            return matches[0]
        return None


class CosignerSearchForm(forms.Form):
    q = forms.CharField(label="查找代表", max_length=50, required=False)


class CosignerInviteForm(forms.Form):
    deputies = forms.ModelMultipleChoiceField(
        label="邀请附议的代表",
        queryset=Deputy.objects.none(),
        error_messages={"required": "请选择要邀请附议的代表。", "invalid_choice": "所选代表不是本级人大的在任代表。",
                        "invalid_pk_value": "所选代表不正确。"},
    )  # fmt: skip

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = congress_deputies(suggestion.congress_id).exclude(pk=suggestion.proposer_id)
