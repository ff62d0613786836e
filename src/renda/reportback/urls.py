"""Console pages of 述职评议 (included in the "console" namespace)."""

from django.urls import path

from renda.reportback import views

urlpatterns: list = [
    path("reportback/", views.meeting_list, name="reportback_meeting_list"),
    path("reportback/new/", views.meeting_create, name="reportback_meeting_create"),
    path("reportback/compliance/", views.compliance, name="reportback_compliance"),
    path("reportback/<int:pk>/", views.meeting_detail, name="reportback_meeting_detail"),
    path("reportback/<int:pk>/edit/", views.meeting_edit, name="reportback_meeting_edit"),
    path("reportback/<int:pk>/status/", views.meeting_transition, name="reportback_meeting_transition"),
    path("reportback/<int:pk>/reports/", views.report_add, name="reportback_report_add"),
    path("reportback/reports/<int:pk>/", views.report_detail, name="reportback_report_detail"),
    path("reportback/reports/<int:pk>/edit/", views.report_edit, name="reportback_report_edit"),
    path("reportback/reports/<int:pk>/publish/", views.report_publish, name="reportback_report_publish"),
    path("reportback/reports/<int:pk>/tally/", views.report_tally, name="reportback_report_tally"),
]
