"""Console URLs for suggestion figures, the annual report and the import (merged into "console")."""

from django.urls import path

from renda.suggestions import views_reports as v

urlpatterns: list = [
    path("suggestions/figures/", v.figures_page, name="suggestion_figures"),
    path("suggestions/report/", v.report_page, name="suggestion_report"),
    path("suggestions/import/", v.import_page, name="suggestion_import"),
    path("suggestions/import/<str:result_id>/", v.import_status, name="suggestion_import_status"),
    path("suggestions/import/template.xlsx", v.import_template, name="suggestion_import_template"),
]
