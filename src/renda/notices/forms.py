"""Forms of 信息发布: choices are limited to what the user may see."""

from django import forms

from renda.core.access import restrict
from renda.notices.models import DeputyTag, Notice, NoticeTheme
from renda.registry.models import Congress, CongressLevel, Division, DivisionLevel, Station
from renda.registry.selectors import subtree_q


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["congress", "kind", "title", "theme", "summary", "body", "publish_public"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14}), "summary": forms.TextInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        congresses = restrict(Congress.objects.filter(is_active=True), user).select_related("division")
        self.fields["congress"].queryset = congresses
        self.fields["congress"].empty_label = None
        if self.instance.pk:
            del self.fields["congress"]
            congresses = Congress.objects.filter(pk=self.instance.congress_id)
        elif user.congress_id and not self.is_bound:
            self.initial.setdefault("congress", user.congress_id)
        many = congresses.count() > 1
        theme = self.fields["theme"]
        theme.queryset = NoticeTheme.objects.filter(is_active=True, congress__in=congresses).select_related("congress")
        theme.empty_label = "（不分主题）"
        theme.label_from_instance = lambda t: f"{t.name}（{t.congress.name}）" if many else t.name

    def clean(self):
        data = super().clean()
        congress = data.get("congress") or getattr(self.instance, "congress", None)
        theme = data.get("theme")
        if theme and congress and theme.congress_id != congress.pk:
            self.add_error("theme", "所选主题不属于该发布单位。")
        return data


class PushForm(forms.Form):
    everyone = forms.BooleanField(label="辖区全体在任代表", required=False)
    levels = forms.MultipleChoiceField(
        label="代表层级", choices=CongressLevel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    divisions = forms.ModelMultipleChoiceField(
        label="所在区域（县区、乡镇街道）", queryset=Division.objects.none(), required=False
    )
    stations = forms.ModelMultipleChoiceField(label="家站点", queryset=Station.objects.none(), required=False)
    themes = forms.MultipleChoiceField(
        label="家站点专业特色", choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    tags = forms.ModelMultipleChoiceField(
        label="代表标签", queryset=DeputyTag.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, notice: Notice, **kwargs):
        super().__init__(*args, **kwargs)
        path = notice.congress.division.path
        divisions = restrict(Division.objects.filter(is_active=True), user).filter(subtree_q(path))
        self.fields["divisions"].queryset = divisions.filter(
            level__in=[DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP]
        ).defer("boundary")
        stations = restrict(Station.objects.filter(is_active=True), user).filter(subtree_q(path, prefix="division__"))
        self.fields["stations"].queryset = stations.order_by("name")
        themes = sorted(set(stations.exclude(theme="").values_list("theme", flat=True)))
        self.fields["themes"].choices = [(t, t) for t in themes]
        self.fields["tags"].queryset = restrict(DeputyTag.objects.all(), user).filter(
            subtree_q(path, prefix="congress__division__")
        )
        for name in ("divisions", "stations"):
            self.fields[name].widget.attrs["size"] = 8


class NamedForm(forms.Form):
    congress = forms.ModelChoiceField(label="所属人大", queryset=Congress.objects.none(), empty_label=None)
    name = forms.CharField(label="名称", max_length=50)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["congress"].queryset = restrict(Congress.objects.filter(is_active=True), user)
        if user.congress_id and not self.is_bound:
            self.initial.setdefault("congress", user.congress_id)
