"""Console pages of 研判: owner (congress staff), member (station staff), outsiders (other county, other roles)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from renda.analysis import services
from renda.analysis.models import MonthlyReport
from renda.handling import services as hs

from .conftest import replied

BOILERPLATE = "您好！您的留言已收悉，已转相关部门处理，谢谢！"
QUALITY = reverse("console:analysis_quality")
TRENDS = reverse("console:analysis_trends")
MONTHLY = reverse("console:analysis_monthly")


@pytest.fixture
def checked(world):
    good = replied(world)[1]
    bad = replied(world, BOILERPLATE)[1]
    services.reply_checks_run()
    return good, bad


def test_quality_list_owner_member_outsider(world, login, client, checked):
    good, bad = checked
    page = login(world.staff_a).get(QUALITY)
    assert page.status_code == 200
    body = page.content.decode()
    assert bad.title in body and "内容过简" in body and "未回应" in body
    assert page.context["summary"]["total"] == 2 and page.context["summary"]["flagged"] == 1
    flagged = login(world.staff_a).get(QUALITY, {"flag": "short"})
    assert [c.case_id for c, _ in flagged.context["rows"]] == [bad.pk]
    member = login(world.station_staff_a).get(QUALITY)  # the cases came in through station A
    assert member.status_code == 200 and member.context["summary"]["total"] == 2
    outsider = login(world.staff_b).get(QUALITY)
    assert outsider.status_code == 200 and outsider.context["summary"]["total"] == 0
    assert "还没有检查过" in outsider.content.decode()
    for user in (world.handler_a, world.deputy_user_a, world.nobody):
        assert login(user).get(QUALITY).status_code == 403


def test_quality_export(world, login, checked):
    response = login(world.staff_a).get(QUALITY, {"format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][5] == "问题" and len(rows) == 3


def test_quality_list_queries_do_not_grow(world, login, django_assert_max_num_queries):
    for n in range(4):
        replied(
            world,
            BOILERPLATE
            if n % 2
            else "经现场核实，光明社区东门口三盏路灯线路老化，已全部更换并恢复照明，今后加强巡查。",
        )
    services.reply_checks_run()
    client = login(world.staff_a)
    with django_assert_max_num_queries(14):
        page = client.get(QUALITY)
    assert len(page.context["rows"]) == 4


def test_supervision_row_and_opinion_panel_show_flags(world, login, checked):
    good, bad = checked
    hs.case_supervise(actor=world.staff_a, case=bad, reason="答复敷衍")
    page = login(world.staff_a).get(reverse("console:supervision_list"))
    assert "答复质量" in page.content.decode() and "内容过简" in page.content.decode()
    detail = login(world.staff_a).get(reverse("console:opinion_detail", args=[bad.opinion.pk]))
    assert "质量分" in detail.content.decode() and "未回应" in detail.content.decode()
    calm = login(world.staff_a).get(reverse("console:opinion_detail", args=[good.opinion.pk]))
    assert "未发现问题" in calm.content.decode()
    deputy = login(world.deputy_user_a).get(reverse("console:opinion_detail", args=[bad.opinion.pk]))
    assert deputy.status_code == 200 and "质量分" not in deputy.content.decode()


def test_trends_owner_member_outsider(world, login, checked, django_assert_max_num_queries):
    client = login(world.staff_a)
    with django_assert_max_num_queries(12):
        page = client.get(TRENDS)
    assert page.status_code == 200
    data = page.context["data"]
    assert data["total"] == 2 and "路灯" in [k["word"] for k in data["keywords"]]
    assert 'id="analysis-data"' in page.content.decode() and "echarts.min.js" in page.content.decode()
    weekly = client.get(TRENDS, {"unit": "week", "division": world.county_a.code})
    assert weekly.context["data"]["total"] == 2 and weekly.context["division"] == world.county_a
    assert login(world.station_staff_a).get(TRENDS).context["data"]["total"] == 2
    outsider = login(world.staff_b).get(TRENDS, {"division": world.county_a.code})
    assert outsider.context["division"] is None and outsider.context["data"]["total"] == 0
    assert "还没有群众意见" in outsider.content.decode()
    assert login(world.handler_a).get(TRENDS).status_code == 403


def test_monthly_generate_view_download(world, login, checked, django_assert_max_num_queries):
    month = timezone.localdate().strftime("%Y-%m")
    client = login(world.staff_a)
    empty = client.get(MONTHLY, {"month": month})
    assert empty.status_code == 200 and empty.context["data"] is None and "立即生成" in empty.content.decode()
    response = client.post(reverse("console:analysis_monthly_generate"), {"month": month})
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.congress == world.congress_a and report.generated_by == world.staff_a
    with django_assert_max_num_queries(12):
        page = client.get(MONTHLY, {"month": month})
    body = page.content.decode()
    assert "主要问题" in body and "答复较慢的承办单位" in body and "群众不满意事项" in body and "重新生成" in body
    pdf = client.get(reverse("console:analysis_monthly_pdf"), {"month": month})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(reverse("console:analysis_monthly_xlsx"), {"month": month})
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert len(wb.sheetnames) == 8 and wb.worksheets[0]["A1"].value == report.data["title"]
    # the outsider asking for county A's congress gets their own (empty) one
    other = login(world.staff_b).get(MONTHLY, {"month": month, "congress": world.congress_a.pk})
    assert other.context["congress"] == world.congress_b and other.context["data"] is None
    assert login(world.staff_b).get(reverse("console:analysis_monthly_pdf"), {"month": month}).status_code == 404


def test_monthly_for_station_staff_is_their_station_live(world, login, checked, django_assert_max_num_queries):
    month = timezone.localdate().strftime("%Y-%m")
    client = login(world.station_staff_a)
    with django_assert_max_num_queries(30):  # built live: a fixed number of aggregate queries
        page = client.get(MONTHLY, {"month": month})
    assert page.status_code == 200 and page.context["station"] == world.station_a
    assert page.context["data"]["totals"]["received"] == 2 and not page.context["can_generate"]
    assert client.post(reverse("console:analysis_monthly_generate"), {"month": month}).status_code == 403
    assert client.get(reverse("console:analysis_monthly_xlsx"), {"month": month}).status_code == 200
    for user in (world.handler_a, world.deputy_user_a):
        assert login(user).get(MONTHLY).status_code == 403


def test_navigation_entries(world, login):
    page = login(world.staff_a).get(reverse("console:home"))
    body = page.content.decode()
    assert QUALITY in body and TRENDS in body and MONTHLY in body
    assert TRENDS not in login(world.handler_a).get(reverse("console:home")).content.decode()
