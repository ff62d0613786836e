"""Console URLs (merged into the \"console\" namespace by renda.console_urls)."""

from django.urls import path

from renda.handling import views_config as v

urlpatterns = [
    path("stage-limits/", v.stage_limit_list, name="stage_limit_list"),
    path("stage-limits/new/", v.stage_limit_create, name="stage_limit_create"),
    path("stage-limits/<int:pk>/edit/", v.stage_limit_edit, name="stage_limit_edit"),
    path("stage-limits/<int:pk>/toggle/", v.stage_limit_toggle, name="stage_limit_toggle"),
]
