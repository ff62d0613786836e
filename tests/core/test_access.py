import pytest
from django.conf import settings

from renda.core.access import get_scoped_or_404, has_perm, restrict
from renda.registry.models import Agency, Deputy, Division, Grid, Station


def names(qs):
    return sorted(str(x) for x in qs)


@pytest.mark.django_db
class TestRestrict:
    def test_county_staff_sees_only_own_county(self, world):
        user = world.staff_a
        assert names(restrict(Station.objects.all(), user)) == ["长安街道人大代表之家"]
        assert names(restrict(Deputy.objects.all(), user)) == ["王𠙶"]
        assert names(restrict(Agency.objects.all(), user)) == ["东风区住房和城乡建设局", "东风区城市管理局"]
        assert names(restrict(Grid.objects.all(), user)) == ["光明社区第一网格"]
        assert "向阳区" not in names(restrict(Division.objects.all(), user))

    def test_outsider_county_staff_gets_404(self, world):
        from django.http import Http404

        with pytest.raises(Http404):
            get_scoped_or_404(Station.objects.all(), world.staff_b, pk=world.station_a.pk)

    def test_station_staff_sees_only_their_station(self, world):
        assert names(restrict(Station.objects.all(), world.station_staff_a)) == ["长安街道人大代表之家"]
        assert names(restrict(Deputy.objects.all(), world.station_staff_a)) == ["王𠙶"]
        assert restrict(Agency.objects.all(), world.station_staff_a).count() == 0

    def test_deputy_sees_self_only(self, world):
        assert names(restrict(Deputy.objects.all(), world.deputy_user_a)) == ["王𠙶"]
        assert names(restrict(Station.objects.all(), world.deputy_user_a)) == ["长安街道人大代表之家"]

    def test_agency_handler_sees_own_agency(self, world):
        assert names(restrict(Agency.objects.all(), world.handler_a)) == ["东风区住房和城乡建设局"]
        assert restrict(Deputy.objects.all(), world.handler_a).count() == 0

    def test_admin_sees_all_and_nobody_sees_nothing(self, world):
        assert restrict(Station.objects.all(), world.admin).count() == 2
        assert restrict(Station.objects.all(), world.nobody).count() == 0
        assert not has_perm(world.nobody, "console")

    def test_city_staff_sees_county_subtree(self, world):
        from tests.conftest import make_user

        city_staff = make_user("city_staff", "congress_staff", congress=world.city_congress)
        assert restrict(Station.objects.all(), city_staff).count() == 2
        assert restrict(Deputy.objects.all(), city_staff).count() == 3


def test_passwords_hashed_with_argon2_in_production():
    assert settings.PRODUCTION_PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert "django.contrib.auth.hashers.Argon2PasswordHasher" in settings.PASSWORD_HASHERS
