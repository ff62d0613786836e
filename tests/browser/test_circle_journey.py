"""履职圈 in a real browser: a deputy (phone) posts with a picture, station staff approve, the post
appears in the public feed and on the deputy's public page.

Screenshots go to test-results/screenshots/ (circle-*.png) — look at them after a change.
"""

from io import BytesIO

import pytest
from PIL import Image, ImageDraw

from renda import urls as root_urls
from renda.circle.models import Post, PostStatus
from renda.core.models import User
from tests.browser.conftest import PHONE
from tests.conftest import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"
TEXT = "今天到光明社区走访，听取居民对加装电梯的意见，大家很关心施工期间的出行安全。"


@pytest.fixture
def circle_world(transactional_db, settings, monkeypatch):
    # The media URL's document root was fixed when the URLconf was imported: point it at this test's media.
    for pattern in root_urls.urlpatterns:
        if "document_root" in getattr(pattern, "default_args", {}):
            monkeypatch.setitem(pattern.default_args, "document_root", settings.MEDIA_ROOT)
    w = build_world()
    for user, name in ((w.deputy_user_a, w.deputy_a.name), (w.station_staff_a, "长安街道联络员")):
        user.set_password(PASSWORD)
        user.display_name = name
        user.save(update_fields=["password", "display_name"])
    return w


def _login(browser, live_server, user: User, *, phone: bool = False):
    if phone:
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, locale="zh-CN")
    else:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/console/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    return page


def _photo(path):
    img = Image.new("RGB", (800, 600), (11, 79, 156))
    draw = ImageDraw.Draw(img)
    draw.rectangle([120, 200, 680, 560], fill=(230, 230, 230))
    draw.polygon([(100, 200), (400, 40), (700, 200)], fill=(183, 28, 28))
    out = BytesIO()
    img.save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def test_deputy_posts_staff_approve_public_sees(circle_world, browser, live_server, phone_page, shot, tmp_path):
    w = circle_world
    # 1. the deputy, on a phone, posts with a picture
    page = _login(browser, live_server, w.deputy_user_a, phone=True)
    page.goto(live_server.url + "/console/circle/")
    shot(page, "circle-01-my-posts-empty")
    page.get_by_role("link", name="发布动态").first.click()
    page.fill("textarea[name=text]", TEXT)
    page.set_input_files("input[name=images]", [str(_photo(tmp_path / "visit.jpg"))])
    shot(page, "circle-02-form")
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("已提交，审核通过后公开发布。").is_visible()
    shot(page, "circle-03-submitted")
    post = Post.objects.get()
    assert post.status == PostStatus.PENDING and post.images.count() == 1

    # not public yet
    phone_page.goto(live_server.url + "/circle/")
    assert phone_page.get_by_text("暂无履职动态").is_visible()

    # 2. the station's staff approve it from the queue
    staff = _login(browser, live_server, w.station_staff_a)
    staff.goto(live_server.url + "/console/circle/")
    assert staff.get_by_text("加装电梯").first.is_visible()
    shot(staff, "circle-04-moderation-queue")
    staff.get_by_role("button", name="通过并发布").first.click()
    staff.wait_for_load_state()
    assert staff.get_by_text("已审核通过并发布").is_visible()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED and post.moderated_by == w.station_staff_a

    # 3. the public feed and the deputy's public page show it, with its picture
    phone_page.goto(live_server.url + "/circle/")
    card = phone_page.locator(".circle-post").first
    assert TEXT[:10] in card.inner_text()
    src = card.locator(".circle-images img").first.get_attribute("src")
    assert phone_page.request.get(live_server.url + src).status == 200
    card.locator(".circle-images img").first.scroll_into_view_if_needed()
    shot(phone_page, "circle-05-public-feed")
    phone_page.goto(f"{live_server.url}/deputies/{w.deputy_a.number}/")
    latest = phone_page.locator(".circle-latest")
    assert TEXT[:10] in latest.inner_text()
    latest.scroll_into_view_if_needed()
    shot(phone_page, "circle-06-deputy-page")
    # and the grid page lists the deputy
    phone_page.goto(f"{live_server.url}/grids/{w.grid_a.code}/")
    assert w.deputy_a.name in phone_page.locator("main").inner_text()
    shot(phone_page, "circle-07-grid-page")
