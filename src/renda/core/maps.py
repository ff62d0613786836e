"""Map settings the Leaflet pages pass to ``map.js`` in data- attributes (public map, station and hotspot pages)."""

from django.conf import settings


def map_settings() -> dict[str, str]:
    return {
        "tile_url": settings.RENDA_MAP_TILE_URL,
        "tile_attribution": settings.RENDA_MAP_TILE_ATTRIBUTION,
        "tile_subdomains": ",".join(settings.RENDA_MAP_TILE_SUBDOMAINS),
    }
