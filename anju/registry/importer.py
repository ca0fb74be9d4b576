"""The property-roll import (房屋清册导入): one row per unit, all or nothing.

Every row is checked first, against the file and against the registry; a file with any bad row
writes nothing and names every bad row. A good file is written in one transaction with bulk
queries, since a city's roll runs to a quarter of a million rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

from anju.core import imports
from anju.core.links import reverse
from anju.core.models import User
from anju.lib.ids import CHINA, normalize_mobile, normalize_resident_id, normalize_uscc
from anju.lib.pinyin import initials, person_initials
from anju.lib.tabular import Column, Kind, Row, RowError, cell_text, parse_decimal, parse_int, read_table
from anju.registry import actions
from anju.registry.models import Building, Enterprise, Ownership, Person, Project, Unit

CODE_NOTE = "不能包含“-”或“/”。"
COLUMNS = (
    Column(
        "项目编码",
        required=True,
        help="项目（小区）的编码；" + CODE_NOTE + "系统中没有的项目将自动新建（类型为商品房）。",
    ),
    Column(
        "项目名称", required=True, help="须与系统中该项目编码已登记的名称一致；同一项目编码在文件中只能对应一个名称。"
    ),
    Column("幢号", required=True, help=CODE_NOTE + "系统中没有的幢将自动新建。"),
    Column("单元", required=True, help=CODE_NOTE),
    Column("房号", required=True, help=CODE_NOTE),
    Column("楼层", Kind.INT, required=True, help="地下层用负数。"),
    Column("建筑面积", Kind.DECIMAL, required=True, help="大于0，单位平方米，最多2位小数。"),
    Column(
        "房屋用途",
        Kind.CHOICE,
        required=True,
        choices={"住宅": Unit.Use.RESIDENTIAL, "非住宅": Unit.Use.NON_RESIDENTIAL, "门面": Unit.Use.SHOP},
    ),
    Column("业主姓名", help="业主姓名、证件号码可都不填（不改变现有业主），填写时须同时填写。"),
    Column(
        "证件号码",
        Kind.CODE,
        help="个人业主填写18位居民身份证号码（校验位和出生日期须有效）；企业业主（如持有未售房屋的开发企业）填写18位"
        "统一社会信用代码。同一证件号码在文件中只能对应一个姓名（名称），并须与系统中已登记的一致。",
    ),
    Column(
        "联系电话",
        Kind.PHONE,
        help="须同时填写业主；不填时保留系统中已登记的电话。同一业主在文件中只能填写一个电话。",
    ),
)
HEADERS = [column.name for column in COLUMNS]
CODE_PARTS = ["项目编码", "幢号", "单元", "房号"]
USES: dict[str, str] = dict(COLUMNS[7].choices or {})
USE_LABELS = {value: label for label, value in USES.items()}

# SQLite allows 999 variables per statement in old builds; 900 leaves room for the other filters.
CHUNK = 900
BATCH = 1000
_initials = functools.lru_cache(maxsize=8192)(initials)  # names repeat: 张伟, 王芳, ...
_person_initials = functools.lru_cache(maxsize=8192)(person_initials)
MAX_AREA = Decimal("99999999.99")  # Unit.area: 10 digits, 2 of them decimals
FLOOR_RANGE = (-32768, 32767)  # Unit.floor is a SmallIntegerField


def _max_length(model: type[models.Model], field: str) -> int:
    length = model._meta.get_field(field).max_length  # type: ignore[union-attr]
    assert length is not None
    return length


MAX_LENGTHS = {
    "项目编码": _max_length(Project, "code"),
    "项目名称": _max_length(Project, "name"),
    "幢号": _max_length(Building, "number"),
    "单元": _max_length(Unit, "entrance"),
    "房号": _max_length(Unit, "room"),
}
UNIT_CODE_LENGTH = _max_length(Unit, "code")
PERSON_NAME_LENGTH = _max_length(Person, "name")
ENTERPRISE_NAME_LENGTH = _max_length(Enterprise, "name")


@dataclass
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    changes: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)  # for the audit event

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass(frozen=True, slots=True)
class _Owner:
    number: str  # resident ID number (person) or unified social credit code (enterprise)
    is_person: bool
    name: str
    phone: str  # "" when the file gives none: the registered phone is then kept


@dataclass(slots=True)
class _Line:
    """A row as far as it could be read; a field that failed its check is None."""

    row: int
    project_code: str | None = None
    project_name: str | None = None
    building: str | None = None
    entrance: str | None = None
    room: str | None = None
    floor: int | None = None
    area: Decimal | None = None
    use: str | None = None
    owner: _Owner | None = None

    @property
    def code(self) -> str | None:
        parts = (self.project_code, self.building, self.entrance, self.room)
        if any(part is None for part in parts):
            return None
        return Unit.make_code(*parts)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class _Record:
    """A row that passed every check."""

    code: str
    project_code: str
    project_name: str
    building: str
    entrance: str
    room: str
    floor: int
    area: Decimal
    use: str
    owner: _Owner | None

    @classmethod
    def of(cls, line: _Line) -> _Record:
        code = line.code
        assert code is not None and line.project_code and line.project_name and line.building
        assert line.entrance and line.room and line.floor is not None and line.area is not None and line.use
        return cls(
            code,
            line.project_code,
            line.project_name,
            line.building,
            line.entrance,
            line.room,
            line.floor,
            line.area,
            line.use,
            line.owner,
        )


class _KnownUnit(NamedTuple):
    pk: int
    floor: int
    area: Decimal
    use: str


class _KnownOwner(NamedTuple):
    pk: int
    name: str
    phone: str


class _OwnerId(NamedTuple):
    is_person: bool
    pk: int


class _Holding(NamedTuple):
    """A unit's open ownership."""

    pk: int
    owner: _OwnerId


@dataclass
class _Registry:
    """What the file refers to, fetched in bulk before checking and writing.

    Units, owners and ownerships are plain tuples: at a quarter of a million rows, building model
    instances for them costs more than the queries."""

    projects: dict[str, Project]
    buildings: dict[tuple[int, str], Building]
    units: dict[str, _KnownUnit]
    persons: dict[str, _KnownOwner]
    enterprises: dict[str, _KnownOwner]
    current: dict[int, _Holding]  # by unit id


def import_units(actor: User | None, filename: str, content: bytes, *, ip: str | None = None) -> ImportSummary:
    """Import a property roll; raises ImportRejected listing every bad row, having written nothing."""
    summary: ImportSummary = imports.run(UNITS_IMPORT, actor, filename, content, ip=ip)
    return summary


@dataclass
class _Parsed:
    lines: list[_Line]
    errors: list[RowError]


class UnitsImport(imports.ImportSpec):
    """房屋清册导入: the model import. Rows are checked by this module's own parser, which caches the
    owners' numbers: a city's roll runs to a quarter of a million rows."""

    key = "registry.units"
    title = "房屋清册导入"
    module = "registry"
    columns = COLUMNS
    notes = (
        "每行一户房屋。房屋编码由“项目编码-幢号-单元-房号”组成，在全市唯一；同一房屋在文件中只能出现一次。",
        "已登记房屋的建筑面积和房屋用途不能通过清册导入修改，须走面积（用途）更正流程；清册中与登记不一致时整份文件不导入。",
        "业主与系统登记的当前业主不同时，原业主的产权于导入当日结束，新业主的产权自导入当日开始。",
        "证件号码、联系电话请以文本格式填写，以免 Excel 将长数字转为科学计数法而丢失位数。",
        "同一文件再次导入不会改变任何数据。",
    )
    example = ("P001", "幸福小区", "1", "1", "101", 1, 89.5, "住宅", "张三", "110105198005120315", "13800138000")
    command = "anju import-units FILE"
    tabs = ("registry/_tabs.html", "units")
    template_url_name = "registry:import_template"

    @property
    def crumbs(self) -> list[imports.Crumb]:  # type: ignore[override]
        return [imports.Crumb(_("Registry")), imports.Crumb(_("Units"), reverse("registry:units"))]

    def parse(self, filename: str, content: bytes, options: imports.Options) -> _Parsed:
        rows = read_table(filename, content, HEADERS, max_rows=settings.IMPORT_MAX_ROWS)
        errors: list[RowError] = []
        return _Parsed([_parse(row, errors) for row in rows], errors)

    def fetch(self, parsed: _Parsed, options: imports.Options) -> _Registry:
        return _fetch(parsed.lines)

    def check(self, parsed: _Parsed, fetched: _Registry, options: imports.Options) -> list[RowError]:
        return _check_across(parsed.lines, fetched)

    def write(self, actor: User | None, parsed: _Parsed, fetched: _Registry, options: imports.Options) -> ImportSummary:
        return _write([_Record.of(line) for line in parsed.lines], fetched)

    def audit(self, result: ImportSummary, options: imports.Options) -> imports.AuditEntry:
        return imports.AuditEntry(
            model="registry.Unit",
            after=result.changes,
            note=f"房屋清册导入：新增{result.created}户，更新{result.updated}户，未变{result.unchanged}户",
        )

    def summary(self, result: ImportSummary) -> list[tuple[Any, Any]]:
        return [(_("New"), result.created), (_("Updated"), result.updated), (_("Unchanged"), result.unchanged)]

    def links(self, result: ImportSummary, options: imports.Options) -> list[tuple[str, str]]:
        return [(str(_("Back to the units")), reverse("registry:units"))]


UNITS_IMPORT = UnitsImport()


def template_bytes() -> bytes:
    """The empty roll with its headers, and a 说明 sheet with each column's rules."""
    return UNITS_IMPORT.template()


def _text(row: Row, column: str, errors: list[RowError], *, required: bool = False) -> str | None:
    raw = row.cells.get(column)
    value = raw.strip() if type(raw) is str else cell_text(raw)
    if not value:
        if required:
            errors.append(RowError(row.number, column, f"{column}不能为空"))
        return None
    limit = MAX_LENGTHS.get(column)
    if limit is not None and len(value) > limit:
        errors.append(RowError(row.number, column, f"{column}不能超过{limit}个字符"))
        return None
    if column in CODE_PARTS:
        for char in "-/":
            # "-" joins the parts of the unit code, so 1-2 + 3 and 1 + 2-3 would collide;
            # "/" cannot appear in the unit page's URL.
            if char in value:
                errors.append(RowError(row.number, column, f"{column}不能包含“{char}”"))
                return None
    return value


def _parse(row: Row, errors: list[RowError]) -> _Line:
    """The row's own checks: each field on its own, without looking at other rows or the registry."""
    n = row.number
    line = _Line(n)
    line.project_code = _text(row, "项目编码", errors, required=True)
    line.project_name = _text(row, "项目名称", errors, required=True)
    line.building = _text(row, "幢号", errors, required=True)
    line.entrance = _text(row, "单元", errors, required=True)
    line.room = _text(row, "房号", errors, required=True)
    code = line.code
    if code is not None and len(code) > UNIT_CODE_LENGTH:
        errors.append(RowError(n, "房号", f"房屋编码“{code}”超过{UNIT_CODE_LENGTH}个字符"))
        line.room = None

    if _text(row, "楼层", errors, required=True) is not None:
        try:
            floor = parse_int(row.cells["楼层"])
        except ValueError as exc:
            errors.append(RowError(n, "楼层", f"楼层{exc}：{row.text('楼层')}"))
        else:
            if FLOOR_RANGE[0] <= floor <= FLOOR_RANGE[1]:
                line.floor = floor
            else:
                errors.append(RowError(n, "楼层", f"楼层超出范围：{floor}"))

    if _text(row, "建筑面积", errors, required=True) is not None:
        try:
            area = parse_decimal(row.cells["建筑面积"], 2)
        except ValueError as exc:
            errors.append(RowError(n, "建筑面积", f"建筑面积{exc}：{row.text('建筑面积')}"))
        else:
            if area <= 0:
                errors.append(RowError(n, "建筑面积", f"建筑面积应大于0：{area}"))
            elif area > MAX_AREA:
                errors.append(RowError(n, "建筑面积", f"建筑面积过大：{area}"))
            else:
                line.area = area

    use = _text(row, "房屋用途", errors, required=True)
    if use is not None:
        if use in USES:
            line.use = USES[use]
        else:
            errors.append(RowError(n, "房屋用途", f"房屋用途“{use}”无效，应为住宅、非住宅或门面"))

    _parse_owner(row, line, errors)
    return line


def _parse_owner(row: Row, line: _Line, errors: list[RowError]) -> None:
    n = row.number
    name = row.text("业主姓名")
    raw_number = row.cells.get("证件号码")
    number_text = row.text("证件号码")
    phone_text = row.text("联系电话")

    number: str | None = None
    is_person = True
    if isinstance(raw_number, float):
        errors.append(
            RowError(n, "证件号码", "证件号码是数字格式，Excel 已丢失末尾几位；请将该列设为文本格式后重新填写")
        )
    elif number_text:
        try:
            number, is_person = _owner_number(number_text)
        except ValueError as exc:
            errors.append(RowError(n, "证件号码", str(exc)))

    if name and not number_text:
        errors.append(RowError(n, "证件号码", "填写了业主姓名时须填写证件号码"))
    if number_text and not name:
        errors.append(RowError(n, "业主姓名", "填写了证件号码时须填写业主姓名"))
    limit = PERSON_NAME_LENGTH if is_person else ENTERPRISE_NAME_LENGTH
    if len(name) > limit:
        errors.append(RowError(n, "业主姓名", f"业主姓名不能超过{limit}个字符"))
        name = ""

    phone = ""
    if phone_text:
        if not number_text and not name:
            errors.append(RowError(n, "联系电话", "填写了联系电话时须填写业主姓名和证件号码"))
        try:
            phone = normalize_mobile(phone_text)
        except ValueError as exc:
            errors.append(RowError(n, "联系电话", f"{exc}：{phone_text}"))

    if name and number is not None:
        line.owner = _Owner(number, is_person, name, phone)


# An owner of several units repeats on consecutive rows, and validating a resident ID costs about
# 0.1 ms (stdnum looks up the birthplace); only valid numbers are cached, errors are raised anew.
@functools.lru_cache(maxsize=8192)
def _owner_number(text: str) -> tuple[str, bool]:
    """The normalized number and whether it is a person's (resident ID) rather than an enterprise's."""
    if _plainly_valid_resident_id(text):
        return text, True
    try:
        number = normalize_resident_id(text)
        _KNOWN_REGIONS.add(number[:6])
        return number, True
    except ValueError as resident_error:
        try:
            return normalize_uscc(text), False
        except ValueError as uscc_error:
            raise _owner_number_error(text, resident_error, uscc_error) from None


# Region codes of resident IDs `normalize_resident_id` has accepted in this process: looking the region
# up in stdnum's table takes most of its time, and a city's owners share a few dozen codes.
_KNOWN_REGIONS: set[str] = set()
RESIDENT_ID_RE = re.compile(r"\d{17}[\dX]")


def _plainly_valid_resident_id(text: str) -> bool:
    """An 18-character ID, already compact, of a known region, whose birth date and check digit are
    good: what `normalize_resident_id` accepts unchanged, checked without its region look-up. Anything
    else (and every error) goes through `normalize_resident_id` itself."""
    if len(text) != 18 or text[:6] not in _KNOWN_REGIONS or not RESIDENT_ID_RE.fullmatch(text):
        return False
    try:
        birth = _birth_date(text)
    except ValueError:
        return False
    return birth <= dt.datetime.now(CHINA).date() and ric.calc_check_digit(text) == text[17]


def _birth_date(number: str) -> dt.date:
    """The birth date of a valid resident ID (as `resident_id_birth_date`, without compacting it again)."""
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _owner_number_error(text: str, resident_error: ValueError, uscc_error: ValueError) -> ValueError:
    """The reason for the kind of number the user most likely meant.

    Credit codes may be all digits too, and some start like a province code (11, 31, ...), so
    a digit string is only taken for a resident ID when it holds a real date where the birth
    date goes; otherwise both readings are explained."""
    compact = "".join(text.split()).upper()
    if not compact[:-1].isdigit():
        return ValueError(f"证件号码应为居民身份证号码或统一社会信用代码：{uscc_error}")
    if len(compact) != 18 or _has_birth_date(compact):
        return resident_error
    return ValueError(
        f"证件号码既不是有效的居民身份证号码（{resident_error}），也不是有效的统一社会信用代码（{uscc_error}）"
    )


def _has_birth_date(number: str) -> bool:
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return True


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def _bulk_get[T](queryset: models.QuerySet[Any, T], field: str, values: Iterable[Any]) -> list[T]:
    """Records whose `field` is among `values`: one query, the values passed as one parameter."""
    wanted = sorted(set(values))
    if not wanted:
        return []
    return list(queryset.filter(**{f"{field}__in": imports.among(wanted)}))


def _fetch(lines: list[_Line]) -> _Registry:
    codes = {line.code for line in lines} - {None}
    project_codes = {line.project_code for line in lines} - {None}
    owners = [line.owner for line in lines if line.owner is not None]
    person_numbers = {owner.number for owner in owners if owner.is_person}
    enterprise_numbers = {owner.number for owner in owners if not owner.is_person}

    projects = {p.code: p for p in _bulk_get(Project.objects.all(), "code", project_codes)}
    buildings = {
        (b.project_id, b.number): b
        for b in _bulk_get(Building.objects.all(), "project_id", [p.pk for p in projects.values()])
    }
    units = {
        code: _KnownUnit(pk, floor, area, use)
        for code, pk, floor, area, use in _bulk_get(
            Unit.objects.values_list("code", "pk", "floor", "area", "use"), "code", codes
        )
    }
    residents = Person.objects.filter(id_type=Person.IdType.RESIDENT)
    persons = {
        number: _KnownOwner(pk, name, phone)
        for number, pk, name, phone in _bulk_get(
            residents.values_list("id_number", "pk", "name", "phone"), "id_number", person_numbers
        )
    }
    enterprises = {
        code: _KnownOwner(pk, name, phone)
        for code, pk, name, phone in _bulk_get(
            Enterprise.objects.values_list("uscc", "pk", "name", "contact_phone"), "uscc", enterprise_numbers
        )
    }
    open_ownerships = Ownership.objects.filter(end__isnull=True).values_list(
        "unit_id", "pk", "person_id", "enterprise_id"
    )
    current = {
        unit_id: _Holding(pk, _OwnerId(True, person_id) if person_id else _OwnerId(False, enterprise_id))
        for unit_id, pk, person_id, enterprise_id in _bulk_get(
            open_ownerships, "unit_id", [unit.pk for unit in units.values()]
        )
    }
    return _Registry(projects, buildings, units, persons, enterprises, current)


def _check_across(lines: list[_Line], registry: _Registry) -> list[RowError]:
    """Checks between rows and against the registry, for every field that passed its own check."""
    errors: list[RowError] = []
    first_code_row: dict[str, int] = {}
    first_project_name: dict[str, tuple[str, int]] = {}
    first_owner_name: dict[str, tuple[str, int]] = {}
    first_phone: dict[str, tuple[str, int]] = {}
    for line in lines:
        n = line.row
        code = line.code
        if code is not None:
            if code in first_code_row:
                errors.append(RowError(n, "房号", f"房屋“{code}”与第{first_code_row[code]}行重复"))
            else:
                first_code_row[code] = n
            known = registry.units.get(code)
            if known is not None:
                errors.extend(_unit_clash(line, code, known))

        if line.project_code is not None and line.project_name is not None:
            name, first_row = first_project_name.setdefault(line.project_code, (line.project_name, n))
            project = registry.projects.get(line.project_code)
            if project is not None and project.name != line.project_name:
                errors.append(
                    RowError(
                        n,
                        "项目名称",
                        f"项目编码“{line.project_code}”已登记的项目名称为“{project.name}”，本行为“{line.project_name}”",
                    )
                )
            elif name != line.project_name:
                errors.append(
                    RowError(
                        n,
                        "项目名称",
                        f"项目编码“{line.project_code}”在第{first_row}行的项目名称为“{name}”，"
                        f"本行为“{line.project_name}”",
                    )
                )

        owner = line.owner
        if owner is None:
            continue
        name, first_row = first_owner_name.setdefault(owner.number, (owner.name, n))
        registered = (registry.persons if owner.is_person else registry.enterprises).get(owner.number)
        if registered is not None and registered.name != owner.name:
            what = "姓名" if owner.is_person else "名称"
            errors.append(
                RowError(
                    n,
                    "业主姓名",
                    f"证件号码“{owner.number}”已登记的{what}为“{registered.name}”，本行为“{owner.name}”",
                )
            )
        elif name != owner.name:
            errors.append(
                RowError(
                    n,
                    "业主姓名",
                    f"证件号码“{owner.number}”在第{first_row}行的姓名为“{name}”，本行为“{owner.name}”",
                )
            )
        if owner.phone:
            phone, first_row = first_phone.setdefault(owner.number, (owner.phone, n))
            if phone != owner.phone:
                errors.append(
                    RowError(
                        n,
                        "联系电话",
                        f"证件号码“{owner.number}”在第{first_row}行的联系电话为{phone}，本行为{owner.phone}",
                    )
                )
    return errors


def _unit_clash(line: _Line, code: str, unit: _KnownUnit) -> list[RowError]:
    errors = []
    if line.area is not None and line.area != unit.area:
        errors.append(
            RowError(
                line.row,
                "建筑面积",
                f"房屋“{code}”已登记建筑面积为{unit.area}，本行为{line.area}；"
                "建筑面积更正须走更正流程，不能通过清册导入修改",
            )
        )
    if line.use is not None and line.use != unit.use:
        errors.append(
            RowError(
                line.row,
                "房屋用途",
                f"房屋“{code}”已登记房屋用途为{USE_LABELS[unit.use]}，本行为{USE_LABELS[line.use]}；"
                "房屋用途更正须走更正流程，不能通过清册导入修改",
            )
        )
    return errors


def _write(records: list[_Record], registry: _Registry) -> ImportSummary:
    today = timezone.localdate()
    now = timezone.now()
    projects = _create_projects(records, registry)
    buildings = _create_buildings(records, registry, projects)
    owners, phones_before = _save_owners(records, registry, now)

    # Plain tuples, no model instances: at a quarter of a million rows, building a Unit and an
    # Ownership per row cost more than writing them.
    new_units: list[actions.NewUnit] = []
    floor_changed: list[Unit] = []
    closing: list[int] = []
    opening: list[tuple[int | str, _OwnerId]] = []  # by unit id, or by code for a unit about to be created
    created: list[str] = []
    updated: list[dict[str, Any]] = []
    replaced: list[tuple[dict[str, Any], _OwnerId | None]] = []  # audit "before" to name the old owner in
    for record in records:
        owner = owners[record.owner.number] if record.owner is not None else None
        known = registry.units.get(record.code)
        if known is None:
            new_units.append(
                actions.NewUnit(
                    record.code,
                    projects[record.project_code].pk,
                    buildings[(record.project_code, record.building)].pk,
                    record.entrance,
                    record.room,
                    record.floor,
                    record.area,
                    record.use,
                )
            )
            created.append(record.code)
            if owner is not None:
                opening.append((record.code, owner))
            continue

        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        if known.floor != record.floor:
            before["floor"], after["floor"] = known.floor, record.floor
            floor_changed.append(Unit(pk=known.pk, floor=record.floor, updated=now))
        if owner is not None and record.owner is not None:
            holding = registry.current.get(known.pk)
            if holding is None or holding.owner != owner:
                replaced.append((before, holding.owner if holding else None))
                after["owner"], after["owner_id_number"] = record.owner.name, record.owner.number
                if holding is not None:
                    closing.append(holding.pk)
                opening.append((known.pk, owner))
            elif record.owner.phone and phones_before[record.owner.number] != record.owner.phone:
                before["phone"] = phones_before[record.owner.number]
                after["phone"] = record.owner.phone
        if after:
            updated.append({"code": record.code, "before": before, "after": after})
    _name_replaced_owners(replaced)

    unit_ids = actions.register_units(None, new_units)
    Unit.objects.bulk_update(floor_changed, ["floor", "updated"], batch_size=BATCH)
    # Closed before the new ones open: a unit may have only one open ownership.
    for chunk in _chunks(closing):
        Ownership.objects.filter(pk__in=chunk).update(end=today)
    actions.open_ownerships(
        None,
        (_holding(unit_ids[unit] if isinstance(unit, str) else unit, owner, today) for unit, owner in opening),
    )

    return ImportSummary(
        created=len(created),
        updated=len(updated),
        unchanged=len(records) - len(created) - len(updated),
        changes={"created": created, "updated": updated, "unchanged": len(records) - len(created) - len(updated)},
    )


def _holding(unit_id: int, owner: _OwnerId, today: dt.date) -> actions.NewHolding:
    """An ownership from today: a person's or an enterprise's."""
    if owner.is_person:
        return actions.NewHolding(unit_id, owner.pk, None, today)
    return actions.NewHolding(unit_id, None, owner.pk, today)


def _name_replaced_owners(replaced: list[tuple[dict[str, Any], _OwnerId | None]]) -> None:
    """Put the previous owner's name and number into each audit "before" of an owner change."""
    person_ids = {owner.pk for _, owner in replaced if owner is not None and owner.is_person}
    enterprise_ids = {owner.pk for _, owner in replaced if owner is not None and not owner.is_person}
    names = {
        _OwnerId(True, pk): (name, number)
        for pk, name, number in _bulk_get(Person.objects.values_list("pk", "name", "id_number"), "pk", person_ids)
    }
    names.update(
        (_OwnerId(False, pk), (name, number))
        for pk, name, number in _bulk_get(Enterprise.objects.values_list("pk", "name", "uscc"), "pk", enterprise_ids)
    )
    for before, owner in replaced:
        before["owner"], before["owner_id_number"] = names[owner] if owner is not None else (None, None)


def _create_projects(records: list[_Record], registry: _Registry) -> dict[str, Project]:
    projects = dict(registry.projects)
    new: list[Project] = []
    for record in records:
        if record.project_code not in projects:
            project = Project(
                code=record.project_code,
                name=record.project_name,
                kind=Project.Kind.COMMERCIAL,
                initials=_initials(record.project_name),
            )
            projects[record.project_code] = project
            new.append(project)
    actions.register_projects(None, new)
    return projects


def _create_buildings(
    records: list[_Record], registry: _Registry, projects: dict[str, Project]
) -> dict[tuple[str, str], Building]:
    """Buildings by (project code, 幢号), the missing ones created."""
    code_of = {project.pk: code for code, project in projects.items()}
    buildings = {(code_of[project_id], number): b for (project_id, number), b in registry.buildings.items()}
    new: list[Building] = []
    for record in records:
        key = (record.project_code, record.building)
        if key not in buildings:
            building = Building(project=projects[record.project_code], number=record.building)
            buildings[key] = building
            new.append(building)
    actions.register_buildings(None, new)
    return buildings


def _save_owners(
    records: list[_Record], registry: _Registry, now: dt.datetime
) -> tuple[dict[str, _OwnerId], dict[str, str]]:
    """Owners by number, the missing ones created and changed phones saved; and each one's phone before."""
    owners = {number: _OwnerId(True, known.pk) for number, known in registry.persons.items()}
    owners.update((number, _OwnerId(False, known.pk)) for number, known in registry.enterprises.items())
    phones_before = {
        number: known.phone for number, known in [*registry.persons.items(), *registry.enterprises.items()]
    }
    new_persons: dict[str, actions.NewPerson] = {}
    new_enterprises: dict[str, Enterprise] = {}
    changed_persons: dict[str, Person] = {}
    changed_enterprises: dict[str, Enterprise] = {}
    for record in records:
        spec = record.owner
        if spec is None or spec.number in new_persons or spec.number in new_enterprises:
            continue
        owner = owners.get(spec.number)
        if owner is None:
            phones_before[spec.number] = spec.phone
            if spec.is_person:
                new_persons[spec.number] = actions.NewPerson(
                    spec.name,
                    spec.number,
                    _birth_date(spec.number),
                    spec.phone,
                    "",
                    _person_initials(spec.name),
                )
            else:
                new_enterprises[spec.number] = Enterprise(
                    name=spec.name, uscc=spec.number, contact_phone=spec.phone, initials=_initials(spec.name)
                )
        elif spec.phone and spec.phone != phones_before[spec.number]:
            # The file gives one phone per owner (checked), so each owner changes at most once.
            if owner.is_person:
                changed_persons[spec.number] = Person(pk=owner.pk, phone=spec.phone, updated=now)
            else:
                changed_enterprises[spec.number] = Enterprise(pk=owner.pk, contact_phone=spec.phone, updated=now)
    person_ids = actions.register_persons(None, list(new_persons.values()))
    actions.register_enterprises(None, list(new_enterprises.values()))
    Person.objects.bulk_update(changed_persons.values(), ["phone", "updated"], batch_size=BATCH)
    Enterprise.objects.bulk_update(changed_enterprises.values(), ["contact_phone", "updated"], batch_size=BATCH)
    owners.update((number, _OwnerId(True, person_ids[number])) for number in new_persons)
    owners.update((number, _OwnerId(False, enterprise.pk)) for number, enterprise in new_enterprises.items())
    return owners, phones_before
