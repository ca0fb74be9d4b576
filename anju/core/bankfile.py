"""The one bank-file spec: every import of a bank's file (the fund's receipts and statement, rental's
payments, and subsidy payments to come) reads it here, through a `BankProfile`.

A profile is data (an administrator adds one per bank at `core:bank_profiles`): the rows above the
header, the header of each canonical field in that bank's export, the date formats, the file types.
`parse_bank_file` turns any layout into the same canonical `BankLine`s (row, transaction id, date,
credit and debit as Decimals, counterparty, account, memo, reference, balance); each import then
maps the lines to its own records (a unit code or a lease number from the reference column).
The "Anju standard" profile is the layout of Anju's own templates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import audit
from anju.core.imports import ImportSpec, Options
from anju.core.models import AuditEvent, BankProfile, User
from anju.lib.errors import DomainError
from anju.lib.tabular import (
    DATE_FORMATS,
    Column,
    ImportRejected,
    Kind,
    ParsedRow,
    RowError,
    file_error,
    parse_rows,
    read_table,
    sort_errors,
)

ZERO = Decimal("0.00")
FILE_TYPES = (".xlsx", ".xls", ".csv")
# The canonical fields, their Chinese names and the profile's column for each.
FIELDS: dict[str, str] = {
    "txn_id": "交易流水号",
    "date": "交易日期",
    "time": "交易时间",
    "amount": "金额",
    "direction": "借贷标志",
    "debit": "借方（支出）金额",
    "credit": "贷方（收入）金额",
    "counterparty": "对方户名",
    "account": "对方账号",
    "memo": "摘要",
    "reference": "用途/附言",
    "balance": "余额",
}
KINDS: dict[str, Kind] = {
    "txn_id": Kind.CODE,
    "date": Kind.DATE,
    "time": Kind.TIME,
    "amount": Kind.MONEY,
    "debit": Kind.MONEY,
    "credit": Kind.MONEY,
    "balance": Kind.MONEY,
}


@dataclass(frozen=True)
class BankUse:
    """What one import reads from a bank file.

    `needs`: fields whose column the file must have (txn_id, date and the amount always); `reads`:
    fields read when the profile names them. `reference`: the import's own header for the reference
    in Anju's template (房屋编码), used when the profile names no reference column."""

    title: str
    needs: frozenset[str] = frozenset()
    reads: frozenset[str] = frozenset()
    reference: str = ""
    reference_required: bool = False
    max_lengths: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BankLine:
    """One transaction of a bank file in canonical form; credit is money in, debit money out."""

    row: int
    txn_id: str
    date: dt.date
    credit: Decimal
    debit: Decimal
    time: dt.time | None = None
    counterparty: str = ""
    account: str = ""
    memo: str = ""
    reference: str = ""
    balance: Decimal | None = None
    amount_text: str = ""  # the amount as the file wrote it, for messages

    @property
    def amount(self) -> Decimal:
        """Signed: positive in, negative out."""
        return self.credit - self.debit


@dataclass(frozen=True, slots=True)
class BankAmount:
    """A row's money in and out, readable even where another cell of the row is bad."""

    credit: Decimal
    debit: Decimal
    text: str  # as the file wrote it, for messages

    @property
    def amount(self) -> Decimal:
        return self.credit - self.debit


@dataclass
class BankFile:
    """A bank file read through a profile: the typed rows (all of them, bad cells None), the good
    lines, the rows repeating an earlier line's transaction id, and every error."""

    profile: BankProfile
    headers: dict[str, str]  # canonical field -> the header in the file
    rows: list[ParsedRow]
    lines: list[BankLine]
    errors: list[RowError]
    repeated: set[int] = field(default_factory=set)
    amounts: dict[int, BankAmount] = field(default_factory=dict)  # by row, every row whose amount is good

    @property
    def split(self) -> bool:
        """Money in and out in separate columns."""
        return "credit" in self.headers

    @property
    def statement(self) -> bool:
        """The bank's whole statement (directions in separate columns or marked), not Anju's template."""
        return self.split or "direction" in self.headers

    def amount_column(self, amount: BankLine | BankAmount) -> str:
        if self.split:
            return self.headers["credit"] if amount.credit else self.headers["debit"]
        return self.headers["amount"]

    @property
    def order(self) -> list[str]:
        return list(dict.fromkeys(self.headers.values()))


def standard() -> BankProfile:
    return BankProfile.objects.get(code=BankProfile.STANDARD)


def active_profiles() -> list[BankProfile]:
    return list(BankProfile.objects.filter(active=True).order_by("id"))


def resolve(profile: BankProfile | str | None) -> BankProfile:
    """A profile given as itself or by code; None is the standard profile. Inactive ones are refused."""
    if isinstance(profile, BankProfile):
        found: BankProfile | None = profile
    else:
        found = BankProfile.objects.filter(code=profile or BankProfile.STANDARD).first()
    if found is None:
        raise file_error(f"银行文件格式“{profile}”不存在")
    if not found.active:
        raise file_error(f"银行文件格式“{found.name}”已停用")
    return found


def profile_headers(profile: BankProfile, use: BankUse) -> dict[str, str]:
    """The header of each field the import reads, in the profile's layout (file error if one it needs is unset)."""
    columns = {name: getattr(profile, f"{name}_column", "") for name in FIELDS}
    if use.reference and not columns["reference"]:
        columns["reference"] = use.reference
    wanted = {"txn_id", "date"} | use.needs | use.reads
    if columns["debit"] or columns["credit"]:
        wanted |= {"debit", "credit"}
    else:
        wanted |= {"amount"} | ({"direction"} if columns["direction"] else set())
    missing = [FIELDS[name] for name in sorted(wanted - {"time"} - use.reads) if not columns[name]]
    if missing:
        raise file_error(f"银行文件格式“{profile.name}”没有设置{'、'.join(missing)}列，不能用于{use.title}")
    return {name: columns[name] for name in FIELDS if name in wanted and columns[name]}


def _columns(profile: BankProfile, use: BankUse, headers: dict[str, str]) -> list[Column]:
    formats = tuple(profile.date_formats) or tuple(DATE_FORMATS)
    return [
        Column(
            header,
            KINDS.get(name, Kind.TEXT),
            required=name in ("txn_id", "date", "amount", "direction", "balance")
            or (name == "reference" and use.reference_required),
            max_length=use.max_lengths.get(name),
            formats=formats,
            omissible=name in use.reads,
            key=name,
        )
        for name, header in headers.items()
    ]


def parse_bank_file(
    filename: str, content: bytes, profile: BankProfile, use: BankUse, *, today: dt.date | None = None
) -> BankFile:
    """Every line of the file in canonical form, and every error (not raised: the import adds its own)."""
    headers = profile_headers(profile, use)
    columns = _columns(profile, use, headers)
    rows = read_table(
        filename,
        content,
        list(dict.fromkeys(headers.values())),
        max_rows=settings.IMPORT_MAX_ROWS,
        required=[c.name for c in columns if not c.omissible],
        skip_rows=profile.skip_rows,
        skip_footer=profile.skip_footer,
        ignore_unknown=not profile.strict,
        suffixes=profile.file_types or FILE_TYPES,
    )
    typed, errors = parse_rows(rows, columns)
    result = BankFile(profile, headers, typed, [], errors)
    today = today or timezone.localdate()
    marks = {"in": _marks(profile.credit_marks), "out": _marks(profile.debit_marks)}
    first_row: dict[str, int] = {}
    for row in typed:
        amount = _amount(row, result, marks)
        if amount is not None:
            result.amounts[row.number] = amount
        line = _line(row, result, amount, today)
        if line is None:
            continue
        if line.txn_id in first_row:
            errors.append(
                RowError(
                    line.row,
                    headers["txn_id"],
                    f"{headers['txn_id']}“{line.txn_id}”与第{first_row[line.txn_id]}行重复",
                )
            )
            result.repeated.add(line.row)
        else:
            first_row[line.txn_id] = line.row
        result.lines.append(line)
    return result


def _marks(text: str) -> set[str]:
    return {mark.strip() for mark in text.replace("，", ",").split(",") if mark.strip()}


def _amount(row: ParsedRow, file: BankFile, marks: dict[str, set[str]]) -> BankAmount | None:
    """The row's money in and out, or None (with an error) when the amount is bad or unclear: a
    negative figure in a debit or credit column, or a direction mark that is neither way, is refused,
    never guessed."""
    headers, errors = file.headers, file.errors
    if file.split:
        if {"credit", "debit"} & row.failed:
            return None
        credit, debit = row.get("credit", ZERO), row.get("debit", ZERO)
        if credit < 0 or debit < 0:
            message = f"{headers['debit']}和{headers['credit']}不能为负数"
        elif not credit and not debit:
            message = f"{headers['debit']}和{headers['credit']}不能都为空"
        elif credit and debit:
            message = f"{headers['debit']}和{headers['credit']}只能填写一个"
        else:
            return BankAmount(credit, debit, row.text(headers["credit"] if credit else headers["debit"]))
        errors.append(RowError(row.number, headers["credit"], message))
        row.failed.add("credit")
        return None
    if "amount" in row.failed:
        return None
    amount: Decimal = row["amount"]
    if "direction" in headers:
        if "direction" in row.failed:
            return None
        # With a direction column (借贷标志) the amount is unsigned and the mark says which way.
        mark = row.text(headers["direction"])
        if mark in marks["in"]:
            amount = abs(amount)
        elif mark in marks["out"]:
            amount = -abs(amount)
        else:
            known = "、".join(sorted(marks["in"] | marks["out"]))
            message = f"{headers['direction']}“{mark}”无法识别，应为{known}之一"
            file.errors.append(RowError(row.number, headers["direction"], message))
            row.failed.add("direction")
            return None
    return BankAmount(max(amount, ZERO), max(-amount, ZERO), row.text(headers["amount"]))


def _line(row: ParsedRow, file: BankFile, amount: BankAmount | None, today: dt.date) -> BankLine | None:
    """The row's canonical line, or None when any field is bad (each bad field has its error)."""
    day = row.values.get("date")
    if day is not None and day > today:
        date = file.headers["date"]
        file.errors.append(RowError(row.number, date, f"{date}晚于今天：{day:%Y-%m-%d}"))
        row.failed.add("date")
    if row.failed or amount is None:
        return None
    values = row.values  # ParsedRow.get inlined (a row per line of a 50k-line file): None is the default
    get = values.get
    return BankLine(
        row.number,
        values["txn_id"],
        values["date"],
        amount.credit,
        amount.debit,
        get("time"),
        get("counterparty") or "",
        get("account") or "",
        get("memo") or "",
        get("reference") or "",
        get("balance"),
        amount.text,
    )


STATEMENT = BankUse(
    "银行流水导入", reads=frozenset({"time", "counterparty", "account", "memo", "reference", "balance"})
)


def read_bank_file(
    filename: str, content: bytes, profile: BankProfile | str | None = None, use: BankUse = STATEMENT
) -> list[BankLine]:
    """The file's canonical lines; ImportRejected listing every error when any line is bad."""
    file = parse_bank_file(filename, content, resolve(profile), use)
    if file.errors:
        raise ImportRejected(sort_errors(file.errors, file.order))
    return file.lines


def describe(profile: BankProfile) -> list[str]:
    """The profile's layout in words, for the upload page and the profile list."""
    headers = {name: getattr(profile, f"{name}_column", "") for name in FIELDS}
    parts = [f"{label}：{headers[name]}" for name, label in FIELDS.items() if headers[name]]
    lines = ["；".join(parts)]
    if profile.skip_rows:
        lines.append(f"表头在第{profile.skip_rows + 1}行")
    if profile.skip_footer:
        lines.append(f"末尾{profile.skip_footer}行（合计等）不读")
    formats: Sequence[str] = profile.date_formats or list(DATE_FORMATS)
    lines.append("日期格式：" + "、".join(DATE_FORMATS.get(f, f) for f in formats))
    return lines


class BankFileImport(ImportSpec):
    """An import of a bank's file: parsed through the chosen profile (the `profile` option, default
    the standard one) into canonical lines; the line's spec maps them to its records.

    `columns` describe Anju's own template, which is the standard profile's layout."""

    use: BankUse = STATEMENT

    def prepare(self, options: Options) -> Options:
        return {**options, "profile": resolve(options.get("profile"))}

    def headers(self, options: Options) -> list[str]:
        profile = options.get("profile")
        template = [column.name for column in self.columns]
        if not isinstance(profile, BankProfile):
            return template
        return list(dict.fromkeys([*template, *profile_headers(profile, self.use).values()]))

    def parse(self, filename: str, content: bytes, options: Options) -> BankFile:
        return parse_bank_file(filename, content, options["profile"], self.use)

    def form_fields(self, target: Options) -> dict[str, forms.Field]:
        choices = [(profile.code, profile.name) for profile in active_profiles()]
        return {
            "profile": forms.ChoiceField(
                label=_("Bank file profile"),
                choices=choices,
                initial=BankProfile.STANDARD,
                required=False,
                help_text=_("The layout of your bank's export; the standard one is the template's."),
            )
        }

    def rules(self) -> list[str]:
        return [
            *super().rules(),
            "也可以直接上传银行导出的对账单：在“银行文件格式”中选择该银行的格式（格式由管理员维护）。",
        ]


PROFILE_FIELDS = [
    "name",
    "bank",
    "active",
    "skip_rows",
    "skip_footer",
    "strict",
    *(f"{name}_column" for name in FIELDS),
    "credit_marks",
    "debit_marks",
    "date_formats",
    "file_types",
    "note",
]


@transaction.atomic
def save_profile(actor: User | None, profile: BankProfile | None, **values: Any) -> BankProfile:
    """Create a bank file profile or change one (never the standard one: it is the templates' layout)."""
    if profile is not None and profile.code == BankProfile.STANDARD:
        raise ProfileError("安居标准格式与导入模板一致，不能修改", code="standard_fixed")
    if profile is None:
        profile = BankProfile(code=values.pop("code"))
        before = None
    else:
        profile = BankProfile.objects.select_for_update().get(pk=profile.pk)
        values.pop("code", None)
        before = audit.snapshot(profile, PROFILE_FIELDS)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.save()
    audit.record(
        actor,
        AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        profile,
        before=before,
        after=audit.snapshot(profile, PROFILE_FIELDS),
        note="银行文件格式",
    )
    return profile


class ProfileError(DomainError):
    prefix = "bankfile"
