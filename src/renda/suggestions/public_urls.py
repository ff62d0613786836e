"""Public 代表建议答复 pages (merged into the "public" namespace by ``renda.public.urls``)."""

from django.urls import path

from renda.suggestions import views_public as views

urlpatterns = [
    path("suggestions/replies/", views.suggestion_reply_list, name="suggestion_reply_list"),
    path("suggestions/replies/<int:pk>/", views.suggestion_reply_detail, name="suggestion_reply_detail"),
    path("suggestions/replies/files/<int:pk>/", views.suggestion_reply_file, name="suggestion_reply_file"),
]
