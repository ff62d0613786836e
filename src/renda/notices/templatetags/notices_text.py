"""``{% load notices_text %}`` … ``{{ notice.body|notice_body }}``: the safe rich-text subset."""

from django import template

from renda.notices import richtext

register = template.Library()


@register.filter
def notice_body(value: str):
    return richtext.render(value)


@register.filter
def filesize(value: int) -> str:
    if not value:
        return "0 KB"
    if value < 1024 * 1024:
        return f"{max(1, round(value / 1024))} KB"
    return f"{value / 1024 / 1024:.1f} MB"
