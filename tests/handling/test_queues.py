"""The console work queues: who sees what, the row actions, exports and query counts."""

from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import load_workbook

from renda.core.workdays import add_working_days
from renda.handling import services as hs
from renda.handling.models import Assignment, AssignmentRole, AssignmentStatus, CaseState, ExtensionStatus
from tests.handling.queues_helpers import assigned, build, extension, forwarded, make_overdue

TRIAGE = reverse("console:triage")
INBOX = reverse("console:agency_inbox")
EXTENSIONS = reverse("console:extension_list")
SUPERVISION = reverse("console:supervision_list")


@pytest.fixture
def q(world):
    return build(world)


def xlsx_column(response, index: int = 0) -> list:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    return [row[index] for row in sheet.iter_rows(min_row=2, values_only=True)]


def flashed(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


# --- access: owner / member / outsider ---------------------------------------------------------


@pytest.mark.parametrize("url", [TRIAGE, INBOX, EXTENSIONS, SUPERVISION])
def test_nobody_and_anonymous(world, client, login, url):
    assert client.get(url).status_code == 302  # to login
    assert login(world.nobody).get(url).status_code == 403


@pytest.mark.parametrize("url", [TRIAGE, EXTENSIONS, SUPERVISION])
def test_staff_pages_refuse_other_roles(world, login, url):
    for user in (world.station_staff_a, world.deputy_user_a, world.handler_a):
        assert login(user).get(url).status_code == 403


def test_inbox_refuses_front_desk_roles(world, login):
    assert login(world.station_staff_a).get(INBOX).status_code == 403
    assert login(world.deputy_user_a).get(INBOX).status_code == 403


# --- 待交办 ------------------------------------------------------------------------------------


def test_triage_owner_and_outsider(world, login, q):
    page = login(world.staff_a).get(TRIAGE).content.decode()
    assert q.triage_a.tracking_code in page
    assert reverse("console:opinion_detail", args=[q.triage_a.pk]) in page
    assert q.triage_b.tracking_code not in page and q.assigned_a.tracking_code not in page
    page = login(world.staff_b).get(TRIAGE).content.decode()
    assert q.triage_b.tracking_code in page and q.triage_a.tracking_code not in page


def test_triage_filters_and_overdue(world, login, q):
    late = forwarded(world, "a", content="垃圾清运不及时，已经一个星期了。")
    make_overdue(late.case)
    client = login(world.staff_a)
    page = client.get(TRIAGE, {"overdue": "1"}).content.decode()
    assert late.tracking_code in page and q.triage_a.tracking_code not in page
    assert "已超期" in page and "overdue" in page
    page = client.get(TRIAGE, {"q": "垃圾清运"}).content.decode()
    assert late.tracking_code in page and q.triage_a.tracking_code not in page
    assert q.triage_a.tracking_code in client.get(TRIAGE, {"division": world.county_a.path}).content.decode()
    assert q.triage_a.tracking_code not in client.get(TRIAGE, {"reopened": "1"}).content.decode()
    # An unknown division (out of scope) is ignored, never a 500.
    assert client.get(TRIAGE, {"division": world.county_b.path, "page": "x"}).status_code == 200


def test_triage_export_is_scoped(world, login, q):
    codes = xlsx_column(login(world.staff_a).get(TRIAGE, {"format": "xlsx"}))
    assert codes == [q.triage_a.tracking_code]
    codes = xlsx_column(login(world.staff_b).get(TRIAGE, {"format": "xlsx"}))
    assert codes == [q.triage_b.tracking_code]


def test_triage_batch_assign(world, login, q):
    other = forwarded(world, "a")
    client = login(world.staff_a)
    data = {
        "ids": [q.triage_a.pk, other.pk, q.triage_b.pk],
        f"version_{q.triage_a.pk}": q.triage_a.case.version,
        f"version_{other.pk}": other.case.version - 1,  # stale: someone acted meanwhile
        "lead": world.agency_a.pk,
        "instructions": "请尽快处理",
    }
    response = client.post(reverse("console:triage_assign"), data)
    assert response.status_code == 302
    text = flashed(response)
    assert "已交办 1 件" in text and "2 件未能交办" in text and "已被他人处理" in text
    q.triage_a.case.refresh_from_db()
    other.case.refresh_from_db()
    q.triage_b.case.refresh_from_db()
    assert q.triage_a.case.state == CaseState.ASSIGNED
    assert other.case.state == CaseState.ACCEPTED and q.triage_b.case.state == CaseState.ACCEPTED


def test_triage_batch_assign_refuses_outside_agency(world, login, q):
    response = login(world.staff_a).post(
        reverse("console:triage_assign"), {"ids": [q.triage_a.pk], "lead": world.agency_b.pk}
    )
    assert "请选择主办单位" in flashed(response)
    assert login(world.staff_a).post(reverse("console:triage_assign"), {"lead": world.agency_a.pk}).status_code == 302
    assert login(world.handler_a).post(reverse("console:triage_assign"), {}).status_code == 403


# --- 承办件 ------------------------------------------------------------------------------------


def test_inbox_handler_sees_own_agency_only(world, login, q):
    client = login(world.handler_a2)
    page = client.get(INBOX).content.decode()  # 待签收: agency_a2's co-assignment
    assert q.assigned_a.tracking_code in page and "协办" in page and "签收" in page
    assert q.assigned_b.tracking_code not in page
    assert q.assigned_a.tracking_code not in client.get(INBOX, {"tab": "signed"}).content.decode()
    page = login(world.handler_a).get(INBOX, {"tab": "signed"}).content.decode()
    assert q.assigned_a.tracking_code in page and "主办" in page
    assert q.assigned_a.tracking_code not in login(world.handler_b).get(INBOX).content.decode()


def test_inbox_staff_view_without_sign_button(world, login, q):
    page = login(world.staff_a).get(INBOX).content.decode()
    assert q.assigned_a.tracking_code in page and q.assigned_b.tracking_code not in page
    assert reverse("console:assignment_sign", args=[q.assigned_a.case.assignments.get(role="co").pk]) not in page
    assert q.assigned_b.tracking_code in login(world.staff_b).get(INBOX).content.decode()


def test_inbox_export_scoped(world, login, q):
    response = login(world.handler_a2).get(INBOX, {"format": "xlsx", "tab": "pending"})
    assert xlsx_column(response, 2) == [world.agency_a2.name]
    response = login(world.staff_b).get(INBOX, {"format": "xlsx"})
    assert set(xlsx_column(response, 2)) == {world.agency_b.name}


def test_sign_htmx_swaps_row(world, login, q):
    co = Assignment.objects.select_related("case").get(case=q.assigned_a.case, role=AssignmentRole.CO)
    url = reverse("console:assignment_sign", args=[co.pk])
    response = login(world.handler_a2).post(url, {"version": co.case.version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<tr") and "已签收" in body
    co.refresh_from_db()
    assert co.status == AssignmentStatus.SIGNED


def test_sign_stale_version_and_repeat(world, login, q):
    case = q.assigned_b.case
    lead = case.assignments.get()
    url = reverse("console:assignment_sign", args=[lead.pk])
    client = login(world.handler_b)
    response = client.post(url, {"version": case.version + 5})
    assert "已被他人处理" in flashed(response)
    response = client.post(url, {"version": case.version}, follow=True)
    assert "已签收" in response.content.decode()
    response = client.post(url, {"version": "bad"}, HTTP_HX_REQUEST="true")
    assert "已经签收" in response.content.decode()


def test_sign_outsider_and_staff(world, login, q):
    lead = q.assigned_b.case.assignments.get()
    url = reverse("console:assignment_sign", args=[lead.pk])
    assert login(world.handler_a).post(url, {}).status_code == 404
    assert login(world.staff_b).post(url, {}).status_code == 403
    co = q.assigned_a.case.assignments.get(role=AssignmentRole.CO)
    assert login(world.handler_a).post(reverse("console:assignment_sign", args=[co.pk]), {}).status_code == 404
    lead.refresh_from_db()
    assert lead.status == AssignmentStatus.PENDING


# --- 延期审批 ----------------------------------------------------------------------------------


def test_extensions_owner_and_outsider(world, login, q):
    extension(world, q.assigned_b, world.handler_b)
    page = login(world.staff_a).get(EXTENSIONS).content.decode()
    assert "需要协调施工队" in page and q.assigned_a.tracking_code in page
    assert q.assigned_b.tracking_code not in page
    page = login(world.staff_b).get(EXTENSIONS).content.decode()
    assert q.assigned_b.tracking_code in page and q.assigned_a.tracking_code not in page
    assert xlsx_column(login(world.staff_b).get(EXTENSIONS, {"format": "xlsx"})) == [q.assigned_b.tracking_code]


def test_approve_moves_deadline_by_working_days(world, login, q):
    lead = Assignment.objects.get(pk=q.ext_a.assignment_id)
    expected = add_working_days(lead.reply_due_at, q.ext_a.working_days)
    url = reverse("console:extension_decide", args=[q.ext_a.pk])
    response = login(world.staff_a).post(url, {"approve": "1", "note": "同意"})
    assert response.status_code == 302 and "新的答复时限" in flashed(response)
    lead.refresh_from_db()
    q.ext_a.refresh_from_db()
    assert lead.reply_due_at == expected and q.ext_a.status == ExtensionStatus.APPROVED
    lead.case.refresh_from_db()
    assert lead.case.stage_due_at == expected
    # Decided once: a second decision is refused with a clear message and changes nothing.
    response = login(world.staff_a).post(url, {"approve": "0"})
    assert "已经审批过了" in flashed(response)
    q.ext_a.refresh_from_db()
    assert q.ext_a.status == ExtensionStatus.APPROVED
    page = login(world.staff_a).get(EXTENSIONS, {"tab": "decided"}).content.decode()
    assert "已同意" in page and q.assigned_a.tracking_code in page


def test_refuse_and_bad_input(world, login, q):
    url = reverse("console:extension_decide", args=[q.ext_a.pk])
    client = login(world.staff_a)
    assert "请选择同意或不同意" in flashed(client.post(url, {"approve": "maybe"}))
    assert "不同意" in flashed(client.post(url, {"approve": "0", "note": "理由不充分"}))
    q.ext_a.refresh_from_db()
    assert q.ext_a.status == ExtensionStatus.REFUSED and q.ext_a.decision_note == "理由不充分"


def test_decide_outsider_and_handler(world, login, q):
    url = reverse("console:extension_decide", args=[q.ext_a.pk])
    assert login(world.staff_b).post(url, {"approve": "1"}).status_code == 404
    assert login(world.handler_a).post(url, {"approve": "1"}).status_code == 403
    assert login(world.staff_a).get(url).status_code == 405
    q.ext_a.refresh_from_db()
    assert q.ext_a.status == ExtensionStatus.PENDING


# --- 督办 --------------------------------------------------------------------------------------


def test_supervision_list_scoped_with_overdue_days(world, login, q):
    make_overdue(q.assigned_a.case, days=14)
    make_overdue(q.assigned_b.case)
    page = login(world.staff_a).get(SUPERVISION).content.decode()
    assert q.assigned_a.tracking_code in page and q.assigned_b.tracking_code not in page
    assert "个工作日" in page and world.agency_a2.name in page
    rows = load_workbook(BytesIO(login(world.staff_a).get(SUPERVISION, {"format": "xlsx"}).content)).active
    values = list(rows.iter_rows(min_row=2, values_only=True))
    assert len(values) == 1 and values[0][0] == q.assigned_a.tracking_code and values[0][5] >= 8
    client = login(world.staff_a)
    assert q.assigned_a.tracking_code in client.get(SUPERVISION, {"agency": world.agency_a2.pk}).content.decode()
    assert q.assigned_a.tracking_code not in client.get(SUPERVISION, {"level": "2"}).content.decode()
    assert q.assigned_a.tracking_code in client.get(SUPERVISION, {"stage": "reply"}).content.decode()
    assert q.assigned_b.tracking_code in login(world.staff_b).get(SUPERVISION).content.decode()


def test_manual_supervise(world, login, q):
    case = q.triage_a.case
    url = reverse("console:supervision_create", args=[case.pk])
    client = login(world.staff_a)
    assert "请填写督办事由" in flashed(client.post(url, {"reason": " "}))
    assert "督办级别应为" in flashed(client.post(url, {"reason": "催办", "level": "7"}))
    response = client.post(url, {"reason": "请尽快交办", "level": "2"})
    assert "2 级督办" in flashed(response)
    case.refresh_from_db()
    assert case.supervision_level == 2
    assert q.triage_a.tracking_code in client.get(SUPERVISION, {"kind": "supervised"}).content.decode()


def test_supervise_outsider(world, login, q):
    url = reverse("console:supervision_create", args=[q.triage_a.case.pk])
    assert login(world.staff_b).post(url, {"reason": "x"}).status_code == 404
    assert login(world.handler_a).post(url, {"reason": "x"}).status_code == 403
    q.triage_a.case.refresh_from_db()
    assert q.triage_a.case.supervision_level == 0


# --- query counts ------------------------------------------------------------------------------


@pytest.fixture
def many(world, q):
    for _ in range(4):
        forwarded(world, "a")
        op = assigned(world, "a")
        make_overdue(op.case)
        extension(world, op, world.handler_a)
        hs.case_supervise(actor=world.staff_a, case=op.case, reason="催办")
    return q


@pytest.mark.parametrize(
    ("user", "url", "params"),
    [
        ("staff_a", TRIAGE, {}),
        ("staff_a", EXTENSIONS, {}),
        ("staff_a", EXTENSIONS, {"tab": "decided"}),
        ("staff_a", SUPERVISION, {}),
        ("staff_a", INBOX, {"tab": "signed"}),
        ("handler_a", INBOX, {"tab": "signed"}),
        ("handler_a2", INBOX, {}),
        ("staff_a", TRIAGE, {"format": "xlsx"}),
        ("staff_a", SUPERVISION, {"format": "xlsx"}),
        ("handler_a", INBOX, {"format": "xlsx", "tab": "signed"}),
        ("staff_a", EXTENSIONS, {"format": "xlsx"}),
    ],
)
def test_query_counts(world, login, many, django_assert_max_num_queries, user, url, params):
    client = login(getattr(world, user))
    with django_assert_max_num_queries(12):
        response = client.get(url, params)
    assert response.status_code == 200
