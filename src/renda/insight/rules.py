"""Cold start: hints from the taxonomy's own names and the configurable keyword rules.

A category scores by how much of its name (character bigrams, weighted so that bigrams shared by
many names such as 管理/服务 count little) appears in the text, plus half its parent's score (so
a leaf under a matching branch beats a lone leaf), plus every keyword rule that fires. Agencies
score by their own names (without the place and 局/委/办) and by agency rules. Scores become
confidences that sum to at most 1: a single weak match is not a confident hint.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from renda.insight.textclf import softmax_scores

_SPLIT = re.compile(r"[\s,，、;；|/]+")
_GENERIC = set("市区县镇乡街道村社")
_AGENCY_SUFFIX = re.compile(r"(人民政府|委员会|管理局|局|委|办公室|办|中心|公司|分局)$")


# Built-in keywords by category name (any level, any taxonomy that has a node of that name): what
# citizens say rather than what the category is called. Configurable rules (``KeywordRule``) add to them.
BUILTIN_KEYWORDS: dict[str, str] = {
    "道路桥梁": "道路 路面 坑洼 破损 桥梁 修路", "路灯照明": "路灯 照明 灯不亮", "排水防涝": "排水 积水 下水道 井盖 内涝",
    "垃圾清运": "垃圾 清运 垃圾桶", "公共厕所": "厕所 公厕", "园林绿化": "绿化 树木 草坪 公园",
    "规划与违法建设": "违建 违章 搭建 规划", "老旧小区改造": "老旧小区 改造 加装电梯",
    "公交线路站点": "公交 站台 班次 公交车", "出租网约车": "出租车 网约车 拒载", "交通拥堵": "拥堵 堵车",
    "信号灯与标志标线": "红绿灯 信号灯 斑马线 标线", "停车管理": "停车 车位 乱停", "农村公路": "村道 农村公路",
    "大气污染": "空气 废气 粉尘 扬尘 油烟 异味", "水污染": "污水 河道 水质 排污", "噪声扰民": "噪音 噪声 扰民 施工 广场舞",
    "固体废物": "固废 渣土 建筑垃圾", "学前教育": "幼儿园 托育", "入学招生": "入学 招生 学位 划片 报名",
    "校园安全": "校园 学校 学生安全", "课后服务": "课后 托管", "教育收费": "学费 收费 补课", "医疗服务": "医院 医生 看病 挂号",
    "医保报销": "医保 报销", "公共卫生": "疫苗 防疫 卫生", "养老保险": "养老金 养老保险 社保", "低保与特困": "低保 特困",
    "残疾人保障": "残疾", "退役军人服务": "退役 军人 优抚", "就业创业": "就业 招聘 创业 失业", "拖欠工资": "欠薪 拖欠 工资",
    "劳动关系": "劳动合同 辞退 加班", "物业服务质量": "物业 保安 保洁", "物业收费": "物业费", "维修资金": "维修资金 维修基金",
    "房地产交易": "开发商 购房 房产证 交房", "保障性住房": "公租房 廉租房 保障房", "供水供电供气供暖": "停水 停电 燃气 暖气 供暖 自来水",
    "食品安全": "食品 过期 餐馆 卫生许可", "消费维权": "退款 消费 商家 投诉", "价格监管": "价格 涨价 乱收费",
    "电梯安全": "电梯", "农村人居环境": "农村 厕改 村容", "土地承包与宅基地": "宅基地 承包地 征地", "治安管理": "治安 小偷 盗窃 打架",
    "消防安全": "消防 火灾 通道", "矛盾纠纷调解": "纠纷 邻里 调解", "养老服务": "养老 老人 助餐", "社区治理": "社区 居委会",
    "公共文化设施": "图书馆 文化站", "全民健身": "健身 球场 体育", "办事效率": "办事 窗口 推诿", "工作作风": "态度 作风",
}  # fmt: skip


def split_keywords(text: str) -> list[str]:
    return [w for w in _SPLIT.split(text or "") if w]


def bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\w]", "", text)
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


@dataclass
class _Index:
    """bigram → [(target, weight)], weights idf-like and normalised per target."""

    postings: dict[str, list[tuple[int, float]]] = field(default_factory=lambda: defaultdict(list))

    def add_names(self, names: dict[int, str]) -> None:
        grams = {pk: bigrams(name) for pk, name in names.items()}
        df: dict[str, int] = defaultdict(int)
        for gs in grams.values():
            for g in gs:
                df[g] += 1
        n = max(len(grams), 1)
        for pk, gs in grams.items():
            weights = {g: math.log(1 + n / df[g]) for g in gs if not set(g) <= _GENERIC}
            total = sum(weights.values()) or 1.0
            for g, w in weights.items():
                self.postings[g].append((pk, w / total))

    def score(self, text_grams: set[str]) -> dict[int, float]:
        out: dict[int, float] = defaultdict(float)
        for g in text_grams:
            for pk, w in self.postings.get(g, ()):
                out[pk] += w
        return out


class RuleScorer:
    """Built once per batch for one congress: its taxonomy's categories, its agencies and its rules."""

    def __init__(self, *, categories, agencies, rules):
        self.category_label = {c.pk: c.path for c in categories}
        self.parent = {c.pk: c.parent_id for c in categories}
        self.agency_label = {a.pk: a.name for a in agencies}
        self._cats = _Index()
        self._cats.add_names({c.pk: c.name for c in categories})
        self._agencies = _Index()
        self._agencies.add_names({a.pk: _agency_core(a.name) for a in agencies})
        self._rules = [(split_keywords(r.keywords), r.category_id, r.agency_id, r.weight) for r in rules if r.is_active]
        self._rules += [
            (split_keywords(BUILTIN_KEYWORDS[c.name]), c.pk, None, 0.5)
            for c in categories
            if c.name in BUILTIN_KEYWORDS
        ]

    def category_scores(self, text: str) -> dict[int, float]:
        grams = bigrams(text)
        own = {pk: s for pk, s in self._cats.score(grams).items() if s >= 0.3}
        scores: dict[int, float] = {}
        for pk in self.category_label:
            s, parent, factor = own.get(pk, 0.0), self.parent.get(pk), 0.5
            while parent:
                s += factor * own.get(parent, 0.0)
                parent, factor = self.parent.get(parent), factor / 2
            if s > 0:
                scores[pk] = s
        for words, category_id, _agency, weight in self._rules:
            if category_id in self.category_label:
                hits = sum(1 for w in words if w in text)
                if hits:
                    scores[category_id] = scores.get(category_id, 0.0) + weight * hits
        return scores

    def agency_scores(self, text: str, *, category_ids: list[int] | None = None) -> dict[int, float]:
        grams = bigrams(text)
        if category_ids:  # the suggested category names the field too: 城乡建设 → 住房和城乡建设局
            grams |= bigrams(self.category_label.get(category_ids[0], "").replace("/", ""))
        scores = {pk: s for pk, s in self._agencies.score(grams).items() if s >= 0.4}
        for words, category_id, agency_id, weight in self._rules:
            if agency_id not in self.agency_label:
                continue
            hits = sum(1 for w in words if w in text)
            if not hits and category_id and category_ids and category_id in category_ids:
                hits = 0.5  # a rule tying this agency to a suggested category
            if hits:
                scores[agency_id] = scores.get(agency_id, 0.0) + weight * hits
        return scores

    @staticmethod
    def top(scores: dict[int, float], k: int = 3) -> list[tuple[int, float]]:
        conf = softmax_scores(scores, temperature=0.6)
        return sorted(conf.items(), key=lambda kv: -kv[1])[:k]


def _agency_core(name: str) -> str:
    """东风区住房和城乡建设局 → 住房和城乡建设 (the place and the kind of body say nothing about the subject)."""
    core = re.sub(r"^.{1,8}?[省市区县](?=.)", "", name)
    core = _AGENCY_SUFFIX.sub("", core)
    return core or name
