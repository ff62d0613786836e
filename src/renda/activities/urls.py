"""Console pages of 履职活动 (included in the "console" namespace)."""

from django.urls import path

from renda.activities import views, views_plans

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/photos/<int:pk>/", views.activity_photo, name="activity_photo"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/status/", views.activity_status, name="activity_status"),
    path("activities/<int:pk>/rotate/", views.activity_rotate, name="activity_rotate"),
    path("activities/<int:pk>/invite/", views.activity_invite, name="activity_invite"),
    path("activities/<int:pk>/participants/<int:participant_pk>/mark/", views.activity_participant_mark,
         name="activity_participant_mark"),  # fmt: skip
    path("activities/<int:pk>/participants/<int:participant_pk>/remove/", views.activity_participant_remove,
         name="activity_participant_remove"),  # fmt: skip
    path("activities/<int:pk>/photos/", views.activity_photo_add, name="activity_photo_add"),
    path("activities/<int:pk>/photos/<int:photo_pk>/delete/", views.activity_photo_delete,
         name="activity_photo_delete"),  # fmt: skip
    path("activities/<int:pk>/links/", views.activity_link, name="activity_link"),
    path("activities/<int:pk>/qr.svg", views.activity_qr_svg, name="activity_qr_svg"),
    path("activities/<int:pk>/qr/", views.activity_qr_page, name="activity_qr_page"),
    path("activities/<int:pk>/checkin/<str:token>/", views.activity_checkin, name="activity_checkin"),
    path("activities/standards/", views_plans.activity_standard_list, name="activity_standard_list"),
    path("activities/standards/new/", views_plans.activity_standard_create, name="activity_standard_create"),
    path("activities/standards/<int:pk>/edit/", views_plans.activity_standard_edit, name="activity_standard_edit"),
    path("activities/plans/", views_plans.activity_plan_list, name="activity_plan_list"),
    path("activities/plans/edit/", views_plans.activity_plan_edit, name="activity_plan_edit"),
    path("activities/compliance/", views_plans.activity_compliance, name="activity_compliance"),
]
