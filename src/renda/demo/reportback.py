"""Demo 述职评议: report-back meetings of the county congresses' current terms, with reports and appraisals.

Every 选区 of a county congress's running term gets a held meeting (a few get two, a few only a planned
one); most of its deputies report there (oral or written, so some districts fall below the 30% oral
share and show up in the compliance view), reports are published, and constituents' online votes and the
meeting's paper ballots are generated. Written with bulk_create (no audit rows: it is seed data).
"""

import datetime
import hashlib
import random
from collections import defaultdict

from django.utils import timezone

from renda.registry.models import CongressLevel, Mandate, MandateStatus, Station, Term
from renda.reportback.models import (
    Appraisal,
    Choice,
    DeputyReport,
    MeetingStatus,
    PaperTally,
    ReportMeeting,
    ReportMode,
)

LABEL = "述职评议"
COUNT_LABELS = {"meetings": "述职会议", "reports": "述职报告", "appraisals": "评议票"}  # the demo summary's words
BATCH = 2000

OPENINGS = [
    "各位选民：受{district}选民的委托，我担任{congress}代表以来，始终牢记代表职责，现将履职情况报告如下。",
    "尊敬的各位选民：我是{congress}代表{name}，根据代表述职的有关安排，向大家汇报我的履职情况，请予评议。",
]
BODY = [
    "加强学习，提高履职能力。认真参加人大常委会组织的代表培训，学习宪法和代表法，参加专题学习{n}次。",
    "联系选民，反映群众呼声。坚持在家站点接待选民，全年接待群众{m}人次，收集意见建议{k}条，均已按程序转交办理。",
    "依法履职，提出代表建议。在人民代表大会会议期间提出建议{s}件，内容涉及老旧小区改造、道路交通和养老服务。",
    "参加视察调研。参加人大常委会组织的视察、执法检查和专题调研{v}次，对发现的问题提出改进意见。",
    "围绕中心工作，积极建言献策。结合本职工作，推动辖区背街小巷整治、农村饮水安全等民生实事落地。",
]
NUMERALS = "一二三四五"
CLOSING = "履职中还存在联系选民的方式不够多、跟踪建议办理不够及时等不足。今后我将更加密切联系群众，恳请大家继续监督。"
PLACES = ["街道人大代表之家", "社区党群服务中心会议室", "镇政府三楼会议室", "村委会议室", "代表联络站活动室"]


def _text(rng: random.Random, name: str, congress: str, district: str) -> str:
    parts = [rng.choice(OPENINGS).format(name=name, congress=congress, district=district)]
    chosen = sorted(rng.sample(range(len(BODY)), 4))
    figures = {"n": rng.randint(2, 8), "m": rng.randint(20, 160), "k": rng.randint(5, 60), "s": rng.randint(1, 6),
               "v": rng.randint(2, 9)}  # fmt: skip
    parts += [f"{NUMERALS[i]}、" + BODY[j].format(**figures) for i, j in enumerate(chosen)]
    parts.append(CLOSING)
    return "\n\n".join(parts)


def build(rng: random.Random, *, now: datetime.datetime, scale: float, say) -> dict[str, int]:
    today = timezone.localdate(now)
    terms = list(
        Term.objects.filter(congress__level=CongressLevel.COUNTY, ends_on__isnull=True).select_related(
            "congress__division"
        )
    )
    mandates = (
        Mandate.objects.filter(term__in=terms, status=MandateStatus.ACTIVE)
        .exclude(constituency="")
        .select_related("deputy")
        .order_by("term_id", "constituency", "deputy__number")
    )
    by_district: dict[tuple[int, str], list[Mandate]] = defaultdict(list)
    for m in mandates:
        by_district[(m.term_id, m.constituency)].append(m)
    term_by_id = {t.pk: t for t in terms}
    stations = defaultdict(list)  # county path → station names, for the meeting places
    for name, path in Station.objects.filter(is_active=True).values_list("name", "division__path"):
        for t in terms:
            if path.startswith(t.congress.division.path):
                stations[t.congress.division.path].append(name)

    def place(term: Term) -> str:
        names = stations.get(term.congress.division.path)
        return f"{rng.choice(names)}会议室" if names else f"{term.congress.division.name}{rng.choice(PLACES)}"

    meetings: list[ReportMeeting] = []
    planned_reports: list[tuple[int, list[tuple[Mandate, str]]]] = []  # meeting index → (mandate, mode)
    for (term_id, district), members in by_district.items():
        term = term_by_id[term_id]
        span = max(30, (today - term.starts_on).days - 30)
        roll = rng.random()
        if roll < 0.08:  # only a planned meeting ahead
            date = today + datetime.timedelta(days=rng.randint(7, 60))
            meetings.append(ReportMeeting(term=term, district=district, title=f"{district}代表述职评议会",
                                          date=date, place=place(term), status=MeetingStatus.PLANNED))  # fmt: skip
            planned_reports.append((len(meetings) - 1, []))
            continue
        reporters = [m for m in members if rng.random() < 0.85]
        oral_p = 0.15 if rng.random() < 0.15 else 0.6  # some districts fall short of the oral share
        date = term.starts_on + datetime.timedelta(days=30 + rng.randrange(span))
        meetings.append(ReportMeeting(term=term, district=district, title=f"{district}代表述职评议会（{date.year}年）",
                                      date=date, place=place(term), status=MeetingStatus.HELD,
                                      note="会议由选区所在乡镇（街道）人大组织，选民代表参加并现场测评。"))  # fmt: skip
        planned_reports.append(
            (
                len(meetings) - 1,
                [(m, ReportMode.ORAL if rng.random() < oral_p else ReportMode.WRITTEN) for m in reporters],
            )
        )
    ReportMeeting.objects.bulk_create(meetings, batch_size=BATCH)

    reports: list[DeputyReport] = []
    for index, entries in planned_reports:
        meeting = meetings[index]
        for m, mode in entries:
            published = timezone.make_aware(datetime.datetime.combine(meeting.date, datetime.time(18, 0)))
            reports.append(DeputyReport(
                meeting=meeting, deputy=m.deputy, mode=mode,
                text=_text(rng, m.deputy.name, meeting.term.congress.name, meeting.district),
                published_at=published if rng.random() < 0.9 else None, created_at=published,
            ))  # fmt: skip
    DeputyReport.objects.bulk_create(reports, batch_size=BATCH)

    appraisals: list[Appraisal] = []
    tallies: list[PaperTally] = []
    weights = [0.72, 0.22, 0.06]
    max_online = max(1, round(12 * scale))
    for report in reports:
        if report.published_at is not None:
            for i in range(rng.randint(0, max_online)):
                digest = hashlib.sha1(f"demo:{report.pk}:{i}".encode()).hexdigest()
                when = report.published_at + datetime.timedelta(minutes=rng.randint(5, 60 * 24 * 20))
                appraisals.append(Appraisal(report=report, phone_hash=digest, created_at=min(when, now),
                                            choice=rng.choices(Choice.values, weights)[0]))  # fmt: skip
        voters = rng.randint(25, 60)
        satisfied = round(voters * rng.uniform(0.6, 0.9))
        basic = round((voters - satisfied) * rng.uniform(0.5, 0.9))
        tallies.append(PaperTally(report=report, satisfied=satisfied, basic=basic, unsatisfied=voters - satisfied - basic,
                                  updated_at=report.published_at or now))  # fmt: skip
    Appraisal.objects.bulk_create(appraisals, batch_size=BATCH)
    PaperTally.objects.bulk_create(tallies, batch_size=BATCH)
    say(f"述职评议会 {len(meetings)} 场，述职报告 {len(reports)} 份，网上评议 {len(appraisals)} 条。")
    return {"meetings": len(meetings), "reports": len(reports), "appraisals": len(appraisals)}
