"""``{% opinion_form_url deputy=… %}`` / ``station=…``: the opinion form link, whoever builds the form."""

from django import template

from renda.public import qr

register = template.Library()


@register.simple_tag
def opinion_form_url(deputy: str = "", station: str = "") -> str:
    return qr.opinion_form_url(deputy=deputy or "", station=station or "")
