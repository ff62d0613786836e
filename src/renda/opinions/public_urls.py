"""Citizen-facing opinion pages (merged into the "public" namespace)."""

from django.urls import path

from renda.opinions import views_public as views

urlpatterns = [
    path("opinions/new/", views.opinion_new, name="opinion_new"),
    path("opinions/places/", views.opinion_places, name="opinion_places"),
    path("opinions/sms-code/", views.opinion_sms_code, name="opinion_sms_code"),
    path("opinions/privacy/", views.opinion_privacy, name="opinion_privacy"),
    path("track/", views.opinion_track, name="opinion_track"),
    path("t/<str:token>/", views.opinion_private, name="opinion_private"),
    path("t/<str:token>/evaluate/", views.opinion_evaluate, name="opinion_evaluate"),
]
