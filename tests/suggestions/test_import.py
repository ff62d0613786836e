"""Importing a session's suggestions from xlsx: good file, every bad row listed with nothing written,
re-import changes nothing, and only congress staff of the congress may import."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from renda.core.models import Notification
from renda.handling.models import AssignmentRole, Case, CaseEvent, CaseState, EventKind
from renda.suggestions import imports
from renda.suggestions.models import CoSignStatus, Suggestion, SuggestionSession

from .conftest import registered

HEADERS = ["编号", "标题", "领衔代表", "附议代表", "类别", "内容", "会次", "类型", "主办单位", "协办单位"]


def xlsx(rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def good_rows(world, sw):
    session = sw.session.title
    return [
        ["0001", "关于老旧小区改造的建议", world.deputy_a.name, sw.deputy_a2.name, "城乡建设", "管网老化。", session,
         "建议", world.agency_a.name, world.agency_a2.code],
        [2, "关于增设公交线路的建议", sw.deputy_a2.number, "", "", "公交不便。", session, "", "", ""],
        ["第0005号", "关于学校扩容的建议", world.deputy_a.number, "", "教育科技", "学位紧张。", session, "建议", "", ""],
    ]  # fmt: skip


def _run(world, rows, actor=None):
    return imports.suggestions_import(actor=actor or world.staff_a, congress=world.congress_a, data=xlsx(rows))


def test_good_file_registers_and_assigns(world, sw):
    result = _run(world, good_rows(world, sw))
    assert result.ok, result.messages
    assert (result.created, result.unchanged, result.assigned) == (3, 0, 1)
    by_number = {s.number: s for s in Suggestion.objects.select_related("case")}
    assert sorted(by_number) == [1, 2, 5]
    first = by_number[1]
    assert first.case.state == CaseState.ASSIGNED and first.registered_at is not None
    assert first.proposer == world.deputy_a and first.created_by == world.staff_a
    roles = dict(first.case.assignments.values_list("agency_id", "role"))
    assert roles == {world.agency_a.pk: AssignmentRole.LEAD, world.agency_a2.pk: AssignmentRole.CO}
    assert first.cosigners.get().status == CoSignStatus.CONFIRMED
    kinds = list(first.case.events.values_list("kind", flat=True))
    assert kinds[:3] == [EventKind.SUBMIT, EventKind.ACCEPT, EventKind.ASSIGN]
    assert by_number[2].proposer == sw.deputy_a2 and by_number[2].case.state == CaseState.ACCEPTED
    assert by_number[5].category.name == "教育科技"
    # The session's counter continues after the highest imported number.
    assert SuggestionSession.objects.get(pk=sw.session.pk).last_number == 5
    assert registered(world, sw).number == 6


def test_reimport_changes_nothing(world, sw):
    rows = good_rows(world, sw)
    assert _run(world, rows).created == 3
    counts = (Suggestion.objects.count(), Case.objects.count(), CaseEvent.objects.count(), Notification.objects.count())
    again = _run(world, rows)
    assert again.ok and (again.created, again.unchanged) == (0, 3)
    assert counts == (
        Suggestion.objects.count(),
        Case.objects.count(),
        CaseEvent.objects.count(),
        Notification.objects.count(),
    )
    # A new row added to the same file is imported on its own.
    rows.append([7, "新增一件", world.deputy_a.name, "", "", "内容", sw.session.title, "", "", ""])
    third = _run(world, rows)
    assert (third.created, third.unchanged) == (1, 3)


def test_bad_rows_all_listed_nothing_written(world, sw):
    existing = registered(world, sw, title="已有建议")  # 第0001号
    session = sw.session.title
    rows = [
        ["1", "标题不同", world.deputy_a.name, "", "", "内容", session, "", "", ""],  # 2: number taken
        ["abc", "", "查无此人", "", "无此类", "内容", "不存在的会次", "提案", "", ""],  # 3: five problems
        ["3", "正常一行", world.deputy_a.name, world.deputy_a.name, "", "内容", session, "", "", "无此单位"],  # 4
        ["3", "同号", world.deputy_a.name, "", "", "内容", session, "", "", ""],  # 5: duplicate of row 4
        ["4", "议案", world.deputy_a.name, sw.deputy_a2.name, "", "内容", session, "议案", world.agency_a.name, ""],  # 6
        ["5", "外区代表", world.deputy_b.name, "", "", "内容", session, "", world.agency_b.name, ""],  # 7
    ]  # fmt: skip
    result = _run(world, rows)
    assert not result.ok
    found = {(e["row"], e["column"]) for e in result.errors}
    assert {(2, "编号"), (3, "编号"), (3, "标题"), (3, "领衔代表"), (3, "类别"), (3, "会次"), (3, "类型")} <= found
    assert {(4, "附议代表"), (4, "协办单位"), (5, "编号"), (6, "主办单位"), (6, "附议代表")} <= found
    assert {(7, "领衔代表"), (7, "主办单位")} <= found
    assert any("已是另一件建议" in m for m in result.messages)
    assert any(m.startswith("第 3 行「领衔代表」") for m in result.messages)
    assert Suggestion.objects.count() == 1 and Case.objects.count() == 1
    assert SuggestionSession.objects.get(pk=sw.session.pk).last_number == existing.number


def test_file_problems(world, sw):
    missing = imports.suggestions_import(
        actor=world.staff_a, congress=world.congress_a, data=xlsx([["1", "标题"]], headers=["编号", "标题"])
    )
    assert not missing.ok and "缺少必需的列" in missing.messages[0]
    broken = imports.suggestions_import(actor=world.staff_a, congress=world.congress_a, data=b"%PDF-1.4 nonsense")
    assert not broken.ok and "PDF" in broken.messages[0]
    example = [str(c.example) for c in imports.COLUMNS]
    only_example = _run(world, [example])
    assert not only_example.ok and only_example.notes


def test_template_round_trip(world, sw, login):
    response = login(world.staff_a).get(reverse("console:suggestion_import_template"))
    assert response.status_code == 200
    wb = load_workbook(BytesIO(response.content))
    assert [c.value for c in wb.active[1]] == HEADERS
    assert "说明" in wb.sheetnames


# --- permissions -----------------------------------------------------------------------------------


def test_service_refuses_outsiders(world, sw):
    for actor in (world.staff_b, world.handler_a, world.deputy_user_a, world.station_staff_a):
        with pytest.raises(PermissionDenied):
            _run(world, good_rows(world, sw), actor=actor)
    assert Suggestion.objects.count() == 0


def _post(client, world, sw):
    upload = SimpleUploadedFile("建议.xlsx", xlsx(good_rows(world, sw)))
    return client.post(reverse("console:suggestion_import"), {"congress": world.congress_a.pk, "file": upload})


def test_page_owner_member_outsider(world, sw, login):
    url = reverse("console:suggestion_import")
    owner = login(world.staff_a)
    assert owner.get(url).status_code == 200
    response = _post(owner, world, sw)
    assert response.status_code == 200 and "导入完成" in response.content.decode()
    assert Suggestion.objects.count() == 3
    for member in (world.handler_a, world.deputy_user_a, world.station_staff_a):
        client = login(member)
        assert client.get(url).status_code == 403
        assert _post(client, world, sw).status_code == 403
        assert client.get(reverse("console:suggestion_import_template")).status_code == 403
    assert _post(login(world.staff_b), world, sw).status_code == 404
    assert Suggestion.objects.count() == 3


def test_page_lists_errors(world, sw, login):
    rows = [["x", "", world.deputy_a.name, "", "", "内容", sw.session.title, "", "", ""]]
    upload = SimpleUploadedFile("bad.xlsx", xlsx(rows))
    response = login(world.staff_a).post(
        reverse("console:suggestion_import"), {"congress": world.congress_a.pk, "file": upload}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "没有导入任何数据" in body and "第 2 行「编号」" in body
    assert Suggestion.objects.count() == 0


def test_large_file_goes_to_the_worker(world, sw, login, monkeypatch):
    monkeypatch.setattr(imports, "SYNC_ROWS", 1)
    checked = imports.suggestions_check(actor=world.staff_a, congress=world.congress_a, data=xlsx(good_rows(world, sw)))
    assert checked.ok and checked.pending == 3 and Suggestion.objects.count() == 0
    response = _post(login(world.staff_a), world, sw)  # the test task backend runs the task at once
    assert response.status_code == 200 and "导入完成" in response.content.decode()
    assert Suggestion.objects.count() == 3


def test_status_of_unknown_import_is_404(world, sw, login):
    url = reverse("console:suggestion_import_status", args=["no-such-id"])
    assert login(world.staff_a).get(url).status_code == 404
    assert login(world.handler_a).get(url).status_code == 403
