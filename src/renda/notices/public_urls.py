"""Public pages of 信息发布 (included in the "public" namespace)."""

from django.urls import path

from renda.notices import views_public as v

urlpatterns = [
    path("notices/", v.public_notice_list, name="notice_list"),
    path("notices/<int:pk>/", v.public_notice_detail, name="notice_detail"),
    path("notices/<int:pk>/files/<int:attachment_pk>/", v.public_notice_attachment, name="notice_attachment"),
]
