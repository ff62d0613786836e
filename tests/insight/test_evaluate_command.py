import csv
import io
import json
import random

import pytest
from django.core.management import CommandError, call_command

WORDS = {
    "城乡建设": ["物业", "小区", "拆迁", "燃气", "违建"],
    "交通运输": ["公交", "出租车", "道路拥堵", "高速", "驾驶证"],
    "教育文体": ["学校", "老师", "招生", "幼儿园", "学费"],
}


def _csv(path, rows, bom=True):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["编号", "title", "body", "category", "time"])
    w.writerows(rows)
    path.write_bytes(("\ufeff" if bom else "").encode() + buf.getvalue().encode("utf-8"))


def test_evaluate_prints_progress_then_one_json_line(tmp_path):
    rng = random.Random(0)
    rows = []
    for i in range(90):
        label = list(WORDS)[i % 3]
        w = rng.sample(WORDS[label], 2)
        rows.append([i, f"关于{w[0]}的问题", f"A市A{i % 7}区{w[0]}{w[1]}，请处理。", label])
    rows.append([900, "", "", "交通运输"])  # empty: skipped
    rows.append([901, "只有标题", "正文", ""])  # no label: skipped
    rows.append([902, "罕见", "只有一条的类别", "卫生计生"])  # singleton: merged into 其他 with…
    rows.append([903, "罕见二", "另一条只有一条的类别", "商贸旅游"])  # …this one
    path = tmp_path / "labelled.csv"
    _csv(path, rows)
    out = io.StringIO()
    call_command("insight", "evaluate", str(path), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) > 3  # human progress first
    assert any("第 1/" in line for line in lines)
    result = json.loads(lines[-1])
    assert result["n"] == 92
    assert result["skipped"] == 2
    assert 0 <= result["macro_f1"] <= 1 and result["accuracy"] > 0.8
    assert result["merged"] == {"卫生计生": "其他", "商贸旅游": "其他"}
    assert result["folds"] == 2


def test_evaluate_without_bom_and_five_folds(tmp_path):
    rows = [[i, f"{lab}{i}", f"{lab}相关内容{i}", lab] for i in range(30) for lab in ["甲类", "乙类"]][:60]
    path = tmp_path / "plain.csv"
    _csv(path, rows, bom=False)
    out = io.StringIO()
    call_command("insight", "evaluate", str(path), stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["folds"] == 5 and result["n"] == 60


def test_evaluate_rejects_missing_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("title,content\n标题,内容\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少列"):
        call_command("insight", "evaluate", str(path), stdout=io.StringIO())


def test_retrain_command_trains_the_named_congress(world):
    import random as _random

    from renda.insight.models import ClassifierModel
    from tests.insight.conftest import SUBJECTS, category, make_opinions, text_for

    rng = _random.Random(11)
    make_opinions(world, [(*text_for(p, rng), category(p)) for p in SUBJECTS for _ in range(20)])
    out = io.StringIO()
    call_command("insight", "retrain", "--congress", str(world.congress_a.pk), stdout=out)
    assert "东风区人民代表大会" in out.getvalue()
    assert ClassifierModel.objects.filter(congress=world.congress_a, kind="category", is_active=True).exists()
