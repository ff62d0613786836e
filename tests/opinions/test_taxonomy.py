from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from renda.core.xlsx import xlsx_bytes
from renda.opinions import taxonomy as tx
from renda.opinions.models import Category, Taxonomy

REAL_TREE = Path(__file__).resolve().parents[3] / "shared" / "data" / "gov-messages" / "taxonomy.csv"


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


def test_default_install_is_idempotent(db):
    t1 = tx.taxonomy_install_default(actor=None)
    n = Category.objects.filter(taxonomy=t1).count()
    assert t1.is_default and t1.division is None
    assert Category.objects.filter(taxonomy=t1, level=1).count() >= 12
    t2 = tx.taxonomy_install_default(actor=None)
    assert t2.pk == t1.pk and Category.objects.filter(taxonomy=t1).count() == n
    assert Taxonomy.objects.count() == 1
    light = Category.objects.get(taxonomy=t1, path="城乡建设/市政设施/路灯照明")
    assert light.level == 3 and light.parent.path == "城乡建设/市政设施" and light.parent.parent.level == 1


def test_default_taxonomy_installs_lazily_and_prefers_local(world):
    assert Taxonomy.objects.count() == 0
    platform = tx.default_taxonomy()
    assert platform.is_default and tx.default_taxonomy(world.village_a) == platform
    local = tx.taxonomy_import(actor=world.staff_a, name="东风区分类", division=world.county_a, file=b"level1\nA\n")
    tx.taxonomy_set_default(actor=world.staff_a, taxonomy=local)
    assert tx.default_taxonomy(world.village_a) == local
    assert tx.default_taxonomy(world.town_b) == platform


def test_import_builds_tree_gb18030_and_chinese_headers(world):
    data = csv_bytes("一级分类,二级分类,三级分类\n交通,停车,乱停车\n交通,停车,收费\n交通,公交,\n教育,,\n", "gb18030")
    t = tx.taxonomy_import(actor=world.staff_a, name="东风区分类", division=world.county_a, file=data)
    paths = set(t.categories.values_list("path", flat=True))
    assert paths == {"交通", "交通/停车", "交通/停车/乱停车", "交通/停车/收费", "交通/公交", "教育"}
    assert t.categories.get(path="交通/停车/收费").parent == t.categories.get(path="交通/停车")


def test_reimport_updates_and_deactivates(world):
    first = b"level1,level2\nA,a1\nA,a2\nB,b1\n"
    t = tx.taxonomy_import(actor=world.staff_a, name="树", division=world.county_a, file=first)
    ids = dict(t.categories.values_list("path", "pk"))
    t2 = tx.taxonomy_import(actor=world.staff_a, name="树", division=world.county_a, file=b"level1,level2\nA,a1\nC,\n")
    assert t2.pk == t.pk and Taxonomy.objects.filter(name="树").count() == 1
    state = dict(t.categories.values_list("path", "is_active"))
    assert state == {"A": True, "A/a1": True, "A/a2": False, "B": False, "B/b1": False, "C": True}
    assert dict(t.categories.values_list("path", "pk"))["A/a1"] == ids["A/a1"]
    t3 = tx.taxonomy_import(actor=world.staff_a, name="树", division=world.county_a, file=first)
    assert t3.categories.filter(is_active=False).count() == 1  # only C


def test_xlsx_import(world):
    data = xlsx_bytes(["level1", "level2", "level3"], [("甲", "乙", "丙"), ("甲", "乙", None)])
    t = tx.taxonomy_import(actor=None, name="表格", division=None, file=data)
    assert t.categories.count() == 3


def test_validation_reports_every_row_and_writes_nothing(world):
    data = "level1,level2,level3\nA,,c\nA,b,c\nA,b,c\n{}\nD/E,,\n".format("长" * 51).encode()
    with pytest.raises(ValidationError) as exc:
        tx.taxonomy_import(actor=world.staff_a, name="坏表", division=world.county_a, file=data)
    text = "\n".join(exc.value.messages)
    assert "第 2 行" in text and "空格只能留在末尾" in text
    assert "第 4 行：与第 3 行重复" in text
    assert "第 5 行" in text and "超过 50 个字" in text
    assert "第 6 行" in text and "不能含有" in text
    assert not Taxonomy.objects.exists() and not Category.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "空的"),
        (b"name,code\nA,1\n", "一级分类"),
        (b"level1,level3\nA,B\n", "二级分类"),
        (b"\x89PNG\r\n\x1a\n", "图片"),
        (b"level1\n", "没有分类数据"),
    ],
)
def test_bad_files(world, data, message):
    with pytest.raises(ValidationError) as exc:
        tx.taxonomy_import(actor=world.staff_a, name="X", division=world.county_a, file=data)
    assert message in " ".join(exc.value.messages)


def test_scope_and_permission_checks(world):
    with pytest.raises(ValidationError, match="管辖范围"):
        tx.taxonomy_import(actor=world.staff_a, name="X", division=world.county_b, file=b"level1\nA\n")
    with pytest.raises(ValidationError, match="权限"):
        tx.taxonomy_import(actor=world.handler_a, name="X", division=world.county_a, file=b"level1\nA\n")
    with pytest.raises(ValidationError, match="区划"):
        tx.taxonomy_import(actor=world.staff_a, name="X", division=None, file=b"level1\nA\n")
    platform = tx.taxonomy_install_default()
    with pytest.raises(ValidationError):
        tx.taxonomy_set_default(actor=world.staff_a, taxonomy=platform)


def test_real_tree_imports_through_the_console(world, login):
    if not REAL_TREE.exists():
        pytest.skip(f"没有找到真实分类数据 {REAL_TREE}，跳过。")
    client = login(world.staff_a)
    upload = SimpleUploadedFile("taxonomy.csv", REAL_TREE.read_bytes(), content_type="text/csv")
    response = client.post(
        reverse("console:taxonomy_import"), {"name": "问政平台分类", "division": world.county_a.pk, "file": upload}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    t = Taxonomy.objects.get(name="问政平台分类")
    levels = {lv: t.categories.filter(level=lv, is_active=True).count() for lv in (1, 2, 3)}
    assert levels == {1: 15, 2: 118, 3: 517}
    again = tx.taxonomy_import(
        actor=world.staff_a, name="问政平台分类", division=world.county_a, file=REAL_TREE.read_bytes()
    )
    assert again.pk == t.pk and again.import_counts["created"] == 0 and again.import_counts["deactivated"] == 0


# --- Pages: owner (congress staff A), member (deputy / station staff), outsider (staff B) ----------


@pytest.fixture
def local_tree(world):
    return tx.taxonomy_import(
        actor=world.staff_a, name="东风区分类", division=world.county_a, file=b"level1,level2\nA,a1\nB,\n"
    )


def test_list_and_detail_pages(world, login, local_tree, django_assert_max_num_queries):
    tx.taxonomy_install_default()
    client = login(world.staff_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("console:taxonomy_list"))
    body = response.content.decode()
    assert response.status_code == 200 and "东风区分类" in body and tx.DEFAULT_NAME in body
    response = client.get(reverse("console:taxonomy_detail", args=[local_tree.pk]))
    assert response.status_code == 200 and "a1" in response.content.decode() and "<details" in response.content.decode()
    export = client.get(reverse("console:taxonomy_list"), {"format": "xlsx"})
    assert export.status_code == 200 and export.content[:2] == b"PK"
    template = client.get(reverse("console:taxonomy_template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"


def test_outsider_and_members_are_refused(world, login, local_tree):
    outsider = login(world.staff_b)
    assert outsider.get(reverse("console:taxonomy_detail", args=[local_tree.pk])).status_code == 404
    assert "东风区分类" not in outsider.get(reverse("console:taxonomy_list")).content.decode()
    assert outsider.post(reverse("console:taxonomy_set_default", args=[local_tree.pk])).status_code == 404
    for member in (world.deputy_user_a, world.station_staff_a, world.handler_a):
        client = login(member)
        assert client.get(reverse("console:taxonomy_list")).status_code == 403
        assert client.get(reverse("console:taxonomy_import")).status_code == 403


def test_set_default_page(world, login, local_tree):
    client = login(world.staff_a)
    response = client.post(reverse("console:taxonomy_set_default", args=[local_tree.pk]))
    assert response.status_code == 302
    local_tree.refresh_from_db()
    assert local_tree.is_default


def test_import_form_shows_errors(world, login):
    client = login(world.staff_a)
    upload = SimpleUploadedFile("t.csv", b"level1,level2\n,b\n", content_type="text/csv")
    response = client.post(
        reverse("console:taxonomy_import"), {"name": "X", "division": world.county_a.pk, "file": upload}
    )
    assert response.status_code == 200 and "第 2 行" in response.content.decode()
    upload = SimpleUploadedFile("t.csv", b"level1\nA\n", content_type="text/csv")
    response = client.post(
        reverse("console:taxonomy_import"), {"name": "X", "division": world.county_b.pk, "file": upload}
    )
    assert response.status_code == 200 and not Taxonomy.objects.exists()
