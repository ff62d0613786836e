import datetime

import pytest
from django.utils import timezone

from renda.core.xlsx import XLSX_MIME
from renda.notices import services as svc
from renda.notices.models import Notice, NoticeStatus, Push, PushRecipient
from renda.registry.models import CongressLevel


def test_notice_list_owner_member_outsider(world, make_notice, login):
    notice = make_notice()
    owner = login(world.staff_a).get("/console/notices/")
    assert owner.status_code == 200 and notice.title in owner.content.decode()
    assert login(world.deputy_user_a).get("/console/notices/").status_code == 403  # member: deputies don't manage
    assert login(world.station_staff_a).get("/console/notices/").status_code == 403
    outsider = login(world.staff_b).get("/console/notices/")
    assert outsider.status_code == 200 and notice.title not in outsider.content.decode()


def test_notice_detail_owner_member_outsider(world, make_notice, login):
    notice = make_notice()
    url = f"/console/notices/{notice.pk}/"
    assert login(world.staff_a).get(url).status_code == 200
    assert login(world.admin).get(url).status_code == 200
    assert login(world.deputy_user_a).get(url).status_code == 403
    assert login(world.staff_b).get(url).status_code == 404
    assert login(world.staff_b).post(f"{url}action/", {"to": "withdrawn"}).status_code == 404
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.PUBLISHED


def test_anonymous_goes_to_login(client):
    response = client.get("/console/notices/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_list_search_filter_export_and_query_count(world, make_notice, login, django_assert_max_num_queries):
    for i in range(12):
        make_notice(title=f"政策解读第{i}期", kind="policy")
    make_notice(title="新闻一则", kind="news", publish=False)
    client = login(world.staff_a)
    with django_assert_max_num_queries(8):
        response = client.get("/console/notices/")
    assert response.status_code == 200
    page = client.get("/console/notices/?q=新闻").content.decode()
    assert "新闻一则" in page and "政策解读第1期" not in page
    page = client.get("/console/notices/?status=draft").content.decode()
    assert "新闻一则" in page and "政策解读" not in page
    export = client.get("/console/notices/?format=xlsx&kind=policy")
    assert export["Content-Type"] == XLSX_MIME


def test_create_edit_publish_push_through_pages(world, login):
    client = login(world.staff_a)
    response = client.post(
        "/console/notices/new/",
        {
            "congress": world.congress_a.pk,
            "kind": "notice",
            "title": "代表活动通知",
            "body": "## 安排\n- 周一",
            "publish_public": "on",
        },
    )
    notice = Notice.objects.get(title="代表活动通知")
    assert response.status_code == 302 and notice.status == NoticeStatus.DRAFT
    client.post(f"/console/notices/{notice.pk}/edit/", {"kind": "news", "title": "代表活动新闻", "body": "正文"})
    notice.refresh_from_db()
    assert (notice.title, notice.kind, notice.publish_public) == ("代表活动新闻", "news", False)
    assert client.get(f"/console/notices/{notice.pk}/push/").status_code == 200
    client.post(f"/console/notices/{notice.pk}/action/", {"to": "published"})
    preview = client.post(f"/console/notices/{notice.pk}/push/", {"everyone": "on", "preview": "1"})
    assert "共有 <strong>1</strong> 名代表" in preview.content.decode()
    assert not Push.objects.exists()
    response = client.post(f"/console/notices/{notice.pk}/push/", {"stations": [world.station_a.pk]})
    push = Push.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/notices/pushes/{push.pk}/"
    again = client.post(f"/console/notices/{notice.pk}/push/", {"stations": [world.station_a.pk]})
    assert "尚未收到该信息的代表" in again.content.decode()


def test_push_form_offers_only_own_territory(world, make_notice, login):
    notice = make_notice()
    page = login(world.staff_a).get(f"/console/notices/{notice.pk}/push/").content.decode()
    assert world.station_a.name in page and world.station_b.name not in page
    response = login(world.staff_a).post(f"/console/notices/{notice.pk}/push/", {"stations": [world.station_b.pk]})
    assert "有效选项" in response.content.decode() or "选择" in response.content.decode()
    assert not Push.objects.exists()


def test_receipts_owner_member_outsider_and_export(world, pushed, login, django_assert_max_num_queries):
    _, push = pushed
    url = f"/console/notices/pushes/{push.pk}/"
    client = login(world.staff_a)
    with django_assert_max_num_queries(8):
        page = client.get(url)
    assert page.status_code == 200 and "未读" in page.content.decode() and world.deputy_a.name in page.content.decode()
    assert login(world.deputy_user_a).get(url).status_code == 403
    assert login(world.staff_b).get(url).status_code == 404
    PushRecipient.objects.update(read_at=timezone.now())
    client = login(world.staff_a)
    assert world.deputy_a.name not in client.get(url + "?read=0").content.decode().split("<table")[-1]
    assert client.get(url + "?format=xlsx")["Content-Type"] == XLSX_MIME


def test_my_notices_unread_first_and_opening_marks_read(world, make_notice, login, django_assert_max_num_queries):
    old = make_notice(title="旧通知")
    svc.push_send(actor=world.staff_a, notice=old, audience=svc.Audience(levels=[CongressLevel.COUNTY]))
    new = make_notice(title="新通知")
    svc.push_send(actor=world.staff_a, notice=new, audience=svc.Audience(stations=[world.station_a]))
    Push.objects.filter(notice=old).update(sent_at=timezone.now() - datetime.timedelta(days=3))
    # the older one is unread, the newer one is read: unread comes first anyway
    PushRecipient.objects.filter(push__notice=new).update(read_at=timezone.now())
    client = login(world.deputy_user_a)
    with django_assert_max_num_queries(8):
        page = client.get("/console/my-notices/").content.decode()
    assert page.index("旧通知") < page.index("新通知")
    assert "1 条未读" in page
    copy = PushRecipient.objects.get(push__notice=old)
    detail = client.get(f"/console/my-notices/{copy.pk}/")
    assert detail.status_code == 200 and "旧通知" in detail.content.decode()
    copy.refresh_from_db()
    assert copy.read_at is not None
    # staff opening a copy neither sees it (not theirs) nor marks it read
    assert login(world.staff_a).get(f"/console/my-notices/{copy.pk}/").status_code == 404
    assert login(world.staff_b).get(f"/console/my-notices/{copy.pk}/").status_code == 404


def test_withdrawn_notice_is_not_readable_by_deputy(world, pushed, login):
    notice, push = pushed
    svc.notice_transition(actor=world.staff_a, notice=notice, to=NoticeStatus.WITHDRAWN)
    copy = PushRecipient.objects.get(push=push)
    page = login(world.deputy_user_a).get(f"/console/my-notices/{copy.pk}/").content.decode()
    assert "已由发布单位撤回" in page and "请于下周一" not in page
    copy.refresh_from_db()
    assert copy.read_at is None


def test_home_panel_shows_unread_count(world, pushed, login):
    page = login(world.deputy_user_a).get("/console/").content.decode()
    assert "推送信息" in page and "1 条未读" in page
    assert "推送信息 <span" not in login(world.staff_a).get("/console/").content.decode()


def test_tags_pages_owner_member_outsider(world, login):
    client = login(world.staff_a)
    response = client.post("/console/notices/tags/", {"congress": world.congress_a.pk, "name": "企业界"})
    assert response.status_code == 302
    tag_url = response["Location"]
    client.post(tag_url, {"deputy": world.deputy_a.number})
    assert world.deputy_a.name in client.get(tag_url).content.decode()
    assert "企业界" in client.get("/console/notices/tags/").content.decode()
    response = client.post(tag_url, {"deputy": world.deputy_b.number})
    assert "不在您的管辖范围" in client.get(tag_url).content.decode()
    assert login(world.deputy_user_a).get(tag_url).status_code == 403
    assert login(world.staff_b).get(tag_url).status_code == 404
    assert "企业界" not in login(world.staff_b).get("/console/notices/tags/").content.decode()


def test_themes_page(world, login):
    client = login(world.staff_a)
    client.post("/console/notices/themes/", {"congress": world.congress_a.pk, "name": "乡村振兴"})
    assert "乡村振兴" in client.get("/console/notices/themes/").content.decode()
    assert "乡村振兴" not in login(world.staff_b).get("/console/notices/themes/").content.decode()
    assert login(world.deputy_user_a).get("/console/notices/themes/").status_code == 403


@pytest.mark.parametrize("public", [True, False])
def test_public_pages_show_only_published_public(world, make_notice, client, public, django_assert_max_num_queries):
    shown = make_notice(title="公开的政策", public=public, body="**重点**<script>x</script>")
    make_notice(title="草稿不显示", publish=False)
    with django_assert_max_num_queries(3):
        page = client.get("/notices/").content.decode()
    assert ("公开的政策" in page) is public and "草稿不显示" not in page
    detail = client.get(f"/notices/{shown.pk}/")
    assert detail.status_code == (200 if public else 404)
    if public:
        html = detail.content.decode()
        assert "<strong>重点</strong>" in html and "<script>x" not in html


def test_public_search_and_bad_kind(world, make_notice, client):
    make_notice(title="关于乡村道路的通知")
    make_notice(title="代表风采", kind="news")
    page = client.get("/notices/?q=乡村").content.decode()
    assert "关于乡村道路的通知" in page and "代表风采" not in page
    page = client.get("/notices/?kind=bogus").content.decode()
    assert "无效，已忽略" in page and "代表风采" in page
    assert "代表风采" in client.get("/notices/?kind=news").content.decode()


def test_staff_without_deputy_get_an_explanation_on_my_notices(world, pushed, login):
    page = login(world.staff_a).get("/console/my-notices/").content.decode()
    assert "没有对应的代表" in page
    assert login(world.handler_a).get("/console/my-notices/").status_code == 200


def test_bad_action_is_refused(world, make_notice, login):
    notice = make_notice()
    client = login(world.staff_a)
    response = client.post(f"/console/notices/{notice.pk}/action/", {"to": "bogus"}, follow=True)
    assert "操作不正确" in response.content.decode()
    response = client.post(f"/console/notices/{notice.pk}/action/", {"to": "draft"}, follow=True)
    assert "不能改为" in response.content.decode()


def test_export_has_receipt_figures(world, pushed, login):
    import io

    from openpyxl import load_workbook

    PushRecipient.objects.update(read_at=timezone.now())
    response = login(world.staff_a).get("/console/notices/?format=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][-2:] == ("推送人数", "已读")
    assert rows[1][0] == pushed[0].title and rows[1][-2:] == (1, 1)
