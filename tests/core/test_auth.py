import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from tests.conftest import make_user


@pytest.mark.django_db
class TestLogin:
    def test_login_and_logout(self, client):
        make_user("alice", "admin")
        response = client.post(reverse("console:login"), {"username": "alice", "password": "pass-word-123"})
        assert response.status_code == 302
        assert client.get(reverse("console:home")).status_code == 200
        client.post(reverse("console:logout"))
        assert client.get(reverse("console:home")).status_code == 302

    def test_wrong_password_message_in_chinese(self, client):
        make_user("alice", "admin")
        response = client.post(reverse("console:login"), {"username": "alice", "password": "nope"})
        assert response.status_code == 200
        assert "用户名" in response.content.decode() and "密码" in response.content.decode()

    def test_repeated_failures_lock_the_login(self, client, settings):
        make_user("alice", "admin")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(reverse("console:login"), {"username": "alice", "password": "wrong"})
        response = client.post(reverse("console:login"), {"username": "alice", "password": "pass-word-123"})
        assert response.status_code == 429
        assert "暂时锁定" in response.content.decode()
        assert client.get(reverse("console:home")).status_code == 302

    def test_anonymous_console_redirects_to_login_and_roleless_user_gets_403(self, client):
        response = client.get(reverse("console:home"))
        assert response.status_code == 302 and reverse("console:login") in response["Location"]
        client.force_login(make_user("nobody"))
        response = client.get(reverse("console:home"))
        assert response.status_code == 403
        assert "权限" in response.content.decode()

    def test_argon2_hash_verifies(self):
        encoded = make_password("pass-word-123", hasher="argon2")
        assert encoded.startswith("argon2$")


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get(reverse("console:login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_csrf_enforced_on_login(db):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("console:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403


def test_csp_allows_every_tile_subdomain(monkeypatch):
    import importlib

    import renda.settings as renda_settings

    monkeypatch.setenv("RENDA_MAP_TILE_URL", "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY")
    monkeypatch.setenv("RENDA_MAP_TILE_SUBDOMAINS", "01234567")
    try:
        reloaded = importlib.reload(renda_settings)
        img_src = reloaded.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
        assert "https://t0.tianditu.gov.cn" in img_src and "https://t7.tianditu.gov.cn" in img_src
    finally:
        monkeypatch.undo()
        importlib.reload(renda_settings)
