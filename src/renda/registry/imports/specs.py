"""What each kind of import expects: the Chinese column headers, the checks on
every row, the natural key, and the write through the registry services.

Blank optional cells never overwrite what is already recorded: a row updates only
the columns it fills in.
"""

import datetime
import decimal
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from renda.core.access import is_admin, restrict
from renda.core.idnumbers import ID_SHAPE_RE, id_number_valid
from renda.core.models import User
from renda.core.services import record_update
from renda.registry import services as reg
from renda.registry.models import (
    Agency,
    AgencyKind,
    Congress,
    CongressLevel,
    Deputy,
    Division,
    Gender,
    Mandate,
    Station,
    StationDeputy,
    StationKind,
    Term,
)
from renda.registry.models_import import ImportKind
from renda.registry.scoping import territory_path

CHUNK = 500

# --- cell values ------------------------------------------------------------------------------------


def normalize_header(value: object) -> str:
    text = "" if value is None else str(value)
    text = re.sub(r"[\s\u3000*＊]", "", text)
    return text.replace("(", "（").replace(")", "）")


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
PHONE_RE = re.compile(r"^[0-9+\-()（）\s转/、,，]{5,30}$")
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def quoted(options: Iterable[str]) -> str:
    items = [f"“{o}”" for o in options]
    if len(items) == 2:
        return f"{items[0]}或{items[1]}"
    return "、".join(items[:-1]) + f"或{items[-1]}"


@dataclass(frozen=True)
class Column:
    header: str
    required: bool = False
    help: str = ""
    example: object = ""
    field: str = ""  # the model field, to map service errors back to this column
    as_text: bool = False  # the template formats the column as text (codes, phone and ID numbers)
    choices: tuple[str, ...] = ()  # the template offers a drop-down list


@dataclass
class Row:
    """One data row: its spreadsheet row number, cells by canonical header, and its errors."""

    number: int
    values: dict[str, object]
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append({"row": self.number, "column": column, "message": message})

    def has_error(self, column: str) -> bool:
        return any(e["column"] == column for e in self.errors)

    def raw(self, header: str) -> object:
        return self.values.get(header)

    def text(self, header: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = cell_text(self.raw(header))
        if not value:
            if required:
                self.error(header, "必填，不能为空")
            return ""
        if max_length and len(value) > max_length:
            self.error(header, f"不能超过 {max_length} 个字（现有 {len(value)} 个）")
            return ""
        return value

    def code(self, header: str, *, required: bool = False, max_length: int = 32) -> str:
        value = self.text(header, required=required, max_length=max_length)
        if value and re.search(r"\s", value):
            self.error(header, "编号中不能有空格")
            return ""
        return value

    def choice(self, header: str, mapping: dict[str, str], *, required: bool = False, shown: Iterable[str]) -> str:
        value = self.text(header, required=required)
        if not value:
            return ""
        if value not in mapping:
            self.error(header, f"应为{quoted(shown)}")
            return ""
        return mapping[value]

    def integer(self, header: str, *, required: bool = False, low: int = 0, high: int = 10**9) -> int | None:
        value = self.text(header, required=required)
        if not value:
            return None
        digits = value.removeprefix("第").removesuffix("届")
        if not digits.isdigit():
            self.error(header, "应为整数")
            return None
        number = int(digits)
        if not low <= number <= high:
            self.error(header, f"应在 {low} 到 {high} 之间")
            return None
        return number

    def real(self, header: str, *, low: float, high: float) -> float | None:
        raw = self.raw(header)
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            number = float(raw)
        else:
            value = self.text(header)
            if not value:
                return None
            try:
                number = float(value)
            except ValueError:
                self.error(header, "应为数字")
                return None
        if not low <= number <= high:
            self.error(header, f"应在 {low:g} 到 {high:g} 之间")
            return None
        return number

    def decimal(self, header: str, *, high: decimal.Decimal) -> decimal.Decimal | None:
        value = self.text(header)
        if not value:
            return None
        try:
            number = decimal.Decimal(value.replace(",", ""))
        except decimal.InvalidOperation:
            self.error(header, "应为数字")
            return None
        if not number.is_finite() or number < 0:
            self.error(header, "应为不小于 0 的数字")
            return None
        if number > high:
            self.error(header, f"不能超过 {high}")
            return None
        return number.quantize(decimal.Decimal("0.1"), rounding=decimal.ROUND_HALF_UP)

    def date(self, header: str) -> datetime.date | None:
        raw = self.raw(header)
        if isinstance(raw, datetime.datetime):
            result = raw.date()
        elif isinstance(raw, datetime.date):
            result = raw
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool) and 1 <= raw < 2958466:
            from openpyxl.utils.datetime import from_excel

            result = from_excel(raw).date()
        else:
            value = self.text(header)
            if not value:
                return None
            match = DATE_RE.match(value)
            try:
                if not match:
                    raise ValueError
                result = datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                self.error(header, "日期格式应为 YYYY-MM-DD，例如 1975-03-08")
                return None
        if not datetime.date(1900, 1, 1) <= result <= datetime.date.today():
            self.error(header, "日期不合理，请核对")
            return None
        return result

    def mobile(self, header: str) -> str:
        value = re.sub(r"[\s-]", "", self.text(header)).removeprefix("+86")
        if value and not MOBILE_RE.match(value):
            self.error(header, "应为 11 位手机号码")
            return ""
        return value

    def phone(self, header: str) -> str:
        value = self.text(header, max_length=30)
        if value and not PHONE_RE.match(value):
            self.error(header, "电话号码格式不正确，只能包含数字、“-”和括号")
            return ""
        return value

    def id_number(self, header: str) -> str:
        raw = self.raw(header)
        if isinstance(raw, float):
            self.error(header, "身份证号被 Excel 当作数字保存，末几位已丢失；请把该列设为“文本”格式后重新填写")
            return ""
        value = self.text(header).upper().replace(" ", "")
        if not value:
            return ""
        if "E+" in value:
            self.error(header, "身份证号被 Excel 显示为科学计数法；请把该列设为“文本”格式后重新填写")
        elif not ID_SHAPE_RE.match(value):
            self.error(header, "应为 18 位：前 17 位为数字，最后一位为数字或 X")
        elif not id_number_valid(value):
            self.error(header, "校验位不正确，请核对号码")
        else:
            return value
        return ""


# --- shared context: who imports, and bulk look-ups (no query per row during validation) -----------


class ImportContext:
    def __init__(self, actor: User):
        self.actor = actor
        self.admin = is_admin(actor)
        self.territory = None if self.admin else territory_path(actor)
        self.divisions: dict[str, Division] = {}
        self.congresses: dict[str, Congress] = {}  # by division code
        self.terms: dict[tuple[int, int], Term] = {}
        self.stations: dict[str, Station] = {}
        self.agencies: dict[str, Agency] = {}
        self.deputies_by_id: dict[str, Deputy] = {}
        self.deputies_by_number: dict[str, Deputy] = {}
        self.visible: dict[type[Model], set[int]] = {}
        self.file_codes: set[str] = set()

    def in_territory(self, path: str) -> bool:
        return self.admin or bool(self.territory and path.startswith(self.territory))

    def can_edit(self, obj: Model) -> bool:
        return obj.pk in self.visible.get(type(obj), set())

    def remember_visible(self, model: type[Model], objects: Iterable[Model]) -> None:
        pks = sorted({o.pk for o in objects})
        seen = self.visible.setdefault(model, set())
        for i in range(0, len(pks), CHUNK):
            seen.update(
                restrict(model.objects.filter(pk__in=pks[i : i + CHUNK]), self.actor).values_list("pk", flat=True)
            )


def bulk(queryset: QuerySet, lookup: str, values: Iterable[str], key: Callable[[Any], str]) -> dict[str, Any]:
    wanted = sorted({v for v in values if v})
    found: dict[str, Any] = {}
    for i in range(0, len(wanted), CHUNK):
        for obj in queryset.filter(**{f"{lookup}__in": wanted[i : i + CHUNK]}):
            found[key(obj)] = obj
    return found


def load_congresses(ctx: ImportContext, codes: Iterable[str], *, with_terms: bool = False) -> None:
    codes = set(codes)
    ctx.divisions |= bulk(Division.objects.all(), "code", codes, lambda d: d.code)
    ctx.congresses |= bulk(
        Congress.objects.select_related("division"), "division__code", codes, lambda c: c.division.code
    )
    if with_terms:
        for term in Term.objects.filter(congress__in=list(ctx.congresses.values())).select_related("congress"):
            ctx.terms[(term.congress_id, term.number)] = term


def check_congress(ctx: ImportContext, row: Row, header: str, code: str) -> Congress | None:
    if not code:
        return None
    congress = ctx.congresses.get(code)
    if congress is None:
        division = ctx.divisions.get(code)
        if division is None:
            row.error(header, f"区划代码 {code} 不存在")
        else:
            row.error(header, f"“{division.name}”（{code}）尚未设立人大")
        return None
    if not ctx.in_territory(congress.division.path):
        row.error(header, f"{congress.name}不在您的管辖范围内")
        return None
    return congress


def nonblank(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v not in ("", None)}


# --- the three kinds ----------------------------------------------------------------------------------


class Spec:
    kind: str
    label: str
    columns: tuple[Column, ...]
    one_of: tuple[tuple[str, ...], ...] = ()  # at least one header of each group must be present
    unique: tuple[tuple[str, str], ...] = ()  # (header, cleaned key) that must not repeat in a file

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    def header_for_field(self, name: str) -> str:
        return next((c.header for c in self.columns if c.field == name), "")

    def prepare(self, ctx: ImportContext, rows: list[Row]) -> None:
        raise NotImplementedError

    def clean(self, ctx: ImportContext, row: Row) -> dict[str, Any]:
        raise NotImplementedError

    def order(self, items: list[tuple[Row, dict[str, Any]]]) -> list[tuple[Row, dict[str, Any]]]:
        return items

    def write(self, ctx: ImportContext, data: dict[str, Any]) -> bool:
        """Create or update one record; True if it was created."""
        raise NotImplementedError


GENDERS = {label: value for value, label in Gender.choices}
CONGRESS_LEVELS = {
    **{name: CongressLevel.NATIONAL for name in ("全国", "全国人大")},
    **{name: CongressLevel.PROVINCIAL for name in ("省级", "省", "省级人大")},
    **{name: CongressLevel.CITY for name in ("市级", "市", "市级人大")},
    **{name: CongressLevel.COUNTY for name in ("县级", "县", "县（区）", "区县", "县级人大")},
    **{name: CongressLevel.TOWNSHIP for name in ("乡镇", "乡级", "乡镇人大")},
}
LEVEL_NAMES = ("全国", "省级", "市级", "县级", "乡镇")


class DeputySpec(Spec):
    kind = ImportKind.DEPUTIES
    label = "代表"
    columns = (
        Column(
            "代表编号",
            help="系统内的代表编号；新代表可留空，由系统自动编号。",
            example="",
            field="number",
            as_text=True,
        ),
        Column("姓名", True, "代表姓名，生僻字可直接输入。", "张三", field="name"),
        Column("性别", True, "填“男”或“女”。", "男", field="gender", choices=("男", "女")),
        Column("民族", help="例如：汉族、满族。留空按汉族登记。", example="汉族", field="ethnicity"),
        Column("党派", help="例如：中共党员、民盟盟员、群众。", example="中共党员", field="party"),
        Column("出生日期", help="格式 YYYY-MM-DD，也可使用 Excel 日期格式。", example="1975-03-08", field="birth_date"),
        Column("职业", help="", example="教师", field="occupation"),
        Column("工作单位及职务", help="", example="东风区第一中学校长", field="position"),
        Column("手机号", help="11 位手机号码。", example="13900001234", field="phone", as_text=True),
        Column(
            "身份证号",
            help="18 位居民身份证号码（校验位须正确）。请将此列设为文本格式，避免 Excel 改成科学计数法。",
            example="990102199003070011",
            field="id_number",
            as_text=True,
        ),
        Column("人大层级", True, "全国、省级、市级、县级或乡镇。", "县级", choices=LEVEL_NAMES),
        Column("行政区划代码", True, "该人大所在行政区划的代码（6、9 或 12 位）。", "990102", as_text=True),
        Column("届次", True, "数字，例如 17 表示第十七届；该届次须已在系统中建立。", 17),
        Column("选区", help="", example="第一选区", field="constituency"),
        Column("代表团", help="", example="", field="delegation"),
        Column("家站点编号", help="填写后，代表将进驻该家站点（已进驻的不重复）。", example="", as_text=True),
    )
    one_of = (("身份证号", "代表编号"),)
    unique = (("身份证号", "id_number"), ("代表编号", "number"))

    def prepare(self, ctx: ImportContext, rows: list[Row]) -> None:
        texts = [(cell_text(r.raw("身份证号")).upper(), cell_text(r.raw("代表编号"))) for r in rows]
        ctx.deputies_by_id = bulk(Deputy.objects.all(), "id_number", (t[0] for t in texts), lambda d: d.id_number)
        ctx.deputies_by_number = bulk(Deputy.objects.all(), "number", (t[1] for t in texts), lambda d: d.number)
        ctx.remember_visible(Deputy, [*ctx.deputies_by_id.values(), *ctx.deputies_by_number.values()])
        load_congresses(ctx, (cell_text(r.raw("行政区划代码")) for r in rows), with_terms=True)
        ctx.stations = bulk(
            Station.objects.select_related("division"),
            "code",
            (cell_text(r.raw("家站点编号")) for r in rows),
            lambda s: s.code,
        )
        ctx.remember_visible(Station, ctx.stations.values())

    def clean(self, ctx: ImportContext, row: Row) -> dict[str, Any]:
        number = row.code("代表编号", max_length=32)
        id_number = row.id_number("身份证号")
        if not number and not id_number and not row.has_error("身份证号"):
            row.error("身份证号", "请填写身份证号或代表编号")
        fields = {
            "name": row.text("姓名", required=True, max_length=50),
            "gender": row.choice("性别", GENDERS, required=True, shown=("男", "女")),
            "ethnicity": row.text("民族", max_length=20),
            "party": row.text("党派", max_length=30),
            "birth_date": row.date("出生日期"),
            "occupation": row.text("职业", max_length=50),
            "position": row.text("工作单位及职务", max_length=200),
            "phone": row.mobile("手机号"),
            "id_number": id_number,
        }
        level = row.choice("人大层级", CONGRESS_LEVELS, required=True, shown=LEVEL_NAMES)
        division_code = row.code("行政区划代码", required=True, max_length=12)
        term_number = row.integer("届次", required=True, low=1, high=999)
        constituency = row.text("选区", max_length=100)
        delegation = row.text("代表团", max_length=100)
        station_code = row.code("家站点编号")

        congress = check_congress(ctx, row, "行政区划代码", division_code)
        term = None
        if congress and level and congress.level != level:
            row.error("人大层级", f"区划 {division_code} 对应的是{congress.name}（{congress.get_level_display()}）")
        elif congress and term_number:
            term = ctx.terms.get((congress.pk, term_number))
            if term is None:
                row.error("届次", f"{congress.name}第{term_number}届尚未建立，请先添加届次")

        station = None
        if station_code:
            station = ctx.stations.get(station_code)
            if station is None:
                row.error("家站点编号", f"家站点编号 {station_code} 不存在")
            elif not ctx.can_edit(station):
                row.error("家站点编号", f"家站点“{station.name}”不在您的管辖范围内")

        existing = ctx.deputies_by_id.get(id_number) if id_number else None
        if existing is not None and number and existing.number != number:
            other = ctx.deputies_by_number.get(number)
            if other is not None and other.pk != existing.pk:
                row.error("代表编号", f"代表编号 {number} 已属于另一位代表，与身份证号对应的代表不一致")
        if existing is None and number:
            existing = ctx.deputies_by_number.get(number)
            if existing is not None and id_number and existing.id_number and existing.id_number != id_number:
                row.error("身份证号", f"与系统中代表编号 {number} 登记的身份证号不一致")
        if existing is not None and not ctx.can_edit(existing):
            row.error(
                "身份证号" if id_number else "代表编号", "该代表由其他人大登记，不在您的管辖范围内，不能通过导入修改"
            )
        return {
            "existing": existing,
            "number": number,
            "id_number": id_number,
            "fields": fields,
            "term": term,
            "constituency": constituency,
            "delegation": delegation,
            "station": station,
        }

    def write(self, ctx: ImportContext, data: dict[str, Any]) -> bool:
        fields = nonblank(data["fields"])
        existing: Deputy | None = data["existing"]
        if existing is not None:
            if data["number"]:
                fields["number"] = data["number"]
            deputy = reg.deputy_update(actor=ctx.actor, deputy=existing, **fields)
        else:
            deputy = reg.deputy_create(actor=ctx.actor, number=data["number"], **fields)
        term: Term = data["term"]
        mandate = Mandate.objects.filter(deputy=deputy, term=term).first()
        mandate_fields = nonblank({"constituency": data["constituency"], "delegation": data["delegation"]})
        if mandate is None:
            reg.mandate_create(actor=ctx.actor, deputy=deputy, term=term, started_on=term.starts_on, **mandate_fields)
        elif mandate_fields:
            record_update(actor=ctx.actor, instance=mandate, fields=mandate_fields)
        station: Station | None = data["station"]
        if (
            station is not None
            and not StationDeputy.objects.filter(station=station, deputy=deputy, left_on=None).exists()
        ):
            reg.station_assign_deputy(actor=ctx.actor, station=station, deputy=deputy)
        return existing is None


STATION_KINDS = {
    **{label: value for value, label in StationKind.choices},
    "之家": StationKind.HOME,
    "联络站": StationKind.STATION,
    "联系点": StationKind.POINT,
}


class StationSpec(Spec):
    kind = ImportKind.STATIONS
    label = "家站点"
    columns = (
        Column(
            "编号",
            True,
            "家站点编号，全系统唯一；再次导入同一编号即更新该家站点。",
            "ST101",
            field="code",
            as_text=True,
        ),
        Column("名称", True, "", "长安街道人大代表之家", field="name"),
        Column(
            "类型",
            True,
            "代表之家、代表联络站或代表联系点。",
            "代表之家",
            field="kind",
            choices=tuple(StationKind.labels),
        ),
        Column(
            "行政区划代码",
            True,
            "家站点所在乡镇（街道）或村（社区）的区划代码。",
            "990102001",
            field="division",
            as_text=True,
        ),
        Column("专业特色", help="例如：法律、生态环保。", example="法律", field="theme"),
        Column("地址", True, "", "东风区长安街 1 号", field="address"),
        Column("经度", help="-180 到 180 之间的小数，与纬度同时填写。", example=130.3, field="longitude"),
        Column("纬度", help="-90 到 90 之间的小数，与经度同时填写。", example=46.8, field="latitude"),
        Column("开放时间", help="", example="每周三 9:00-11:30", field="opening_hours"),
        Column("面积（平方米）", help="数字，保留一位小数。", example=120, field="area_m2"),
        Column("联系电话", help="", example="0454-8888888", field="contact_phone", as_text=True),
        Column("简介", help="", example="", field="description"),
    )
    unique = (("编号", "code"),)

    def prepare(self, ctx: ImportContext, rows: list[Row]) -> None:
        ctx.divisions = bulk(
            Division.objects.all(), "code", (cell_text(r.raw("行政区划代码")) for r in rows), lambda d: d.code
        )
        ctx.stations = bulk(Station.objects.all(), "code", (cell_text(r.raw("编号")) for r in rows), lambda s: s.code)
        ctx.remember_visible(Station, ctx.stations.values())

    def clean(self, ctx: ImportContext, row: Row) -> dict[str, Any]:
        code = row.code("编号", required=True)
        fields: dict[str, Any] = {
            "name": row.text("名称", required=True, max_length=100),
            "kind": row.choice("类型", STATION_KINDS, required=True, shown=StationKind.labels),
            "theme": row.text("专业特色", max_length=50),
            "address": row.text("地址", required=True, max_length=200),
            "longitude": row.real("经度", low=-180, high=180),
            "latitude": row.real("纬度", low=-90, high=90),
            "opening_hours": row.text("开放时间", max_length=200),
            "area_m2": row.decimal("面积（平方米）", high=decimal.Decimal("9999999.9")),
            "contact_phone": row.phone("联系电话"),
            "description": row.text("简介", max_length=5000),
        }
        if (fields["longitude"] is None) != (fields["latitude"] is None) and not (
            row.has_error("经度") or row.has_error("纬度")
        ):
            row.error("纬度" if fields["latitude"] is None else "经度", "经度和纬度需同时填写")
        division_code = row.code("行政区划代码", required=True, max_length=12)
        if division_code:
            division = ctx.divisions.get(division_code)
            if division is None:
                row.error("行政区划代码", f"区划代码 {division_code} 不存在")
            elif not ctx.in_territory(division.path):
                row.error("行政区划代码", f"“{division.name}”不在您的管辖范围内")
            else:
                fields["division"] = division
        existing = ctx.stations.get(code)
        if existing is not None and not ctx.can_edit(existing):
            row.error("编号", f"编号 {code} 的家站点不在您的管辖范围内，不能修改")
        return {"code": code, "existing": existing, "fields": fields}

    def write(self, ctx: ImportContext, data: dict[str, Any]) -> bool:
        existing: Station | None = data["existing"]
        if existing is not None:
            reg.station_update(actor=ctx.actor, station=existing, **nonblank(data["fields"]))
            return False
        reg.station_create(actor=ctx.actor, code=data["code"], **data["fields"])
        return True


AGENCY_KINDS = {
    **{label: value for value, label in AgencyKind.choices},
    "政府": AgencyKind.GOVERNMENT,
    "监委": AgencyKind.SUPERVISION,
    "法院": AgencyKind.COURT,
    "检察院": AgencyKind.PROCURATORATE,
    "部门": AgencyKind.DEPARTMENT,
    "其他": AgencyKind.OTHER,
}


class AgencySpec(Spec):
    kind = ImportKind.AGENCIES
    label = "承办单位"
    columns = (
        Column(
            "单位编号",
            True,
            "承办单位编号，全系统唯一；再次导入同一编号即更新该单位。",
            "AG101",
            field="code",
            as_text=True,
        ),
        Column("名称", True, "", "东风区教育局", field="name"),
        Column(
            "类型",
            True,
            "、".join(AgencyKind.labels) + "之一。",
            "政府工作部门",
            field="kind",
            choices=tuple(AgencyKind.labels),
        ),
        Column(
            "人大行政区划代码",
            True,
            "该单位对应（向其负责）的人大所在行政区划代码，例如东风区人大填 990102。",
            "990102",
            field="congress",
            as_text=True,
        ),
        Column(
            "上级单位编号", help="可填系统中已有的单位，或本文件中的另一行。", example="", field="parent", as_text=True
        ),
        Column("联系人", help="", example="李明", field="contact_name"),
        Column("联系电话", help="", example="0454-6666666", field="contact_phone", as_text=True),
    )
    unique = (("单位编号", "code"),)

    def prepare(self, ctx: ImportContext, rows: list[Row]) -> None:
        codes = [cell_text(r.raw("单位编号")) for r in rows]
        ctx.file_codes = {c for c in codes if c}
        parents = [cell_text(r.raw("上级单位编号")) for r in rows]
        ctx.agencies = bulk(Agency.objects.all(), "code", [*codes, *parents], lambda a: a.code)
        ctx.remember_visible(Agency, ctx.agencies.values())
        load_congresses(ctx, (cell_text(r.raw("人大行政区划代码")) for r in rows))

    def clean(self, ctx: ImportContext, row: Row) -> dict[str, Any]:
        code = row.code("单位编号", required=True)
        fields: dict[str, Any] = {
            "name": row.text("名称", required=True, max_length=100),
            "kind": row.choice("类型", AGENCY_KINDS, required=True, shown=AgencyKind.labels),
            "contact_name": row.text("联系人", max_length=50),
            "contact_phone": row.phone("联系电话"),
        }
        congress = check_congress(
            ctx, row, "人大行政区划代码", row.code("人大行政区划代码", required=True, max_length=12)
        )
        if congress is not None:
            fields["congress"] = congress
        parent_code = row.code("上级单位编号")
        if parent_code:
            parent = ctx.agencies.get(parent_code)
            if parent_code == code:
                row.error("上级单位编号", "上级单位不能是本单位")
            elif parent_code in ctx.file_codes:
                pass  # written earlier in this import (see order())
            elif parent is None:
                row.error("上级单位编号", f"单位编号 {parent_code} 不存在（系统和本文件中都没有）")
            elif not ctx.can_edit(parent):
                row.error("上级单位编号", f"上级单位“{parent.name}”不在您的管辖范围内")
        existing = ctx.agencies.get(code)
        if existing is not None and not ctx.can_edit(existing):
            row.error("单位编号", f"编号 {code} 的承办单位不在您的管辖范围内，不能修改")
        return {"code": code, "existing": existing, "parent_code": parent_code, "fields": fields}

    def order(self, items: list[tuple[Row, dict[str, Any]]]) -> list[tuple[Row, dict[str, Any]]]:
        """Parents before their children when both are in the file; cycles are row errors."""
        by_code = {data["code"]: (row, data) for row, data in items}
        ordered: list[tuple[Row, dict[str, Any]]] = []
        state: dict[str, str] = {}  # "visiting" / "done"

        def visit(code: str, trail: list[str]) -> None:
            if state.get(code) == "done":
                return
            row, data = by_code[code]
            if state.get(code) == "visiting":
                row.error("上级单位编号", "上级单位关系形成循环：" + " → ".join([*trail, code]))
                return
            state[code] = "visiting"
            parent_code = data["parent_code"]
            if parent_code in by_code and parent_code != code:
                visit(parent_code, [*trail, code])
            state[code] = "done"
            ordered.append((row, data))

        for _row, data in items:
            visit(data["code"], [])
        return ordered

    def write(self, ctx: ImportContext, data: dict[str, Any]) -> bool:
        fields = dict(data["fields"])
        if data["parent_code"]:
            fields["parent"] = ctx.agencies[data["parent_code"]]
        existing: Agency | None = data["existing"]
        if existing is not None:
            parent = fields.get("parent")
            for _ in range(100):  # an existing agency must not become its own ancestor
                if parent is None:
                    break
                if parent.pk == existing.pk:
                    raise ValidationError({"parent": "上级单位关系形成循环"})
                parent = parent.parent
            agency = reg.agency_update(actor=ctx.actor, agency=existing, **nonblank(fields))
            created = False
        else:
            agency = reg.agency_create(actor=ctx.actor, code=data["code"], **fields)
            created = True
        ctx.agencies[agency.code] = agency
        return created


SPECS: dict[str, Spec] = {spec.kind: spec for spec in (DeputySpec(), StationSpec(), AgencySpec())}
