"""Short public URLs, QR codes and printable cards: printed codes never break."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from renda.public import qr
from renda.registry import services as reg
from renda.registry.models import MandateStatus, StationKind


def end_mandates(deputy) -> None:
    for m in deputy.mandates.filter(status=MandateStatus.ACTIVE):
        reg.mandate_change_status(actor=None, mandate=m, status=MandateStatus.ENDED, reason="届满")


def png_bytes(color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), color).save(buffer, format="PNG")
    return buffer.getvalue()


class TestUrls:
    def test_short_paths(self):
        assert qr.deputy_short_path("D0001") == "/d/D0001/"
        assert qr.station_short_path("ST001") == "/s/ST001/"

    def test_absolute_url_uses_request_host(self, rf, settings):
        settings.ALLOWED_HOSTS = ["renda.local"]
        request = rf.get("/", HTTP_HOST="renda.local:8000")
        assert qr.absolute_url(request, "/d/D0001/") == "http://renda.local:8000/d/D0001/"

    def test_absolute_url_prefers_configured_base(self, rf, settings):
        settings.RENDA_PUBLIC_BASE_URL = "https://renda.example.gov.cn/"
        request = rf.get("/", HTTP_HOST="10.0.0.5")
        assert qr.absolute_url(request, "/s/ST001/") == "https://renda.example.gov.cn/s/ST001/"

    def test_opinion_form_url(self):
        assert qr.opinion_form_url(deputy="D 1").endswith("/opinions/new/?deputy=D+1")
        assert qr.opinion_form_url(station="ST001").endswith("/opinions/new/?station=ST001")


class TestDeputyLanding:
    def test_active_deputy(self, client, world):
        d = world.deputy_a
        response = client.get(f"/d/{d.number}/")
        assert response.status_code == 200
        body = response.content.decode()
        assert d.name in body
        assert "我要反映问题" in body and "查询办理进度" in body
        assert f"/opinions/new/?deputy={d.number}" in body
        assert "县（区）代表" in body or "县级人大代表" in body
        assert world.station_a.name in body and "/s/ST001/" in body

    def test_reverse_name(self, world):
        assert reverse("public:deputy_short", args=[world.deputy_a.number]) == f"/d/{world.deputy_a.number}/"

    def test_user_text_is_escaped(self, client, world):
        reg.deputy_update(actor=None, deputy=world.deputy_a, name="<b>王</b>")
        body = client.get(f"/d/{world.deputy_a.number}/").content.decode()
        assert "<b>王</b>" not in body and "&lt;b&gt;王&lt;/b&gt;" in body

    def test_unknown_number_404(self, client, world):
        assert client.get("/d/NOPE404/").status_code == 404
        assert client.get("/s/NOPE404/").status_code == 404

    def test_ended_goes_to_successor(self, client, world):
        reg.deputy_update(actor=None, deputy=world.deputy_a, successor=world.city_deputy)
        end_mandates(world.deputy_a)
        response = client.get(f"/d/{world.deputy_a.number}/")
        assert response.status_code == 302
        assert response["Location"] == f"/d/{world.city_deputy.number}/"

    def test_successor_chain_skips_ended_and_loops(self, client, world):
        reg.deputy_update(actor=None, deputy=world.deputy_a, successor=world.deputy_b)
        reg.deputy_update(actor=None, deputy=world.deputy_b, successor=world.deputy_a)  # a loop
        end_mandates(world.deputy_a)
        end_mandates(world.deputy_b)
        response = client.get(f"/d/{world.deputy_a.number}/")
        assert response.status_code == 302
        assert response["Location"] == "/s/ST001/"  # no serving successor: a's last station

    def test_ended_without_successor_goes_to_last_station(self, client, world):
        end_mandates(world.deputy_a)
        reg.station_remove_deputy(actor=None, station=world.station_a, deputy=world.deputy_a)
        response = client.get(f"/d/{world.deputy_a.number}/")
        assert response.status_code == 302
        assert response["Location"] == "/s/ST001/"

    def test_ended_without_anything_goes_home_with_notice(self, client, world):
        end_mandates(world.city_deputy)
        response = client.get(f"/d/{world.city_deputy.number}/", follow=True)
        assert response.redirect_chain == [("/", 302)]
        assert "不再担任代表职务" in response.content.decode()

    def test_disabled_deputy_is_not_shown(self, client, world):
        reg.deputy_set_active(actor=None, deputy=world.deputy_a, active=False)
        response = client.get(f"/d/{world.deputy_a.number}/")
        assert response.status_code == 302 and response["Location"] == "/s/ST001/"

    def test_query_count_cold_and_cached(self, client, world, django_assert_max_num_queries, django_assert_num_queries):
        url = f"/d/{world.deputy_a.number}/"
        with django_assert_max_num_queries(4):
            assert client.get(url).status_code == 200
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200


class TestStationLanding:
    def test_active_station(self, client, world, django_assert_max_num_queries):
        with django_assert_max_num_queries(4):
            response = client.get("/s/ST001/")
        assert response.status_code == 200
        body = response.content.decode()
        assert world.station_a.name in body and "/opinions/new/?station=ST001" in body
        assert world.deputy_a.name in body and f"/d/{world.deputy_a.number}/" in body
        assert "查询办理进度" in body

    def test_inactive_station_explains_and_points_nearby(self, client, world):
        near = reg.station_create(
            actor=None,
            code="ST003",
            name="东风区代表联络站",
            kind=StationKind.STATION,
            division=world.county_a,
            address="东风区人民路 2 号",
        )
        reg.station_set_active(actor=None, station=world.station_a, active=False)
        response = client.get("/s/ST001/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "已撤并或迁移" in body
        assert near.name in body and "/s/ST003/" in body
        assert world.station_b.name not in body  # other county
        assert "/opinions/new/" not in body


class TestQrImages:
    def test_deputy_svg(self, client, world):
        response = client.get(f"/d/{world.deputy_a.number}/qr.svg")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
        assert b"<svg" in response.content

    def test_deputy_png_decodes(self, client, world):
        response = client.get(f"/d/{world.deputy_a.number}/qr.png")
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(response.content))
        image.verify()
        assert image.format == "PNG" and image.size[0] == image.size[1] >= 200

    def test_station_svg_and_png(self, client, world):
        assert client.get("/s/ST001/qr.svg")["Content-Type"] == "image/svg+xml"
        assert client.get("/s/ST001/qr.png")["Content-Type"] == "image/png"

    def test_ended_deputy_keeps_its_code(self, client, world):
        end_mandates(world.deputy_a)
        assert client.get(f"/d/{world.deputy_a.number}/qr.png").status_code == 200

    def test_unknown_404(self, client, world):
        assert client.get("/d/NOPE/qr.svg").status_code == 404
        assert client.get("/s/NOPE/qr.png").status_code == 404

    def test_png_encodes_the_short_url(self, world):
        """segno cannot decode, so compare with a code made from the expected URL."""
        url = f"http://testserver/d/{world.deputy_a.number}/"
        expected = qr.qr_png(url)
        assert qr.qr_png(url) == expected
        assert qr.qr_png(url + "x") != expected

    def test_served_png_is_the_absolute_short_url(self, client, world, settings):
        settings.RENDA_PUBLIC_BASE_URL = "https://renda.example.gov.cn"
        response = client.get(f"/d/{world.deputy_a.number}/qr.png")
        assert response.content == qr.qr_png(f"https://renda.example.gov.cn/d/{world.deputy_a.number}/")


class TestCards:
    def test_deputy_card_pdf(self, client, world):
        reg.deputy_update(actor=None, deputy=world.deputy_a, photo=ContentFile(png_bytes(), name="a.png"))
        response = client.get(f"/d/{world.deputy_a.number}/card.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert b"STSong-Light" in response.content
        assert b"/Image" in response.content or b"/XObject" in response.content
        assert len(response.content) > 2000

    def test_station_card_pdf(self, client, world):
        response = client.get("/s/ST001/card.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")

    def test_missing_photo_file_still_prints(self, client, world):
        world.deputy_a.photo.name = "deputies/gone.png"
        world.deputy_a.save(update_fields=["photo"])
        response = client.get(f"/d/{world.deputy_a.number}/card.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")

    def test_card_for_ended_or_unknown_404(self, client, world):
        end_mandates(world.deputy_a)
        assert client.get(f"/d/{world.deputy_a.number}/card.pdf").status_code == 404
        reg.station_set_active(actor=None, station=world.station_b, active=False)
        assert client.get("/s/ST002/card.pdf").status_code == 404
        assert client.get("/s/NOPE/card.pdf").status_code == 404


class TestPagesLinkTheCodes:
    def test_public_detail_pages(self, client, world):
        body = client.get(f"/deputies/{world.deputy_a.number}/").content.decode()
        assert f"/d/{world.deputy_a.number}/qr.svg" in body and "我要反映问题" in body
        assert f"/opinions/new/?deputy={world.deputy_a.number}" in body
        body = client.get("/stations/ST001/").content.decode()
        assert "/s/ST001/qr.svg" in body and "/opinions/new/?station=ST001" in body

    @pytest.mark.parametrize("kind", ["deputy", "station"])
    def test_console_detail_pages(self, login, world, kind):
        client = login(world.admin)
        obj = world.deputy_a if kind == "deputy" else world.station_a
        key = obj.number if kind == "deputy" else obj.code
        prefix = "d" if kind == "deputy" else "s"
        body = client.get(reverse(f"console:{kind}_detail", args=[obj.pk])).content.decode()
        assert f"/{prefix}/{key}/qr.svg" in body and f"/{prefix}/{key}/qr.png" in body
        assert f"/{prefix}/{key}/card.pdf" in body and "打印联系卡（PDF）" in body
