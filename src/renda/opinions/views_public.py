"""Citizen-facing views: the form, the tracking page, evaluation."""

from django.http import Http404


def opinion_private(request, token: str):
    raise Http404
