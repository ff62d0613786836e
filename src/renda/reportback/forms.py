"""Forms of 述职评议 (validation of shapes only; the services enforce the rules)."""

from django import forms

from renda.reportback.models import Choice, ReportMode
from renda.reportback.selectors import current_terms, term_districts, term_mandates


class MeetingForm(forms.Form):
    term = forms.ModelChoiceField(label="届次", queryset=None, empty_label="请选择届次")
    district = forms.CharField(
        label="选区（或代表团）", max_length=100, help_text="与代表资格中登记的选区名称一致，如“第一选区”。"
    )
    title = forms.CharField(label="会议名称", max_length=150)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="地点", max_length=200)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = current_terms(user)
        if editing:
            del self.fields["term"]
            del self.fields["district"]

    def clean(self):
        data = super().clean()
        term, district = data.get("term"), (data.get("district") or "").strip()
        if term and district and district not in term_districts(term):
            self.add_error("district", f"{term}没有名为“{district}”的选区（或代表团）。")
        return data


class ReportForm(forms.Form):
    deputy = forms.ModelChoiceField(label="代表", queryset=None, empty_label="请选择代表")
    mode = forms.ChoiceField(label="述职方式", choices=ReportMode.choices)
    text = forms.CharField(label="述职报告", max_length=20000, widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, meeting=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["deputy"]
        else:
            from renda.registry.models import Deputy

            mandates = term_mandates(meeting.term, meeting.district).values("deputy_id")
            self.fields["deputy"].queryset = (
                Deputy.objects.filter(pk__in=mandates).exclude(duty_reports__meeting=meeting).order_by("number")
            )
            self.fields["deputy"].label_from_instance = lambda d: f"{d.name}（{d.number}）"


class TallyForm(forms.Form):
    satisfied = forms.IntegerField(label="满意", min_value=0, max_value=1_000_000)
    basic = forms.IntegerField(label="基本满意", min_value=0, max_value=1_000_000)
    unsatisfied = forms.IntegerField(label="不满意", min_value=0, max_value=1_000_000)


class AppraisalForm(forms.Form):
    choice = forms.ChoiceField(label="您的评议", choices=Choice.choices, widget=forms.RadioSelect)
    phone = forms.CharField(label="手机号", max_length=20)
    sms_code = forms.CharField(label="短信验证码", max_length=6)
