"""Forms for the suggestion console: one small form per action on the detail page.

Every action form carries what the user saw (the case version and the suggestion's status), so a
second person acting on the same screen gets a conflict message instead of overwriting.
"""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError

from renda.core.access import restrict
from renda.handling.models import CaseKind, ContactMethod, ExtensionRequest, Satisfaction
from renda.handling.policy import policy_for, result_choices
from renda.opinions.forms_console import MultipleFileField, MultipleFileInput, textarea
from renda.registry.models import Agency
from renda.suggestions.attachments import clean_attachment
from renda.suggestions.models import KeyTopic, MotionDecision, SuggestionStatus

MAX_REPLY_ATTACHMENTS = 10
DUE_RE = re.compile(r"^(?P<text>.*?)\s*[|｜]\s*(?P<due>\d{4}-\d{1,2}-\d{1,2})\s*$")


class ActionForm(forms.Form):
    """The case version (0 before submission) and the status the user saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(widget=forms.HiddenInput, choices=SuggestionStatus.choices)

    def __init__(self, *args, user=None, suggestion=None, **kwargs):
        self.user, self.suggestion = user, suggestion
        super().__init__(*args, **kwargs)
        for name, fld in self.fields.items():
            verb = "请选择" if isinstance(fld, forms.ChoiceField | forms.ModelChoiceField) else "请填写"
            fld.error_messages["required"] = f"{verb}{fld.label or name}。"
            fld.error_messages.setdefault("invalid_choice", f"所选{fld.label}无效，请重新选择。")
        if suggestion is not None:
            self.fields["version"].initial = suggestion.case.version if suggestion.case_id else 0
            self.fields["status"].initial = suggestion.status


class EmptyForm(ActionForm):
    pass


class OptionalNoteForm(ActionForm):
    note = forms.CharField(label="说明（可选）", widget=textarea(2), max_length=2000, required=False)


class ReasonForm(ActionForm):
    reason = forms.CharField(label="理由", widget=textarea(2), max_length=2000)


class WithdrawForm(ActionForm):
    reason = forms.CharField(label="撤回理由（可选）", widget=textarea(2), max_length=500, required=False)


class CosignForm(ActionForm):
    accept = forms.TypedChoiceField(
        label="是否附议", coerce=lambda v: v == "1", choices=[("1", "确认附议"), ("0", "谢绝附议")]
    )


class EvaluateForm(ActionForm):
    satisfaction = forms.ChoiceField(
        label="评价",
        choices=[
            (Satisfaction.SATISFIED, "满意"),
            (Satisfaction.BASIC, "基本满意"),
            (Satisfaction.UNSATISFIED, "不满意"),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label="评价意见", widget=textarea(3), max_length=2000, required=False)

    def clean(self):
        data = super().clean()
        if data.get("satisfaction") == Satisfaction.UNSATISFIED and not (data.get("comment") or "").strip():
            self.add_error("comment", "评价不满意的，请写明不满意的理由。")
        return data


def agency_choices(user):
    return restrict(Agency.objects.filter(is_active=True), user).order_by("name")


MODE_CHOICES = [("lead", "主办 + 协办"), ("split", "分办（各单位分别答复）")]


class AssignForm(ActionForm):
    mode = forms.ChoiceField(label="交办方式", choices=MODE_CHOICES, initial="lead", widget=forms.RadioSelect)
    lead = forms.ModelChoiceField(label="主办单位", queryset=Agency.objects.none(), required=False)
    co = forms.ModelMultipleChoiceField(
        label="协办单位", queryset=Agency.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    split = forms.ModelMultipleChoiceField(
        label="分办单位", queryset=Agency.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    instructions = forms.CharField(label="交办意见", widget=textarea(2), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        qs = agency_choices(self.user)
        for name in ("lead", "co", "split"):
            self.fields[name].queryset = qs

    def clean(self):
        data = super().clean()
        if data.get("mode") == "split":
            data["lead"], data["co"] = None, []
            if len(data.get("split") or []) < 2:
                self.add_error("split", "分办至少需要选择两个承办单位。")
        else:
            data["split"] = []
            if data.get("lead") is None:
                self.add_error("lead", "请选择主办单位。")
        return data


class ReassignForm(AssignForm):
    reason = forms.CharField(label="改派理由", widget=textarea(2), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["instructions"]


class ExtensionDecideForm(ActionForm):
    request = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(
        label="审批", coerce=lambda v: v == "1", choices=[("1", "同意延期"), ("0", "不同意")]
    )
    note = forms.CharField(label="审批意见", widget=textarea(2), max_length=2000, required=False)

    def clean_request(self):
        pk = self.cleaned_data["request"]
        case_id = self.suggestion.case_id if self.suggestion is not None else None
        found = ExtensionRequest.objects.filter(pk=pk, assignment__case_id=case_id).first() if case_id else None
        if found is None:
            raise ValidationError("没有找到该延期申请。")
        self.cleaned_data["extension"] = found
        return pk


class MarkKeyForm(ActionForm):
    is_key = forms.TypedChoiceField(
        label="重点督办", coerce=lambda v: v == "1", choices=[("1", "列为重点督办"), ("0", "取消重点督办")]
    )
    topic = forms.ModelChoiceField(label="督办专题", queryset=KeyTopic.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        s = self.suggestion
        if s is not None:
            self.fields["topic"].queryset = KeyTopic.objects.filter(congress_id=s.congress_id, is_active=True)
            self.fields["is_key"].initial = "0" if s.is_key else "1"
            self.fields["topic"].initial = s.topic_id


class MotionDecideForm(ActionForm):
    decision = forms.ChoiceField(label="处理决定", choices=MotionDecision.choices)
    note = forms.CharField(label="决定说明", widget=textarea(2), max_length=2000, required=False)


class DisclosureForm(ActionForm):
    publish = forms.TypedChoiceField(
        label="答复公开", coerce=lambda v: v == "1", choices=[("1", "公开答复"), ("0", "不公开")]
    )
    reason = forms.CharField(label="不公开的理由", widget=textarea(2), max_length=2000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.suggestion is not None:
            self.fields["publish"].initial = "1" if self.suggestion.publish else "0"
            self.fields["reason"].initial = self.suggestion.no_publish_reason

    def clean(self):
        data = super().clean()
        if data.get("publish") is False and not (data.get("reason") or "").strip():
            self.add_error("reason", "不公开答复的，请填写不公开的理由。")
        return data


class SuperviseForm(ActionForm):
    level = forms.TypedChoiceField(
        label="督办级别", coerce=int, choices=[(1, "一级"), (2, "二级"), (3, "三级")], required=False, empty_value=None
    )
    reason = forms.CharField(label="督办事由", widget=textarea(2), max_length=2000)


class ContactForm(ActionForm):
    method = forms.ChoiceField(label="沟通方式", choices=ContactMethod.choices, widget=forms.RadioSelect)
    contacted_on = forms.DateField(
        label="沟通日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), input_formats=["%Y-%m-%d"]
    )
    content = forms.CharField(label="沟通情况", widget=textarea(3), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacted_on"].initial = datetime.date.today()


class CoViewForm(ActionForm):
    text = forms.CharField(label="协办意见", widget=textarea(3), max_length=5000)


def parse_commitments(text: str) -> list[tuple[str, datetime.date | None]]:
    """One commitment per line; an optional plan date after a bar: ``完成管网改造 | 2027-06-30``."""
    items = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        due = None
        if m := DUE_RE.match(line):
            try:
                due = datetime.date(*(int(p) for p in m["due"].split("-")))
            except ValueError as exc:
                raise ValidationError(f"第 {n} 行的计划完成日期“{m['due']}”不是有效日期。") from exc
            line = m["text"].strip()
            if not line:
                raise ValidationError(f"第 {n} 行只有日期，请写明承诺事项。")
        items.append((line, due))
    return items


class ReplyForm(ActionForm):
    result = forms.ChoiceField(label="答复类别", choices=())
    content = forms.CharField(label="答复内容", widget=textarea(6), max_length=20000)
    attachments = MultipleFileField(
        label="答复文件", help_text="正式答复函请上传 PDF；也可上传图片", widget=MultipleFileInput()
    )
    commitments = forms.CharField(
        label="承诺事项",
        widget=textarea(3),
        max_length=20000,
        required=False,
        help_text="答复类别为 B 的须逐项填写，每行一项；可在行末用“|”写计划完成日期，如：完成管网改造 | 2027-06-30",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [(c, f"{c} {label}") for c, label in result_choices(CaseKind.SUGGESTION)]

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_REPLY_ATTACHMENTS:
            raise ValidationError(f"最多上传 {MAX_REPLY_ATTACHMENTS} 个文件。")
        cleaned = []
        for f in files:
            content, name = clean_attachment(f)
            cleaned.append((name, content))
        return cleaned

    def clean_commitments(self):
        return parse_commitments(self.cleaned_data.get("commitments", ""))


class ExtensionRequestForm(ActionForm):
    working_days = forms.IntegerField(label="延期工作日", min_value=1)
    reason = forms.CharField(label="延期理由", widget=textarea(2), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        top = policy_for(CaseKind.SUGGESTION).max_extension_working_days
        self.fields["working_days"].max_value = top
        self.fields["working_days"].validators.append(_max_days(top))
        self.fields["working_days"].widget.attrs["max"] = top


def _max_days(top: int):
    def check(value):
        if value is not None and value > top:
            raise ValidationError(f"延期最多 {top} 个工作日。")

    return check


class FulfilForm(forms.Form):
    note = forms.CharField(label="落实情况", widget=textarea(2), max_length=2000)
