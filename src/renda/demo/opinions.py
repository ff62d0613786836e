"""The demo's 民意直通车: ~70,000 opinions over the past year, in every state, written in bulk.

Running 70,000 cases through the handling services one by one would take many
minutes, so each case is *simulated* in memory by ``_Sim``, which replays what
the services and the deadline worker would have written — the same
``engine.TRANSITIONS`` checks, stage deadlines from ``handling.deadlines``
(working days cached per day), timers set and cleared, reminders and 督办
when a deadline passes, the on-time flags — with realistic timestamps. The
timeline is cut at ``now``: old cases are closed, recent ones still open.
The rows are then written with ``bulk_create``.
"""

import base64
import datetime
import gc
import itertools
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.urls import NoReverseMatch, reverse

from renda.core.models import Notification, User
from renda.core.notifications import DEFAULT_TEMPLATES, render
from renda.core.workdays import add_working_days
from renda.demo import opinion_content as T
from renda.demo.names import PersonFactory
from renda.demo.places import ROADS
from renda.handling import deadlines
from renda.handling.engine import STATE_STAGE, TRANSITIONS
from renda.handling.models import (
    OPEN_STATES,
    Assignment,
    Case,
    CaseEvent,
    CaseKind,
    CaseState,
    CloseReason,
    Evaluation,
    EventKind,
    ExtensionRequest,
    ExtensionStatus,
    LimitUnit,
    Reply,
    Satisfaction,
    Stage,
    Supervision,
    Timer,
    Urgency,
)
from renda.opinions.models import Category, Channel, Opinion, Taxonomy
from renda.opinions.services import TRACKING_ALPHABET, TRACKING_LENGTH
from renda.registry.models import Agency, Congress, Division, Grid, Mandate, Station, StationDeputy

FULL_COUNT = 70_000
BATCH = 2000
S, E = CaseState, EventKind
H = datetime.timedelta(hours=1)
MINUTE = datetime.timedelta(minutes=1)
CHANNELS = [(Channel.DEPUTY_QR, 30), (Channel.STATION_QR, 22), (Channel.WEB, 20), (Channel.RECEPTION, 6),
            (Channel.WALK_IN, 8), (Channel.PHONE, 8), (Channel.API, 6)]  # fmt: skip
FIRST_VERDICT = [("satisfied", 60), ("basic", 25), ("unsatisfied", 8), ("none", 7)]
SECOND_VERDICT = [("satisfied", 40), ("basic", 35), ("unsatisfied", 10), ("none", 15)]
RESULTS = [("resolved", 60), ("planned", 25), ("explained", 15)]


try:
    from psycopg.types.json import Jsonb
except ImportError:  # SQLite-only installs
    Jsonb = None


class _Raw:
    """Plain multi-row INSERTs with the ids chosen here: several times faster than ``bulk_create`` for 10⁶ rows.

    Values are prepared per column type once (datetimes for SQLite as Django stores them, JSON through the
    field), and the sequences are reset afterwards on PostgreSQL.
    """

    def __init__(self):
        self.models: list = []
        self.sqlite = connection.vendor == "sqlite"

    def ids(self, model):
        start = (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        return itertools.count(start)

    def insert(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        self.models.append(model)
        fields = [f for f in model._meta.concrete_fields if f.attname in rows[0] or f.has_default()]
        names = [f.attname for f in fields]
        convert = []
        for f in fields:
            if isinstance(f, models.DateTimeField) and self.sqlite:
                convert.append(_sqlite_datetime)
            elif isinstance(f, models.JSONField):
                convert.append(json.dumps if self.sqlite else Jsonb)
            else:
                convert.append(None)
        convertible = [(i, c) for i, c in enumerate(convert) if c is not None]
        defaults = {f.attname: f.get_default() for f in fields if f.attname not in rows[0]}
        qn = connection.ops.quote_name
        sql = (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")  # fmt: skip
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 10_000):
                params = []
                for row in rows[start : start + 10_000]:
                    values = [row[n] if n in row else defaults[n] for n in names]
                    for i, c in convertible:
                        if values[i] is not None:
                            values[i] = c(values[i])
                    params.append(values)
                cursor.executemany(sql, params)

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _sqlite_datetime(value: datetime.datetime) -> str:
    return str((value - value.utcoffset()).replace(tzinfo=None))  # naive UTC, as Django stores it


class Stop(Exception):
    """The simulated timeline reached ``now`` (or the forced final state)."""


def _pick(rng: random.Random, pairs: list[tuple[Any, float]]) -> Any:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs], k=1)[0]


@dataclass
class Rec:
    """A row to be written, and (after bulk_create) the model instance with its pk."""

    fields: dict
    row: Any = None


@dataclass
class TimerRec:
    stage: str
    start: datetime.datetime
    due: datetime.datetime
    remind: datetime.datetime
    assignment: Rec | None = None
    cleared: datetime.datetime | None = None
    reminded: datetime.datetime | None = None
    escalated: datetime.datetime | None = None


@dataclass
class Route:
    channel: str
    division: dict | None
    congress: int | None
    deputy: dict | None = None  # {"id", "name"}
    station: dict | None = None
    agencies: list[dict] = field(default_factory=list)


class _World:
    """The registry as plain dicts, and the lookups routing needs."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        divisions = list(Division.objects.values("id", "code", "name", "level", "path", "latitude", "longitude"))
        self.div = {d["id"]: d for d in divisions}
        self.div_by_code = {d["code"]: d for d in divisions}
        self.villages = [d for d in divisions if d["level"] == "village"]
        self.villages_under: dict[str, list[dict]] = defaultdict(list)
        for v in self.villages:
            for code in v["path"].strip("/").split("/")[:-1]:
                self.villages_under[code].append(v)
        self.congress_by_code = {
            c["division__code"]: c
            for c in Congress.objects.filter(is_active=True).values("id", "name", "division__code")
        }
        self.congress = {c["id"]: c for c in self.congress_by_code.values()}
        self.agencies_of: dict[int, list[dict]] = defaultdict(list)
        for a in Agency.objects.filter(is_active=True).values("id", "name", "congress_id"):
            self.agencies_of[a["congress_id"]].append(a)
        self.stations = list(Station.objects.values("id", "name", "division_id"))
        self.station = {s["id"]: s for s in self.stations}
        self.station_deputies: dict[int, list[int]] = defaultdict(list)
        for sid, did in StationDeputy.objects.filter(left_on=None).values_list("station_id", "deputy_id"):
            self.station_deputies[sid].append(did)
        mandates = Mandate.objects.filter(status="active").values(
            "deputy_id", "deputy__name", "congress_id", "congress__division__code", "congress__division__path",
            "constituency_division__code",
        )  # fmt: skip
        self.mandates = list(mandates)
        self.deputy: dict[int, dict] = {}
        for m in self.mandates:  # the deepest congress wins, as opinion intake does
            d = self.deputy.setdefault(m["deputy_id"], {"id": m["deputy_id"], "name": m["deputy__name"], "depth": -1})
            depth = m["congress__division__path"].count("/")
            if depth > d["depth"]:
                d.update(depth=depth, congress=m["congress_id"], area=m["constituency_division__code"])
        self.grids: dict[int, list[int]] = defaultdict(list)
        for gid, did in Grid.objects.values_list("id", "division_id"):
            self.grids[did].append(gid)

    def congress_for(self, division: dict | None, deputy: dict | None) -> int | None:
        if division is not None:
            for code in reversed(division["path"].strip("/").split("/")):
                if code in self.congress_by_code:
                    return self.congress_by_code[code]["id"]
        return deputy["congress"] if deputy else None

    def village_in(self, code: str | None) -> dict | None:
        if not code:
            return None
        d = self.div_by_code[code]
        if d["level"] == "village":
            return d
        under = self.villages_under.get(code)
        return self.rng.choice(under) if under else d

    def agency_pool(self, congress_id: int | None) -> list[dict]:
        """Agencies of the responsible congress; a township congress has none, so its county's."""
        if congress_id is None:
            return []
        pool = self.agencies_of.get(congress_id)
        if pool:
            return pool
        code = next(k for k, c in self.congress_by_code.items() if c["id"] == congress_id)
        county = self.congress_by_code.get(code[:6])
        return self.agencies_of.get(county["id"], []) if county else []

    def route(self, channel: str, *, deputy_id: int | None = None, station_id: int | None = None,
              division: dict | None = None) -> Route:  # fmt: skip
        rng = self.rng
        deputy = station = None
        if channel == Channel.DEPUTY_QR:
            deputy = self.deputy[deputy_id] if deputy_id else self.deputy[rng.choice(self.mandates)["deputy_id"]]
            if division is None and not (deputy["depth"] <= 4 and rng.random() < 0.5):
                division = self.village_in(deputy["area"])
        elif channel in (Channel.WEB, Channel.API):
            if division is None:
                division = self.div_by_code["990100"] if rng.random() < 0.08 else rng.choice(self.villages)
        else:
            station = self.station[station_id] if station_id else rng.choice(self.stations)
            if division is None:
                division = self.village_in(self.div[station["division_id"]]["code"])
            members = self.station_deputies.get(station["id"])
            if channel == Channel.RECEPTION and members:
                deputy = self.deputy.get(rng.choice(members))
        congress = self.congress_for(division, deputy)
        return Route(channel, division, congress, deputy, station, self.agency_pool(congress))


class _Due:
    """Stage deadlines exactly as ``handling.deadlines.stage_due`` computes them, cached per day."""

    def __init__(self):
        self.limits: dict[tuple[str, str], deadlines.Limit] = {}
        self.days: dict[tuple[datetime.date, int], datetime.datetime] = {}
        self.tz = datetime.timezone(datetime.timedelta(hours=8)) if settings.TIME_ZONE == "Asia/Shanghai" else None

    def working(self, start: datetime.datetime, amount: int) -> datetime.datetime:
        day = (start.astimezone(self.tz) if self.tz else start).date()
        key = (day, amount)
        if key not in self.days:
            self.days[key] = add_working_days(start, amount)
        return self.days[key]

    def __call__(self, stage: str, start: datetime.datetime, urgency: str) -> datetime.datetime:
        limit = self.limits.get((stage, urgency))
        if limit is None:
            limit = self.limits[(stage, urgency)] = deadlines.limit_for(stage, urgency=urgency)
        if limit.unit == LimitUnit.HOURS:
            return start + datetime.timedelta(hours=limit.amount)
        if limit.unit == LimitUnit.DAYS:
            return start + datetime.timedelta(days=limit.amount)
        return self.working(start, limit.amount)


class _Sim:
    """One case replayed through the services' rules; ``now`` cuts the timeline."""

    def __init__(self, gen: "_Generator", created: datetime.datetime, urgency: str):
        self.g, self.now = gen, gen.now
        self.state, self.stage, self.stage_due = "", "", None
        self.urgency = urgency
        self.version = 0
        self.supervision_level = 0
        self.reopened = 0
        self.created = created
        self.case: dict = {"created_at": created}
        self.events: list[tuple] = []
        self.timers: list[TimerRec] = []
        self.assignments: list[Rec] = []
        self.replies: list[Rec] = []
        self.evaluations: list[dict] = []
        self.supervisions: list[dict] = []
        self.extensions: list[Rec] = []
        self.stop_state: str | None = None
        self.t = created

    # -- the engine ------------------------------------------------------------------------------------------------
    def at(self, t: datetime.datetime) -> datetime.datetime:
        """Let the worker tick up to ``t`` (reminders, escalations, auto-close), then act at ``t``."""
        if t > self.now:
            self.tick(self.now)
            raise Stop
        self.tick(t)
        self.t = max(t, self.t)
        return self.t

    def tick(self, until: datetime.datetime) -> None:
        while self.state in OPEN_STATES:
            due = [(tm.due, 1, tm) for tm in self.timers if tm.cleared is None and tm.escalated is None]
            due += [
                (tm.remind, 0, tm)
                for tm in self.timers
                if tm.cleared is None and tm.reminded is None and tm.escalated is None and tm.stage != Stage.EVALUATE
            ]
            due = [d for d in due if d[0] + MINUTE <= until]
            if not due:
                return
            when, overdue, tm = min(due, key=lambda d: (d[0], -d[1]))
            when += MINUTE
            self.t = max(self.t, when)
            if tm.assignment is not None and tm.assignment.fields["status"] not in ("pending", "signed"):
                tm.reminded = tm.reminded or when
                tm.escalated = when if overdue else None
                continue
            if overdue:
                tm.escalated = when
                self.escalate(tm, when)
            else:
                tm.reminded = when
                self.move(E.REMIND, when, "系统", note=f"{Stage(tm.stage).label}时限即将到期",
                          agency=tm.assignment.fields["agency_id"] if tm.assignment else None,
                          data={"stage": tm.stage, "due_at": tm.due.isoformat(), "assignment": tm.assignment})  # fmt: skip

    def escalate(self, tm: TimerRec, when: datetime.datetime) -> None:
        if tm.stage == Stage.EVALUATE:
            self.evaluations.append({"round": self.reopened + 1, "resolved": None, "satisfaction": "none", "at": when})
            self.close(CloseReason.UNEVALUATED, "系统", when)
            return
        self.supervision_level = min(3, self.supervision_level + 1)
        who = self.g.agency_name[tm.assignment.fields["agency_id"]] if tm.assignment else ""
        reason = f"{who}{Stage(tm.stage).label}逾期"
        self.supervisions.append({"level": self.supervision_level, "stage": self.stage, "reason": reason, "at": when})
        self.move(E.SUPERVISE, when, "系统", note=reason, data={"level": self.supervision_level, "stage": self.stage})
        if self.supervision_level < 3:
            self.timer(tm.stage, when, self.g.due.working(when, 2), tm.assignment)

    def timer(self, stage: str, start, due, assignment: Rec | None = None) -> None:
        self.timers.append(TimerRec(stage, start, due, deadlines.remind_time(start, due), assignment))

    def clear(self, t, *, assignment: Rec | None = None, stage: str | None = None, case_level: bool = False) -> None:
        for tm in self.timers:
            if tm.cleared is not None:
                continue
            if assignment is not None and tm.assignment is not assignment:
                continue
            if assignment is None and case_level and tm.assignment is not None:
                continue
            if stage is not None and tm.stage != stage:
                continue
            tm.cleared = t

    def move(self, kind: str, t, label: str, *, to: str | None = None, actor: int | None = None, note: str = "",
             public_note: str = "", agency: int | None = None, data: dict | None = None) -> None:  # fmt: skip
        allowed_from, allowed_to = TRANSITIONS[kind]
        assert self.state in allowed_from and (to is None or to == self.state or to in allowed_to), (kind, self.state)
        before = self.state
        if to is not None and to != before:
            self.state = to
            self.set_stage(t)
        self.version += 1
        self.events.append((kind, t, actor, label, before, self.state, agency, note, public_note, data or {}))

    def set_stage(self, t) -> None:
        self.clear(t, case_level=True)
        self.stage = STATE_STAGE.get(self.state, "")
        if not self.stage:
            self.stage_due = None
        elif self.stage in (Stage.SIGN, Stage.REPLY):
            lead = self.lead()
            if lead is not None:
                self.stage_due = lead.fields["sign_due_at" if self.stage == Stage.SIGN else "reply_due_at"]
        else:
            self.stage_due = self.g.due(self.stage, t, self.urgency)
            self.timer(self.stage, t, self.stage_due)

    def lead(self) -> Rec | None:
        active = [
            a for a in self.assignments if a.fields["role"] == "lead" and a.fields["status"] in ("pending", "signed")
        ]
        return active[-1] if active else None

    def done(self) -> None:
        if self.stop_state is not None and self.state == self.stop_state:
            raise Stop

    # -- the services ----------------------------------------------------------------------------------------------
    def submit(self, label: str, actor: int | None) -> None:
        t = self.created
        self.state, self.stage = S.SUBMITTED, Stage.ACCEPT
        self.stage_due = self.g.due(Stage.ACCEPT, t, self.urgency)
        self.timer(Stage.ACCEPT, t, self.stage_due)
        self.events.append((E.SUBMIT, t, actor, label, "", S.SUBMITTED, None, "", "", {}))
        self.done()

    def accept(self, t, label, actor, forward: bool) -> None:
        t = self.at(t)
        self.move(E.FORWARD if forward else E.ACCEPT, t, label, to=S.ACCEPTED, actor=actor)
        self.case["accepted_at"] = t
        self.done()

    def reject(self, t, label, actor, reason: str, spam: bool) -> None:
        t = self.at(t)
        self.move(E.SPAM if spam else E.REJECT, t, label, to=S.REJECTED, actor=actor, note=reason,
                  public_note="" if spam else reason)  # fmt: skip
        self.case.update(reject_reason=reason, closed_at=t)

    def merge(self, t, label, actor, into: "_Sim") -> None:
        t = self.at(t)
        self.move(E.MERGE, t, label, to=S.MERGED, actor=actor, data={"into": into},
                  public_note="您反映的问题与其他群众反映的相同问题合并办理，办理结果将一并反馈。")  # fmt: skip
        self.case.update(merged_into=into, closed_at=t)

    def answer(self, t, label, actor, result: str, content: str) -> None:
        t = self.at(t)
        self.move(E.ANSWER, t, label, to=S.REPLIED, actor=actor, note=content)
        self.case.setdefault("accepted_at", t)
        self.case["replied_at"] = t
        self.replies.append(Rec({"result": result, "content": content, "author_label": label, "at": t,
                                 "round": self.reopened + 1, "assignment": None}))  # fmt: skip
        self.feedback(t, label, actor, content)

    def assign(self, t, label, actor, lead: dict, co: list[dict], instructions: str = "") -> None:
        t = self.at(t)
        rows = []
        for agency, role in [(lead, "lead")] + [(a, "co") for a in co if a["id"] != lead["id"]]:
            sign_due = self.g.due(Stage.SIGN, t, self.urgency)
            reply_due = self.g.due(Stage.REPLY, t, self.urgency)
            a = Rec({"agency_id": agency["id"], "role": role, "status": "pending", "round": self.reopened + 1,
                     "assigned_at": t, "assigned_by_id": actor, "instructions": instructions,
                     "sign_due_at": sign_due, "reply_due_at": reply_due, "original_reply_due_at": reply_due})  # fmt: skip
            self.assignments.append(a)
            self.timer(Stage.SIGN, t, sign_due, a)
            if role == "lead":
                self.timer(Stage.REPLY, t, reply_due, a)
            rows.append(a)
        self.case.setdefault("first_assigned_at", t)
        self.case.setdefault("accepted_at", t)
        names = "、".join(self.g.agency_name[a.fields["agency_id"]] for a in rows)
        self.move(E.ASSIGN, t, label, to=S.ASSIGNED, actor=actor, note=instructions, agency=lead["id"],
                  data={"lead": lead["id"], "co": [a.fields["agency_id"] for a in rows[1:]], "agencies": names})  # fmt: skip
        self.done()

    def sign(self, t, a: Rec, label, actor) -> None:
        t = self.at(t)
        a.fields.update(status="signed", signed_at=t, signed_by_id=actor)
        self.clear(t, assignment=a, stage=Stage.SIGN)
        lead = a.fields["role"] == "lead"
        self.move(E.SIGN, t, label, to=S.IN_PROGRESS if lead else None, actor=actor, agency=a.fields["agency_id"],
                  data={"assignment": a, "on_time": t <= a.fields["sign_due_at"], "role": a.fields["role"]})  # fmt: skip
        if lead:
            self.stage_due = a.fields["reply_due_at"]
        self.done()

    def co_view(self, t, a: Rec, label, actor, text: str) -> None:
        t = self.at(t)
        if a.fields["status"] == "pending":
            a.fields.update(signed_at=t, signed_by_id=actor)
            self.clear(t, assignment=a, stage=Stage.SIGN)
        a.fields.update(status="signed", co_view=text, co_view_at=t)
        self.move(E.CO_VIEW, t, label, actor=actor, note=text, agency=a.fields["agency_id"])

    def ret(self, t, a: Rec, label, actor, reason: str) -> None:
        t = self.at(t)
        for x in self.assignments:
            if x.fields["status"] in ("pending", "signed"):
                x.fields.update(status="returned" if x is a else "withdrawn", ended_at=t, end_reason=reason)
                self.clear(t, assignment=x)
        self.move(E.RETURN, t, label, to=S.ACCEPTED, actor=actor, note=reason, agency=a.fields["agency_id"])

    def request_extension(self, t, a: Rec, label, actor, days: int, reason: str) -> Rec:
        t = self.at(t)
        req = Rec({"assignment": a, "working_days": days, "reason": reason, "status": "pending",
                   "requested_by_id": actor, "requested_at": t})  # fmt: skip
        self.extensions.append(req)
        self.move(E.EXTENSION_REQUEST, t, label, actor=actor, note=reason, agency=a.fields["agency_id"],
                  data={"request": req, "working_days": days})  # fmt: skip
        return req

    def decide_extension(self, t, req: Rec, label, actor, approve: bool) -> None:
        t = self.at(t)
        a = req.fields["assignment"]
        req.fields.update(status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED, decided_by_id=actor,
                          decided_at=t)  # fmt: skip
        data: dict = {"request": req}
        if approve:
            a.fields["reply_due_at"] = add_working_days(a.fields["reply_due_at"], req.fields["working_days"])
            self.clear(t, assignment=a, stage=Stage.REPLY)
            self.timer(Stage.REPLY, t, a.fields["reply_due_at"], a)
            if self.state == S.IN_PROGRESS:
                self.stage_due = a.fields["reply_due_at"]
            data["reply_due_at"] = a.fields["reply_due_at"].isoformat()
        self.move(E.EXTENSION_APPROVE if approve else E.EXTENSION_REFUSE, t, label, actor=actor,
                  agency=a.fields["agency_id"], data=data)  # fmt: skip

    def reply(self, t, a: Rec, label, actor, result: str, content: str) -> None:
        t = self.at(t)
        for x in self.assignments:
            if x.fields["status"] in ("pending", "signed"):
                x.fields.update(status="replied", ended_at=t)
                if x is a:
                    x.fields["replied_at"] = t
                self.clear(t, assignment=x)
        reply = Rec({"result": result, "content": content, "author_label": self.g.agency_name[a.fields["agency_id"]],
                     "at": t, "round": a.fields["round"], "assignment": a, "author_id": actor})  # fmt: skip
        self.replies.append(reply)
        self.case["replied_at"] = t
        self.move(E.REPLY, t, label, to=S.REPLIED, actor=actor, note=content, agency=a.fields["agency_id"],
                  data={"reply": reply, "result": result, "on_time": t <= a.fields["reply_due_at"]})  # fmt: skip
        self.done()

    def send_back(self, t, label, actor, reason: str) -> Rec:
        t = self.at(t)
        reply = self.replies[-1]
        reply.fields.update(sent_back=True, review_note=reason)
        a = reply.fields["assignment"]
        a.fields.update(status="signed", replied_at=None, ended_at=None)
        due = max(a.fields["reply_due_at"], self.g.due(Stage.FEEDBACK, t, ""))
        self.timer(Stage.REPLY, t, due, a)
        self.move(E.SEND_BACK, t, label, to=S.IN_PROGRESS, actor=actor, note=reason)
        self.stage_due = due
        return a

    def feedback(self, t, label, actor, text: str) -> None:
        t = self.at(t)
        self.move(E.FEEDBACK, t, label, to=S.FED_BACK, actor=actor, public_note=text)
        self.case.update(fed_back_at=t, feedback_text=text)
        self.done()

    def evaluate(self, t, satisfaction: str, resolved: bool, comment: str) -> None:
        t = self.at(t)
        self.evaluations.append({"round": self.reopened + 1, "resolved": resolved, "satisfaction": satisfaction,
                                 "comment": comment, "at": t})  # fmt: skip
        self.move(E.EVALUATE, t, "群众", note=comment, data={"satisfaction": satisfaction, "resolved": resolved})
        if satisfaction == Satisfaction.UNSATISFIED and self.reopened == 0:
            self.reopened += 1
            self.supervision_level = max(self.supervision_level, 1)
            self.move(E.REOPEN, t, "系统", to=S.REOPENED, note=comment or "群众评价不满意",
                      public_note="已根据您的评价重新办理，并列入督办。")  # fmt: skip
            self.supervisions.append({"level": self.supervision_level, "stage": Stage.ACCEPT,
                                      "reason": "群众不满意，重办", "at": t})  # fmt: skip
            self.done()
        else:
            reason = (
                CloseReason.SECOND_UNSATISFIED if satisfaction == Satisfaction.UNSATISFIED else CloseReason.EVALUATED
            )
            self.close(reason, "群众", t)

    def close(self, reason: str, label: str, t) -> None:
        self.move(E.CLOSE, t, label, to=S.CLOSED)
        self.case.update(closed_at=t, close_reason=reason)


@dataclass
class Force:
    """A showcase case for a demo account's queue: its route, where it stops, who handles it."""

    channel: str
    stop: str | None
    deputy_id: int | None = None
    station_id: int | None = None
    division_code: str | None = None
    lead_id: int | None = None
    days_ago: float = 1.0
    extension: bool = False


class _Generator:
    def __init__(self, rng: random.Random, now: datetime.datetime, say):
        self.rng, self.now, self.say = rng, now, say
        self.due = _Due()
        self.w = _World(rng)
        self.agency_name = {a["id"]: a["name"] for pool in self.w.agencies_of.values() for a in pool}
        self.people = PersonFactory(rng)
        self.categories = self.category_for_problems()
        self.users = {u.username: u for u in User.objects.filter(username__in=[
            "deputy", "station_staff", "county_staff", "city_staff", "agency"]).select_related("agency")}  # fmt: skip
        self.sims: list[tuple[_Sim, dict]] = []
        self.open_by_key: dict[tuple, list[_Sim]] = defaultdict(list)
        self.codes: set[str] = set()

    # -- content ---------------------------------------------------------------------------------------------------
    def category_for_problems(self) -> list[int | None]:
        taxonomy = Taxonomy.objects.filter(is_default=True).first()
        if taxonomy is None:
            taxonomy = install_taxonomy()
        cats = list(Category.objects.filter(taxonomy=taxonomy, is_active=True).values("id", "name", "path", "level"))
        found = []
        for problem in T.PROBLEMS:
            match = None
            for word in problem.keywords:
                hits = [c for c in cats if word in c["name"]] or [c for c in cats if word in c["path"]]
                if hits:
                    match = max(hits, key=lambda c: c["level"])["id"]
                    break
            found.append(match)
        return found

    def labels(self, route: Route) -> dict[str, tuple[str, int | None]]:
        """Who acts at each desk: (label, user id) — the demo accounts where the case is theirs."""
        u = self.users
        congress = self.w.congress.get(route.congress)
        staff = (f"{congress['name']}工作人员" if congress else "人大工作人员", None)
        for name in ("county_staff", "city_staff"):
            if name in u and u[name].congress_id == route.congress:
                staff = (str(u[name]), u[name].pk)
        if route.deputy is not None:
            front = (route.deputy["name"], None)
            if "deputy" in u and u["deputy"].deputy_id == route.deputy["id"]:
                front = (str(u["deputy"]), u["deputy"].pk)
        elif route.station is not None:
            front = (f"{route.station['name']}联络员", None)
            if "station_staff" in u and u["station_staff"].station_id == route.station["id"]:
                front = (str(u["station_staff"]), u["station_staff"].pk)
        else:
            front = staff
        return {"front": front, "staff": staff}

    def agency_actor(self, agency_id: int) -> tuple[str, int | None]:
        user = self.users.get("agency")
        if user is not None and user.agency_id == agency_id:
            return f"{user.agency.name} {user}", user.pk
        return f"{self.agency_name[agency_id]}经办人", None

    def pick_agency(self, route: Route, problem: T.Problem) -> dict | None:
        pool = route.agencies
        if not pool:
            return None
        for word in problem.agencies:
            hits = [a for a in pool if word in a["name"]]
            if hits:
                return self.rng.choice(hits)
        gov = [a for a in pool if a["name"].endswith("人民政府")]
        return gov[0] if gov else self.rng.choice(pool)

    # -- one case --------------------------------------------------------------------------------------------------
    def one(self, created: datetime.datetime, force: Force | None = None) -> None:
        rng = self.rng
        channel = force.channel if force else _pick(rng, CHANNELS)
        division = self.w.div_by_code.get(force.division_code) if force and force.division_code else None
        route = self.w.route(channel, deputy_id=force and force.deputy_id, station_id=force and force.station_id,
                             division=self.w.village_in(division["code"]) if division else None)  # fmt: skip
        if force and force.lead_id:
            route.agencies = [a for pool in self.w.agencies_of.values() for a in pool if a["id"] == force.lead_id]
        spam = force is None and rng.random() < 0.02
        urgency = _pick(rng, [(Urgency.NORMAL, 87), (Urgency.URGENT, 5), (Urgency.COMPLEX, 8)])
        problem_index = rng.randrange(len(T.PROBLEMS))
        problem = T.PROBLEMS[problem_index]
        village = route.division if route.division and route.division["level"] == "village" else None
        village_name = village["name"] if village else "我们小区"
        place = T.where(rng, problem, village_name, bool(village and village["name"].endswith("村")),
                        rng.choice(ROADS))  # fmt: skip
        if spam:
            title, content = "", rng.choice(T.SPAM_TEXTS)
        else:
            title, content = T.message(rng, problem, place, village_name)
        sim = _Sim(self, created, urgency)
        sim.stop_state = force.stop if force else None
        anonymous = rng.random() < 0.12
        with_phone = not anonymous or rng.random() < 0.5
        staff_entered = channel in (Channel.RECEPTION, Channel.WALK_IN, Channel.PHONE)
        desks = self.labels(route)
        case_title = (title or content[:30])[:200]
        opinion = {
            "title": title if rng.random() < 0.6 else "",
            "content": content,
            "category_id": None if spam or rng.random() < 0.15 else self.categories[problem_index],
            "division_id": route.division["id"] if route.division else None,
            "grid_id": None,
            "address": place if rng.random() < 0.7 else "",
            "citizen_name": "" if anonymous else self.people.name("F" if rng.random() < 0.5 else "M"),
            "phone": f"199000{rng.randrange(100000):05d}" if with_phone else "",
            "anonymous": anonymous,
            "channel": channel,
            "deputy_id": route.deputy["id"] if route.deputy else None,
            "station_id": route.station["id"] if route.station else None,
            "is_spam": spam,
            "client_ip": None if staff_entered else f"198.51.100.{rng.randrange(1, 255)}",
        }
        opinion["phone_verified"] = bool(opinion["phone"]) and not staff_entered
        if village is not None:
            grids = self.w.grids.get(village["id"])
            if grids and rng.random() < 0.5:
                opinion["grid_id"] = rng.choice(grids)
            if rng.random() < 0.4 and village["latitude"]:
                opinion["latitude"] = village["latitude"] + rng.uniform(-0.004, 0.004)
                opinion["longitude"] = village["longitude"] + rng.uniform(-0.004, 0.004)
        sim.case.update(title=case_title, urgency=urgency, category_key="", division=route.division,
                        congress_id=route.congress, deputy_id=opinion["deputy_id"],
                        station_id=opinion["station_id"])  # fmt: skip
        sim.case["category_id"] = opinion["category_id"]
        submit_label = desks["front"] if staff_entered else ("群众", None)
        try:
            sim.submit(*submit_label)
            self.play(sim, route, problem, place, desks, spam, force)
        except Stop:
            pass
        sim.tick(self.now)
        if force is None and sim.state not in (S.REJECTED, S.MERGED):
            self.open_by_key[(route.congress, problem_index)].append(sim)
        self.sims.append((sim, opinion))
        self.last_opinion = opinion

    def play(self, sim: _Sim, route: Route, problem: T.Problem, place: str, desks: dict, spam: bool,
             force: Force | None) -> None:  # fmt: skip
        rng = self.rng
        front = desks["front"]
        stall = force is None and sim.created > self.now - datetime.timedelta(days=90) and rng.random() < 0.06

        def soon(t, due, on_time=0.9):
            """When the next step happens: usually inside the deadline, sometimes late (or never, if stalled)."""
            if stall and rng.random() < 0.25:
                raise Stop
            if rng.random() < on_time:
                return t + max(MINUTE * 10, (due - t) * rng.uniform(0.05, 0.85))
            return max(t, due) + H * rng.uniform(2, 96)

        t = sim.created
        if spam:
            sim.reject(soon(t, sim.stage_due), front[0], front[1], "无效信息", True)
            return
        if force is not None and force.stop == S.REJECTED:
            sim.reject(soon(t, sim.stage_due), front[0], front[1], rng.choice(T.REJECT_REASONS), False)
            return
        if force is not None and force.stop == S.MERGED:
            t2 = soon(t, sim.stage_due)
            targets = [s for pool in self.open_by_key.values() for s in pool[-3:]
                       if s.created < t2 and s.case.get("closed_at", self.now + H) > t2]  # fmt: skip
            if targets:
                sim.merge(t2, front[0], front[1], rng.choice(targets))
            return
        if force is None and rng.random() < 0.05:
            sim.reject(soon(t, sim.stage_due), front[0], front[1], rng.choice(T.REJECT_REASONS), False)
            return
        if force is None and rng.random() < 0.04:
            t2 = soon(t, sim.stage_due)
            key = (route.congress, T.PROBLEMS.index(problem))
            targets = [s for s in self.open_by_key.get(key, [])[-20:]
                       if s.created < t2 and s.case.get("closed_at", self.now + H) > t2]  # fmt: skip
            if targets:
                sim.merge(t2, front[0], front[1], rng.choice(targets))
                return
        lead = self.pick_agency(route, problem)
        direct = (route.deputy or route.station) and (lead is None or rng.random() < 0.22)
        if force is not None:
            direct = lead is None
        if direct:
            if rng.random() < 0.7:
                sim.accept(soon(t, sim.stage_due), front[0], front[1], forward=False)
            result = _pick(rng, RESULTS)
            sim.answer(soon(sim.t, sim.stage_due or sim.t + H * 24), front[0], front[1], result,
                       T.reply_text(rng, problem, result, place))  # fmt: skip
            self.evaluate(sim, soon, route, problem, place, desks, lead)
            return
        if lead is None:
            raise Stop  # nobody to assign to: stays accepted
        forward = route.deputy is not None or route.station is not None
        sim.accept(soon(t, sim.stage_due), front[0], front[1], forward=forward)
        self.handle(sim, soon, route, problem, place, desks, lead, force)
        self.evaluate(sim, soon, route, problem, place, desks, lead)

    def handle(self, sim: _Sim, soon, route: Route, problem, place: str, desks: dict, lead: dict,
               force: Force | None = None) -> None:  # fmt: skip
        rng = self.rng
        staff, front = desks["staff"], desks["front"]
        pool = [a for a in route.agencies if a["id"] != lead["id"]]
        co = [rng.choice(pool)] if pool and force is None and rng.random() < 0.2 else []
        instructions = rng.choice(["请按时限办理并答复。", "请现场核实后答复群众。", "请会同相关单位办理。", ""])
        sim.assign(soon(sim.t, sim.stage_due), staff[0], staff[1], lead, co, instructions)
        a = sim.assignments[-1 - len(co)]
        who = self.agency_actor(lead["id"])
        if force is None and rng.random() < 0.04 and len(route.agencies) > 1:  # not theirs: returned, reassigned
            sim.ret(
                soon(sim.t, a.fields["sign_due_at"]),
                a,
                who[0],
                who[1],
                "该事项不属于本单位职责范围，建议交由属地办理。",
            )
            lead = rng.choice(pool)
            sim.assign(soon(sim.t, sim.stage_due), staff[0], staff[1], lead, [], instructions)
            a, who = sim.assignments[-1], self.agency_actor(lead["id"])
        sim.sign(soon(sim.t, a.fields["sign_due_at"], 0.85), a, who[0], who[1])
        for c in sim.assignments[-1 - len(co) :][1:] if co else []:
            cw = self.agency_actor(c.fields["agency_id"])
            sim.co_view(
                soon(sim.t, c.fields["sign_due_at"] + H * 48), c, cw[0], cw[1], "同意主办单位意见，将配合做好相关工作。"
            )
        if (force and force.extension) or (force is None and rng.random() < 0.1):
            req = sim.request_extension(soon(sim.t, a.fields["reply_due_at"]), a, who[0], who[1],
                                        rng.choice([5, 10, 15]), rng.choice(T.EXTENSION_REASONS))  # fmt: skip
            if force and force.extension:
                raise Stop
            sim.decide_extension(soon(sim.t, sim.t + H * 24), req, staff[0], staff[1], rng.random() < 0.8)
        result = _pick(rng, RESULTS)
        sim.reply(soon(sim.t, a.fields["reply_due_at"], 0.75), a, who[0], who[1], result,
                  T.reply_text(rng, problem, result, place))  # fmt: skip
        reviewer = front if route.deputy or route.station else staff
        if force is None and rng.random() < 0.04:
            sim.send_back(
                soon(sim.t, sim.t + H * 24), reviewer[0], reviewer[1], "答复内容过于笼统，请补充具体措施和时间。"
            )
            sim.reply(
                soon(sim.t, sim.stage_due, 0.8), a, who[0], who[1], result, T.reply_text(rng, problem, result, place)
            )
        sim.feedback(soon(sim.t, sim.g.due(Stage.FEEDBACK, sim.t, sim.urgency)), reviewer[0], reviewer[1],
                     sim.replies[-1].fields["content"])  # fmt: skip

    def evaluate(self, sim: _Sim, soon, route: Route, problem, place: str, desks: dict, lead: dict | None) -> None:
        rng = self.rng
        verdict = _pick(rng, FIRST_VERDICT if sim.reopened == 0 else SECOND_VERDICT)
        if sim.stop_state == S.REOPENED and sim.reopened == 0:
            verdict = "unsatisfied"
        if verdict == "none":
            sim.at(sim.now)  # the window passes; the worker closes it as 未评价
            return
        resolved = verdict == "satisfied" or (verdict == "basic" and rng.random() < 0.6)
        sim.evaluate(sim.t + H * rng.uniform(1, 6 * 24), verdict, resolved, rng.choice(T.COMMENTS[verdict]))
        if sim.state == S.REOPENED:
            staff = desks["staff"]
            if lead is None:
                front = desks["front"]
                result = _pick(rng, RESULTS)
                sim.answer(soon(sim.t, sim.stage_due), front[0], front[1], result,
                           T.reply_text(rng, problem, result, place))  # fmt: skip
            else:
                self.handle(sim, soon, route, problem, place, desks, lead)
            self.evaluate(sim, soon, route, problem, place, {**desks, "staff": staff}, lead)

    # -- showcase --------------------------------------------------------------------------------------------------
    def showcase(self) -> list[tuple[_Sim, Force]]:
        """Items waiting in each demo account's queue, all recent."""
        u, rng = self.users, self.rng
        forces: list[Force] = []
        if "deputy" in u:
            d = u["deputy"].deputy_id
            forces += [
                Force(Channel.DEPUTY_QR, S.SUBMITTED, deputy_id=d, days_ago=rng.uniform(0.05, 1.5)) for _ in range(5)
            ]
            forces += [Force(Channel.DEPUTY_QR, None, deputy_id=d, days_ago=rng.uniform(20, 330)) for _ in range(30)]
        if "station_staff" in u:
            s = u["station_staff"].station_id
            forces += [Force(Channel.STATION_QR, S.SUBMITTED, station_id=s, days_ago=rng.uniform(0.05, 1.5))
                       for _ in range(5)]  # fmt: skip
            forces += [Force(Channel.STATION_QR, stop, station_id=s, days_ago=days)
                       for stop, days in ((S.REPLIED, 9), (S.REPLIED, 12), (S.FED_BACK, 10), (S.FED_BACK, 14))]  # fmt: skip
            forces += [Force(Channel.WALK_IN, None, station_id=s, days_ago=rng.uniform(20, 330)) for _ in range(30)]
        county = self.w.div_by_code.get("990102")
        if "county_staff" in u and county:
            streets = [
                c
                for c in self.w.villages_under["990102"]
                if self.w.congress_for(c, None) == u["county_staff"].congress_id
            ]
            for _ in range(6):
                forces.append(
                    Force(
                        Channel.WEB,
                        S.ACCEPTED,
                        division_code=rng.choice(streets)["code"],
                        days_ago=rng.uniform(0.1, 1.5),
                    )
                )
        if "agency" in u:
            lead = u["agency"].agency_id
            for stop, n, days, ext in ((S.ASSIGNED, 6, 0.8, False), (S.IN_PROGRESS, 4, 3, False),
                                       (S.IN_PROGRESS, 1, 6, True), (S.REPLIED, 2, 9, False),
                                       (S.FED_BACK, 2, 12, False), (None, 40, 200, False)):  # fmt: skip
                for _ in range(n):
                    ago = rng.uniform(days * 0.5, days) if stop else rng.uniform(20, 330)
                    forces.append(
                        Force(Channel.WEB, stop, division_code="990100", lead_id=lead, days_ago=ago, extension=ext)
                    )
            if "city_staff" in u:
                forces += [
                    Force(Channel.API, S.ACCEPTED, division_code="990100", days_ago=rng.uniform(0.1, 1.5))
                    for _ in range(4)
                ]
        # One of each final state and a reopened case, whatever the scale.
        forces += [Force(Channel.WEB, stop, days_ago=days) for stop, days in
                   ((S.REOPENED, 16), (S.REOPENED, 18), (S.REJECTED, 3), (S.MERGED, 2), (S.CLOSED, 40))]  # fmt: skip
        out = []
        for f in forces:
            original = f.days_ago
            for _attempt in range(12):  # a deadline may have moved it on (e.g. closed as 未评价): try a later start
                self.one(self.now - datetime.timedelta(days=f.days_ago), f)
                sim = self.sims[-1][0]
                if f.stop is None or sim.state == f.stop:
                    break
                self.sims.pop()
                f.days_ago = original * self.rng.uniform(0.4, 2.5)
            else:
                self.sims.append((sim, self.last_opinion))
            out.append((sim, f))
        return out

    # -- writing ---------------------------------------------------------------------------------------------------
    def tracking_code(self) -> str:
        while True:
            code = "".join(self.rng.choices(TRACKING_ALPHABET, k=TRACKING_LENGTH))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def write(self) -> Counter:
        rng, sims, raw = self.rng, self.sims, _Raw()
        categories = dict(Category.objects.values_list("id", "path"))
        case_ids = raw.ids(Case)
        for sim, _ in sims:
            sim.pk = next(case_ids)
            sim.row = sim
        assignment_ids, reply_ids, request_ids = raw.ids(Assignment), raw.ids(Reply), raw.ids(ExtensionRequest)
        for sim, _ in sims:
            for x, ids in (
                [(a, assignment_ids) for a in sim.assignments]
                + [(r, reply_ids) for r in sim.replies]
                + [(e, request_ids) for e in sim.extensions]
            ):
                x.row = x
                x.pk = next(ids)

        blank = {"accepted_at": None, "first_assigned_at": None, "replied_at": None, "fed_back_at": None,
                 "closed_at": None, "close_reason": "", "feedback_text": "", "reject_reason": ""}  # fmt: skip
        rows = []
        for sim, _ in sims:
            c = {**blank, **sim.case}
            division = c.pop("division")
            merged = c.pop("merged_into", None)
            rows.append({
                **c, "id": sim.pk, "kind": CaseKind.OPINION, "state": sim.state, "version": sim.version,
                "category_key": categories.get(c.pop("category_id", None), ""),
                "division_id": division["id"] if division else None, "division_path": division["path"] if division else "",
                "stage": sim.stage, "stage_due_at": sim.stage_due, "supervision_level": sim.supervision_level,
                "reopened_count": sim.reopened, "merged_into_id": merged.pk if merged else None,
            })  # fmt: skip
        raw.insert(Case, rows)
        token = lambda: base64.urlsafe_b64encode(rng.randbytes(24)).decode()  # noqa: E731
        opinion_blank = {"latitude": None, "longitude": None, "entered_by_id": None, "idempotency_key": None}
        raw.insert(Opinion, [
            {**opinion_blank, **op, "case_id": sim.pk, "tracking_code": self.tracking_code(), "access_token": token(),
             "created_at": sim.created, "consent_at": sim.created}
            for sim, op in sims
        ])  # fmt: skip
        self.say(f"办理件和群众意见 {len(sims)} 件。正在写入交办、答复和评价…")
        a_blank = {"signed_at": None, "signed_by_id": None, "replied_at": None, "co_view": "", "co_view_at": None,
                   "ended_at": None, "end_reason": ""}  # fmt: skip
        raw.insert(Assignment, [
            {**a_blank, **a.fields, "id": a.pk, "case_id": sim.pk} for sim, _ in sims for a in sim.assignments
        ])  # fmt: skip
        r_blank = {"author_id": None, "sent_back": False, "review_note": ""}
        replies = []
        for sim, _ in sims:
            for r in sim.replies:
                f = {**r_blank, **r.fields, "id": r.pk, "case_id": sim.pk}
                a = f.pop("assignment")
                f["assignment_id"] = a.pk if a else None
                replies.append(f)
        raw.insert(Reply, replies)
        requests = []
        for sim, _ in sims:
            for x in sim.extensions:
                f = {"decided_by_id": None, "decided_at": None, "decision_note": "", **x.fields, "id": x.pk}
                f["assignment_id"] = f.pop("assignment").pk
                requests.append(f)
        raw.insert(ExtensionRequest, requests)
        raw.insert(Evaluation, [
            {"comment": "", **e, "case_id": s.pk} for s, _ in sims for e in s.evaluations
        ])  # fmt: skip
        raw.insert(Supervision, [{"by_id": None, **v, "case_id": s.pk} for s, _ in sims for v in s.supervisions])
        n_assignments = sum(len(s.assignments) for s, _ in sims)
        self.say(f"交办 {n_assignments} 条，答复 {len(replies)} 条。正在写入时限和办理记录…")
        timers = [
            {
                "case_id": s.pk,
                "assignment_id": tm.assignment.pk if tm.assignment else None,
                "stage": tm.stage,
                "due_at": tm.due,
                "remind_at": tm.remind,
                "reminded_at": tm.reminded,
                "escalated_at": tm.escalated,
                "cleared_at": tm.cleared,
            }  # fmt: skip
            for s, _ in sims
            for tm in s.timers
        ]
        raw.insert(Timer, timers)
        n_timers = len(timers)
        del timers

        def resolve(data: dict) -> dict:
            return {k: v.pk if isinstance(v, Rec | _Sim) else v for k, v in data.items()}

        n_events = 0
        events = []
        for sim, _ in sims:
            for kind, at, actor, label, before, after, agency, note, public_note, data in sim.events:
                events.append({"case_id": sim.pk, "kind": kind, "at": at, "actor_id": actor, "actor_label": label[:150],
                               "from_state": before, "to_state": after, "agency_id": agency, "note": note,
                               "public_note": public_note, "data": resolve(data) if data else {}})  # fmt: skip
            if len(events) >= 50_000:
                raw.insert(CaseEvent, events)
                n_events += len(events)
                events = []
        raw.insert(CaseEvent, events)
        n_events += len(events)
        raw.reset_sequences()
        self.say(f"时限 {n_timers} 条，办理记录 {n_events} 条。")
        return Counter(s.state for s, _ in sims)

    def notify(self, showcase: list[tuple["_Sim", Force]]) -> int:
        """A few recent notifications for the demo accounts, matching the items in their queues."""
        key_for = {S.SUBMITTED: "notice.new_case", S.ACCEPTED: "notice.triage", S.ASSIGNED: "notice.assigned",
                   S.IN_PROGRESS: "notice.assigned", S.REPLIED: "notice.replied", S.FED_BACK: "notice.replied"}  # fmt: skip
        rows = []
        ids = [sim.pk for sim, f in showcase if f.stop is not None and sim.state == f.stop]
        cases = Case.objects.select_related("opinion").in_bulk(ids)
        for sim, f in showcase:
            if f.stop is None or sim.state != f.stop or sim.state not in key_for:
                continue
            case = cases[sim.pk]
            if f.lead_id and "agency" in self.users:
                user = self.users["agency"]
            elif f.deputy_id:
                user = self.users["deputy"]
            elif f.station_id:
                user = self.users["station_staff"]
            else:
                user = next(
                    (u for u in self.users.values() if u.congress_id and u.congress_id == case.congress_id), None
                )
            if user is None:
                continue
            key = key_for[sim.state]
            due = case.stage_due_at.astimezone(self.due.tz).strftime("%Y-%m-%d %H:%M") if case.stage_due_at else ""
            text = render(key, {"title": case.title, "due": due, "role": "主办"})
            try:
                url = reverse("console:opinion_detail", args=[case.opinion.pk])
            except NoReverseMatch:
                url = ""
            at = sim.events[-1][1] + MINUTE
            rows.append(Notification(user=user, title=DEFAULT_TEMPLATES[key][0].split("：")[-1], body=text, url=url,
                                     created_at=at, read_at=None if self.rng.random() < 0.8 else at + H))  # fmt: skip
        Notification.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)


def install_taxonomy() -> Taxonomy:
    """The default taxonomy: ``renda.opinions.taxonomy`` installs ours; without it, a small tree of our own."""
    try:
        from renda.opinions.taxonomy import taxonomy_install_default
    except ImportError:
        taxonomy_install_default = None
    if taxonomy_install_default is not None:
        result = taxonomy_install_default(actor=None)
        return result if isinstance(result, Taxonomy) else Taxonomy.objects.get(is_default=True)
    taxonomy = Taxonomy.objects.create(name="默认分类", is_default=True)
    tree = {
        "城乡建设": ["市政设施", "路灯照明", "排水防涝", "物业管理", "供热供暖", "供水", "老旧小区改造", "违法建设"],
        "城市管理": ["垃圾清运", "占道经营", "停车管理", "动物管理"],
        "交通出行": ["公共交通", "道路交通"],
        "环境保护": ["噪声扰民", "大气污染"],
        "教育": ["义务教育入学", "学前教育"],
        "医疗卫生": ["医保报销"],
        "社会保障": ["养老服务"],
        "农业农村": ["农田水利"],
        "市场监管": ["市场秩序"],
    }
    for position, (top, children) in enumerate(tree.items(), start=1):
        parent = Category.objects.create(taxonomy=taxonomy, name=top, level=1, path=top, position=position)
        Category.objects.bulk_create(
            Category(taxonomy=taxonomy, parent=parent, name=name, level=2, path=f"{top}/{name}", position=i)
            for i, name in enumerate(children, start=1)
        )
    return taxonomy


def build_opinions(rng: random.Random, *, count: int, now: datetime.datetime, stdout: Any = None,
                   started: float | None = None) -> dict[str, int]:  # fmt: skip
    """Generate ``count`` opinions (plus a few dozen showcase items for the demo accounts); returns the counts."""
    started = time.monotonic() if started is None else started

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(f"[{time.monotonic() - started:5.1f}s] {message}\n")

    gen = _Generator(rng, now, say)
    gc.disable()  # millions of small objects: the cyclic collector would rescan them over and over
    try:
        return _run(gen, rng, count=count, now=now, say=say)
    finally:
        gc.enable()


def _run(gen: "_Generator", rng: random.Random, *, count: int, now: datetime.datetime, say) -> dict[str, int]:
    # More recent = more of them (use grows over the year), a daytime peak; sorted so merges find earlier cases.
    year = datetime.timedelta(days=365)
    moments = []
    for _ in range(count):
        age = year * (1 - rng.random() ** 0.8)
        moment = now - age
        local_hour = (moment + datetime.timedelta(hours=8)).hour
        if local_hour < 7 and rng.random() < 0.7:
            moment += datetime.timedelta(hours=rng.uniform(2, 8))
        moments.append(min(moment, now - MINUTE))
    moments.sort()
    for i, moment in enumerate(moments, start=1):
        gen.one(moment)
        if i % 10_000 == 0:
            say(f"已模拟 {i} 件群众意见…")
    showcase = gen.showcase()
    gen.sims.sort(key=lambda pair: pair[0].created)
    by_state = gen.write()
    notices = gen.notify(showcase)
    counts = {"opinions": len(gen.sims), "notifications": notices}
    counts.update({f"opinions_{state}": by_state.get(state, 0) for state in CaseState.values})
    say("群众意见：" + "，".join(f"{CaseState(s).label} {by_state.get(s, 0)}" for s in CaseState.values))
    return counts
