from io import BytesIO

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook

from renda.core.lists import Column, ListSpec, active_filter, field_filter, run_list
from renda.registry.models import Station, StationKind


@pytest.fixture
def spec():
    return ListSpec(
        title="家站点",
        columns=[Column("编号", lambda s: s.code, link=True), Column("名称", lambda s: s.name)],
        search_fields=["name", "address"],
        filters=[field_filter("kind", "类型", StationKind.choices), active_filter()],
        export_name="家站点",
        detail_url="console:station_detail",
    )


def run(spec, **params):
    return run_list(RequestFactory().get("/x/", params), Station.objects.order_by("code"), spec)


@pytest.mark.django_db
class TestRunList:
    def test_search_and_filters(self, world, spec):
        assert [o.code for o, _ in run(spec, q="长安")["rows"]] == ["ST001"]
        assert [o.code for o, _ in run(spec, q="向阳区建设路")["rows"]] == ["ST002"]
        ctx = run(spec, kind="station")
        assert [o.code for o, _ in ctx["rows"]] == ["ST002"]
        assert ctx["filtered"] and ctx["filters"][0].value == "station"

    def test_unknown_filter_value_is_ignored(self, world, spec):
        ctx = run(spec, kind="<script>", active="maybe")
        assert len(ctx["rows"]) == 2
        assert not ctx["filtered"]
        assert [f.value for f in ctx["filters"]] == ["", ""]

    def test_active_filter(self, world, spec):
        Station.objects.filter(code="ST002").update(is_active=False)
        assert [o.code for o, _ in run(spec, active="1")["rows"]] == ["ST001"]
        assert [o.code for o, _ in run(spec, active="0")["rows"]] == ["ST002"]

    def test_pagination_keeps_filters(self, world, spec, settings):
        settings.RENDA_PAGE_SIZE = 1
        ctx = run(spec, q="街道", kind="", page="2")
        assert ctx["page"].number == 2 and ctx["page"].paginator.num_pages == 2
        assert "q=%E8%A1%97%E9%81%93" in ctx["keep_query"] and "page" not in ctx["keep_query"]
        assert ctx["export_query"].endswith("format=xlsx")

    def test_bad_page_number_never_raises(self, world, spec):
        assert run(spec, page="abc")["page"].number == 1
        assert run(spec, page="999")["page"].number == 1  # the last page

    def test_export_is_filtered(self, world, spec):
        response = run(spec, kind="home", format="xlsx")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        rows = list(load_workbook(BytesIO(response.content)).active.values)
        assert rows == [("编号", "名称"), ("ST001", "长安街道人大代表之家")]
