from django.urls import path

from renda.activities.public_urls import urlpatterns as activities_patterns
from renda.analysis.public_urls import urlpatterns as analysis_patterns
from renda.circle.public_urls import urlpatterns as circle_patterns
from renda.insight.public_urls import urlpatterns as insight_patterns
from renda.ledgers.public_urls import urlpatterns as ledgers_patterns
from renda.notices.public_urls import urlpatterns as notices_patterns
from renda.opinions.public_urls import urlpatterns as opinion_patterns
from renda.public import views, views_qr
from renda.reception.public_urls import urlpatterns as reception_patterns
from renda.reportback.public_urls import urlpatterns as reportback_patterns
from renda.similar.public_urls import urlpatterns as similar_patterns
from renda.suggestions.public_urls import urlpatterns as suggestion_patterns

app_name = "public"
urlpatterns = [
    path("", views.home, name="home"),
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("deputies/<str:number>/", views.deputy_detail, name="deputy_detail"),
    path("stations/", views.station_list, name="station_list"),
    path("stations/<str:code>/", views.station_detail, name="station_detail"),
    path("map/", views.map_page, name="map"),
    path("map/data.json", views.map_data, name="map_data"),
    # Short, stable URLs printed as QR codes (never break: see views_qr).
    path("d/<str:number>/", views_qr.deputy_short, name="deputy_short"),
    path("d/<str:number>/qr.svg", views_qr.deputy_qr_svg, name="deputy_qr_svg"),
    path("d/<str:number>/qr.png", views_qr.deputy_qr_png, name="deputy_qr_png"),
    path("d/<str:number>/card.pdf", views_qr.deputy_card, name="deputy_card"),
    path("s/<str:code>/", views_qr.station_short, name="station_short"),
    path("s/<str:code>/qr.svg", views_qr.station_qr_svg, name="station_qr_svg"),
    path("s/<str:code>/qr.png", views_qr.station_qr_png, name="station_qr_png"),
    path("s/<str:code>/card.pdf", views_qr.station_card, name="station_card"),
]
urlpatterns += opinion_patterns
urlpatterns += suggestion_patterns
urlpatterns += reception_patterns
urlpatterns += activities_patterns
urlpatterns += circle_patterns
urlpatterns += reportback_patterns
urlpatterns += ledgers_patterns
urlpatterns += notices_patterns
urlpatterns += insight_patterns
urlpatterns += similar_patterns
urlpatterns += analysis_patterns
