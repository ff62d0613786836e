"""Console pages for opinions (merged into the "console" namespace)."""

from django.urls import path

from renda.opinions import views_console as views

urlpatterns = [
    path("opinions/", views.opinion_list, name="opinion_list"),
    path("opinions/new/", views.opinion_create, name="opinion_create"),
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion_detail"),
    path("opinions/photos/<int:pk>/", views.opinion_photo, name="opinion_photo"),
    path("opinions/reply-files/<int:pk>/", views.opinion_reply_file, name="opinion_reply_file"),
    path("opinions/<int:pk>/act/<slug:action>/", views.opinion_act, name="opinion_act"),
    path("blocked-phones/", views.blocked_phone_list, name="blocked_phone_list"),
    path("blocked-phones/<int:pk>/unblock/", views.blocked_phone_unblock, name="blocked_phone_unblock"),
]
