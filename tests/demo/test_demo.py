"""The demo city: structure, realism, scopes of the demo accounts, and the safety of ``renda demo``."""

import datetime
import io
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command

from renda.core.access import restrict
from renda.core.idnumbers import id_check_digit, id_number_valid
from renda.core.models import AuditEvent, Role, User
from renda.demo import DEMO_MARKER, DEMO_PASSWORD, DemoError, build_demo, database_state, reset_demo_database
from renda.demo.names import RARE_CHARS, chinese_number
from renda.demo.places import COUNTIES, build_places
from renda.registry.models import (
    DIVISION_DEPTH,
    Agency,
    Congress,
    CongressLevel,
    Deputy,
    Division,
    DivisionLevel,
    Grid,
    GridDeputy,
    Mandate,
    MandateStatus,
    StaffRole,
    Station,
    StationChecklist,
    StationDeputy,
    StationKind,
    StationStaff,
    Term,
)
from renda.registry.selectors import subtree_q

SCALE = 0.05


@pytest.fixture
def demo(db):
    return build_demo(seed=7, scale=SCALE)


# -- geometry helpers --------------------------------------------------------------------------------------------------


def rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def area(geometry: dict) -> float:
    total = 0.0
    for ring in rings(geometry):
        total += sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False)) / 2
    return total


def contains(geometry: dict, lng: float, lat: float) -> bool:
    inside = False
    for ring in rings(geometry):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > lat) != (y2 > lat) and lng < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def self_intersects(ring: list[list[float]]) -> bool:
    segments = list(zip(ring, ring[1:], strict=False))
    for i, (a, b) in enumerate(segments):
        for j in range(i + 2, len(segments)):
            if i == 0 and j == len(segments) - 1:
                continue  # the closing segment shares the first point
            c, d = segments[j]
            if _cross(a, b, c) * _cross(a, b, d) < 0 and _cross(c, d, a) * _cross(c, d, b) < 0:
                return True
    return False


# -- pure generators ---------------------------------------------------------------------------------------------------


def test_full_scale_places_tile_the_city():
    places, _ = build_places(random.Random(2026), 1.0)
    by_level = defaultdict(list)
    for p in places:
        by_level[p.level].append(p)
    assert [p.code for p in by_level["nation"]] == ["000000"]
    assert [p.code for p in by_level["county"]] == [c.code for c in COUNTIES]
    city = by_level["city"][0]
    counties_area = sum(area(c.boundary) for c in by_level["county"])
    assert counties_area == pytest.approx(area(city.boundary), rel=1e-9)
    for county in by_level["county"]:
        towns = [t for t in by_level["township"] if t.parent_code == county.code]
        assert 8 <= len(towns) <= 15
        assert sum(area(t.boundary) for t in towns) == pytest.approx(area(county.boundary), rel=1e-9)
        assert {t.name.endswith("街道") for t in towns} == {True, False}
        for town in towns:
            assert town.boundary["type"] == "Polygon" and area(town.boundary) > 0  # counter-clockwise
            ring = town.boundary["coordinates"][0]
            assert ring[0] == ring[-1] and not self_intersects(ring)
            assert all(129 < lng < 131.7 and 45.5 < lat < 48.1 for lng, lat in ring)  # [lng, lat]
            assert contains(town.boundary, town.longitude, town.latitude)
            villages = [v for v in places if v.parent_code == town.code]
            assert 6 <= len(villages) <= 15
            assert all(contains(town.boundary, v.longitude, v.latitude) for v in villages)
    assert 800 <= len(by_level["village"]) <= 1300


def test_generators_are_deterministic():
    first, _ = build_places(random.Random(5), 0.3)
    second, _ = build_places(random.Random(5), 0.3)
    assert [(p.code, p.name, p.boundary) for p in first] == [(p.code, p.name, p.boundary) for p in second]


def test_id_check_digit_and_chinese_numbers():
    # A well-known sample number from GB 11643 documentation.
    assert id_check_digit("11010519491231002") == "X"
    assert id_number_valid("11010519491231002X")
    assert not id_number_valid("110105194912310021")
    assert [chinese_number(n) for n in (3, 10, 15, 40, 101, 118)] == [
        "三",
        "十",
        "十五",
        "四十",
        "一百零一",
        "一百一十八",
    ]


# -- the built database ------------------------------------------------------------------------------------------------


def test_division_tree_is_consistent(demo):
    divisions = {d.pk: d for d in Division.objects.all()}
    for d in divisions.values():
        assert d.depth == DIVISION_DEPTH[d.level]
        if d.parent_id is None:
            assert d.level == DivisionLevel.NATION and d.path == "/000000/"
            continue
        parent = divisions[d.parent_id]
        assert d.path == f"{parent.path}{d.code}/"
        assert d.depth == parent.depth + 1
        significant = {"province": 2, "city": 4, "county": 6, "township": 9}.get(parent.level, 0)
        assert d.code[:significant] == parent.code[:significant]
        if d.level in (DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP):
            assert d.boundary["type"] in ("Polygon", "MultiPolygon")
            assert contains(d.boundary, d.longitude, d.latitude) or d.level == DivisionLevel.COUNTY
    assert Division.objects.filter(level=DivisionLevel.COUNTY).count() == 8
    assert Division.objects.get(code="990102").name == "东风区"
    assert Division.objects.get(code="990102001").name == "长安街道"


def test_counts_roughly_as_requested(demo):
    assert Deputy.objects.count() == round(6142 * SCALE)
    assert Station.objects.count() == round(241 * SCALE)
    assert set(Station.objects.values_list("kind", flat=True)) == set(StationKind.values)
    assert Agency.objects.count() == 40
    assert Agency.objects.filter(congress__level=CongressLevel.CITY).count() == 24
    assert Grid.objects.count() >= 8
    assert GridDeputy.objects.exists()
    levels = Counter(Congress.objects.values_list("level", flat=True))
    assert levels[CongressLevel.NATIONAL] == levels[CongressLevel.PROVINCIAL] == levels[CongressLevel.CITY] == 1
    assert levels[CongressLevel.COUNTY] == 8
    # Only 乡 and 镇 have a congress, never a 街道.
    town_names = Congress.objects.filter(level=CongressLevel.TOWNSHIP).values_list("division__name", flat=True)
    assert town_names and all(name[-1] in "乡镇" for name in town_names)
    active_levels = Counter(
        Mandate.objects.filter(status=MandateStatus.ACTIVE).values_list("congress__level", flat=True)
    )
    assert all(active_levels[level] > 0 for level in CongressLevel.values)
    assert active_levels[CongressLevel.TOWNSHIP] > active_levels[CongressLevel.COUNTY] > active_levels["city"]
    summary_counts = {k: v for k, v in demo.counts.items()}
    assert summary_counts["deputies"] == Deputy.objects.count()
    assert summary_counts["mandates"] == Mandate.objects.count()
    assert AuditEvent.objects.filter(action=DEMO_MARKER).count() == 1
    # one summary event, not one per row; hotspots the clustering finds rising are real system events
    per_row = AuditEvent.objects.exclude(action__in=["opinions.taxonomy.install", "similar.hotspot.rising"])
    assert per_row.count() == 1


def test_every_station_has_deputies_staff_and_checklist(demo):
    for station in Station.objects.all():
        assert StationDeputy.objects.filter(station=station, left_on=None).exists(), station
        assert StationChecklist.objects.filter(station=station).count() == 6
        roles = Counter(StationStaff.objects.filter(station=station).values_list("role", flat=True))
        assert roles[StaffRole.LEADER] == 1
        assert roles[StaffRole.DEPUTY_LEADER] <= 2
        assert 1 <= roles[StaffRole.LIAISON] <= 2
        assert station.address and station.opening_hours and station.latitude and station.longitude
    # Stations lie inside their township's outline (a county's 代表之家 inside the county).
    outlines = dict(Division.objects.filter(boundary__isnull=False).values_list("code", "boundary"))
    for station in Station.objects.select_related("division"):
        codes = station.division.path.strip("/").split("/")
        area_code = next((c for c in codes if len(c) == 9), codes[-1])
        assert contains(outlines[area_code], station.longitude, station.latitude), station


def test_mandates_are_realistic(demo):
    active = Mandate.objects.filter(status=MandateStatus.ACTIVE)
    per_deputy = Counter(active.values_list("deputy_id", flat=True))
    assert set(per_deputy.values()) == {1, 2}
    assert per_deputy.keys() == set(Deputy.objects.values_list("pk", flat=True))
    dual = sum(1 for n in per_deputy.values() if n == 2)
    assert 0.05 <= dual / len(per_deputy) <= 0.12
    for m in active.select_related("congress", "constituency_division"):
        if m.congress.level in (CongressLevel.COUNTY, CongressLevel.TOWNSHIP):
            assert m.constituency.startswith("第") and m.constituency.endswith("选区")
            assert m.constituency_division.path.startswith(Division.objects.get(congress=m.congress).path)
        else:
            assert m.delegation.endswith("代表团")
    previous = Term.objects.get(congress__level=CongressLevel.CITY, ends_on__isnull=False)
    ended = Mandate.objects.filter(term=previous)
    assert ended.exists() and set(ended.values_list("status", flat=True)) == {MandateStatus.ENDED}
    for deputy_id in ended.values_list("deputy_id", flat=True):
        assert deputy_id in per_deputy  # history belongs to current deputies


def test_people_are_well_formed(demo):
    county_codes = {c.code for c in COUNTIES}
    women = 0
    names = []
    for d in Deputy.objects.all():
        assert id_number_valid(d.id_number), d.id_number
        assert d.id_number[:6] in county_codes
        assert d.id_number[6:14] == d.birth_date.strftime("%Y%m%d")
        assert (int(d.id_number[16]) % 2 == 1) == (d.gender == "M")
        assert len(d.phone) == 11 and d.phone.isdigit() and d.phone[0] == "1"
        assert datetime.date(1955, 1, 1) < d.birth_date < datetime.date(2001, 1, 1)
        assert d.party and d.occupation and d.position and d.ethnicity.endswith("族")
        women += d.gender == "F"
        names.append(d.name)
    assert len(set(Deputy.objects.values_list("id_number", flat=True))) == len(names)
    assert 0.15 < women / len(names) < 0.45
    rare = [n for n in names if any(ord(ch) > 0xFFFF for ch in n)]
    assert rare and all(any(ch in RARE_CHARS for ch in n) for n in rare)
    # The database gives the rare characters back unchanged and finds them.
    assert Deputy.objects.filter(name__contains=rare[0][-1]).exists()


def test_rows_pass_model_validation(demo):
    for model in (Division, Congress, Term, Deputy, Mandate, Station, StationStaff, Grid, Agency):
        for obj in model.objects.all()[:400]:
            obj.full_clean()


def test_one_account_per_role_with_the_right_scope(demo):
    users = {u.username: u for u in User.objects.select_related("congress__division", "station", "agency", "deputy")}
    assert set(users) == {"admin", "city_staff", "county_staff", "station_staff", "deputy", "agency"}
    assert {a.username for a in demo.accounts} == set(users)
    for user in users.values():
        assert user.check_password(DEMO_PASSWORD)
    assert users["admin"].is_superuser and users["admin"].role == Role.ADMIN
    assert users["city_staff"].congress.division.code == "990100"

    county = Division.objects.get(code="990102")
    county_staff = users["county_staff"]
    assert county_staff.role == Role.CONGRESS_STAFF and county_staff.congress.division == county
    seen = restrict(Station.objects.all(), county_staff)
    assert seen.count() == Station.objects.filter(subtree_q(county.path, prefix="division__")).count() > 0
    assert seen.count() < Station.objects.count()
    assert restrict(Station.objects.all(), users["city_staff"]).count() == Station.objects.count()

    station_staff = users["station_staff"]
    assert station_staff.station.code == demo.station_code
    assert station_staff.station.division.path.startswith(county.path)
    assert list(restrict(Station.objects.all(), station_staff)) == [station_staff.station]

    deputy_user = users["deputy"]
    assert deputy_user.deputy.number == demo.deputy_number
    assert deputy_user.deputy.mandates.filter(congress__division=county, status=MandateStatus.ACTIVE).exists()
    assert StationDeputy.objects.filter(station=station_staff.station, deputy=deputy_user.deputy).exists()
    assert list(restrict(Deputy.objects.all(), deputy_user)) == [deputy_user.deputy]

    handler = users["agency"]
    assert handler.agency.name == "佳河市住房和城乡建设局" and handler.agency.code == demo.agency_code
    assert handler.agency.congress == users["city_staff"].congress
    assert handler.agency in restrict(Agency.objects.all(), users["city_staff"])
    assert Agency.objects.filter(name="东风区住房和城乡建设局").exists()
    assert list(restrict(Agency.objects.all(), handler)) == [handler.agency]


# -- safety ------------------------------------------------------------------------------------------------------------


def test_refuses_real_data(world):
    assert database_state() == "foreign"
    before = Division.objects.count()
    with pytest.raises(DemoError):
        build_demo(scale=SCALE)
    with pytest.raises(DemoError):
        reset_demo_database()
    with pytest.raises(CommandError, match="RENDA_DATA_DIR"):
        call_command("demo", "--no-serve", "--scale", str(SCALE), stdout=io.StringIO())
    assert Division.objects.count() == before
    assert Deputy.objects.filter(pk=world.deputy_a.pk).exists()


def test_refuses_a_lone_account(db):
    User.objects.create_user(username="someone", password="pass-word-123")
    assert database_state() == "foreign"


@pytest.mark.django_db(transaction=True)
def test_command_builds_then_rebuilds_the_same_demo():
    out = io.StringIO()
    call_command("demo", "--no-serve", "--scale", str(SCALE), "--seed", "11", stdout=out)
    text = out.getvalue()
    assert "正在生成行政区划" in text and "county_staff" in text and DEMO_PASSWORD in text
    assert database_state() == "demo"
    first = list(Deputy.objects.order_by("number").values_list("number", "name", "id_number"))

    out = io.StringIO()
    call_command("demo", "--no-serve", "--scale", str(SCALE), "--seed", "11", stdout=out)
    assert "发现以前生成的演示数据" in out.getvalue()
    assert list(Deputy.objects.order_by("number").values_list("number", "name", "id_number")) == first
    assert User.objects.count() == 6
    assert AuditEvent.objects.filter(action=DEMO_MARKER).count() == 1
