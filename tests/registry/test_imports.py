"""Bulk import of deputies, stations and agencies (.xlsx / .csv)."""

import csv
import datetime
import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from renda.core.audit import history_for
from renda.registry import services as reg
from renda.registry.imports import specs
from renda.registry.imports.runner import _move, format_error, import_job_create, import_job_run
from renda.registry.models import Agency, Deputy, Mandate, Station, StationDeputy
from renda.registry.models_import import ImportJob, ImportStatus

pytestmark = pytest.mark.django_db

DEPUTY_HEADERS = [
    "代表编号",
    "姓名",
    "性别",
    "出生日期",
    "手机号",
    "身份证号",
    "人大层级",
    "行政区划代码",
    "届次",
    "选区",
    "家站点编号",
]
ID_1 = "990102198501010017"
ID_2 = "990102199002020020"
DEPUTY_ROWS = [
    ["", "陈𠙶明", "男", "1985-01-01", "13800001111", ID_1, "县级", "990102", "17", "第二选区", "ST001"],
    ["", "刘芳", "女", "1990-02-02", "", ID_2, "县级", "990102", "17", "", ""],
    ["D8000001", "孙强", "男", "", "", "", "县级", "990102", "第17届", "第五选区", ""],
]
STATION_HEADERS = [
    "编号",
    "名称",
    "类型",
    "行政区划代码",
    "专业特色",
    "地址",
    "经度",
    "纬度",
    "开放时间",
    "面积（平方米）",
    "联系电话",
    "简介",
]
STATION_ROWS = [
    [
        "ST101",
        "光明社区代表联系点",
        "代表联系点",
        "990102001001",
        "",
        "光明社区服务中心",
        "130.31",
        "46.81",
        "",
        "60",
        "",
        "",
    ],
    [
        "ST102",
        "长安街道代表联络站",
        "代表联络站",
        "990102001",
        "生态",
        "长安街 9 号",
        "",
        "",
        "每周三",
        "",
        "0454-1234567",
        "简介",
    ],
]
AGENCY_HEADERS = ["单位编号", "名称", "类型", "人大行政区划代码", "上级单位编号", "联系人", "联系电话"]
AGENCY_ROWS = [
    # the child comes before its parent: the import orders them
    ["AG102", "东风区教育局", "政府工作部门", "990102", "AG101", "李明", "0454-6666666"],
    ["AG101", "东风区人民政府", "人民政府", "990102", "", "", ""],
]


def xlsx_upload(headers, rows, name="导入.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def csv_upload(headers, rows, *, encoding="utf-8-sig", name="导入.csv"):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buf.getvalue().encode(encoding))


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    def _run(actor, kind, upload):
        with django_capture_on_commit_callbacks(execute=True):
            job = import_job_create(actor=actor, kind=kind, uploaded_file=upload)
        job.refresh_from_db()
        return job

    return _run


class TestDeputies:
    def test_xlsx_creates_then_reimport_only_updates(self, world, run_import):
        before = Deputy.objects.count()
        job = run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, DEPUTY_ROWS))
        assert job.status == ImportStatus.DONE, job.errors
        assert (job.total_rows, job.processed_rows, job.created_count, job.updated_count) == (3, 3, 3, 0)
        assert Deputy.objects.count() == before + 3

        chen = Deputy.objects.get(id_number=ID_1)
        assert chen.name == "陈𠙶明" and chen.gender == "M" and chen.birth_date == datetime.date(1985, 1, 1)
        mandate = Mandate.objects.get(deputy=chen)
        assert mandate.congress == world.congress_a and mandate.constituency == "第二选区"
        assert StationDeputy.objects.filter(deputy=chen, station=world.station_a, left_on=None).exists()
        assert [e.action for e in history_for(chen)] == ["registry.deputy.create"]
        assert [e.actor for e in history_for(chen)] == [world.staff_a]
        assert Deputy.objects.get(number="D8000001").name == "孙强"

        counts = (Deputy.objects.count(), Mandate.objects.count(), StationDeputy.objects.count())
        again = run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, DEPUTY_ROWS))
        assert again.status == ImportStatus.DONE
        assert (again.created_count, again.updated_count) == (0, 3)
        assert (Deputy.objects.count(), Mandate.objects.count(), StationDeputy.objects.count()) == counts

    def test_reimport_updates_changed_values_and_keeps_blank_cells(self, world, run_import):
        run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, DEPUTY_ROWS))
        changed = [list(r) for r in DEPUTY_ROWS[:1]]
        changed[0][1] = "陈明"
        changed[0][4] = ""  # blank phone: keeps the recorded one
        changed[0][9] = "第九选区"
        job = run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, changed))
        assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 1)
        chen = Deputy.objects.get(id_number=ID_1)
        assert chen.name == "陈明" and chen.phone == "13800001111"
        assert Mandate.objects.get(deputy=chen).constituency == "第九选区"

    def test_csv_happy_path(self, world, run_import):
        job = run_import(world.staff_a, "deputies", csv_upload(DEPUTY_HEADERS, DEPUTY_ROWS))
        assert (job.status, job.created_count) == (ImportStatus.DONE, 3), job.errors

    def test_gb18030_csv(self, world, run_import):
        job = run_import(world.staff_a, "deputies", csv_upload(DEPUTY_HEADERS, DEPUTY_ROWS, encoding="gb18030"))
        assert job.status == ImportStatus.DONE, job.errors
        assert Deputy.objects.filter(name="陈𠙶明").exists()  # non-BMP character survives GB18030

    def test_excel_native_dates_and_numbers(self, world, run_import):
        row = ["", "周敏", "女", datetime.datetime(1979, 5, 6), 13700001234, ID_2, "县级", 990102, 17, "", ""]
        job = run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, [row]))
        assert job.status == ImportStatus.DONE, job.errors
        zhou = Deputy.objects.get(id_number=ID_2)
        assert zhou.birth_date == datetime.date(1979, 5, 6) and zhou.phone == "13700001234"

    def test_one_bad_row_writes_nothing_and_names_the_row(self, world, run_import):
        rows = [list(r) for r in DEPUTY_ROWS]
        rows[1][2] = "未知"  # spreadsheet row 3
        before = (Deputy.objects.count(), Mandate.objects.count())
        job = run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, rows))
        assert job.status == ImportStatus.FAILED
        assert job.errors == [{"row": 3, "column": "性别", "message": "应为“男”或“女”"}]
        assert format_error(job.errors[0]) == "第 3 行「性别」：应为“男”或“女”"
        assert (Deputy.objects.count(), Mandate.objects.count()) == before
        assert (job.created_count, job.updated_count) == (0, 0)

    def test_every_problem_is_reported(self, world, run_import):
        rows = [
            ["", "", "男", "1985-13-01", "12345", "990102198501010018", "村级", "990102", "17", "", "NOPE"],
            ["", "甲", "女", "", "", "", "县级", "990102", "3", "", ""],
            ["", "乙", "女", "", "", "", "市级", "990102", "17", "", ""],
            ["", "丙", "女", "", "", ID_2, "县级", "123456", "17", "", ""],
        ]
        job = run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, rows))
        assert job.status == ImportStatus.FAILED
        found = {(e["row"], e["column"]) for e in job.errors}
        assert {
            (2, "姓名"),
            (2, "出生日期"),
            (2, "手机号"),
            (2, "身份证号"),
            (2, "人大层级"),
            (2, "家站点编号"),
        } <= found
        assert (3, "身份证号") in found  # neither 身份证号 nor 代表编号
        assert any(e["row"] == 3 and "请填写身份证号或代表编号" in e["message"] for e in job.errors)
        assert any(e["row"] == 4 and "身份证号或代表编号" in e["message"] for e in job.errors)
        assert (4, "人大层级") in found  # 990102 is a county congress, not a city one
        assert any(e["row"] == 5 and e["column"] == "行政区划代码" and "不存在" in e["message"] for e in job.errors)
        messages = " ".join(e["message"] for e in job.errors)
        assert "校验位不正确" in messages and "必填" in messages

    def test_unknown_term(self, world, run_import):
        row = ["", "甲", "女", "", "", ID_1, "县级", "990102", "3", "", ""]
        job = run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, [row]))
        assert job.errors == [{"row": 2, "column": "届次", "message": "东风区人民代表大会第3届尚未建立，请先添加届次"}]

    def test_duplicate_natural_key_in_file(self, world, run_import):
        rows = [DEPUTY_ROWS[0], DEPUTY_ROWS[1], [*DEPUTY_ROWS[0][:1], "另一人", *DEPUTY_ROWS[0][2:]]]
        job = run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, rows))
        assert job.status == ImportStatus.FAILED
        assert job.errors == [
            {"row": 4, "column": "身份证号", "message": "与第 2 行重复：同一身份证号在文件中只能出现一次"}
        ]
        assert not Deputy.objects.filter(id_number=ID_1).exists()

    def test_county_staff_cannot_touch_other_county(self, world, run_import):
        row_b = ["", "甲", "女", "", "", ID_1, "县级", "990103", "17", "", ""]
        row_station_b = ["", "乙", "女", "", "", ID_2, "县级", "990102", "17", "", "ST002"]
        row_deputy_b = [world.deputy_b.number, "李向阳", "男", "", "", "", "县级", "990102", "17", "", ""]
        job = run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, [row_b, row_station_b, row_deputy_b]))
        assert job.status == ImportStatus.FAILED
        assert [(e["row"], e["column"]) for e in job.errors] == [
            (2, "行政区划代码"),
            (3, "家站点编号"),
            (4, "代表编号"),
        ]
        assert all("管辖范围" in e["message"] for e in job.errors)
        # the administrator may import anywhere
        job = run_import(world.admin, "deputies", xlsx_upload(DEPUTY_HEADERS, [row_b]))
        assert job.status == ImportStatus.DONE, job.errors


class TestStations:
    def test_xlsx_and_csv(self, world, run_import):
        job = run_import(world.staff_a, "stations", xlsx_upload(STATION_HEADERS, STATION_ROWS))
        assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 2, 0), job.errors
        point = Station.objects.get(code="ST101")
        assert point.kind == "point" and point.division == world.village_a and point.latitude == 46.81
        assert str(point.area_m2) == "60.0" and point.checklist.count() == 6  # through station_create
        rows = [list(r) for r in STATION_ROWS]
        rows[1][5] = "长安街 10 号"
        job = run_import(world.staff_a, "stations", csv_upload(STATION_HEADERS, rows))
        assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 2), job.errors
        assert Station.objects.get(code="ST102").address == "长安街 10 号"
        assert Station.objects.filter(code__in=["ST101", "ST102"]).count() == 2

    def test_range_and_pairing_checks(self, world, run_import):
        rows = [
            ["ST101", "甲", "代表联系点", "990102001", "", "地址", "46.8", "130.3", "", "-1", "", ""],
            ["ST102", "乙", "代表中心", "990102001", "", "", "130.3", "", "", "", "abc", ""],
        ]
        job = run_import(world.staff_a, "stations", xlsx_upload(STATION_HEADERS, rows))
        found = {(e["row"], e["column"]) for e in job.errors}
        assert found == {(2, "纬度"), (2, "面积（平方米）"), (3, "类型"), (3, "地址"), (3, "纬度"), (3, "联系电话")}

    def test_scope(self, world, run_import):
        in_b = ["ST201", "向阳联络站", "代表联络站", "990103001", "", "向阳区", "", "", "", "", "", ""]
        take_over_b = ["ST002", "改名", "代表联络站", "990102001", "", "东风区", "", "", "", "", "", ""]
        job = run_import(world.staff_a, "stations", xlsx_upload(STATION_HEADERS, [in_b, take_over_b]))
        assert job.status == ImportStatus.FAILED
        assert [(e["row"], e["column"]) for e in job.errors] == [(2, "行政区划代码"), (3, "编号")]
        assert "不在您的管辖范围内" in job.errors[0]["message"]
        assert not Station.objects.filter(code="ST201").exists()
        assert Station.objects.get(code="ST002").name == "建设街道代表联络站"

    def test_progress_is_saved_for_larger_files(self, world, run_import):
        rows = [
            [f"S{i:05d}", f"联系点{i}", "代表联系点", "990102001", "", "地址", "", "", "", "", "", ""]
            for i in range(250)
        ]
        job = run_import(world.staff_a, "stations", csv_upload(STATION_HEADERS, rows))
        assert (job.status, job.total_rows, job.processed_rows, job.created_count) == (ImportStatus.DONE, 250, 250, 250)

    def test_failure_while_writing_rolls_everything_back(self, world, run_import, monkeypatch):
        real = reg.station_create

        def flaky(*, actor, **fields):
            if fields["code"] == "ST102":
                raise ValidationError({"name": "名称与其他家站点冲突"})
            return real(actor=actor, **fields)

        monkeypatch.setattr(reg, "station_create", flaky)
        job = run_import(world.staff_a, "stations", xlsx_upload(STATION_HEADERS, STATION_ROWS))
        assert job.status == ImportStatus.FAILED
        assert job.errors == [{"row": 3, "column": "名称", "message": "名称与其他家站点冲突"}]
        assert not Station.objects.filter(code__in=["ST101", "ST102"]).exists()


class TestAgencies:
    def test_xlsx_parent_in_same_file_and_reimport(self, world, run_import):
        job = run_import(world.staff_a, "agencies", xlsx_upload(AGENCY_HEADERS, AGENCY_ROWS))
        assert (job.status, job.created_count) == (ImportStatus.DONE, 2), job.errors
        child = Agency.objects.get(code="AG102")
        assert child.parent.code == "AG101" and child.congress == world.congress_a and child.kind == "department"
        job = run_import(world.staff_a, "agencies", csv_upload(AGENCY_HEADERS, AGENCY_ROWS))
        assert (job.status, job.created_count, job.updated_count) == (ImportStatus.DONE, 0, 2), job.errors

    def test_cycle_unknown_parent_and_scope(self, world, run_import):
        rows = [
            ["AG201", "甲", "其他单位", "990102", "AG202", "", ""],
            ["AG202", "乙", "其他单位", "990102", "AG201", "", ""],
            ["AG203", "丙", "其他单位", "990102", "AG999", "", ""],
            ["AG204", "丁", "其他单位", "990103", "", "", ""],
            ["AG002", "改名", "其他单位", "990102", "", "", ""],
        ]
        job = run_import(world.staff_a, "agencies", xlsx_upload(AGENCY_HEADERS, rows))
        assert job.status == ImportStatus.FAILED
        found = {(e["row"], e["column"]) for e in job.errors}
        assert (4, "上级单位编号") in found and (5, "人大行政区划代码") in found and (6, "单位编号") in found
        assert any("循环" in e["message"] for e in job.errors)
        assert not Agency.objects.filter(code__startswith="AG20").exists()


class TestFiles:
    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "空的"),
            (os.urandom(4096), "无法识别"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(64), "PNG"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
            (b"PK\x03\x04broken", "损坏"),
        ],
    )
    def test_unreadable_files_are_refused_at_upload(self, world, content, message):
        with pytest.raises(ValidationError, match=message):
            import_job_create(actor=world.staff_a, kind="deputies", uploaded_file=SimpleUploadedFile("x.xlsx", content))
        assert not ImportJob.objects.exists()

    def test_zip_that_is_not_a_workbook(self, world):
        buf = io.BytesIO()
        import zipfile

        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("word/document.xml", "<x/>")
        with pytest.raises(ValidationError, match="不是 Excel 工作簿"):
            import_job_create(
                actor=world.staff_a, kind="deputies", uploaded_file=SimpleUploadedFile("a.xlsx", buf.getvalue())
            )

    def test_oversize(self, world, settings):
        settings.RENDA_MAX_IMPORT_BYTES = 1024
        upload = csv_upload(STATION_HEADERS, STATION_ROWS * 20)
        with pytest.raises(ValidationError, match="文件不能超过 1 KB"):
            import_job_create(actor=world.staff_a, kind="stations", uploaded_file=upload)

    def test_missing_columns_listed(self, world, run_import):
        job = run_import(world.staff_a, "stations", xlsx_upload(["编号", "名称", "备注"], [["ST1", "x", "y"]]))
        assert job.status == ImportStatus.FAILED
        assert job.errors[0]["row"] == 1
        assert "缺少必需的列：类型、行政区划代码、地址" in job.errors[0]["message"]
        assert job.notes == ["以下列无法识别，已忽略：备注"]

    def test_extra_columns_are_ignored_with_a_note(self, world, run_import):
        job = run_import(world.staff_a, "stations", xlsx_upload([*STATION_HEADERS, "备注"], [[*STATION_ROWS[0], "x"]]))
        assert job.status == ImportStatus.DONE
        assert job.notes == ["以下列无法识别，已忽略：备注"]

    def test_header_only_and_blank_rows(self, world, run_import):
        job = run_import(world.staff_a, "stations", csv_upload(STATION_HEADERS, [["", ""], []]))
        assert job.status == ImportStatus.FAILED and "没有数据行" in job.errors[0]["message"]

    def test_text_file_with_binary_junk(self, world):
        with pytest.raises(ValidationError, match="无法识别"):
            import_job_create(
                actor=world.staff_a, kind="stations", uploaded_file=SimpleUploadedFile("a.csv", "编号\x01\x02".encode())
            )

    def test_unmodified_template_imports_nothing(self, world, run_import, login):
        response = login(world.staff_a).get(reverse("console:import_template", args=["stations"]))
        job = run_import(world.staff_a, "stations", SimpleUploadedFile("t.xlsx", response.content))
        assert job.status == ImportStatus.FAILED
        assert "示例" in job.notes[0]
        assert not Station.objects.filter(code="ST101").exists()

    def test_permission_checked_in_service(self, world):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            import_job_create(
                actor=world.station_staff_a, kind="stations", uploaded_file=csv_upload(STATION_HEADERS, STATION_ROWS)
            )


class TestJobStates:
    def test_transitions_are_guarded_and_run_is_idempotent(self, world, run_import):
        job = run_import(world.staff_a, "stations", xlsx_upload(STATION_HEADERS, STATION_ROWS))
        assert job.status == ImportStatus.DONE
        with pytest.raises(ValueError):
            _move(job, ImportStatus.IMPORTING)
        import_job_run(job_id=job.pk)  # a second run of a finished job does nothing
        job.refresh_from_db()
        assert job.status == ImportStatus.DONE and job.created_count == 2
        import_job_run(job_id=999999)  # unknown job: nothing happens

    def test_crash_becomes_system_error(self, world, run_import, monkeypatch):
        def boom(self, ctx, rows):
            raise RuntimeError("boom")

        monkeypatch.setattr(specs.StationSpec, "prepare", boom)
        job = run_import(world.staff_a, "stations", xlsx_upload(STATION_HEADERS, STATION_ROWS))
        assert job.status == ImportStatus.ERROR and job.finished_at
        assert "系统错误" in job.errors[0]["message"]


class TestViews:
    def test_upload_through_console_and_see_result(self, world, login, django_capture_on_commit_callbacks):
        client = login(world.staff_a)
        page = client.get(reverse("console:import_new", args=["deputies"]))
        assert page.status_code == 200 and "下载 Excel 模板" in page.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("console:import_new", args=["deputies"]),
                {"file": xlsx_upload(DEPUTY_HEADERS, DEPUTY_ROWS)},
            )
        job = ImportJob.objects.get()
        assert response.status_code == 302 and response.url == reverse("console:import_detail", args=[job.pk])
        detail = client.get(response.url).content.decode()
        assert "已完成" in detail and "新增 3 条" in detail and 'hx-trigger="every 1s"' not in detail
        listing = client.get(reverse("console:import_list")).content.decode()
        assert "导入.xlsx" in listing

    def test_errors_shown_with_row_numbers(self, world, login, run_import):
        rows = [list(r) for r in DEPUTY_ROWS]
        rows[2][2] = "X"
        job = run_import(world.staff_a, "deputies", xlsx_upload(DEPUTY_HEADERS, rows))
        html = login(world.staff_a).get(reverse("console:import_detail", args=[job.pk])).content.decode()
        assert "第 4 行" in html and "应为“男”或“女”" in html and "未导入" in html

    def test_bad_file_is_an_error_on_the_form(self, world, login):
        response = login(world.staff_a).post(
            reverse("console:import_new", args=["stations"]), {"file": SimpleUploadedFile("a.xlsx", os.urandom(500))}
        )
        assert response.status_code == 200 and "无法识别文件内容" in response.content.decode()
        assert not ImportJob.objects.exists()

    def test_unknown_kind_is_404(self, world, login):
        client = login(world.staff_a)
        assert client.get(reverse("console:import_new", args=["people"])).status_code == 404
        assert client.get(reverse("console:import_template", args=["people"])).status_code == 404

    def test_job_visibility(self, world, login, run_import, client):
        job = run_import(world.staff_a, "stations", xlsx_upload(STATION_HEADERS, STATION_ROWS))
        urls = [reverse("console:import_detail", args=[job.pk]), reverse("console:import_progress", args=[job.pk])]
        for url in urls:
            assert login(world.staff_a).get(url).status_code == 200  # owner
            assert login(world.admin).get(url).status_code == 200
            assert login(world.staff_b).get(url).status_code == 404  # outsider
            assert login(world.station_staff_a).get(url).status_code == 403  # member without the permission
            assert login(world.nobody).get(url).status_code == 403
        assert "导入.xlsx" not in login(world.staff_b).get(reverse("console:import_list")).content.decode()
        assert "导入.xlsx" in login(world.admin).get(reverse("console:import_list")).content.decode()
        client.logout()
        assert client.get(urls[0]).status_code == 302  # anonymous → login

    def test_progress_fragment_polls_only_while_running(self, world, login):
        job = ImportJob.objects.create(
            kind="stations",
            created_by=world.staff_a,
            status=ImportStatus.VALIDATING,
            total_rows=400,
            processed_rows=100,
            file="imports/x.csv",
        )
        client = login(world.staff_a)
        url = reverse("console:import_progress", args=[job.pk])
        html = client.get(url).content.decode()
        assert 'hx-trigger="every 1s"' in html and f'hx-get="{url}"' in html
        assert '<progress value="100" max="400"' in html and "25%" in html
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, processed_rows=400)
        html = client.get(url).content.decode()
        assert "hx-trigger" not in html and "导入成功" in html

    def test_templates_download(self, world, login):
        client = login(world.staff_a)
        for kind, spec in specs.SPECS.items():
            response = client.get(reverse("console:import_template", args=[kind]))
            assert response.status_code == 200
            wb = load_workbook(io.BytesIO(response.content))
            assert wb.sheetnames[1] == "说明"
            assert [c.value for c in wb.worksheets[0][1]] == spec.headers
            assert wb.worksheets[0].max_row >= 2  # the example row
            csv_response = client.get(reverse("console:import_template", args=[kind]) + "?format=csv")
            assert csv_response.content.startswith(b"\xef\xbb\xbf")
            assert csv_response.content.decode("utf-8-sig").splitlines()[0] == ",".join(spec.headers)
        assert (
            login(world.station_staff_a).get(reverse("console:import_template", args=["deputies"])).status_code == 403
        )
