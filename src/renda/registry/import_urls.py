"""Console URLs for bulk import (included in the ``console`` namespace)."""

from django.urls import path

from renda.registry import import_views as views

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/new/<str:kind>/", views.import_new, name="import_new"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/template/<str:kind>.xlsx", views.import_template, name="import_template"),
]
