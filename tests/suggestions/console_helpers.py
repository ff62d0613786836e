"""Helpers for the suggestion console tests: post an action with the version the user saw."""

from django.urls import reverse

from renda.suggestions.models import Suggestion


def act(client, s, action, **data):
    fresh = Suggestion.objects.select_related("case").get(pk=s.pk)
    data.setdefault("version", fresh.case.version if fresh.case_id else 0)
    data.setdefault("status", fresh.status)
    return client.post(reverse("console:suggestion_action", args=[s.pk, action]), data, follow=True)


def msgs(resp) -> str:
    return " ".join(str(m) for m in resp.context["messages"])


def fresh(s) -> Suggestion:
    return Suggestion.objects.select_related("case").get(pk=s.pk)


def detail(client, s):
    return client.get(reverse("console:suggestion_detail", args=[s.pk]))


def panel(client, s) -> list[str]:
    resp = detail(client, s)
    assert resp.status_code == 200
    return [item["name"] for item in resp.context["panel"]]
