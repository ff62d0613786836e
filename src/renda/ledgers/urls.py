"""Console pages of 家站点管理 (included in the "console" namespace)."""

from django.urls import path

from renda.ledgers import views

urlpatterns: list = [
    path("ledgers/", views.station_list, name="ledger_station_list"),
    path("ledgers/checklist/", views.checklist_overview, name="ledger_checklist"),
    path("ledgers/config/", views.ledger_config, name="ledger_config"),
    path("ledgers/stations/<int:pk>/", views.station_index, name="ledger_station"),
    path("ledgers/stations/<int:pk>/book/", views.ledger_book, name="ledger_book"),
    path("ledgers/stations/<int:pk>/<slug:key>/", views.ledger_page, name="ledger_page"),
]
