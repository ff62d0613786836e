"""Console views for opinions: inbox, detail with the handling actions, staff entry."""

from django.http import Http404


def opinion_detail(request, pk: int):
    raise Http404
