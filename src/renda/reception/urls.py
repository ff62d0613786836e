"""Console pages of 选民接待日 (included in the "console" namespace)."""

from django.urls import path

from renda.reception import views

urlpatterns = [
    path("reception/", views.day_list, name="reception_day_list"),
    path("reception/days/<int:pk>/", views.day_detail, name="reception_day_detail"),
    path("reception/days/<int:pk>/cancel/", views.day_cancel, name="reception_day_cancel"),
    path("reception/days/<int:pk>/edit/", views.day_update, name="reception_day_update"),
    path("reception/days/<int:pk>/shifts/", views.shift_add, name="reception_shift_add"),
    path("reception/days/<int:pk>/visit/", views.visit_new, name="reception_visit_new"),
    path("reception/plans/", views.plan_list, name="reception_plan_list"),
    path("reception/plans/new/", views.plan_create, name="reception_plan_create"),
    path("reception/plans/<int:pk>/", views.plan_detail, name="reception_plan_detail"),
    path("reception/plans/<int:pk>/deactivate/", views.plan_deactivate, name="reception_plan_deactivate"),
    path("reception/shifts/", views.shift_list, name="reception_shift_list"),
    path("reception/shifts/<int:pk>/", views.shift_day, name="reception_shift_day"),
    path("reception/shifts/<int:pk>/mark/", views.shift_mark, name="reception_shift_mark"),
    path("reception/shifts/<int:pk>/remove/", views.shift_remove, name="reception_shift_remove"),
    path("reception/shifts/<int:pk>/leave/", views.shift_leave, name="reception_shift_leave"),
    path("reception/bookings/", views.booking_list, name="reception_booking_list"),
    path("reception/bookings/<int:pk>/", views.booking_day, name="reception_booking_day"),
    path("reception/bookings/<int:pk>/mark/", views.booking_mark, name="reception_booking_mark"),
    path("reception/visits/", views.visit_list, name="reception_visit_list"),
    path("reception/visits/<int:pk>/", views.visit_day, name="reception_visit_day"),
]
