"""Console pages of 履职圈 (included in the "console" namespace)."""

from django.urls import path

from renda.circle import views

urlpatterns: list = [
    path("circle/", views.circle_list, name="circle_list"),
    path("circle/new/", views.circle_new, name="circle_new"),
    path("circle/<int:pk>/", views.circle_post_detail, name="circle_post_detail"),
    path("circle/media/<str:kind>/<int:pk>/", views.circle_media, name="circle_media"),
    path("circle/<int:pk>/<str:action>/", views.circle_post_act, name="circle_post_act"),
]
