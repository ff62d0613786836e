import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renda.activities.models import ActivityStatus, Participant
from tests.activities.conftest import make_activity

pytestmark = pytest.mark.django_db
LIST = reverse("console:activity_list")


def test_list_scoped_searchable_exportable(world, login, activity, activity_b, django_assert_max_num_queries):
    for i in range(5):
        make_activity(world, title=f"学习培训第{i}期")
    client = login(world.staff_a)
    with django_assert_max_num_queries(12):
        r = client.get(LIST)
    assert r.status_code == 200
    html = r.content.decode()
    assert activity.title in html and activity_b.title not in html
    r = client.get(LIST, {"q": "第3期"})
    assert "学习培训第3期" in r.content.decode() and "第4期" not in r.content.decode()
    r = client.get(LIST, {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(r.content)).active.values)
    assert len(rows) == 1 + 6 and rows[0][1] == "活动名称"


def test_list_permissions(world, login, activity):
    assert login(world.deputy_user_a).get(LIST).status_code == 200  # member (deputy) sees their station's
    assert login(world.handler_a).get(LIST).status_code == 403
    assert login(world.nobody).get(LIST).status_code == 403


def test_detail_owner_member_outsider(world, login, activity):
    url = reverse("console:activity_detail", args=[activity.pk])
    r = login(world.staff_a).get(url)
    assert r.status_code == 200 and "扫码签到" in r.content.decode()
    r = login(world.deputy_user_a).get(url)
    assert r.status_code == 200 and "更换二维码" not in r.content.decode()
    assert login(world.staff_b).get(url).status_code == 404


def test_create_and_edit(world, login):
    client = login(world.station_staff_a)
    form = client.get(reverse("console:activity_create")).context["form"]
    assert form.initial["congress"] == world.congress_a.pk and form.initial["station"] == world.station_a.pk
    starts = (timezone.localtime() + datetime.timedelta(days=2)).replace(second=0, microsecond=0)
    data = {
        "kind": "study", "title": "宪法学习会", "congress": world.congress_a.pk, "station": world.station_a.pk,
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "会议室", "organiser": "", "summary": "",
    }  # fmt: skip
    r = client.post(reverse("console:activity_create"), data)
    assert r.status_code == 302
    activity = world.station_a.activities.get()
    assert activity.created_by == world.station_staff_a
    data["title"] = "宪法学习会（改）"
    client.post(reverse("console:activity_edit", args=[activity.pk]), data)
    activity.refresh_from_db()
    assert activity.title == "宪法学习会（改）"
    # a station staff member cannot put an activity at another station
    data["station"] = world.station_b.pk
    r = client.post(reverse("console:activity_create"), data)
    assert r.status_code == 200 and world.station_a.activities.count() == 1
    # deputies and outsiders may not create or edit
    assert login(world.deputy_user_a).get(reverse("console:activity_create")).status_code == 403
    assert login(world.staff_b).post(reverse("console:activity_edit", args=[activity.pk]), data).status_code == 404


def test_staff_actions(world, login, activity):
    client = login(world.staff_a)
    client.post(reverse("console:activity_invite", args=[activity.pk]), {"deputy": world.deputy_a.number})
    p = Participant.objects.get(activity=activity)
    client.post(reverse("console:activity_participant_mark", args=[activity.pk, p.pk]), {"attended": "1"})
    p.refresh_from_db()
    assert p.attended
    client.post(reverse("console:activity_status", args=[activity.pk]), {"status": "held"})
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.HELD
    r = client.post(reverse("console:activity_status", args=[activity.pk]), {"status": "cancelled"}, follow=True)
    assert "不能改为" in r.content.decode()
    # the outsider can do none of it
    other = login(world.staff_b)
    assert other.post(reverse("console:activity_status", args=[activity.pk]), {"status": "planned"}).status_code == 404
    assert other.post(reverse("console:activity_participant_mark", args=[activity.pk, p.pk]),
                      {"attended": "0"}).status_code == 404  # fmt: skip


def test_qr_svg_and_rotate(world, login, activity):
    client = login(world.staff_a)
    r = client.get(reverse("console:activity_qr_svg", args=[activity.pk]))
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml"
    r = client.get(reverse("console:activity_qr_page", args=[activity.pk]))
    assert r.status_code == 200 and "请代表用手机扫码签到" in r.content.decode()
    old = activity.checkin_token
    client.post(reverse("console:activity_rotate", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.checkin_token != old
    assert login(world.deputy_user_a).get(reverse("console:activity_qr_svg", args=[activity.pk])).status_code == 403


def test_checkin_page(world, login, activity):
    url = reverse("console:activity_checkin", args=[activity.pk, activity.checkin_token])
    client = login(world.deputy_user_a)
    r = client.get(url)
    assert r.status_code == 200 and "确认签到" in r.content.decode()
    r = client.post(url, follow=True)
    assert "签到成功" in r.content.decode() and "已签到" in r.content.decode()
    assert Participant.objects.get(activity=activity, deputy=world.deputy_a).attended
    bad = reverse("console:activity_checkin", args=[activity.pk, "nope"])
    assert client.get(bad).status_code == 404
    assert login(world.staff_a).get(url).status_code == 403  # staff do not check in by QR


def test_links(world, login, activity):
    client = login(world.staff_a)
    r = client.post(reverse("console:activity_link", args=[activity.pk]), {"opinion": "NOPE123"}, follow=True)
    assert "没有找到查询码" in r.content.decode()


def test_photo_upload_view(world, login, activity):
    from tests.activities.test_services import _png

    client = login(world.staff_a)
    client.post(reverse("console:activity_photo_add", args=[activity.pk]), {"image": _png(), "caption": "合影"})
    assert activity.photos.count() == 1
    r = client.get(reverse("console:activity_detail", args=[activity.pk]))
    assert "合影" in r.content.decode()
    photo_url = reverse("console:activity_photo", args=[activity.photos.get().pk])
    assert photo_url in r.content.decode()
    got = client.get(photo_url)  # owner: the organising staff
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert login(world.station_staff_a).get(photo_url).status_code == 200  # member: the station's staff
    assert login(world.staff_b).get(photo_url).status_code == 404  # another county


def test_plan_and_standard_pages(world, login):
    client = login(world.staff_a)
    r = client.post(reverse("console:activity_standard_create"), {
        "congress": world.congress_a.pk, "year": 2026, "min_reception_days": 2, "min_activities_per_deputy": 3,
        "min_activities_per_station": 6})  # fmt: skip
    assert r.status_code == 302
    r = client.post(reverse("console:activity_standard_create"), {
        "congress": world.congress_b.pk, "year": 2026, "min_reception_days": 2, "min_activities_per_deputy": 3,
        "min_activities_per_station": 6})  # fmt: skip
    assert r.status_code == 200  # not in scope: the form refuses
    assert "东风区人民代表大会" in client.get(reverse("console:activity_standard_list")).content.decode()
    assert "东风区人民代表大会" not in login(world.staff_b).get(reverse("console:activity_standard_list")).content.decode()
    client = login(world.staff_a)
    data = {"station": world.station_a.pk, "year": 2026, "note": "", "kind_forum": 4, "kind_study": 2}
    r = client.post(reverse("console:activity_plan_edit"), data)
    assert r.status_code == 302
    r = client.get(reverse("console:activity_plan_list"), {"format": "xlsx"})
    assert len(list(load_workbook(io.BytesIO(r.content)).active.values)) == 3
    station = login(world.station_staff_a)
    assert station.get(reverse("console:activity_plan_list")).status_code == 200
    assert station.get(reverse("console:activity_standard_list")).status_code == 403
    assert login(world.staff_b).get(reverse("console:activity_plan_edit"), {"station": world.station_a.pk}).status_code == 404
    assert login(world.deputy_user_a).get(reverse("console:activity_plan_list")).status_code == 403


def test_home_panel_and_opinion_panel(world, login):

    make_activity(world, starts=timezone.now() + datetime.timedelta(days=2), title="下周视察")
    html = login(world.deputy_user_a).get(reverse("console:home")).content.decode()
    assert "下周视察" in html
    html = login(world.staff_b).get(reverse("console:home")).content.decode()
    assert "下周视察" not in html


def test_link_opinion_and_panel(world, login, activity):
    from tests.handling.conftest import submit

    opinion = submit(world)
    client = login(world.staff_a)
    r = client.post(reverse("console:activity_link", args=[activity.pk]), {"opinion": opinion.tracking_code}, follow=True)
    assert "已关联" in r.content.decode() and opinion.tracking_code in r.content.decode()
    assert list(activity.opinions.all()) == [opinion]
    html = client.get(reverse("console:opinion_detail", args=[opinion.pk])).content.decode()
    assert "来自履职活动" in html and activity.title in html
    # the outsider cannot link an opinion they cannot see, nor to an activity outside their scope
    r = login(world.staff_b).post(reverse("console:activity_link", args=[activity.pk]), {"opinion": opinion.tracking_code})
    assert r.status_code == 404
    client = login(world.staff_a)  # the one test client: log the owner back in
    client.post(reverse("console:activity_link", args=[activity.pk]), {"opinion": opinion.tracking_code, "unlink": "1"})
    assert not activity.opinions.exists()
