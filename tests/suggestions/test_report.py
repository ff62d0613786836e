"""The annual handling report: xlsx and PDF open, their totals are the figures, access is scoped."""

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from renda.suggestions import figures as sf
from renda.suggestions import report
from renda.suggestions import services as ss

from .conftest import submitted
from .test_figures import build_figures_world


@pytest.fixture
def rw(world, sw):
    fw = build_figures_world(world, sw)
    topic = ss.key_topic_create(actor=world.staff_a, congress=world.congress_a, title="城市更新", leader="李主任")
    ss.suggestion_mark_key(actor=world.staff_a, suggestion=fw.s2, topic=topic)
    ss.suggestion_decline(
        actor=world.staff_a, suggestion=submitted(world, sw, title="不予立案的"), reason="不属于职权范围"
    )
    return fw


def test_build_totals_match_figures(world, sw, rw):
    data = report.build(world.congress_a, 2026)
    figs = sf.figures_for(sf.suggestion_set(None, congress=world.congress_a, year=2026))
    assert data.figures == figs
    assert (data.received, data.registered, data.declined, data.key) == (8, 6, 1, 1)
    assert [s.title for s in data.sessions] == [sw.session.title]
    assert sum(f.suggestions for _, f in data.by_category) == 6
    assert {name: f.suggestions for name, f in data.by_category} == {"城乡建设": 4, "教育科技": 2}
    units = {name: f for _, name, f in data.by_unit}
    assert units[world.agency_a.name].on_time.numerator == 3
    (key,) = data.key_lines
    assert key.suggestion == rw.s2 and key.lead == world.agency_a2.name
    assert key.result == "A类 已解决或基本解决" and key.evaluation == "基本满意（第2轮）"
    assert key.commitments_open == 1
    assert len(data.lines) == 6


def test_xlsx_opens_with_the_same_totals(world, sw, rw):
    data = report.build(world.congress_a, 2026)
    wb = load_workbook(BytesIO(report.report_xlsx(data)))
    assert wb.sheetnames == ["总体情况", "按承办单位", "按类别", "重点督办建议", "建议清单"]
    summary = {row[0]: row[1] for row in wb["总体情况"].iter_rows(values_only=True) if row and row[0]}
    assert summary["立案"] == 6 and summary["不予立案"] == 1
    assert summary["满意率（最终评价）"] == "75.0%（3/4）"
    units = list(wb["按承办单位"].iter_rows(values_only=True))
    headers = units[0]
    total = dict(zip(headers, units[1], strict=True))
    assert total["承办单位"] == "合计" and total["建议件数"] == 6
    assert (total["按时答复率（分子）"], total["按时答复率（分母）"]) == (5, 7)
    assert (total["A类"], total["B类"], total["未落实承诺事项"]) == (3, 1, 1)
    assert len(list(wb["建议清单"].iter_rows())) == 7
    key_rows = list(wb["重点督办建议"].iter_rows(values_only=True))
    assert key_rows[1][2] == "建议二" and key_rows[1][7] == "城市更新"


def test_pdf_opens_offline(world, sw, rw):
    pdf = report.report_pdf(report.build(world.congress_a, 2026))
    assert pdf.startswith(b"%PDF")
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2  # the key suggestions start a page
    assert b"STSong-Light" in pdf


def test_empty_year_still_renders(world, sw):
    data = report.build(world.congress_a, 2026)
    assert data.registered == 0 and data.figures.satisfaction.rate is None
    assert report.report_pdf(data).startswith(b"%PDF")
    load_workbook(BytesIO(report.report_xlsx(data)))


def test_views_owner_downloads(world, sw, rw, login):
    client = login(world.staff_a)
    url = reverse("console:suggestion_report")
    page = client.get(url, {"congress": world.congress_a.pk, "year": 2026})
    assert page.status_code == 200 and "建议办理情况报告" in page.content.decode()
    xlsx = client.get(url, {"congress": world.congress_a.pk, "year": 2026, "format": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    load_workbook(BytesIO(xlsx.content))
    pdf = client.get(url, {"congress": world.congress_a.pk, "year": 2026, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(url, {"congress": world.congress_a.pk, "year": "x"}).status_code == 200


def test_views_member_and_outsider(world, sw, rw, login):
    url = reverse("console:suggestion_report")
    for member in (world.handler_a, world.deputy_user_a, world.station_staff_a):
        assert login(member).get(url).status_code == 403
    outsider = login(world.staff_b)
    assert outsider.get(url, {"congress": world.congress_a.pk, "format": "pdf"}).status_code == 404
