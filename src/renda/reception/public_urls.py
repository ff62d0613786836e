"""Public pages of 选民接待日 (included in the "public" namespace)."""

from django.urls import path

from renda.reception import views_public

urlpatterns = [
    path("reception/", views_public.calendar, name="reception_calendar"),
    path("reception/<int:pk>/book/", views_public.book, name="reception_book"),
    path("reception/booking/<str:code>/", views_public.booking, name="reception_booking"),
    path("reception/booking/<str:code>/cancel/", views_public.booking_cancel, name="reception_booking_cancel"),
]
