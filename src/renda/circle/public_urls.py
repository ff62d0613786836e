"""Public pages of 履职圈 (included in the "public" namespace)."""

from django.urls import path

from renda.circle import views_public

urlpatterns: list = [
    path("circle/", views_public.circle_feed, name="circle_feed"),
    path("circle/<int:pk>/", views_public.circle_post, name="circle_post"),
    path("circle/images/<int:pk>/", views_public.circle_image, name="circle_image"),
    path("circle/<int:pk>/video/", views_public.circle_video, name="circle_video"),
    path("grids/<str:code>/", views_public.circle_grid, name="circle_grid"),
]
