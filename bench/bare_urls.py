"""Bench-only URLconf: the real site plus a trivial view, the cost of Django itself (GET and POST)."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

import renda.urls


@csrf_exempt
def bare(request):
    return HttpResponse("ok")


urlpatterns = [path("bench/bare/", bare), *renda.urls.urlpatterns]
