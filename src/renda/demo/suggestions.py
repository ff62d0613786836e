"""The demo's 代表建议: two sessions of 2026 (大会期间 and 闭会期间), ~300 a year, in every state.

A sample of suggestions is played through the real services (``renda.suggestions.services``
and ``renda.handling.services``) under a virtual clock, so their rows, events, deadlines,
timers, commitments, audits and notifications are exactly what the platform writes, with
realistic dates. The bulk is then *cloned* from that sample: each clone copies one sample
suggestion's rows (case, events, assignments, replies, evaluations, commitments, contacts,
timers, extension requests, co-signers) with new ids, a new proposer, title and number,
and every timestamp moved by whole weeks (so working-day deadlines keep their weekday),
never past ``now``. Written with ``bulk_create``; no per-row service calls.

The sample needs handler accounts for the units that answer; stand-in accounts are
created for that and deleted afterwards (the rows keep their labels, their user links
become empty, as for any deleted account), so the demo still has exactly its six accounts.
"""

import contextlib
import datetime
import importlib
import random
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max
from django.utils import timezone as dj_timezone

from renda.core.models import AuditEvent, Role, User
from renda.demo.names import PersonFactory
from renda.handling import services as hs
from renda.handling.commitments import case_record_contact, commitment_fulfil
from renda.handling.models import (
    Assignment,
    Case,
    CaseContact,
    CaseEvent,
    CaseKind,
    CaseState,
    Commitment,
    Evaluation,
    ExtensionRequest,
    Reply,
    ResultCategory,
    Supervision,
    Timer,
)
from renda.registry.models import Agency, Congress, Mandate, MandateStatus
from renda.suggestions import services as ss
from renda.suggestions.models import (
    DEFAULT_CATEGORIES,
    CoSigner,
    CoSignStatus,
    MotionDecision,
    SessionPeriod,
    Suggestion,
    SuggestionCategory,
    SuggestionKind,
    SuggestionSession,
)

FULL_COUNT = 300  # a year of the seed city's suggestions
DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
_REAL_DATETIME = datetime.datetime


# --- The virtual clock ------------------------------------------------------------------------------------------


class _ClockMeta(type):
    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, _REAL_DATETIME)


class _Clock(_REAL_DATETIME, metaclass=_ClockMeta):
    """Stands in for ``datetime`` inside ``django.utils.timezone`` so ``timezone.now()`` (and field
    defaults built on it) return the virtual time."""

    current: datetime.datetime | None = None

    @classmethod
    def now(cls, tz=None):
        value = cls.current
        return value.astimezone(tz) if tz is not None else value.replace(tzinfo=None)


@contextlib.contextmanager
def frozen_clock():
    original = dj_timezone.datetime
    dj_timezone.datetime = _Clock
    try:
        yield _Clock
    finally:
        dj_timezone.datetime = original
        _Clock.current = None


# --- Text -------------------------------------------------------------------------------------------------------

TOPICS: dict[str, list[tuple[str, str, str]]] = {
    # category: (title, problem, proposal); {place} is a district or street of the city
    "城乡建设": [
        ("关于加快{place}老旧小区改造的建议", "{place}部分小区建成于上世纪九十年代，供水管网锈蚀、外墙保温脱落，群众反映强烈",
         "将其列入年度改造计划，同步实施管网更新和加装电梯"),
        ("关于规范住宅小区物业服务的建议", "部分小区物业收费与服务不匹配，维修资金使用程序繁琐",
         "建立物业服务质量评价制度，简化维修资金应急使用流程"),
        ("关于完善{place}排水防涝设施的建议", "{place}地势低洼，汛期多处路段积水，影响群众出行",
         "实施雨污分流改造，增设排涝泵站"),
    ],
    "交通运输": [
        ("关于优化{place}公交线路的建议", "{place}新建小区居民出行需步行一公里以上才能乘坐公交",
         "新增或调整公交线路，加密高峰时段班次"),
        ("关于解决学校周边停车难的建议", "上下学时段学校周边道路拥堵，接送车辆乱停乱放", "建设临时停车区，错峰接送"),
    ],
    "教育科技": [
        ("关于增加{place}学位供给的建议", "{place}适龄儿童逐年增加，现有学校班额过大", "新建一所九年一贯制学校，扩建现有校舍"),
        ("关于加强农村学校师资队伍建设的建议", "农村学校教师年龄偏大、学科结构不合理", "完善城乡教师交流轮岗制度，提高乡村教师待遇"),
    ],
    "医疗卫生": [
        ("关于提升基层医疗服务能力的建议", "社区卫生服务中心设备陈旧、全科医生不足", "加大基层医疗投入，推进医联体建设"),
        ("关于在{place}增设社区卫生服务站的建议", "{place}常住人口多，就近就医不便", "按服务半径规划新增社区卫生服务站"),
    ],
    "社会保障": [
        ("关于发展社区居家养老服务的建议", "老年人口占比上升，社区养老服务设施不足", "建设社区养老服务驿站，推广助餐服务"),
        ("关于提高城乡居民医保报销便利度的建议", "异地就医备案和报销手续繁琐", "推行线上备案和一站式结算"),
    ],
    "生态环境": [
        ("关于加强{place}河道综合治理的建议", "{place}河段淤积，夏季有异味，周边居民意见较大", "实施清淤疏浚和生态护岸工程，建立河长巡查制度"),
        ("关于推进生活垃圾分类的建议", "垃圾分类设施不足，居民参与度不高", "完善分类投放设施，加强宣传引导"),
    ],
    "农业农村": [
        ("关于加强高标准农田建设的建议", "部分农田灌溉设施老化，抗旱能力弱", "加大高标准农田建设投入，完善管护机制"),
        ("关于改善{place}农村道路条件的建议", "{place}部分通村道路路面破损，雨天通行困难", "纳入农村公路提档升级计划"),
    ],
    "经济发展": [
        ("关于支持中小企业纾困发展的建议", "中小企业融资难、融资贵问题仍较突出", "设立应急转贷资金，落实减税降费政策"),
        ("关于优化营商环境的建议", "部分审批事项材料多、时限长", "推行一网通办，压减审批时限"),
    ],
    "文化旅游": [("关于加强历史文化街区保护的建议", "部分历史建筑年久失修", "编制保护规划，引导社会资本参与活化利用")],
    "社会治理": [
        ("关于加强{place}社区网格化管理的建议", "{place}网格员数量不足，任务繁重", "充实网格力量，整合网格事项清单"),
        ("关于加强电动自行车充电安全管理的建议", "居民楼道违规充电现象普遍，存在火灾隐患", "建设集中充电设施，加强消防检查"),
    ],
    "民主法治": [("关于加强基层公共法律服务的建议", "村（社区）法律顾问作用发挥不充分", "建立法律顾问服务清单和考核机制")],
}  # fmt: skip
DEPARTMENT_FOR = {
    "城乡建设": "住房和城乡建设局",
    "交通运输": "交通运输局",
    "教育科技": "教育局",
    "医疗卫生": "卫生健康委员会",
    "社会保障": "民政局",
    "生态环境": "生态环境局",
    "农业农村": "农业农村局",
    "经济发展": "发展和改革委员会",
    "文化旅游": "文化广电和旅游局",
    "社会治理": "公安局",
    "民主法治": "司法局",
}
CO_DEPARTMENT = "财政局"
PLACES = ["东风区", "向阳区", "长安街道", "建设街道", "胜利街道", "新华镇", "红旗乡", "和平社区", "北山街道", "光明镇"]
REPLIES = {
    "A": "经研究，您提出的建议已采纳并落实。{proposal}的相关工作已于近期完成，群众反映的问题已基本解决。感谢您对我们工作的关心和支持。",
    "B": "您提出的建议很有针对性。我们已将{proposal}列入明年工作计划，正在开展前期工作，将按计划推进并及时向您报告进展。",
    "C": "您反映的问题确实存在。受财力和规划条件限制，{proposal}目前暂时难以全面实施，我们将积极争取上级支持，条件成熟时优先安排。",
    "D": "感谢您的建议。该事项涉及面广，我们将{proposal}作为今后制定相关政策的重要参考，并继续开展调研论证。",
}  # fmt: skip


def _texts(rng: random.Random, category: str) -> tuple[str, str, str]:
    title, problem, proposal = rng.choice(TOPICS[category])
    place = rng.choice(PLACES)
    title, problem, proposal = (x.format(place=place) for x in (title, problem, proposal))
    content = (
        f"一、基本情况\n{problem}。代表在走访选民、接待群众时多次听到相关反映。\n\n"
        f"二、存在的问题\n一是统筹规划不够；二是资金投入不足；三是部门协调机制不健全。\n\n"
        f"三、具体建议\n建议{proposal}，并明确牵头部门和完成时限，定期向人大代表通报进展。"
    )
    return title, content, proposal


# --- The sample: scripts played through the services ------------------------------------------------------------


@dataclass
class Script:
    stop: str  # the last step played (see STEPS), unless ``now`` comes first
    days_ago: float  # when the draft is written
    period: str = SessionPeriod.SESSION
    result: str = "A"
    verdict: str = "satisfied"
    second_result: str = "A"
    second_verdict: str = "satisfied"
    co: bool = False
    split: bool = False
    extension: bool = False
    fulfil: bool = False
    key: bool = False
    publish: bool = True
    motion: str = ""  # a MotionDecision
    cosigners: int = 0


STEPS = ["draft", "cosigning", "submitted", "registered", "assigned", "in_progress", "fed_back", "evaluated",
         "reassigned", "rehandling", "refed_back", "final"]  # fmt: skip


def _scripts(year_start_days: float) -> list[Script]:
    """The sample: every state and every branch at least once. ``year_start_days``: days since the session."""
    S, early = SessionPeriod.SESSION, year_start_days
    out = [
        Script("draft", 3, SessionPeriod.INTERIM),
        Script("cosigning", 2, SessionPeriod.INTERIM, cosigners=2),
        Script("withdrawn", 20, SessionPeriod.INTERIM),
        Script("submitted", 2, SessionPeriod.INTERIM),
        Script("registered", 8, SessionPeriod.INTERIM),
        Script("declined", 30, SessionPeriod.INTERIM),
        Script("assigned", 21, SessionPeriod.INTERIM, co=True),  # room for submit + register steps at any hour
        Script("in_progress", 60, SessionPeriod.INTERIM, co=True, extension=True, key=True),
        Script("in_progress", 50, SessionPeriod.INTERIM, split=True),
        Script("fed_back", 95, SessionPeriod.INTERIM, result="B", co=True),
        Script("fed_back", 95, SessionPeriod.INTERIM, result="C"),
    ]
    for result, verdict, extra in (("A", "satisfied", {"key": True}), ("B", "basic", {"fulfil": True, "co": True}),
                                   ("C", "basic", {"publish": False}), ("D", "satisfied", {}),
                                   ("A", "satisfied", {"split": True}), ("B", "satisfied", {"extension": True})):  # fmt: skip
        out.append(Script("evaluated", early - 2, S, result=result, verdict=verdict, **extra))
    out += [
        Script("evaluated", 130, SessionPeriod.INTERIM, result="C", verdict="unsatisfied"),  # 重办
        Script("rehandling", 140, SessionPeriod.INTERIM, result="B", verdict="unsatisfied"),
        Script("refed_back", 150, SessionPeriod.INTERIM, result="C", verdict="unsatisfied", second_result="B"),
        Script("final", early - 3, S, result="B", verdict="unsatisfied", second_result="A", fulfil=True),
        Script(
            "final", early - 3, S, result="C", verdict="unsatisfied", second_result="C", second_verdict="unsatisfied"
        ),  # fmt: skip
        Script(
            "final",
            early - 4,
            S,
            result="D",
            verdict="unsatisfied",
            second_result="B",
            second_verdict="basic",
            publish=False,
        ),  # fmt: skip
        # 议案: joint signatures, then the presidium's decision.
        Script("registered", early - 1, S, motion=MotionDecision.AGENDA, cosigners=10),
        Script("registered", early - 1, S, motion=MotionDecision.NOT_AGENDA, cosigners=10),
        Script("evaluated", early - 1, S, motion=MotionDecision.AS_SUGGESTION, cosigners=10, result="B"),
    ]
    return out


class _Player:
    def __init__(self, rng: random.Random, now: datetime.datetime, clock):
        self.rng, self.now, self.clock = rng, now, clock
        self.people = PersonFactory(random.Random(rng.random()))
        self.stand_ins: dict[int, User] = {}
        self.categories = {c.name: c for c in SuggestionCategory.objects.all()}

    def at(self, t: datetime.datetime) -> bool:
        """Move the clock to ``t``; False when ``t`` is in the future (the timeline stops)."""
        if t > self.now:
            return False
        self.clock.current = t
        return True

    def handler(self, agency: Agency) -> User:
        if agency.pk not in self.stand_ins:
            user = User(username=f"demo-standin-{agency.code.lower()}", role=Role.AGENCY_HANDLER, agency=agency,
                        display_name=self.people.name(self.rng.choice("MF")))  # fmt: skip
            user.set_unusable_password()
            user.save()
            self.stand_ins[agency.pk] = user
        return self.stand_ins[agency.pk]

    def play(self, script: Script, ctx: "_Congress", proposer, actor: User, start: datetime.datetime,
             proposer_user: User | None = None) -> Suggestion:  # fmt: skip
        rng = self.rng
        category = rng.choice(list(TOPICS))
        title, content, proposal = _texts(rng, category)
        session = ctx.sessions[script.period]
        self.at(start)
        kind = SuggestionKind.MOTION if script.motion else SuggestionKind.SUGGESTION
        if kind == SuggestionKind.MOTION:
            title = title.replace("的建议", "的议案")
        s = ss.suggestion_create(
            actor=actor, congress=ctx.congress, session=session, title=title, content=content, kind=kind,
            category=self.categories.get(category), proposer=proposer if proposer_user is None else None,
            publish=script.publish, no_publish_reason="" if script.publish else "涉及个人信息，不予公开",
        )  # fmt: skip
        t = start
        deputy_user = proposer_user or actor  # who acts for the proposer (staff drafts on their behalf)

        def step(days_low: float, days_high: float) -> bool:
            nonlocal t
            t = t + datetime.timedelta(days=rng.uniform(days_low, days_high))
            return self.at(t)

        if script.cosigners:
            others = [d for d in ctx.deputies if d.pk != s.proposer_id]
            chosen = rng.sample(others, min(script.cosigners, len(others)))
            rows = ss.cosigner_invite(actor=deputy_user, suggestion=s, deputies=chosen)
            if script.stop != "cosigning":  # the invited deputies confirm (they have no demo accounts)
                CoSigner.objects.filter(pk__in=[r.pk for r in rows]).update(
                    status=CoSignStatus.CONFIRMED, responded_at=t + datetime.timedelta(hours=rng.uniform(2, 40))
                )
                t += 2 * DAY
        if script.stop in ("draft", "cosigning") or not step(0.2, 2):
            return s
        s = ss.suggestion_submit(actor=deputy_user, suggestion=s)
        if script.stop == "withdrawn":
            step(1, 3)
            return ss.suggestion_withdraw(actor=deputy_user, suggestion=s, reason="需进一步调研后再提出")
        if script.stop == "submitted" or not step(2, 8):
            return s
        if script.stop == "declined":
            ss.suggestion_decline(actor=actor if proposer_user is None else ctx.staff, suggestion=s,
                                  reason="所提事项属于个人诉求，不宜作为代表建议，已转有关部门作为参考意见处理。")  # fmt: skip
            return s
        staff = ctx.staff
        s = ss.suggestion_register(actor=staff, suggestion=s)
        if script.key:
            s = ss.suggestion_mark_key(actor=staff, suggestion=s, topic=rng.choice(ctx.topics))
        if script.motion:
            if not step(2, 6):
                return s
            s = ss.motion_decide(actor=staff, suggestion=s, decision=script.motion, note="经主席团会议研究决定。")
            if script.motion != MotionDecision.AS_SUGGESTION:
                return s
        if script.stop == "registered" or not step(2, 7):
            return s
        lead = ctx.lead_for(category)
        if script.split:
            ss.suggestion_assign(actor=staff, suggestion=s, split=[lead, ctx.co_unit])
        else:
            ss.suggestion_assign(actor=staff, suggestion=s, lead=lead, co=[ctx.co_unit] if script.co else [],
                                 instructions="请认真研究办理，按时答复代表。")  # fmt: skip
        if script.stop == "assigned" or not step(0.5, 3):
            return s
        units = [lead, ctx.co_unit] if script.split else [lead]
        for unit in units:
            hs.case_sign(actor=self.handler(unit), case=s.case)
        if script.co and not script.split and step(5, 20):
            hs.case_co_view(actor=self.handler(ctx.co_unit), case=s.case,
                            text="我局将积极配合主办单位，在年度预算中统筹考虑相关资金。")  # fmt: skip
        if script.extension and step(20, 40):
            request = hs.case_request_extension(actor=self.handler(lead), case=s.case, working_days=30,
                                                reason="涉及多个部门，需进一步调研论证。")  # fmt: skip
            if step(1, 3):
                hs.extension_decide(actor=staff, request=request, approve=True, note="同意延期。")
        if script.stop == "in_progress":
            return s
        if not self.answer(s, units, script.result, proposal, step):
            return s
        if script.stop == "fed_back" or not step(4, 20):
            return s
        hs.case_evaluate(case=s.case, resolved=script.verdict != "unsatisfied", satisfaction=script.verdict,
                         actor=deputy_user if proposer_user else staff)  # fmt: skip
        if script.verdict == "unsatisfied" and script.stop != "evaluated":
            if not step(2, 6):
                return s
            hs.case_assign(actor=staff, case=s.case, lead=lead, instructions="代表不满意，请重新办理并加强沟通。")
            if script.stop == "reassigned" or not step(0.5, 2):
                return s
            hs.case_sign(actor=self.handler(lead), case=s.case)
            if script.stop == "rehandling":
                return s
            if not self.answer(s, [lead], script.second_result, proposal, step, second=True):
                return s
            if script.stop == "refed_back" or not step(3, 15):
                return s
            hs.case_evaluate(case=s.case, resolved=script.second_verdict != "unsatisfied",
                             satisfaction=script.second_verdict, actor=deputy_user if proposer_user else staff)  # fmt: skip
        if script.fulfil and step(60, 150):
            for c in Commitment.objects.filter(case=s.case, fulfilled_at=None).select_related("agency"):
                commitment_fulfil(actor=self.handler(c.agency), commitment=c, note="已按承诺完成，并书面告知代表。")
        return s

    def answer(self, s: Suggestion, units, result: str, proposal: str, step, second: bool = False) -> bool:
        rng = self.rng
        for unit in units:
            if not step(10 if second else 25, 20 if second else 60):
                return False
            handler = self.handler(unit)
            method = rng.choice(["in_person", "phone", "written"])
            case_record_contact(actor=handler, case=s.case, method=method, contacted_on=dj_timezone.localdate(),
                                content="就建议办理方案与代表沟通，代表表示理解并提出具体意见。")  # fmt: skip
            if not step(2, 12):
                return False
            commitments = []
            if result == "B":
                due = (self.clock.current + datetime.timedelta(days=rng.randint(120, 360))).date()
                commitments = [(f"{proposal[:40]}，计划于{due:%Y年%m月}前完成", due)]
            hs.case_reply(actor=handler, case=s.case, result=result,
                          content=REPLIES[result].format(proposal=proposal), commitments=commitments)  # fmt: skip
        return True


@dataclass
class _Congress:
    congress: Congress
    staff: User
    sessions: dict[str, SuggestionSession]
    topics: list
    deputies: list
    agencies: dict[str, Agency]
    default_lead: Agency
    co_unit: Agency

    def lead_for(self, category: str) -> Agency:
        name = DEPARTMENT_FOR.get(category, "")
        return next((a for n, a in self.agencies.items() if name and n.endswith(name)), self.default_lead)


def _congress_ctx(congress: Congress, staff: User, year: int, session_title: str, session_start: datetime.date,
                  topics: list[tuple[str, str]]) -> _Congress:  # fmt: skip
    sessions = {
        SessionPeriod.SESSION: SuggestionSession.objects.create(
            congress=congress,
            title=session_title,
            period=SessionPeriod.SESSION,
            year=year,
            starts_on=session_start,
            ends_on=session_start + datetime.timedelta(days=4),
        ),  # fmt: skip
        SessionPeriod.INTERIM: SuggestionSession.objects.create(
            congress=congress,
            title=f"{year}年闭会期间",
            period=SessionPeriod.INTERIM,
            year=year,
            starts_on=session_start + datetime.timedelta(days=5),
            is_current=True,
        ),  # fmt: skip
    }
    deputies = [
        m.deputy
        for m in Mandate.objects.filter(congress=congress, status=MandateStatus.ACTIVE)
        .select_related("deputy")
        .order_by("deputy_id")
    ]
    agencies = {a.name: a for a in Agency.objects.filter(congress=congress, is_active=True).order_by("code")}
    government = next(a for n, a in agencies.items() if n.endswith("人民政府"))
    co_unit = next((a for n, a in agencies.items() if n.endswith(CO_DEPARTMENT)), None)
    if co_unit is None:
        co_unit = next(a for a in agencies.values() if a.pk != government.pk)
    topic_rows = [ss.key_topic_create(actor=staff, congress=congress, title=t, leader=leader) for t, leader in topics]
    return _Congress(congress, staff, sessions, topic_rows, deputies, agencies, government, co_unit)


# --- Cloning the bulk --------------------------------------------------------------------------------------------


def _shift(value, delta: datetime.timedelta):
    if isinstance(value, datetime.datetime):
        return value + delta
    if isinstance(value, datetime.date):
        return value + datetime.timedelta(days=delta.days)
    return value


def _shift_row(row: dict, delta: datetime.timedelta) -> dict:
    return {k: _shift(v, delta) for k, v in row.items()}


class _Cloner:
    """Copies sample suggestions' rows with new ids, proposer, text and number, shifted in time."""

    def __init__(self, rng: random.Random, now: datetime.datetime):
        self.rng, self.now = rng, now
        self.ids = {m: (m.objects.aggregate(x=Max("id"))["x"] or 0) for m in (
            Suggestion, Case, CaseEvent, Assignment, Reply, Evaluation, Commitment, CaseContact, Timer,
            ExtensionRequest, Supervision, CoSigner)}  # fmt: skip
        self.rows: dict[Any, list] = {m: [] for m in self.ids}

    def next_id(self, model) -> int:
        self.ids[model] += 1
        return self.ids[model]

    def load(self, s: Suggestion) -> dict:
        case_id = s.case_id
        by = lambda model, **kw: list(model.objects.filter(**kw).order_by("id").values())  # noqa: E731
        return {
            "suggestion": Suggestion.objects.filter(pk=s.pk).values().get(),
            "case": Case.objects.filter(pk=case_id).values().first() if case_id else None,
            CaseEvent: by(CaseEvent, case_id=case_id) if case_id else [],
            Assignment: by(Assignment, case_id=case_id) if case_id else [],
            Reply: by(Reply, case_id=case_id) if case_id else [],
            Evaluation: by(Evaluation, case_id=case_id) if case_id else [],
            Commitment: by(Commitment, case_id=case_id) if case_id else [],
            CaseContact: by(CaseContact, case_id=case_id) if case_id else [],
            Timer: by(Timer, case_id=case_id) if case_id else [],
            ExtensionRequest: by(ExtensionRequest, assignment__case_id=case_id) if case_id else [],
            Supervision: by(Supervision, case_id=case_id) if case_id else [],
            CoSigner: by(CoSigner, suggestion_id=s.pk),
        }

    def window(self, t: dict, session: SuggestionSession) -> tuple[int, int]:
        """Whole weeks the template may move: not before its session, not past ``now``."""
        times = [v for rows in t.values() if isinstance(rows, list) for r in rows for v in r.values()
                 if isinstance(v, datetime.datetime)]  # fmt: skip
        times += [v for v in t["suggestion"].values() if isinstance(v, datetime.datetime)]
        first, last = t["suggestion"]["created_at"], max(times)
        start = datetime.datetime.combine(session.starts_on, datetime.time(9), tzinfo=first.tzinfo)
        low = -int((first - start) / WEEK)
        high = int((self.now - last) / WEEK)
        return min(low, 0), max(high, 0)

    def clone(self, t: dict, *, proposer, title: str, content: str, category, number: int | None, weeks: int) -> None:
        delta, rng = weeks * WEEK, self.rng
        old = t["suggestion"]
        case_id = None
        if t["case"] is not None:
            case_id = self.next_id(Case)
            case = _shift_row(t["case"], delta)
            case.update(id=case_id, title=title, deputy_id=proposer.pk)
            self.rows[Case].append(case)
        maps: dict[Any, dict[int, int]] = {}
        for model in (Assignment, Reply, Commitment, CaseContact, ExtensionRequest):
            maps[model] = {r["id"]: self.next_id(model) for r in t[model]}
        fk = {"assignment_id": Assignment, "reply_id": Reply}
        for model in (Assignment, Reply, Commitment, CaseContact, ExtensionRequest, Evaluation, Timer, Supervision):
            for r in t[model]:
                row = _shift_row(r, delta)
                row["id"] = maps[model][r["id"]] if model in maps else self.next_id(model)
                if "case_id" in row:
                    row["case_id"] = case_id
                for name, target in fk.items():
                    if row.get(name) is not None:
                        row[name] = maps[target][row[name]]
                if model is Evaluation and row["evaluator_id"] == old["proposer_id"]:
                    row["evaluator_id"] = proposer.pk
                self.rows[model].append(row)
        data_maps = {"assignment": Assignment, "reply": Reply, "commitment": Commitment, "contact": CaseContact,
                     "request": ExtensionRequest}  # fmt: skip
        for r in t[CaseEvent]:
            row = _shift_row(r, delta)
            row.update(id=self.next_id(CaseEvent), case_id=case_id)
            data = dict(row["data"] or {})
            for key, model in data_maps.items():
                if isinstance(data.get(key), int):
                    data[key] = maps[model].get(data[key], data[key])
            for key in ("due_at", "reply_due_at"):
                if isinstance(data.get(key), str):
                    data[key] = (datetime.datetime.fromisoformat(data[key]) + delta).isoformat()
            if isinstance(data.get("on"), str):
                data["on"] = (datetime.date.fromisoformat(data["on"]) + datetime.timedelta(days=delta.days)).isoformat()
            if data.get("deputy") == old["proposer_id"]:
                data["deputy"] = proposer.pk
            if row["note"] == old["title"]:
                row["note"] = title
            row["data"] = data
            self.rows[CaseEvent].append(row)
        suggestion_id = self.next_id(Suggestion)
        srow = _shift_row(old, delta)
        srow.update(id=suggestion_id, case_id=case_id, proposer_id=proposer.pk, title=title, content=content,
                    category_id=category.pk if category else None, number=number, topic_id=old["topic_id"])  # fmt: skip
        self.rows[Suggestion].append(srow)
        cosigners = [d for d in t["cosigner_pool"] if d.pk != proposer.pk]
        for r, deputy in zip(t[CoSigner], rng.sample(cosigners, min(len(cosigners), len(t[CoSigner]))), strict=False):
            row = _shift_row(r, delta)
            row.update(id=self.next_id(CoSigner), suggestion_id=suggestion_id, deputy_id=deputy.pk)
            self.rows[CoSigner].append(row)

    def write(self) -> None:
        # Cases first, then what points at them (suggestions point at cases; assignments before replies …).
        for model in (Case, Suggestion, CoSigner, Assignment, Reply, Commitment, CaseContact, ExtensionRequest,
                      Evaluation, Timer, Supervision, CaseEvent):  # fmt: skip
            rows = self.rows[model]
            model.objects.bulk_create([model(**r) for r in rows], batch_size=1000)
        # The rows carry their own ids: move PostgreSQL's id sequences past them, or the next case,
        # event or suggestion created through the platform would collide with a demo row.
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.rows)):
                cursor.execute(sql)


# --- Entry point -------------------------------------------------------------------------------------------------


def build_suggestions(rng: random.Random, *, count: int, now: datetime.datetime, stdout: Any = None,
                      started: float | None = None) -> dict[str, int]:  # fmt: skip
    """Generate about ``count`` suggestions of the city congress (plus a few of the demo deputy's in their
    county congress); returns counts (``suggestions``, ``suggestions_<state>``, ``suggestions_sample``)."""
    started = time.monotonic() if started is None else started

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(f"[{time.monotonic() - started:5.1f}s] {message}\n")

    _ensure_defaults()
    audit_mark = AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0
    users = {u.username: u for u in User.objects.select_related("deputy", "congress", "agency")}
    year = now.year
    session_start = datetime.date(year, 1, 10)
    city = Congress.objects.get(division__code="990100")
    with frozen_clock() as clock:
        clock.current = datetime.datetime.combine(session_start, datetime.time(9), tzinfo=datetime.UTC)
        city_ctx = _congress_ctx(
            city, users["city_staff"], year, f"{city.name}第十七届第五次会议", session_start,
            [("优化营商环境", "常务副主任"), ("老旧小区改造与城市更新", "副主任"), ("基础教育资源均衡", "副主任")],
        )  # fmt: skip
        player = _Player(rng, now, clock)
        early = (now - datetime.datetime.combine(session_start, datetime.time(9), tzinfo=now.tzinfo)) / DAY
        samples: list[tuple[Suggestion, _Congress]] = []
        staff = city_ctx.staff
        for script in _scripts(early):
            proposer = rng.choice(city_ctx.deputies)
            start = now - datetime.timedelta(days=script.days_ago) + datetime.timedelta(hours=rng.uniform(0, 6))
            samples.append((player.play(script, city_ctx, proposer, staff, start), city_ctx))
        own = _deputy_own(rng, now, player, users, session_start)
        for stand_in in player.stand_ins.values():
            stand_in.delete()  # events keep the handler's label; the link becomes empty
    # The build is recorded by its one summary audit event (see renda.demo.build), not the sample's own.
    AuditEvent.objects.filter(id__gt=audit_mark).delete()
    say(f"代表建议样本 {len(samples) + len(own)} 件（按办理流程逐步生成）。正在批量生成其余建议…")

    cloner = _Cloner(rng, now)
    templates = []
    for s, ctx in samples:
        s.refresh_from_db()
        t = cloner.load(s)
        t["window"] = cloner.window(t, s.session)
        t["cosigner_pool"] = ctx.deputies
        t["open"] = s.case_id is None or s.case.state not in (CaseState.CLOSED, CaseState.REJECTED)
        templates.append((s, t))
    # Mostly finished ones (a year of history), some open ones for the current interim.
    weights = [1 if t["open"] else 4 for _, t in templates]
    numbers = {sid: n for sid, n in SuggestionSession.objects.filter(congress=city).values_list("pk", "last_number")}
    for _ in range(max(0, count - len(samples))):
        s, t = rng.choices(templates, weights=weights)[0]
        low, high = t["window"]
        weeks = rng.randint(max(low, -2) if t["open"] else low, high)
        category_name = rng.choice(list(TOPICS))
        title, content, _ = _texts(rng, category_name)
        if s.kind == SuggestionKind.MOTION:
            title = title.replace("的建议", "的议案")
        number = None
        if s.number is not None:
            numbers[s.session_id] += 1
            number = numbers[s.session_id]
        cloner.clone(t, proposer=rng.choice(city_ctx.deputies), title=title, content=content,
                     category=player.categories.get(category_name), number=number, weeks=weeks)  # fmt: skip
    cloner.write()
    for pk, last in numbers.items():
        SuggestionSession.objects.filter(pk=pk).update(last_number=last)

    states = Counter()
    for status, state in Suggestion.objects.values_list("status", "case__state"):
        states[status if status in ("draft", "cosigning", "withdrawn") else state] += 1
    counts = {"suggestions": Suggestion.objects.count(), "suggestions_sample": len(samples) + len(own)}
    counts.update({f"suggestions_{k}": v for k, v in states.items()})
    say("代表建议：" + "，".join(f"{k} {v}" for k, v in sorted(states.items())))
    return counts


def _ensure_defaults() -> None:
    """The configuration the migrations seed (answer categories A–D, suggestion categories): a rebuilt
    demo database was emptied with ``flush``, which removes seeded rows too."""
    seeded = importlib.import_module("renda.handling.migrations.0003_suggestion_result_categories")
    for code, label, creates, order in seeded.CATEGORIES:
        ResultCategory.objects.get_or_create(
            kind=CaseKind.SUGGESTION, code=code,
            defaults={"label": label, "creates_commitment": creates, "order": order, "is_active": True},
        )  # fmt: skip
    for order, name in enumerate(DEFAULT_CATEGORIES, start=1):
        SuggestionCategory.objects.get_or_create(name=name, defaults={"order": order})


def _deputy_own(rng: random.Random, now: datetime.datetime, player: _Player, users: dict[str, User],
                session_start: datetime.date) -> list[Suggestion]:  # fmt: skip
    """The demo ``deputy`` account's own suggestions (in their county congress), in several states."""
    deputy_user, staff = users.get("deputy"), users.get("county_staff")
    if deputy_user is None or staff is None:
        return []
    congress = staff.congress
    if not Mandate.objects.filter(deputy_id=deputy_user.deputy_id, congress=congress, status="active").exists():
        return []
    ctx = _congress_ctx(congress, staff, session_start.year, f"{congress.name}第五次会议", session_start,
                        [("农村人居环境整治", "主任")])  # fmt: skip
    early = (now - datetime.datetime.combine(session_start, datetime.time(9), tzinfo=now.tzinfo)) / DAY
    scripts = [
        Script("draft", 1, SessionPeriod.INTERIM),
        Script("submitted", 3, SessionPeriod.INTERIM),
        Script("fed_back", 95, SessionPeriod.INTERIM, result="B"),
        Script(
            "final", early - 3, SessionPeriod.SESSION, result="B", verdict="unsatisfied", second_result="A", fulfil=True
        ),  # fmt: skip
    ]
    out = []
    for script in scripts:
        start = now - datetime.timedelta(days=script.days_ago)
        out.append(player.play(script, ctx, deputy_user.deputy, deputy_user, start, proposer_user=deputy_user))
    return out
