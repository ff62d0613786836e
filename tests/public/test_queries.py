"""Hot public pages: the number of queries does not grow with the number of rows."""

import datetime

from django.core.cache import cache
from django.urls import reverse

from renda.registry.models import (
    ChecklistItem,
    Deputy,
    Division,
    DivisionLevel,
    GridDeputy,
    Mandate,
    Station,
    StationChecklist,
    StationDeputy,
    StationKind,
)

SQUARE = {"type": "Polygon", "coordinates": [[[130, 46], [131, 46], [131, 47], [130, 46]]]}


def grow(world, n: int) -> None:
    """Add ``n`` deputies (two mandates, a station, a grid each), ``n`` stations and ``n`` townships."""
    base = 200 + Division.objects.filter(parent=world.county_a).count()
    tag = f"X{base}"
    towns = Division.objects.bulk_create(
        Division(
            code=f"990102{base + i:03d}",
            name=f"新镇{i}",
            level=DivisionLevel.TOWNSHIP,
            parent=world.county_a,
            path=f"{world.county_a.path}990102{base + i:03d}/",
            depth=world.county_a.depth + 1,
            boundary=SQUARE,
        )
        for i in range(n)
    )
    kinds = StationKind.values
    stations = Station.objects.bulk_create(
        Station(
            code=f"{tag}S{i:04d}",
            name=f"站点{i}",
            kind=kinds[i % 3],
            division=towns[i],
            address=f"地址{i}",
            latitude=46 + i / 1000,
            longitude=130 + i / 1000,
        )
        for i in range(n)
    )
    StationChecklist.objects.bulk_create(
        StationChecklist(station=s, item=item, met=True) for s in stations for item in ChecklistItem.values
    )
    deputies = Deputy.objects.bulk_create(
        Deputy(number=f"{tag}D{i:05d}", name=f"代表{i}", gender="M", position="单位") for i in range(n)
    )
    term_a = world.congress_a.terms.get()
    term_city = world.city_congress.terms.get()
    start = datetime.date(2022, 1, 1)
    Mandate.objects.bulk_create(
        Mandate(deputy=d, congress=t.congress, term=t, started_on=start, constituency_division=towns[i])
        for i, d in enumerate(deputies)
        for t in (term_a, term_city)
    )
    StationDeputy.objects.bulk_create(
        [StationDeputy(station=stations[i], deputy=d) for i, d in enumerate(deputies)]
        + [StationDeputy(station=world.station_a, deputy=d) for d in deputies]
    )
    GridDeputy.objects.bulk_create(GridDeputy(grid=world.grid_a, deputy=d) for d in deputies)


def assert_constant(client, world, url_for, params=None, limit=8):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url_for(), params or {})
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = measure()
    grow(world, 40)
    many = measure()
    assert few == many, f"{few} queries with few rows, {many} with many"
    assert many <= limit
    return many


def test_home_queries(client, world, django_assert_num_queries):
    assert assert_constant(client, world, lambda: reverse("public:home")) == 3
    with django_assert_num_queries(0):  # cached
        client.get(reverse("public:home"))


def test_deputy_list_queries(client, world, django_assert_num_queries):
    n = assert_constant(client, world, lambda: reverse("public:deputy_list"))
    cache.clear()
    with django_assert_num_queries(n):
        client.get(reverse("public:deputy_list"), {"page": 2})


def test_deputy_list_filtered_queries(client, world):
    params = {"level": "county", "division": world.county_a.code, "station": world.station_a.code}
    assert_constant(client, world, lambda: reverse("public:deputy_list"), params, limit=10)


def test_deputy_detail_queries(client, world):
    assert_constant(client, world, lambda: reverse("public:deputy_detail", args=[world.deputy_a.number]))


def test_station_list_queries(client, world):
    assert_constant(client, world, lambda: reverse("public:station_list"))
    assert_constant(client, world, lambda: reverse("public:station_list"), {"kind": "home", "q": "站"})


def test_station_detail_queries(client, world):
    # station_a gains 40 more deputies, each with two mandates.
    assert_constant(client, world, lambda: reverse("public:station_detail", args=[world.station_a.code]))


def test_map_queries(client, world):
    assert assert_constant(client, world, lambda: reverse("public:map")) == 0
    assert assert_constant(client, world, lambda: reverse("public:map_data")) == 2
