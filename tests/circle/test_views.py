"""履职圈 pages: owner / member / outsider, query counts, the public feed and pages, the grid page."""

import pytest
from django.urls import reverse

from renda.circle import services
from renda.circle.models import Post, PostStatus
from renda.core.models import Role
from tests.circle.helpers import png
from tests.conftest import make_user

S = PostStatus


def make_post(world, n: int = 1, images: int = 0, publish: bool = True) -> Post:
    p = services.post_create(
        actor=world.deputy_user_a, text=f"第{n}次走访：听取居民意见。", images=[png(f"{i}.png") for i in range(images)]
    )
    if publish:
        p = services.post_approve(actor=world.station_staff_a, post=p)
    return p


# -- console -----------------------------------------------------------------------------------------------------
def test_deputy_posts_through_the_form(world, login):
    client = login(world.deputy_user_a)
    assert client.get(reverse("console:circle_new")).status_code == 200
    response = client.post(
        reverse("console:circle_new"), {"text": "参加社区议事会。", "images": [png("a.png"), png("b.png")], "draft": "0"}
    )
    p = Post.objects.get()
    assert response.status_code == 302 and response.url == reverse("console:circle_post_detail", args=[p.pk])
    assert p.status == S.PENDING and p.images.count() == 2
    page = client.get(reverse("console:circle_list")).content.decode()
    assert "我的履职圈" in page and "参加社区议事会" in page and "待审核" in page


def test_form_shows_the_service_error(world, login):
    client = login(world.deputy_user_a)
    response = client.post(reverse("console:circle_new"), {"text": "看图", "images": [png(f"{i}.png") for i in range(10)]})
    assert response.status_code == 200 and "图片最多 9 张" in response.content.decode()
    assert not Post.objects.exists()


def test_only_deputies_open_the_form(world, login):
    for user in (world.station_staff_a, world.handler_a):
        assert login(user).get(reverse("console:circle_new")).status_code == 403


def test_owner_member_outsider_on_a_post(world, login):
    p = make_post(world, publish=False)
    detail = reverse("console:circle_post_detail", args=[p.pk])
    approve = reverse("console:circle_post_act", args=[p.pk, "approve"])
    # owner (the deputy) sees it but cannot approve
    client = login(world.deputy_user_a)
    assert client.get(detail).status_code == 200
    assert client.post(approve).status_code == 403
    # outsiders: another county's staff (404), an agency handler (403)
    assert login(world.staff_b).get(detail).status_code == 404
    assert login(world.staff_b).post(approve).status_code == 404
    assert login(world.handler_a).get(detail).status_code == 403
    assert Post.objects.get().status == S.PENDING
    # member: the deputy's station staff sees it in the queue and approves
    client = login(world.station_staff_a)
    queue = client.get(reverse("console:circle_list")).content.decode()
    assert "履职圈审核" in queue and "第1次走访" in queue
    assert client.post(approve).status_code == 302
    assert Post.objects.get().status == S.PUBLISHED


def test_hide_with_reason_from_the_console(world, login):
    p = make_post(world)
    client = login(world.staff_a)
    url = reverse("console:circle_post_act", args=[p.pk, "hide"])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "请填写隐藏的原因" in response.content.decode()
    client.post(url, {"reason": "与履职无关"})
    p.refresh_from_db()
    assert p.status == S.HIDDEN and p.hidden_reason == "与履职无关"
    assert login(world.deputy_user_a).get(reverse("console:circle_list")).content.decode().count("与履职无关") == 1


def test_unknown_action_is_404(world, login):
    p = make_post(world)
    assert login(world.staff_a).post(reverse("console:circle_post_act", args=[p.pk, "delete"])).status_code == 404


def test_moderation_queue_query_count_is_constant(world, login, django_assert_max_num_queries):
    for n in range(8):
        make_post(world, n, images=2, publish=False)
    client = login(world.station_staff_a)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("console:circle_list"))
    assert page.content.decode().count("通过并发布") == 8
    export = client.get(reverse("console:circle_list") + "?status=pending&format=xlsx")
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]


def test_outsider_queue_is_empty(world, login):
    make_post(world, publish=False)
    page = login(world.staff_b).get(reverse("console:circle_list")).content.decode()
    assert "第1次走访" not in page and "没有需要处理的履职圈动态" in page


# -- public ------------------------------------------------------------------------------------------------------
def test_public_feed_shows_only_published(world, client, django_assert_max_num_queries):
    for n in range(5):
        make_post(world, n, images=3)
    make_post(world, 99, publish=False)
    hidden = make_post(world, 77)
    services.post_hide(actor=world.staff_a, post=hidden, reason="x")
    with django_assert_max_num_queries(4):
        page = client.get(reverse("public:circle_feed")).content.decode()
    assert page.count("circle-post") == 5 and "第99次" not in page and "第77次" not in page
    assert world.deputy_a.name in page
    assert client.get(reverse("public:circle_post", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("public:circle_feed") + "?deputy=nobody").status_code == 200


def test_public_feed_empty_state(db, client):
    assert "暂无履职动态" in client.get(reverse("public:circle_feed")).content.decode()


@pytest.mark.parametrize("posts", [0, 1, 6])
def test_deputy_and_station_pages_show_latest_posts(world, client, posts, django_assert_max_num_queries):
    for n in range(posts):
        make_post(world, n, images=1)
    deputy_page = client.get(reverse("public:deputy_detail", args=[world.deputy_a.number])).content.decode()
    station_page = client.get(reverse("public:station_detail", args=[world.station_a.code])).content.decode()
    for page in (deputy_page, station_page):
        assert "履职圈" in page
        assert page.count('class="card circle-post"') == min(posts, 3)
    if not posts:
        assert "暂无履职动态" in deputy_page
    other = client.get(reverse("public:station_detail", args=[world.station_b.code])).content.decode()
    assert "circle-post" not in other


def test_public_grid_page_lists_its_deputies(world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        page = client.get(reverse("public:circle_grid", args=[world.grid_a.code])).content.decode()
    assert world.grid_a.name in page and world.deputy_a.name in page and world.deputy_b.name not in page
    assert client.get(reverse("public:circle_grid", args=["NOPE"])).status_code == 404
    deputy_page = client.get(reverse("public:deputy_detail", args=[world.deputy_a.number])).content.decode()
    assert reverse("public:circle_grid", args=[world.grid_a.code]) in deputy_page


def test_deputy_without_account_in_role_cannot_post(world, login):
    user = make_user("deputy_no_record", Role.DEPUTY)
    assert login(user).get(reverse("console:circle_new")).status_code == 403


def test_console_home_tells_moderators_what_waits(world, login):
    make_post(world, publish=False)
    assert "条代表履职圈动态待审核" in login(world.station_staff_a).get(reverse("console:home")).content.decode()
    assert "条代表履职圈动态待审核" not in login(world.staff_b).get(reverse("console:home")).content.decode()
    assert "条代表履职圈动态待审核" not in login(world.deputy_user_a).get(reverse("console:home")).content.decode()


def test_pictures_and_videos_are_served_only_where_the_post_may_be_seen(world, client, login):
    from django.urls import reverse

    from renda.circle import services
    from tests.circle.helpers import mp4_bytes, png, upload

    p = services.post_create(actor=world.deputy_user_a, text="走访光明社区。", images=[png("a.png")])
    image = p.images.get()
    from django.conf import settings

    assert not image.image.path.startswith(str(settings.MEDIA_ROOT))  # not under the served /media/
    public = reverse("public:circle_image", args=[image.pk])
    console = reverse("console:circle_media", args=["image", image.pk])
    assert client.get(public).status_code == 404  # pending moderation: not public yet
    owner = login(world.deputy_user_a).get(console)
    assert owner.status_code == 200 and owner["Content-Type"] == "image/jpeg" and "private" in owner["Cache-Control"]
    assert login(world.station_staff_a).get(console).status_code == 200  # member (moderator)
    assert login(world.staff_b).get(console).status_code == 404  # outsider
    services.post_approve(actor=world.station_staff_a, post=p)
    client.logout()
    response = client.get(public)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    services.post_hide(actor=world.staff_a, post=p, reason="含个人信息")
    assert client.get(public).status_code == 404  # hidden: its pictures go with it

    v = services.post_create(actor=world.deputy_user_a, text="视频", video=upload(mp4_bytes(5), "v.mp4", "video/mp4"))
    assert client.get(reverse("public:circle_video", args=[v.pk])).status_code == 404
    services.post_approve(actor=world.station_staff_a, post=v)
    video = client.get(reverse("public:circle_video", args=[v.pk]))
    assert video.status_code == 200 and video["Content-Type"] == "video/mp4"
    assert login(world.staff_b).get(reverse("console:circle_media", args=["video", v.pk])).status_code == 404
