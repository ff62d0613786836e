"""Console pages of 重复与热点 (included in the "console" namespace)."""

from django.urls import path

from renda.similar import views

urlpatterns: list = [
    path("similar/hotspots/", views.hotspot_list, name="similar_hotspot_list"),
    path("similar/hotspots/<int:pk>/", views.hotspot_detail, name="similar_hotspot_detail"),
    path("similar/hotspots/<int:pk>/close/", views.hotspot_close, name="similar_hotspot_close"),
    path("similar/proposals/", views.proposal_list, name="similar_proposal_list"),
    path(
        "similar/proposals/<int:pk>/<slug:decision>/", views.proposal_decide, name="similar_proposal_decide"
    ),
]
