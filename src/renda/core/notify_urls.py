"""Console URLs (merged into the \"console\" namespace by renda.console_urls)."""

from django.urls import path

from renda.core import views_notify as v

urlpatterns = [
    path("notifications/", v.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", v.notification_read, name="notification_read"),
    path("notifications/read-all/", v.notification_read_all, name="notification_read_all"),
    path("templates/", v.template_list, name="template_list"),
    path("templates/<str:key>/", v.template_edit, name="template_edit"),
    path("templates/<str:key>/reset/", v.template_reset, name="template_reset"),
]
