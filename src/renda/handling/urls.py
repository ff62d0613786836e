"""Console URLs (merged into the \"console\" namespace by renda.console_urls): the work queues."""

from django.urls import path

from renda.handling import views_extensions, views_queues

urlpatterns = [
    path("triage/", views_queues.triage, name="triage"),
    path("triage/assign/", views_queues.triage_assign, name="triage_assign"),
    path("agency/", views_queues.agency_inbox, name="agency_inbox"),
    path("agency/assignments/<int:pk>/sign/", views_queues.assignment_sign, name="assignment_sign"),
    path("extensions/", views_extensions.extension_list, name="extension_list"),
    path("extensions/<int:pk>/decide/", views_extensions.extension_decide_view, name="extension_decide"),
    path("supervision/", views_queues.supervision_list, name="supervision_list"),
    path("supervision/<int:pk>/supervise/", views_queues.supervision_create, name="supervision_create"),
]
