"""Shared fixtures: a small two-county world and one account per role.

Permission tests use three parties: the *owner* (the role whose record it is),
a *member* (someone in the same scope with a weaker role) and an *outsider*
(the same role in the other county), who must get 403 or 404.
"""

import datetime
from dataclasses import dataclass

import pytest

from renda.core.models import Role, User
from renda.registry import services as reg
from renda.registry.models import (
    Agency,
    AgencyKind,
    Congress,
    CongressLevel,
    Deputy,
    Division,
    DivisionLevel,
    Grid,
    Station,
    StationKind,
)

TODAY = datetime.date(2026, 11, 21)


@dataclass
class World:
    province: Division
    city: Division
    county_a: Division
    county_b: Division
    town_a: Division
    town_b: Division
    village_a: Division
    city_congress: Congress
    congress_a: Congress
    congress_b: Congress
    deputy_a: Deputy
    deputy_b: Deputy
    city_deputy: Deputy
    station_a: Station
    station_b: Station
    grid_a: Grid
    agency_a: Agency
    agency_b: Agency
    agency_a2: Agency
    admin: User
    staff_a: User
    staff_b: User
    station_staff_a: User
    deputy_user_a: User
    handler_a: User
    handler_a2: User
    handler_b: User
    nobody: User


def make_user(username: str, role: str = "", **scope) -> User:
    user = User.objects.create_user(username=username, password="pass-word-123", role=role, **scope)
    user.display_name = username
    user.save(update_fields=["display_name"])
    return user


def build_world() -> World:
    div = reg.division_create
    nation = div(actor=None, code="000000", name="全国", level=DivisionLevel.NATION, parent=None)
    province = div(actor=None, code="990000", name="江北省", level=DivisionLevel.PROVINCE, parent=nation)
    city = div(actor=None, code="990100", name="佳河市", level=DivisionLevel.CITY, parent=province)
    county_a = div(actor=None, code="990102", name="东风区", level=DivisionLevel.COUNTY, parent=city)
    county_b = div(actor=None, code="990103", name="向阳区", level=DivisionLevel.COUNTY, parent=city)
    town_a = div(actor=None, code="990102001", name="长安街道", level=DivisionLevel.TOWNSHIP, parent=county_a)
    town_b = div(actor=None, code="990103001", name="建设街道", level=DivisionLevel.TOWNSHIP, parent=county_b)
    village_a = div(actor=None, code="990102001001", name="光明社区", level=DivisionLevel.VILLAGE, parent=town_a)

    def congress(division, level, name):
        c = reg.congress_create(actor=None, name=name, level=level, division=division)
        term = reg.term_create(actor=None, congress=c, number=17, starts_on=datetime.date(2022, 1, 1))
        return c, term

    city_congress, city_term = congress(city, CongressLevel.CITY, "佳河市人民代表大会")
    congress_a, term_a = congress(county_a, CongressLevel.COUNTY, "东风区人民代表大会")
    congress_b, term_b = congress(county_b, CongressLevel.COUNTY, "向阳区人民代表大会")

    deputy_a = reg.deputy_create(
        actor=None, name="王𠙶", gender="F", phone="13900001111", id_number="990102198001011234"
    )
    deputy_b = reg.deputy_create(actor=None, name="李向阳", gender="M", phone="13900002222")
    city_deputy = reg.deputy_create(actor=None, name="赵市代", gender="M")
    start = datetime.date(2022, 1, 1)
    reg.mandate_create(actor=None, deputy=deputy_a, term=term_a, started_on=start, constituency="第一选区")
    reg.mandate_create(actor=None, deputy=deputy_a, term=city_term, started_on=start, delegation="东风区代表团")
    reg.mandate_create(actor=None, deputy=deputy_b, term=term_b, started_on=start, constituency="第三选区")
    reg.mandate_create(actor=None, deputy=city_deputy, term=city_term, started_on=start, delegation="向阳区代表团")

    station_a = reg.station_create(
        actor=None,
        code="ST001",
        name="长安街道人大代表之家",
        kind=StationKind.HOME,
        division=town_a,
        address="东风区长安街 1 号",
        latitude=46.8,
        longitude=130.3,
        theme="法律",
    )
    station_b = reg.station_create(
        actor=None,
        code="ST002",
        name="建设街道代表联络站",
        kind=StationKind.STATION,
        division=town_b,
        address="向阳区建设路 8 号",
        latitude=46.81,
        longitude=130.35,
    )
    reg.station_assign_deputy(actor=None, station=station_a, deputy=deputy_a)
    reg.station_assign_deputy(actor=None, station=station_b, deputy=deputy_b)
    grid_a = reg.grid_create(actor=None, code="G001", name="光明社区第一网格", division=village_a)
    reg.grid_assign_deputy(actor=None, grid=grid_a, deputy=deputy_a)
    agency_a = reg.agency_create(
        actor=None, code="AG001", name="东风区住房和城乡建设局", kind=AgencyKind.DEPARTMENT, congress=congress_a
    )
    agency_b = reg.agency_create(
        actor=None, code="AG002", name="向阳区教育局", kind=AgencyKind.DEPARTMENT, congress=congress_b
    )
    agency_a2 = reg.agency_create(
        actor=None, code="AG003", name="东风区城市管理局", kind=AgencyKind.DEPARTMENT, congress=congress_a
    )

    return World(
        province=province,
        city=city,
        county_a=county_a,
        county_b=county_b,
        town_a=town_a,
        town_b=town_b,
        village_a=village_a,
        city_congress=city_congress,
        congress_a=congress_a,
        congress_b=congress_b,
        deputy_a=deputy_a,
        deputy_b=deputy_b,
        city_deputy=city_deputy,
        station_a=station_a,
        station_b=station_b,
        grid_a=grid_a,
        agency_a=agency_a,
        agency_b=agency_b,
        agency_a2=agency_a2,
        admin=make_user("admin", Role.ADMIN),
        staff_a=make_user("staff_a", Role.CONGRESS_STAFF, congress=congress_a),
        staff_b=make_user("staff_b", Role.CONGRESS_STAFF, congress=congress_b),
        station_staff_a=make_user("station_a", Role.STATION_STAFF, station=station_a),
        deputy_user_a=make_user("deputy_a", Role.DEPUTY, deputy=deputy_a),
        handler_a=make_user("handler_a", Role.AGENCY_HANDLER, agency=agency_a),
        handler_a2=make_user("handler_a2", Role.AGENCY_HANDLER, agency=agency_a2),
        handler_b=make_user("handler_b", Role.AGENCY_HANDLER, agency=agency_b),
        nobody=make_user("nobody", ""),
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def login(client):
    def _login(user: User):
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
