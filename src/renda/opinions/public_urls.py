"""Citizen-facing opinion pages (merged into the "public" namespace)."""

from django.urls import path

from renda.opinions import views_public as views

urlpatterns = [
    path("t/<str:token>/", views.opinion_private, name="opinion_private"),
]
