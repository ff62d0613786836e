"""Place names in the text: the registry township/village a message names narrows its place."""

import pytest

from renda.registry import services as reg
from renda.registry.models import DivisionLevel
from renda.similar import places
from renda.similar.models import Hotspot, Signature

from .helpers import submit

pytestmark = pytest.mark.django_db

LAMP = "{place}{n}号楼门口的路灯坏了三个多月，晚上出行很不安全，希望尽快修好路灯。"


@pytest.fixture
def towns(world):
    places.clear_cache()
    div = reg.division_create
    village = div(actor=None, code="990102001002", name="幸福里社区", level=DivisionLevel.VILLAGE, parent=world.town_a)
    town = div(actor=None, code="990102002", name="长宁街道", level=DivisionLevel.TOWNSHIP, parent=world.county_a)
    twin_1 = div(actor=None, code="990102001003", name="新村社区", level=DivisionLevel.VILLAGE, parent=world.town_a)
    twin_2 = div(actor=None, code="990102002001", name="新村社区", level=DivisionLevel.VILLAGE, parent=town)
    yield {"village": village, "town": town, "twins": (twin_1, twin_2)}
    places.clear_cache()


def test_a_named_village_narrows_the_place(world, towns):
    root = world.county_a.path
    assert places.effective_place("光明社区3号楼路灯坏了", world.county_a.path, root) == world.village_a.path
    assert places.effective_place("长安街道菜市场太吵", world.county_a.path, root) == world.town_a.path
    assert places.effective_place("幸福里小区门口积水", world.county_a.path, root) == towns["village"].path  # short form
    assert places.effective_place("路灯坏了", world.county_a.path, root) == world.county_a.path


def test_the_text_never_overrules_a_picked_place(world, towns):
    root = world.county_a.path
    # the citizen picked 光明社区: another village named in the text does not move it
    assert places.effective_place("幸福里社区的路灯", world.village_a.path, root) == world.village_a.path
    # picked 长安街道: a village of another township is not under it
    assert places.effective_place("长宁街道的路灯", world.town_a.path, root) == world.town_a.path
    # a place of another county is not in this county's gazetteer
    assert places.effective_place("建设街道的路灯", world.county_a.path, root) == world.county_a.path


def test_ambiguous_and_two_character_names_are_not_guessed(world, towns):
    root = world.county_a.path
    assert places.effective_place("新村社区门口的路灯", world.county_a.path, root) == world.county_a.path
    # under 长安街道 only one 新村社区 remains
    twin_1 = towns["twins"][0]
    assert places.effective_place("新村社区门口的路灯", world.town_a.path, root) == twin_1.path
    # two townships named: their common ancestor is the county, so nothing is narrowed
    assert places.effective_place("长安街道和长宁街道交界", world.county_a.path, root) == world.county_a.path
    # "光明" alone is an ordinary word, not 光明社区
    assert places.effective_place("前途一片光明", world.county_a.path, root) == world.county_a.path


def test_hotspots_use_the_place_named_in_the_text(world, towns):
    ops = [
        submit(world, LAMP.format(place="光明社区", n=n), division=world.county_a, station=world.station_a)
        for n in range(3)
    ]
    assert set(Signature.objects.values_list("place_path", flat=True)) == {world.village_a.path}
    hotspot = Hotspot.objects.get()
    assert hotspot.size == 3 and hotspot.division == world.village_a
    assert {o.pk for o in ops} == set(hotspot.members.values_list("opinion_id", flat=True))


def test_the_same_text_naming_another_township_is_another_place(world, towns):
    submit(world, LAMP.format(place="长安街道", n=1), division=world.county_a, station=world.station_a)
    submit(world, LAMP.format(place="长宁街道", n=2), division=world.county_a, station=world.station_a)
    assert not Hotspot.objects.exists()
    submit(world, LAMP.format(place="长安街道", n=3), division=world.county_a, station=world.station_a)
    assert Hotspot.objects.get().size == 2
