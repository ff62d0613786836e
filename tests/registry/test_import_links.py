import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_lists_offer_import_to_staff_only(world, login):
    page = login(world.staff_a).get(reverse("console:deputy_list")).content.decode()
    assert reverse("console:import_new", args=["deputies"]) in page
    assert reverse("console:import_list") in page  # in the navigation
    page = login(world.station_staff_a).get(reverse("console:deputy_list")).content.decode()
    assert "批量导入" not in page
