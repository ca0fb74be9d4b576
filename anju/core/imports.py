"""The import kit: every upload of a table into Anju is an `ImportSpec`, run the same way.

A spec declares its columns once (`anju.lib.tabular.Column`), which give the file's headers, the
downloadable template and the page's rules. `run` takes a file through the same steps for every
import, all or nothing:

    parse    read the table and type every cell (every bad cell is a RowError)
    fetch    look up what the rows refer to: one query per lookup table for all rows, never per row
    check    rules across rows and against the database (duplicates in the file, known ids, ...)
    write    in bulk, in the same transaction as fetch and check
    audit    one IMPORT event with the counts

Any error in any step raises ImportRejected listing every row error, and nothing is written.
Each line registers its specs in its AppConfig.ready() (like `anju.core.kpis`); the upload page
(`core:import`), the template download (`core:import_template`) and each line's API and command
find them by key.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.utils.functional import Promise
from openpyxl import load_workbook

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.lib.tabular import (
    TEXT_KINDS,
    Column,
    ImportRejected,
    ParsedRow,
    RowError,
    parse_rows,
    read_table,
    sort_errors,
)
from anju.lib.xlsx import workbook_bytes

Options = dict[str, Any]

GENERAL_NOTES = (
    "第1行为表头，列的顺序可以调整；标明“选填”的列可以没有，不能增加其他列。",
    "整份文件要么全部导入，要么全部不导入：任何一行有错误时，不导入任何数据，并列出每一处错误（行号、列、原因）。",
    "可以上传 .xlsx、.xls 或 .csv（UTF-8 或 GBK 编码）文件。",
)


@dataclass(frozen=True)
class AuditEntry:
    """What the import's one audit event says: the record it created (or a model label) and the counts."""

    obj: models.Model | None = None
    model: str = ""
    after: dict[str, Any] | None = None
    note: str = ""


@dataclass(frozen=True)
class Done:
    """After a good file, go to `url` with `message` (instead of showing the summary on the upload page)."""

    url: str
    message: str
    level: str = "success"


@dataclass(frozen=True)
class Crumb:
    label: str | Promise
    url: str = ""


@dataclass
class Parsed:
    """What the parse step produced: typed rows (every row, bad cells as None) and its errors."""

    rows: list[ParsedRow]
    errors: list[RowError] = field(default_factory=list)

    @property
    def good(self) -> list[ParsedRow]:
        return [row for row in self.rows if row.ok]


class ImportSpec:
    """One import. Subclasses set the class attributes and override the steps they need.

    `fetch` runs inside the transaction, so a lock taken there (select_for_update) holds until the
    write. `prepare` resolves the options (a bank account, a profile) before the file is read and
    may raise ImportRejected with a file error."""

    key: str = ""
    title: str = ""  # 房屋清册导入: the page title and the template's file name
    module: str = ""
    permission: str = "handle"
    columns: Sequence[Column] = ()
    notes: Sequence[str] = ()
    example: Sequence[Any] = ()
    command: str = ""  # the command that lists every error of a big file
    tabs: tuple[str, str] | None = None  # (template, active tab) shown above the page
    template_url_name: str = ""  # a line's own template URL kept from before the kit
    crumbs: Sequence[Crumb] = ()

    # --- the steps ------------------------------------------------------------------------------

    def prepare(self, options: Options) -> Options:
        return options

    def headers(self, options: Options) -> list[str]:
        return [column.name for column in self.columns]

    def parse(self, filename: str, content: bytes, options: Options) -> Any:
        """The table's rows typed by the columns (default), or the spec's own reading of the file."""
        rows = read_table(
            filename,
            content,
            self.headers(options),
            max_rows=settings.IMPORT_MAX_ROWS,
            required=[column.name for column in self.columns if not column.omissible],
        )
        typed, errors = parse_rows(rows, self.columns)
        return Parsed(typed, errors)

    def errors(self, parsed: Any) -> list[RowError]:
        return list(parsed.errors)

    def fetch(self, parsed: Any, options: Options) -> Any:
        return None

    def check(self, parsed: Any, fetched: Any, options: Options) -> list[RowError]:
        return []

    def write(self, actor: User | None, parsed: Any, fetched: Any, options: Options) -> Any:
        raise NotImplementedError

    def audit(self, result: Any, options: Options) -> AuditEntry | None:
        """The import's audit event; None where the line's own action has written it."""
        return None

    # --- the page -------------------------------------------------------------------------------

    def form_fields(self, target: Options) -> dict[str, forms.Field]:
        """Fields beside the file on the upload form (a bank account, a profile)."""
        return {}

    def target(self, **url_kwargs: Any) -> Options:
        """Options fixed by the page's URL (the application whose votes are imported)."""
        return {}

    def page_crumbs(self, target: Options) -> Sequence[Crumb]:
        return self.crumbs

    def summary(self, result: Any) -> list[tuple[Any, Any]]:
        """(label, value) pairs shown after a good file."""
        return []

    def links(self, result: Any, options: Options) -> list[tuple[str, str]]:
        """(label, url) links shown under the summary."""
        return []

    def done(self, result: Any, options: Options) -> Done | None:
        return None

    # --- the template ---------------------------------------------------------------------------

    def rules(self) -> list[str]:
        """What the template's notes and the upload page say about the file, column by column."""
        return [
            *GENERAL_NOTES,
            *(column.describe() for column in self.columns),
            *self.notes,
            f"每个文件最多{settings.IMPORT_MAX_ROWS}行。",
        ]

    def template(self) -> bytes:
        """An .xlsx with the header row and a 说明 sheet: the rules and an example row.

        The example sits on the notes sheet, not under the headers: an example row forgotten in a
        filled-in file would otherwise be imported (a receipt posted, an owner registered)."""
        headers = [column.name for column in self.columns]
        notes = [self.title + "说明", *self.rules()]
        if self.example:
            notes += [
                "",
                "示例（每列依次为）：",
                "，".join(f"{h}：{v}" for h, v in zip(headers, self.example, strict=True)),
            ]
        data = workbook_bytes(self.title.removesuffix("导入") or self.title, headers, [], notes=notes)
        # Excel turns a long number typed into a General cell into 1.10105E+17 and loses digits;
        # text-formatted columns keep what is typed.
        workbook = load_workbook(io.BytesIO(data))
        sheet = workbook.worksheets[0]
        for index, column in enumerate(self.columns, start=1):
            if column.kind in TEXT_KINDS:
                sheet.column_dimensions[sheet.cell(1, index).column_letter].number_format = "@"
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


_specs: dict[str, ImportSpec] = {}


def register(*specs: ImportSpec) -> None:
    for spec in specs:
        if not spec.key or not spec.module or not spec.columns:
            raise ValueError(f"{type(spec).__name__}: an import needs a key, a module and columns")
        _specs[spec.key] = spec


def get(key: str) -> ImportSpec:
    """The spec with the key (KeyError for an unknown one)."""
    return _specs[key]


def all_specs() -> list[ImportSpec]:
    return list(_specs.values())


def run(
    spec: ImportSpec, actor: User | None, filename: str, content: bytes, *, ip: str | None = None, **options: Any
) -> Any:
    """Import a file through the spec's steps; raises ImportRejected listing every error, having written nothing."""
    return execute(spec, actor, filename, content, ip, options)[0]


def execute(
    spec: ImportSpec,
    actor: User | None,
    filename: str,
    content: bytes,
    ip: str | None,
    options: Options,
    progress: Callable[..., None] | None = None,
) -> tuple[Any, Options]:
    """`run`, also giving the options as the spec resolved them (the page links to the chosen account);
    `progress(done, total, step)` hears of each step (a background import shows them)."""
    report = progress or (lambda done, total, step="": None)
    report(0, 0, "读取文件")
    options = spec.prepare({**options, "filename": filename})
    parsed = spec.parse(filename, content, options)
    rows = len(parsed.rows) if isinstance(parsed, Parsed) else 0
    with transaction.atomic(), _page_cache():
        report(0, rows, "核对数据")
        fetched = spec.fetch(parsed, options)
        checked = spec.check(parsed, fetched, options)
        errors = [*spec.errors(parsed), *checked]
        if errors:
            raise ImportRejected(sort_errors(errors, spec.headers(options)))
        report(0, rows, "写入数据")
        result = spec.write(actor, parsed, fetched, options)
        entry = spec.audit(result, options)
        if entry is not None:
            audit.record(
                actor,
                AuditEvent.Action.IMPORT,
                entry.obj,
                model=entry.model,
                object_repr=filename[:200],
                after=entry.after,
                note=entry.note,
                ip=ip,
            )
    report(rows, rows, "完成")
    return result, options


# SQLite's page cache while an import checks and writes, in KiB (the default is 2 MB): every row
# written touches each index of its table, and a city's indexes do not fit in 2 MB.
IMPORT_CACHE_KIB = 256 * 1024


@contextmanager
def _page_cache() -> Iterator[None]:
    """SQLite: a bigger page cache for this connection during the import, the old size restored after."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def among(values: Sequence[Any]) -> RawSQL:
    """The values as a subquery with one parameter, for `filter(code__in=among(codes))`: one query however
    many rows a file has (a JSON array on SQLite, an array on PostgreSQL). All ints or all strings."""
    whole = bool(values) and all(isinstance(value, int) for value in values)
    if connection.vendor == "postgresql":
        return RawSQL(f"SELECT unnest(%s::{'bigint' if whole else 'text'}[])", [list(values)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(list(values), ensure_ascii=False)])


def chunks[T](values: Sequence[T], size: int = 900) -> list[Sequence[T]]:
    """Values in chunks for `IN (...)`: old SQLite builds allow 999 variables per statement."""
    return [values[start : start + size] for start in range(0, len(values), size)]
