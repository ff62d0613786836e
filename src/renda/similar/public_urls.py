"""Public pages of 重复与热点 (included in the "public" namespace)."""

from django.urls import path

from renda.similar import public_views as views

urlpatterns: list = [
    path("similar/hint/", views.similar_hint, name="similar_hint"),
    path("similar/follow/", views.similar_follow, name="similar_follow"),
]
