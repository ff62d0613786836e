"""网格 routing: an opinion located in a grid reaches the grid's deputies (inbox and in-app notice)."""

import pytest
from django.urls import reverse

from renda.core.models import Notification, Role
from renda.opinions.models import Channel
from renda.opinions.selectors import opinion_inbox
from renda.opinions.services import OpinionInput, opinion_submit
from renda.registry import services as reg
from tests.conftest import make_user


@pytest.fixture
def grid_deputy(world):
    """The city deputy joins 光明社区第一网格 (not station_a): they see its opinions only through the grid."""
    reg.grid_assign_deputy(actor=None, grid=world.grid_a, deputy=world.city_deputy)
    return make_user("grid_deputy", Role.DEPUTY, deputy=world.city_deputy)


def submit(world, **kw):
    data = OpinionInput(
        content="网格里的垃圾站夏天味道很大，希望加快清运。",
        channel=Channel.WEB,
        consent=True,
        division=world.village_a,
        **kw,
    )
    opinion, _ = opinion_submit(actor=None, data=data, register_now=True)
    opinion.refresh_from_db()
    return opinion


def test_grid_opinion_reaches_the_grid_deputy(world, grid_deputy, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        opinion = submit(world, grid=world.grid_a, station=world.station_a)
    assert opinion.case_id
    assert opinion_inbox(grid_deputy).filter(pk=opinion.pk).exists()
    note = Notification.objects.get(user=grid_deputy)
    assert "光明社区第一网格" in note.body and note.url == reverse("console:opinion_detail", args=[opinion.pk])
    # the outsider deputy (another county, no grid) sees nothing
    outsider = make_user("deputy_b", Role.DEPUTY, deputy=world.deputy_b)
    assert not opinion_inbox(outsider).filter(pk=opinion.pk).exists()
    assert not Notification.objects.filter(user=outsider).exists()


def test_grid_deputy_opens_the_opinion_in_the_console(world, grid_deputy, client):
    opinion = submit(world, grid=world.grid_a)
    client.force_login(grid_deputy)
    assert client.get(reverse("console:opinion_detail", args=[opinion.pk])).status_code == 200
    page = client.get(reverse("console:opinion_list") + "?tab=all")
    assert opinion.tracking_code in page.content.decode()
    client.force_login(make_user("deputy_b", Role.DEPUTY, deputy=world.deputy_b))
    assert client.get(reverse("console:opinion_detail", args=[opinion.pk])).status_code == 404


def test_left_deputy_no_longer_sees_or_hears(world, grid_deputy):
    reg.grid_remove_deputy(actor=None, grid=world.grid_a, deputy=world.city_deputy)
    opinion = submit(world, grid=world.grid_a)
    assert not opinion_inbox(grid_deputy).filter(pk=opinion.pk).exists()
    assert not Notification.objects.filter(user=grid_deputy).exists()


def test_addressed_deputy_gets_one_notice_not_two(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(world, grid=world.grid_a, deputy=world.deputy_a)
    assert Notification.objects.filter(user=world.deputy_user_a).count() == 1


def test_opinion_without_grid_is_not_routed(world, grid_deputy):
    opinion = submit(world)
    assert not opinion_inbox(grid_deputy).filter(pk=opinion.pk).exists()
    assert not Notification.objects.filter(user=grid_deputy).exists()
