"""Registry console URLs (included into the "console" namespace by renda.console_urls)."""

from django.urls import path

from renda.registry import views_agencies as ag
from renda.registry import views_deputies as dep
from renda.registry import views_divisions as div
from renda.registry import views_grids as grid
from renda.registry import views_history as hist
from renda.registry import views_stations as st


def crud(prefix: str, name: str, module) -> list:
    """list / new / detail / edit / toggle for one entity."""
    return [
        path(f"{prefix}/", getattr(module, f"{name}_list"), name=f"{name}_list"),
        path(f"{prefix}/new/", getattr(module, f"{name}_create"), name=f"{name}_create"),
        path(f"{prefix}/<int:pk>/", getattr(module, f"{name}_detail"), name=f"{name}_detail"),
        path(f"{prefix}/<int:pk>/edit/", getattr(module, f"{name}_edit"), name=f"{name}_edit"),
        path(f"{prefix}/<int:pk>/toggle/", getattr(module, f"{name}_toggle"), name=f"{name}_toggle"),
    ]


urlpatterns = [
    *crud("divisions", "division", div),
    *crud("congresses", "congress", div),
    path("congresses/<int:pk>/terms/new/", div.term_create, name="term_create"),
    *crud("deputies", "deputy", dep),
    path("deputies/<int:pk>/mandates/new/", dep.mandate_create, name="mandate_create"),
    path("mandates/<int:pk>/status/", dep.mandate_status, name="mandate_status"),
    *crud("stations", "station", st),
    path("stations/<int:pk>/deputies/add/", st.station_deputy_add, name="station_deputy_add"),
    path("stations/<int:pk>/deputies/<int:deputy_pk>/remove/", st.station_deputy_remove, name="station_deputy_remove"),
    path("stations/<int:pk>/staff/add/", st.station_staff_add, name="station_staff_add"),
    path("stations/<int:pk>/evidence/<slug:item>/", st.station_evidence, name="station_evidence"),
    path("stations/<int:pk>/staff/<int:staff_pk>/remove/", st.station_staff_remove, name="station_staff_remove"),
    path("stations/<int:pk>/checklist/", st.station_checklist, name="station_checklist"),
    *crud("grids", "grid", grid),
    path("grids/<int:pk>/deputies/add/", grid.grid_deputy_add, name="grid_deputy_add"),
    path("grids/<int:pk>/deputies/<int:deputy_pk>/remove/", grid.grid_deputy_remove, name="grid_deputy_remove"),
    *crud("agencies", "agency", ag),
    path("history/<str:label>/<int:pk>/", hist.history, name="history"),
]
