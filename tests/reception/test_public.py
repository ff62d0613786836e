import datetime

import pytest

from renda.reception.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_calendar_lists_only_announced_days(client, world, make_day, today):
    soon = make_day(today + 2 * DAY)
    later = make_day(today + 9 * DAY)  # announced 3 days ahead: not yet
    past = make_day(today - 2 * DAY)
    body = client.get("/reception/").content.decode()
    assert f"/reception/{soon.pk}/book/" in body
    assert f"/reception/{later.pk}/book/" not in body and f"/reception/{past.pk}/book/" not in body
    assert client.get(f"/reception/{later.pk}/book/").status_code == 404
    body = client.get("/reception/", {"station": world.station_b.code}).content.decode()
    assert "近期暂无" in body or "没有找到" in body
    assert client.get("/reception/", {"q": "长安"}).status_code == 200


def test_calendar_query_count(client, world, make_day, today, django_assert_max_num_queries):
    for i in range(4):
        make_day(today + DAY, start_time=datetime.time(8 + i, 0), end_time=datetime.time(8 + i, 30))
    with django_assert_max_num_queries(8):
        assert client.get("/reception/").status_code == 200


def test_book_with_sms_code_then_cancel(client, world, make_day, today, sms_code):
    day = make_day(today + 2 * DAY)
    url = f"/reception/{day.pk}/book/"
    assert "09:00" in client.get(url).content.decode()
    form = {"slot": "09:30", "name": "张三", "phone": "13812345678", "sms_code": "000000", "consent": "1"}
    response = client.post(url, form)
    assert "验证码已过期或尚未获取" in response.content.decode()
    form["sms_code"] = sms_code("13812345678")
    response = client.post(url, form)
    booking = Booking.objects.get()
    assert response.status_code == 302 and response.url == f"/reception/booking/{booking.code}/"
    assert booking.phone_verified and booking.slot_start == datetime.time(9, 30)
    page = client.get(response.url).content.decode()
    assert booking.code in page and "138****5678" in page and "13812345678" not in page
    response = client.post(f"/reception/booking/{booking.code}/cancel/", {"phone": "1111"})
    assert response.status_code == 400 and "手机号不正确" in response.content.decode()
    client.post(f"/reception/booking/{booking.code}/cancel/", {"phone": "5678"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_book_form_errors_are_chinese(client, world, make_day, today):
    day = make_day(today + 2 * DAY)
    body = client.post(f"/reception/{day.pk}/book/", {"slot": "", "phone": "123"}).content.decode()
    for text in ("请选择预约时段", "请填写您的姓名", "请填写正确的 11 位手机号", "请阅读并同意隐私说明"):
        assert text in body
    assert client.get("/reception/booking/NOPE1234/").status_code == 404
