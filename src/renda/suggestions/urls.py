"""Console pages for 代表建议 (merged into the "console" namespace)."""

from django.urls import path

from renda.suggestions import views_console as views

urlpatterns = [
    path("suggestions/", views.suggestion_list_view, name="suggestion_list"),
    path("suggestions/<int:pk>/", views.suggestion_detail_view, name="suggestion_detail"),
    path("suggestions/files/<slug:kind>/<int:pk>/", views.suggestion_file, name="suggestion_file"),
    path("suggestions/<int:pk>/act/<slug:action>/", views.suggestion_action, name="suggestion_action"),
    path("suggestions/commitments/", views.commitment_list, name="commitment_list"),
    path("suggestions/commitments/<int:pk>/fulfil/", views.commitment_fulfil, name="commitment_fulfil"),
]
