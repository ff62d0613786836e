from django import forms

from renda.circle import conf
from renda.circle.models import MAX_IMAGES, MAX_TEXT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


class PostForm(forms.Form):
    """The fields a deputy fills in; the files are checked by content in ``services.post_create``."""

    text = forms.CharField(
        label="内容",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT, "placeholder": "记录您的履职活动…"}),
        error_messages={"required": "请填写动态内容。", "max_length": f"内容不能超过 {MAX_TEXT} 字。"},
    )
    activity = forms.ChoiceField(label="关联履职活动", required=False, help_text="可选：这条动态记录的是哪次活动。")
    images = MultipleFileField(
        label="图片",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
        help_text=f"最多 {MAX_IMAGES} 张，JPEG/PNG 等，会自动去除拍摄位置等信息。",
    )
    video = forms.FileField(
        label="短视频",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm"}),
    )

    def __init__(self, *args, activity_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        if activity_choices:
            self.fields["activity"].choices = [("", "不关联"), *activity_choices]
        else:
            del self.fields["activity"]
        self.fields["video"].help_text = (
            f"可选，MP4 或 WebM，不超过 {conf.video_max_mb()} MB、{conf.video_max_seconds()} 秒；与图片二选一。"
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, required=False)
