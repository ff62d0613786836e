"""Demo 信息发布: a year of notices, policies, laws and news from the city and county congresses,
pushed to chosen deputies with realistic read receipts.

The demo ``deputy`` account gets a few recent pushes, some still unread, so "我的推送信息" and the
unread badge on the console home show at once. Written with ``bulk_create``; the audiences are resolved
by the same query the push service uses (``renda.notices.services.audience_deputies``).
"""

import datetime
import random

from renda.core.models import Notification, User
from renda.notices.models import (
    DeputyTag,
    DeputyTagging,
    Notice,
    NoticeKind,
    NoticeStatus,
    NoticeTheme,
    Push,
    PushRecipient,
)
from renda.notices.services import Audience, my_notice_url
from renda.registry.models import Congress, CongressLevel, Mandate, MandateStatus, Station, StationDeputy
from renda.registry.selectors import subtree_q

LABEL = "信息发布与精准推送"
COUNT_LABELS = {"notices": "信息", "pushes": "推送", "recipients": "推送对象", "themes": "主题", "tags": "代表标签"}  # the demo summary's words

THEMES = ["乡村振兴", "营商环境", "民生实事", "生态环保", "基层治理", "法治建设"]
TAGS = ["法律界", "企业界", "教育界", "医疗卫生界", "农业农村界", "社区工作者"]

TITLES = {
    NoticeKind.NOTICE: [
        "关于召开{month}月份代表活动日的通知",
        "关于开展“代表进家站点”集中接待活动的通知",
        "关于组织代表参加专题学习培训的通知",
        "关于征求{year}年度民生实事项目意见的通知",
        "关于做好代表建议办理情况跟踪反馈的通知",
        "关于组织代表开展专题视察的通知",
    ],
    NoticeKind.POLICY: [
        "{place}关于进一步加强家站点建设的实施意见",
        "{place}代表履职管理办法（修订）",
        "{place}关于加强和改进代表工作的若干措施",
        "关于印发《代表联系群众工作规范》的通知",
    ],
    NoticeKind.LAW: [
        "《中华人民共和国全国人民代表大会和地方各级人民代表大会代表法》解读",
        "《中华人民共和国各级人民代表大会常务委员会监督法》修正要点",
        "《中华人民共和国民法典》物业管理相关条款解读",
        "《中华人民共和国立法法》学习要点",
    ],
    NoticeKind.NEWS: [
        "{place}人大常委会召开代表工作座谈会",
        "代表走进社区听民声、解民忧",
        "{place}人大代表视察重点民生项目",
        "“数字人大”平台助力代表联系群众",
        "代表建议推动老旧小区改造落地见效",
    ],
}

BODY = """各位代表：

为{purpose}，现将有关事项通知如下。

## 一、时间地点
- 时间：{month}月{day}日上午9:00
- 地点：各代表之家、代表联络站

## 二、工作要求
1. 请各位代表**按时参加**，确有特殊情况不能参加的，请向所在家站点请假。
2. 请结合联系群众情况，提前准备意见建议。

详情可登录“数字人大”平台查看，或咨询所在家站点联络员。

{place}人大常委会代表工作委员会"""

NEWS_BODY = """近日，{place}人大常委会组织部分代表深入基层，围绕{theme}开展调研。

代表们实地察看了项目进展，与群众面对面交流，认真听取意见建议。大家表示，将把群众的“急难愁盼”带到会上，推动问题解决。

## 主要收获
- 收集群众意见建议若干条，已按程序转交有关部门办理；
- 形成调研报告一份，报常委会主任会议研究。"""

PURPOSES = ["进一步密切代表同人民群众的联系", "做好代表履职服务保障", "提高代表履职能力", "推动民生实事落地"]


def _territory_station_ids(congress: Congress) -> list[int]:
    return list(
        Station.objects.filter(subtree_q(congress.division.path, prefix="division__"), is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


class _Resolver:
    """``services.audience_deputies`` computed in memory (one query per table instead of one per push).

    Same rules: active deputies with an active mandate, in the notice congress's territory (mandate or
    station there), then each chosen kind of criterion narrows. ``tests/notices/test_demo_notices.py``
    checks the result against the service's query."""

    def __init__(self) -> None:
        self.mandates: dict[int, list[tuple[str, str]]] = {}  # deputy -> [(congress path, level)]
        for deputy_id, path, level in Mandate.objects.filter(
            status=MandateStatus.ACTIVE, deputy__is_active=True
        ).values_list("deputy_id", "congress__division__path", "congress__level"):
            self.mandates.setdefault(deputy_id, []).append((path, level))
        self.seats: dict[int, list[tuple[int, str, str]]] = {}  # deputy -> [(station, station path, theme)]
        for deputy_id, station_id, path, theme in StationDeputy.objects.filter(left_on=None).values_list(
            "deputy_id", "station_id", "station__division__path", "station__theme"
        ):
            self.seats.setdefault(deputy_id, []).append((station_id, path, theme))
        self.tagged: dict[int, set[int]] = {}
        for deputy_id, tag_id in DeputyTagging.objects.values_list("deputy_id", "tag_id"):
            self.tagged.setdefault(deputy_id, set()).add(tag_id)
        self.territory: dict[str, list[int]] = {}

    def _in(self, path: str) -> list[int]:
        if path not in self.territory:
            self.territory[path] = sorted(
                d
                for d, seats in self.mandates.items()
                if any(p.startswith(path) for p, _ in seats)
                or any(sp.startswith(path) for _, sp, _ in self.seats.get(d, ()))
            )
        return self.territory[path]

    def _members(self, test) -> set[int]:
        return {d for d, seats in self.seats.items() for seat in seats if test(seat)}

    def __call__(self, notice: Notice, audience: Audience) -> list[int]:
        chosen = set(self._in(notice.congress.division.path))
        if audience.levels:
            chosen &= {d for d in chosen if any(level in audience.levels for _, level in self.mandates[d])}
        if audience.divisions:  # (constituency divisions are not used by the demo's audiences)
            paths = tuple(x.path for x in audience.divisions)
            chosen &= self._members(lambda seat: seat[1].startswith(paths))
        if audience.stations:
            stations = {s.pk for s in audience.stations}
            chosen &= self._members(lambda seat: seat[0] in stations)
        if audience.themes:
            chosen &= self._members(lambda seat: seat[2] in audience.themes)
        if audience.tags:
            tags = {t.pk for t in audience.tags}
            chosen &= {d for d in chosen if self.tagged.get(d, set()) & tags}
        return sorted(chosen)


def build(rng: random.Random, *, now: datetime.datetime, scale: float, say) -> dict[str, int]:
    congresses = list(
        Congress.objects.filter(level__in=[CongressLevel.CITY, CongressLevel.COUNTY])
        .select_related("division")
        .order_by("division__path")
    )
    staff = {u.congress_id: u for u in User.objects.filter(role="congress_staff").exclude(congress=None)}
    demo_deputy = User.objects.filter(username="deputy").select_related("deputy").first()
    demo_station_ids = set(
        StationDeputy.objects.filter(deputy_id=demo_deputy.deputy_id, left_on=None).values_list("station_id", flat=True)
        if demo_deputy and demo_deputy.deputy_id
        else []
    )

    themes = NoticeTheme.objects.bulk_create(
        [NoticeTheme(congress=c, name=name) for c in congresses for name in rng.sample(THEMES, 4)]
    )
    themes_of: dict[int, list[NoticeTheme]] = {}
    for t in themes:
        themes_of.setdefault(t.congress_id, []).append(t)

    tags = DeputyTag.objects.bulk_create([DeputyTag(congress=c, name=name) for c in congresses for name in TAGS[:4]])
    taggings = []
    tags_of: dict[int, list[DeputyTag]] = {}
    for tag in tags:
        tags_of.setdefault(tag.congress_id, []).append(tag)
    for congress in congresses:
        seated = list(
            Mandate.objects.filter(congress=congress, status=MandateStatus.ACTIVE)
            .order_by("deputy_id")
            .values_list("deputy_id", flat=True)
            .distinct()
        )
        for tag in tags_of[congress.pk]:
            for deputy_id in rng.sample(seated, k=min(len(seated), max(2, len(seated) // 12))):
                taggings.append(DeputyTagging(tag=tag, deputy_id=deputy_id))
    DeputyTagging.objects.bulk_create(taggings, ignore_conflicts=True)

    notices: list[Notice] = []
    per_city, per_county = max(4, round(60 * scale)), max(3, round(36 * scale))
    for congress in congresses:
        n = per_city if congress.level == CongressLevel.CITY else per_county
        place = congress.division.name
        for _ in range(n):
            kind = rng.choices(NoticeKind.values, weights=[4, 2, 1, 3], k=1)[0]
            published = now - datetime.timedelta(days=rng.uniform(0, 365), minutes=rng.randrange(600))
            theme = rng.choice(themes_of[congress.pk])
            fill = {
                "month": published.month,
                "day": min(28, published.day + 7),
                "year": published.year,
                "place": place,
                "purpose": rng.choice(PURPOSES),
                "theme": theme.name,
            }
            status = NoticeStatus.PUBLISHED if rng.random() > 0.04 else NoticeStatus.WITHDRAWN
            notices.append(
                Notice(
                    congress=congress,
                    kind=kind,
                    title=rng.choice(TITLES[kind]).format(**fill),
                    body=(NEWS_BODY if kind == NoticeKind.NEWS else BODY).format(**fill),
                    theme=theme,
                    status=status,
                    publish_public=kind != NoticeKind.NOTICE or rng.random() < 0.3,
                    published_at=published,
                    withdrawn_at=published + datetime.timedelta(days=2) if status == NoticeStatus.WITHDRAWN else None,
                    created_by=staff.get(congress.pk),
                    created_at=published - datetime.timedelta(hours=rng.randrange(1, 72)),
                    updated_at=published,
                )
            )
        for i in range(2):  # drafts still being written
            notices.append(
                Notice(
                    congress=congress,
                    kind=NoticeKind.NOTICE,
                    title=f"（草稿）关于{place}代表小组活动安排的通知{'二' if i else ''}",
                    body=BODY.format(
                        month=now.month,
                        day=min(28, now.day + 3),
                        year=now.year,
                        place=place,
                        purpose=PURPOSES[0],
                        theme="",
                    ),  # fmt: skip
                    theme=None,
                    created_by=staff.get(congress.pk),
                    created_at=now - datetime.timedelta(days=i + 1),
                    updated_at=now - datetime.timedelta(days=i + 1),
                )
            )
    notices = Notice.objects.bulk_create(notices)

    # Pushes: notices (not news) go to chosen deputies; the audience is resolved like the service does.
    pushes: list[Push] = []
    audiences: list[tuple[Notice, Audience]] = []
    stations_of = {c.pk: _territory_station_ids(c) for c in congresses}
    for notice in notices:
        if notice.published_at is None or notice.kind == NoticeKind.NEWS or rng.random() < 0.3:
            continue
        congress = next(c for c in congresses if c.pk == notice.congress_id)
        notice.congress = congress
        roll = rng.random()
        station_ids = stations_of[congress.pk]
        if roll < 0.55 and station_ids:
            picked = Station.objects.filter(pk__in=rng.sample(station_ids, k=min(len(station_ids), rng.randint(1, 4))))
            audience = Audience(stations=list(picked))
        elif roll < 0.85:
            audience = Audience(tags=rng.sample(tags_of[congress.pk], k=rng.randint(1, 2)))
        else:
            audience = Audience(levels=[congress.level])
        audiences.append((notice, audience))
    # The demo deputy: the latest notices of their county are pushed to their station; the newest two stay unread.
    county = User.objects.filter(username="county_staff").values_list("congress_id", flat=True).first()
    recent: list[Notice] = []
    if demo_station_ids and county:
        # chosen from all the county's published notices (not only those the draw above pushed), so the
        # demo deputy always has unread items whatever the date and the random draw
        recent = sorted(
            (
                n
                for n in notices
                if n.congress_id == county and n.status == NoticeStatus.PUBLISHED and n.kind != NoticeKind.NEWS
            ),
            key=lambda n: n.published_at,
        )[-4:]
        stations = list(Station.objects.filter(pk__in=demo_station_ids))
        audiences = [(n, a) for n, a in audiences if n not in recent]
        for n in recent:
            n.congress = next(c for c in congresses if c.pk == n.congress_id)
            audiences.append((n, Audience(stations=stations)))
    unread_for_demo = {n.pk for n in recent[-2:]}

    resolve = _Resolver()
    recipients: list[tuple[int, list[int]]] = []
    for notice, audience in audiences:
        ids = resolve(notice, audience)
        if not ids:
            continue
        sent_at = notice.published_at + datetime.timedelta(minutes=rng.randrange(5, 240))
        pushes.append(
            Push(
                notice=notice,
                congress_id=notice.congress_id,
                audience=audience.as_json(),
                audience_label=audience.label(),
                sent_by=staff.get(notice.congress_id),
                sent_at=min(sent_at, now),
                recipient_count=len(ids),
            )
        )
        recipients.append((len(pushes) - 1, ids))
    pushes = Push.objects.bulk_create(pushes)

    accounts = dict(User.objects.exclude(deputy=None).values_list("deputy_id", "pk"))
    rows: list[PushRecipient] = []
    for index, ids in recipients:
        push = pushes[index]
        age_days = (now - push.sent_at).days
        read_rate = 0.35 if age_days < 3 else 0.7 if age_days < 30 else 0.9
        for deputy_id in ids:
            read_at = None
            if deputy_id == getattr(demo_deputy, "deputy_id", None):
                read_at = (
                    None if push.notice_id in unread_for_demo else min(now, push.sent_at + datetime.timedelta(hours=5))
                )
            elif rng.random() < read_rate:
                read_at = min(
                    now, push.sent_at + datetime.timedelta(hours=rng.uniform(0.2, 24 * min(age_days + 1, 10)))
                )
            rows.append(PushRecipient(push=push, deputy_id=deputy_id, read_at=read_at))
    rows = PushRecipient.objects.bulk_create(rows, batch_size=2000)

    # In-app notifications for the accounts among the recipients (the demo has a few).
    notes = []
    by_push = {p.pk: p for p in pushes}
    for r in rows:
        if r.deputy_id in accounts:
            notice = by_push[r.push_id].notice
            notes.append(
                Notification(
                    user_id=accounts[r.deputy_id],
                    title="收到推送信息",
                    body=f"{notice.congress.name}向您推送了{notice.get_kind_display()}“{notice.title}”，请查阅。",
                    url=my_notice_url(r.pk),
                    created_at=by_push[r.push_id].sent_at,
                    read_at=r.read_at,
                )
            )
    Notification.objects.bulk_create(notes)
    return {
        "notices": len(notices),
        "pushes": len(pushes),
        "recipients": len(rows),
        "themes": len(themes),
        "tags": len(tags),
    }
