import datetime

import pytest
from django.urls import reverse

from renda.reportback import services
from renda.reportback.models import Appraisal, DeputyReport, MeetingStatus, PaperTally, ReportMeeting


def test_meeting_list_scoped(world, login, meeting_a, report_a, django_assert_max_num_queries):
    url = reverse("console:reportback_meeting_list")
    client = login(world.staff_a)
    with django_assert_max_num_queries(10):
        body = client.get(url).content.decode()  # owner
    assert meeting_a.title in body and "安排述职评议会" in body
    body = login(world.station_staff_a).get(url).content.decode()  # member: their deputy reports there
    assert meeting_a.title in body and "安排述职评议会" not in body
    body = login(world.deputy_user_a).get(url).content.decode()
    assert meeting_a.title in body
    body = login(world.staff_b).get(url).content.decode()  # outsider
    assert meeting_a.title not in body and "还没有述职评议会" in body
    assert login(world.handler_a).get(url).status_code == 403
    response = login(world.staff_a).get(url + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_meeting_list_query_count_flat(world, login, term_a, django_assert_max_num_queries):
    for i in range(25):
        services.meeting_create(
            actor=world.staff_a,
            term=term_a,
            district="第一选区",
            title=f"会{i}",
            date=datetime.date(2026, 1, 1),
            place="p",
        )
    client = login(world.staff_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("console:reportback_meeting_list") + "?q=会&status=planned")
    assert response.status_code == 200 and "会24" in response.content.decode()


def test_meeting_detail_owner_member_outsider(world, login, meeting_a, report_a):
    url = reverse("console:reportback_meeting_detail", args=[meeting_a.pk])
    assert login(world.staff_a).get(url).status_code == 200
    assert login(world.station_staff_a).get(url).status_code == 200
    assert login(world.staff_b).get(url).status_code == 404
    rurl = reverse("console:reportback_report_detail", args=[report_a.pk])
    assert login(world.deputy_user_a).get(rurl).status_code == 200
    assert login(world.staff_b).get(rurl).status_code == 404


def test_create_meeting_and_report_through_console(world, login, term_a):
    client = login(world.staff_a)
    response = client.post(
        reverse("console:reportback_meeting_create"),
        {"term": term_a.pk, "district": "第一选区", "title": "述职会", "date": "2026-09-01", "place": "会议室"},
    )
    meeting = ReportMeeting.objects.get(title="述职会")
    assert response.status_code == 302
    response = client.post(
        reverse("console:reportback_report_add", args=[meeting.pk]),
        {"deputy": world.deputy_a.pk, "mode": "oral", "text": "报告全文"},
    )
    report = DeputyReport.objects.get(meeting=meeting)
    client.post(reverse("console:reportback_meeting_transition", args=[meeting.pk]), {"to": "held"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    client.post(reverse("console:reportback_report_publish", args=[report.pk]), {"publish": "1"})
    client.post(
        reverse("console:reportback_report_tally", args=[report.pk]), {"satisfied": 9, "basic": 1, "unsatisfied": 0}
    )
    assert PaperTally.objects.get(report=report).satisfied == 9
    report.refresh_from_db()
    assert report.published_at is not None
    body = client.get(reverse("console:reportback_report_detail", args=[report.pk])).content.decode()
    assert "满意率" in body and "90.0%" in body


def test_district_choice_is_validated(world, login, term_a):
    response = login(world.staff_a).post(
        reverse("console:reportback_meeting_create"),
        {"term": term_a.pk, "district": "第三选区", "title": "x", "date": "2026-09-01", "place": "y"},
    )
    assert response.status_code == 200 and "没有名为“第三选区”" in response.content.decode()


def test_outsider_cannot_manage(world, login, meeting_a, report_a):
    # member without manage rights
    url = reverse("console:reportback_meeting_transition", args=[meeting_a.pk])
    assert login(world.station_staff_a).post(url, {"to": "cancelled"}).status_code == 403
    # outsider of the same role
    assert login(world.staff_b).post(url, {"to": "cancelled"}).status_code == 404
    assert (
        login(world.staff_b)
        .post(reverse("console:reportback_report_publish", args=[report_a.pk]), {"publish": "1"})
        .status_code
        == 404
    )
    # staff_b cannot pick congress A's term
    response = login(world.staff_b).post(
        reverse("console:reportback_meeting_create"),
        {"term": meeting_a.term_id, "district": "第一选区", "title": "x", "date": "2026-09-01", "place": "y"},
    )
    assert response.status_code == 200 and ReportMeeting.objects.count() == 1
    meeting_a.refresh_from_db()
    assert meeting_a.status == MeetingStatus.PLANNED


def test_compliance_view(world, login, meeting_a, report_a, django_assert_max_num_queries):
    services.meeting_transition(actor=world.staff_a, meeting=meeting_a, to=MeetingStatus.HELD)
    url = reverse("console:reportback_compliance")
    client = login(world.staff_a)
    with django_assert_max_num_queries(12):
        body = client.get(url).content.decode()
    assert "第一选区" in body and "100.0%" in body and "本届在任代表都已述职" in body
    body = login(world.staff_b).get(url).content.decode()  # outsider: their own term only
    assert "第三选区" in body and world.deputy_b.name in body and "第一选区" not in body
    assert login(world.station_staff_a).get(url).status_code == 403
    response = login(world.staff_b).get(url + "?format=xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.fixture
def published(world, report_a):
    return services.report_publish(actor=world.staff_a, report=report_a)


def test_public_report_and_appraisal(client, world, published, sms_code):
    url = reverse("public:reportback_report", args=[published.pk])
    body = client.get(url).content.decode()
    assert "我认真履职" in body and "提交评议" in body
    code = sms_code("13800138000")
    response = client.post(url, {"choice": "satisfied", "phone": "13800138000", "sms_code": "000000"})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()
    response = client.post(url, {"choice": "satisfied", "phone": "13800138000", "sms_code": code})
    assert response.status_code == 302 and Appraisal.objects.count() == 1
    response = client.post(url, {"choice": "basic", "phone": "13800138000", "sms_code": code})
    assert response.status_code == 400 and "只能评议一次" in response.content.decode()
    assert Appraisal.objects.count() == 1
    body = client.get(reverse("public:reportback_list")).content.decode()
    assert world.deputy_a.name in body


def test_public_hides_unpublished(client, world, report_a):
    assert client.get(reverse("public:reportback_report", args=[report_a.pk])).status_code == 404
    assert "暂无公开的述职报告" in client.get(reverse("public:reportback_list")).content.decode()


def test_public_appraisal_rate_limited(client, world, published, sms_code, settings, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    monkeypatch.setattr(services, "APPRAISAL_RATE_IP", "2/hour")
    url = reverse("public:reportback_report", args=[published.pk])
    statuses = []
    for i in range(3):
        phone = f"1380013800{i}"
        code = sms_code(phone)
        statuses.append(client.post(url, {"choice": "satisfied", "phone": phone, "sms_code": code}).status_code)
    assert statuses == [302, 302, 429]


def test_console_home_panel(world, login, meeting_a, report_a):
    body = login(world.staff_a).get(reverse("console:home")).content.decode()
    assert "尚未述职的代表 <strong>1</strong>" in body and "查看述职情况" in body
    body = login(world.station_staff_a).get(reverse("console:home")).content.decode()
    assert "查看述职情况" not in body
