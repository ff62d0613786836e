"""Console: stage time limits (perm case.configure): list defaults and rows, create/edit/deactivate, audited."""

import pytest
from django.urls import reverse

from renda.core.models import AuditEvent
from renda.handling.deadlines import Limit, limit_for
from renda.handling.models import LimitUnit, Stage, StageLimit, Urgency

LIST = reverse("console:stage_limit_list")
CREATE = reverse("console:stage_limit_create")


def form(**over):
    data = {"stage": Stage.REPLY, "urgency": "", "category_prefix": " 城乡建设 / 物业管理 ", "amount": "10",
            "unit": LimitUnit.WORKING_DAYS}  # fmt: skip
    return {**data, **over}


def test_list_shows_defaults_and_rows(world, login, django_assert_max_num_queries):
    StageLimit.objects.create(stage=Stage.SIGN, amount=3, unit=LimitUnit.HOURS, urgency=Urgency.URGENT)
    client = login(world.staff_a)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    body = response.content.decode()
    assert response.status_code == 200
    assert "默认时限" in body and "15工作日" in body and "3小时" in body
    assert client.get(LIST, {"format": "xlsx"}).status_code == 200


def test_member_and_outsider_refused(world, login):
    for user in (world.deputy_user_a, world.station_staff_a, world.handler_a, world.nobody):
        client = login(user)
        assert client.get(LIST).status_code == 403
        assert client.post(CREATE, form()).status_code == 403
    assert not StageLimit.objects.exists()


def test_create_edit_deactivate(world, login):
    client = login(world.staff_a)
    assert client.post(CREATE, form()).status_code == 302
    row = StageLimit.objects.get()
    assert row.category_prefix == "城乡建设/物业管理"
    assert AuditEvent.objects.filter(action="handling.stagelimit.create", actor=world.staff_a).exists()
    assert limit_for(Stage.REPLY, category_key="城乡建设/物业管理/收费") == Limit(10, LimitUnit.WORKING_DAYS)
    edit = reverse("console:stage_limit_edit", args=[row.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, form(amount="12")).status_code == 302
    row.refresh_from_db()
    assert row.amount == 12
    assert AuditEvent.objects.filter(action="handling.stagelimit.update").exists()
    client.post(reverse("console:stage_limit_toggle", args=[row.pk]), {"active": "0"})
    row.refresh_from_db()
    assert not row.is_active
    assert AuditEvent.objects.filter(action="handling.stagelimit.deactivate").exists()
    assert limit_for(Stage.REPLY, category_key="城乡建设/物业管理/收费") == Limit(7, LimitUnit.WORKING_DAYS)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (form(amount="0"), "时限应在"),
        (form(amount="900", unit=LimitUnit.HOURS), "时限应在"),
        (form(amount="abc"), "整数"),
        (form(stage="bogus"), "有效的选项"),
    ],
)
def test_bad_input_chinese_errors(world, login, data, error):
    response = login(world.staff_a).post(CREATE, data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not StageLimit.objects.exists()


def test_duplicate_key_refused(world, login):
    client = login(world.staff_a)
    client.post(CREATE, form())
    response = client.post(CREATE, form(amount="5"))
    assert response.status_code == 200 and "已经存在" in response.content.decode()
    assert StageLimit.objects.count() == 1


def test_missing_row_404(world, login):
    assert login(world.staff_a).get(reverse("console:stage_limit_edit", args=[999])).status_code == 404
