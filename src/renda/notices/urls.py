"""Console pages of 信息发布 (included in the "console" namespace)."""

from django.urls import path

from renda.notices import views_console as v

urlpatterns = [
    path("notices/", v.notice_list, name="notice_list"),
    path("notices/new/", v.notice_create, name="notice_create"),
    path("notices/<int:pk>/", v.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/edit/", v.notice_edit, name="notice_edit"),
    path("notices/<int:pk>/action/", v.notice_action, name="notice_action"),
    path("notices/<int:pk>/attachments/", v.notice_attach, name="notice_attach"),
    path("notices/<int:pk>/attachments/<int:attachment_pk>/", v.notice_attachment, name="notice_attachment"),
    path(
        "notices/<int:pk>/attachments/<int:attachment_pk>/delete/",
        v.notice_attachment_delete,
        name="notice_attachment_delete",
    ),
    path("notices/<int:pk>/push/", v.push_create, name="push_create"),
    path("notices/pushes/<int:pk>/", v.push_detail, name="push_detail"),
    path("notices/themes/", v.notice_theme_list, name="notice_theme_list"),
    path("notices/themes/<int:pk>/toggle/", v.notice_theme_toggle, name="notice_theme_toggle"),
    path("notices/tags/", v.notice_tag_list, name="notice_tag_list"),
    path("notices/tags/<int:pk>/", v.notice_tag_detail, name="notice_tag_detail"),
    path("notices/tags/<int:pk>/remove/<int:deputy_pk>/", v.notice_tag_remove, name="notice_tag_remove"),
    path("my-notices/", v.my_notice_list, name="my_notice_list"),
    path("my-notices/<int:pk>/", v.my_notice_detail, name="my_notice_detail"),
]
