from django.urls import path

from renda.opinions.public_urls import urlpatterns as opinion_patterns
from renda.public import views

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("deputies/<str:number>/", views.deputy_detail, name="deputy_detail"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/<str:code>/", views.station_detail, name="station_detail"),
    path("map/", views.map_page, name="map"),
    path("map/data.json", views.map_data, name="map_data"),
]
urlpatterns += opinion_patterns
