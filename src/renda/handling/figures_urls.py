"""Console URLs (merged into the \"console\" namespace by renda.console_urls)."""

from django.urls import path

from renda.handling import views_figures as v

urlpatterns: list = [
    path("figures/", v.figures_page, name="figures"),
]
