from django.conf import settings
from django.urls import include, path
from django.views.static import serve as serve_media

from renda.api.urls import api

urlpatterns = [
    path("", include("renda.public.urls")),
    path("console/", include("renda.console_urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Uploaded files (deputy photos). Behind a reverse proxy these are served by it.
    path("media/<path:path>", serve_media, {"document_root": settings.MEDIA_ROOT}),
]
