"""``{% load panels %}``: the extension slots of shared pages (see ``renda.core.panels``)."""

from django import template

from renda.core.panels import render_panels, render_row_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj=None):
    return render_panels(slot, context.get("request"), obj)


@register.simple_tag(takes_context=True)
def row_panels(context, slot: str, rows):
    """``rows``: the objects, or the list pages' ``(object, cells)`` pairs."""
    objects = [row[0] if isinstance(row, tuple) else row for row in rows or ()]
    return render_row_panels(slot, context.get("request"), objects)


@register.filter
def panel_for(mapping, key):
    return (mapping or {}).get(key, "")
