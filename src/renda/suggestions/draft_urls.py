"""Console URLs for drafting suggestions (merged into the "console" namespace by renda.console_urls)."""

from django.urls import path

from renda.suggestions import views_draft as v

urlpatterns = [
    path("suggestions/new/", v.suggestion_create, name="suggestion_create"),
    path("suggestions/<int:pk>/edit/", v.suggestion_edit, name="suggestion_edit"),
    path("suggestions/<int:pk>/cosigners/", v.suggestion_cosigners, name="suggestion_cosigners"),
    path("opinions/<int:pk>/to-suggestion/", v.suggestion_from_opinion, name="suggestion_from_opinion"),
]
