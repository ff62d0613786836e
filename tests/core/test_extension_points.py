"""The extension points later domains plug into: grants, navigation, page panels, intake and tick hooks."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from renda.core import access, panels
from renda.core.models import Role
from renda.core.templatetags import access as access_tags
from renda.handling import tick
from renda.opinions import intake
from renda.opinions.models import Channel, Opinion
from renda.opinions.services import OpinionInput, opinion_submit


@pytest.fixture
def restore_registries(monkeypatch):
    monkeypatch.setattr(access, "PERMISSIONS", dict(access.PERMISSIONS))
    monkeypatch.setattr(access_tags, "NAV_ITEMS", list(access_tags.NAV_ITEMS))
    monkeypatch.setattr(panels, "_OBJECT", panels.defaultdict(list))
    monkeypatch.setattr(panels, "_ROWS", panels.defaultdict(list))
    monkeypatch.setattr(intake, "_AFTER_REGISTER", [])
    monkeypatch.setattr(tick, "_TICK_HOOKS", [])


def test_grant_adds_a_capability_to_one_role_only(restore_registries, world):
    assert not access.has_perm(world.deputy_user_a, "demo.thing")
    access.grant(Role.DEPUTY, "demo.thing")
    assert access.has_perm(world.deputy_user_a, "demo.thing")
    assert not access.has_perm(world.handler_a, "demo.thing")


def test_register_nav_adds_once(restore_registries):
    before = len(access_tags.NAV_ITEMS)
    access_tags.register_nav("home", "演示", ("demo_",), (Role.DEPUTY,))
    access_tags.register_nav("home", "演示", ("demo_",), (Role.DEPUTY,))
    assert len(access_tags.NAV_ITEMS) == before + 1


def test_panels_render_and_a_failing_one_is_left_out(restore_registries, caplog):
    @panels.panel("opinion_detail")
    def good(request, obj):
        return f"<p>{obj}</p>"

    @panels.panel("opinion_detail")
    def broken(request, obj):
        raise RuntimeError("boom")

    @panels.row_panel("triage_row")
    def rows(request, objects):
        return {o: f"<i>{o}</i>" for o in objects}

    request = RequestFactory().get("/")
    html = Template('{% load panels %}{% panels "opinion_detail" 7 %}').render(Context({"request": request}))
    assert html == "<p>7</p>" and "boom" not in html
    assert "panel opinion_detail.broken failed" in caplog.text
    tpl = Template('{% load panels %}{% row_panels "triage_row" rows as extra %}{% for o, c in rows %}{{ extra|panel_for:o }}{% endfor %}')
    assert tpl.render(Context({"request": request, "rows": [(1, []), (2, [])]})) == "<i>1</i><i>2</i>"


def test_after_register_hooks_see_cases_and_never_block_intake(restore_registries, world, settings, caplog):
    settings.RENDA_INTAKE_INLINE = False
    seen = []

    @intake.after_register
    def broken(opinions):
        Opinion.objects.filter(pk=opinions[0].pk).update(title="不应保存")  # rolled back with its savepoint
        raise RuntimeError("analysis down")

    @intake.after_register
    def record(opinions):
        seen.extend((o.pk, o.case_id is not None) for o in opinions)

    data = OpinionInput(content="路灯坏了", channel=Channel.DEPUTY_QR, deputy=world.deputy_a, consent=True)
    opinion, _ = opinion_submit(actor=None, data=data)
    assert intake.opinions_register_all() == 1
    opinion.refresh_from_db()
    assert opinion.case_id and opinion.title == ""
    assert seen == [(opinion.pk, True)]
    assert "after-register hook broken failed" in caplog.text


def test_tick_hooks_run_and_their_counts_merge(restore_registries, db, caplog):
    tick.on_tick(lambda now: {"reception_reminded": 2})

    @tick.on_tick
    def broken(now):
        raise RuntimeError("down")

    counts = tick.deadlines_tick()
    assert counts["reception_reminded"] == 2 and counts["failed"] == 1
    assert "tick hook broken failed" in caplog.text
