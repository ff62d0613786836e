"""Public pages of 述职评议 (included in the "public" namespace)."""

from django.urls import path

from renda.reportback import views_public

urlpatterns: list = [
    path("reportback/", views_public.report_list, name="reportback_list"),
    path("reportback/<int:pk>/", views_public.report_page, name="reportback_report"),
]
