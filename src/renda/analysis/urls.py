"""Console pages of 分析 (included in the "console" namespace)."""

from django.urls import path

from renda.analysis import views

urlpatterns: list = [
    path("analysis/quality/", views.quality, name="analysis_quality"),
    path("analysis/trends/", views.trends, name="analysis_trends"),
    path("analysis/monthly/", views.monthly_page, name="analysis_monthly"),
    path("analysis/monthly/generate/", views.monthly_generate, name="analysis_monthly_generate"),
    path("analysis/monthly/report.pdf", views.monthly_pdf, name="analysis_monthly_pdf"),
    path("analysis/monthly/report.xlsx", views.monthly_xlsx, name="analysis_monthly_xlsx"),
]
