import secrets

import pytest

from renda.insight import services
from renda.opinions import intake
from renda.opinions.models import Category, Channel, Opinion
from renda.opinions.taxonomy import default_taxonomy


@pytest.fixture(autouse=True)
def _model_dir(settings, tmp_path):
    settings.RENDA_INSIGHT_MODEL_DIR = str(tmp_path / "models")
    settings.RENDA_INSIGHT_MIN_EXAMPLES = 60
    services._LOADED.clear()
    yield
    services._LOADED.clear()


def category(path: str) -> Category:
    return Category.objects.get(taxonomy=default_taxonomy(), path=path)


# Generated texts per category path (nothing from real data): subject words + filler.
SUBJECTS = {
    "城乡建设/市政设施/路灯照明": ["路灯不亮", "路灯坏了", "夜里路灯熄灭", "照明灯损坏"],
    "交通出行/公共交通/公交线路站点": ["公交车班次太少", "公交站台被拆", "增设公交线路", "公交站点太远"],
    "教育/义务教育/入学招生": ["孩子入学报名", "小学招生划片", "入学名额不够", "学区招生政策"],
    "环境保护/噪声扰民": ["夜间施工噪音", "广场舞噪声扰民", "工地噪音太大", "商铺音响扰民"],
}
FILLER = ["希望尽快解决", "居民反映多次", "请有关部门处理", "影响大家生活", "已经持续一个月"]


def text_for(path: str, rng) -> tuple[str, str]:
    subject = rng.choice(SUBJECTS[path])
    title = subject
    body = f"{rng.choice(['长安街道', '光明社区', '东风路'])}{subject}，{rng.choice(FILLER)}，{rng.choice(FILLER)}。"
    return title, body


def make_opinions(
    world, items: list[tuple[str, str, Category | None]], *, register: bool = True, deputy=None
) -> list[Opinion]:
    """Store opinions (title, body, category) in county A, then register them in one batch like the worker."""
    rows = [
        Opinion(
            tracking_code=secrets.token_hex(5)[:10].upper(), access_token=secrets.token_urlsafe(24), title=t,
            content=b, category=c, division=world.town_a, channel=Channel.WEB, deputy=deputy,
        )
        for t, b, c in items
    ]  # fmt: skip
    Opinion.objects.bulk_create(rows)
    if register:
        intake.opinions_register_all()
    return list(Opinion.objects.filter(pk__in=[o.pk for o in rows]).select_related("case").order_by("pk"))
