"""Console pages for opinions (merged into the "console" namespace)."""

from django.urls import path

from renda.opinions import views_console as views

urlpatterns = [
    path("opinions/<int:pk>/", views.opinion_detail, name="opinion_detail"),
]
