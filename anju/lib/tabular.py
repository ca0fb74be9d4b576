"""Reading uploaded tables (.xlsx, .xls, .csv) and typed columns for the all-or-nothing imports.

Framework-free: callers pass their headers (or typed `Column`s) and row limit; every problem, with
the file or with a row, is a `RowError` with a Chinese message, and a rejected file raises
`ImportRejected` carrying all of them so the user can fix the whole file in one go.

Workbooks are read with calamine (about ten times faster than openpyxl on a 50k-row sheet);
openpyxl only writes (`anju.lib.xlsx`).
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import io
import os
import re
import zipfile
from collections.abc import Callable, Collection, Generator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from python_calamine import CalamineWorkbook

from anju.lib import ids
from anju.lib.errors import DomainError
from anju.lib.money import to_money

FILE_ROW = 0  # the row of an error about the whole file
# Bounds on what a file may make the server do (issue 18): a refused file costs little.
MAX_CELL = int(os.environ.get("IMPORT_MAX_CELL_CHARS", "1000"))  # characters in one cell
MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "200"))
MAX_UNZIPPED = int(os.environ.get("IMPORT_MAX_UNZIPPED_MB", "200")) * 1024 * 1024  # an .xlsx's parts, unpacked
MAX_RATIO = int(os.environ.get("IMPORT_MAX_ZIP_RATIO", "100"))  # unpacked ÷ packed (a zip bomb is far above)
MAX_ERRORS = 100  # errors echoed back; the total is counted
ECHO = 50  # characters of a cell quoted in a message
HEADER_ROW = 1

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other OLE compound files)
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
INTEGER_RE = re.compile(r"^[+-]?\d+$")
# A bank prints 1234.50, 1,234.50, -1,234.50, ¥1,234.50 or (1,234.50) for a negative amount.
AMOUNT_RE = re.compile(r"^(\d+(\.\d*)?|\.\d+|\d{1,3}(,\d{3})+(\.\d*)?)$")
CURRENCY_SIGNS = ("¥", "￥")
# Excel keeps 15 significant digits: a longer number typed into a General cell is already cut.
EXACT_DIGITS = 1e15

# strptime format -> how it looks, for messages and for the bank profiles' choices.
DATE_FORMATS: dict[str, str] = {
    "%Y-%m-%d": "2023-03-01",
    "%Y/%m/%d": "2023/03/01",
    "%Y.%m.%d": "2023.03.01",
    "%Y%m%d": "20230301",
    "%Y年%m月%d日": "2023年03月01日",
    "%d/%m/%Y": "01/03/2023",
    "%m/%d/%Y": "03/01/2023",
}
# Year first in every layout: 01/03/2023 is 1 March in one country and 3 January in another.
DEFAULT_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
# A date, optionally followed by the time of day.
DATE_TIME_RE = re.compile(r"^(?P<date>\S+?)(?:[ T](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?$")
TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$|^(\d{2})(\d{2})(\d{2})$")


@dataclass(frozen=True, slots=True)
class RowError:
    """One reason a file was refused: the spreadsheet row (0 = the file), the column, why."""

    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class ImportRejected(DomainError):
    """A file refused whole: every bad row, column and reason, nothing written."""

    prefix = "import"

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"导入被拒绝：{len(errors)}处错误")
        self.count = len(errors)  # all of them; at most MAX_ERRORS are kept to show
        self.errors = errors[:MAX_ERRORS]

    def as_dict(self) -> dict[str, Any]:
        return super().as_dict() | {"errors": [e.as_dict() for e in self.errors], "error_count": self.count}


@dataclass(frozen=True, slots=True)
class Row:
    """A data row: its spreadsheet row number and its cells by header.

    Text is stripped and empty cells are None; workbook cells keep their type (float, datetime,
    bool; calamine reads every number as a float)."""

    number: int
    cells: dict[str, Any]

    def text(self, column: str) -> str:
        return cell_text(self.cells.get(column))


def file_error(message: str) -> ImportRejected:
    return ImportRejected([RowError(FILE_ROW, "", message)])


# --- Reading -------------------------------------------------------------------------------------


def read_table(
    filename: str,
    content: bytes,
    headers: Sequence[str],
    *,
    max_rows: int,
    required: Collection[str] | None = None,
    skip_rows: int = 0,
    skip_footer: int = 0,
    ignore_unknown: bool = False,
    suffixes: Collection[str] | None = None,
) -> list[Row]:
    """The data rows of the first sheet (.xlsx, .xls) or of the file (.csv), keyed by header.

    The header row is row `skip_rows + 1` (a bank's export puts titles above it); its headers may
    come in any order; every required header (default: all) must be there, and no other unless
    `ignore_unknown`. Fully empty rows are skipped but keep their place in the numbering; the last
    `skip_footer` non-empty rows (a bank's 合计 lines) are dropped."""
    if not content:
        raise file_error("文件为空")
    if count_rows(filename, content, max_rows + skip_rows + skip_footer + 1) > max_rows + skip_rows + skip_footer + 1:
        raise file_error(f"数据行超过{max_rows}行的上限，请拆分为多个文件分别导入")
    raw_rows = _raw_rows(filename, content, suffixes)
    try:
        header = next((row for row in raw_rows if row[0] > skip_rows), None)
        if header is None:
            raise file_error("文件为空" if not skip_rows else f"文件不足{skip_rows + 1}行，找不到表头")
        columns = _columns(header, headers, required, ignore_unknown)
        rows = _data_rows(raw_rows, columns, max_rows, skip_footer, ignore_unknown)
    finally:
        raw_rows.close()
    if not rows:
        raise file_error("文件中没有数据行")
    return rows


def count_rows(filename: str, content: bytes, stop: int) -> int:
    """About how many rows the file's first sheet has, counted up to `stop + 1` without reading the
    cells (a page decides whether an import runs in the background). 0 for a file that is no table:
    reading it says why."""
    try:
        kind = _kind(filename, content)
    except ImportRejected:
        return 0
    if kind == ".csv":
        return content.count(b"\n", 0) + (0 if content.endswith(b"\n") else 1)
    if kind == ".xlsx":
        return _xlsx_row_count(content, stop)
    try:  # .xls holds at most 65,536 rows: calamine reads it quickly
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        try:
            return int(workbook.get_sheet_by_index(0).height)
        finally:
            workbook.close()
    except Exception:
        return 0


XLSX_ROW_RE = re.compile(rb"<(?:\w+:)?row[\s>/]")
XLSX_FIRST_SHEET_RE = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")


def _xlsx_row_count(content: bytes, stop: int) -> int:
    """The <row> elements of the workbook's first sheet, streamed from the zip, counted up to stop + 1."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            path = _xlsx_first_sheet(archive)
            if path is None:
                return 0
            count, tail = 0, b""
            with archive.open(path) as sheet:
                while count <= stop and (chunk := sheet.read(1 << 16)):
                    data = tail + chunk
                    count += len(XLSX_ROW_RE.findall(data, 0, max(0, len(data) - 16)))
                    tail = data[max(0, len(data) - 16) :]
                count += len(XLSX_ROW_RE.findall(tail))
            return count
    except (zipfile.BadZipFile, KeyError, OSError):
        return 0


def _xlsx_first_sheet(archive: zipfile.ZipFile) -> str | None:
    names = set(archive.namelist())
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        workbook, rels = b"", ""
    match = XLSX_FIRST_SHEET_RE.search(workbook)
    if match:
        rel = re.search(r"<Relationship\b[^>]*\bId=\"" + re.escape(match.group(1).decode()) + r"\"[^>]*>", rels)
        target = re.search(r'\bTarget="([^"]+)"', rel.group(0)) if rel else None
        if target:
            path = target.group(1)
            path = path.lstrip("/") if path.startswith("/") else f"xl/{path}"
            if path in names:
                return path
    sheets = sorted(name for name in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name))
    return sheets[0] if sheets else None


RawRows = Generator[tuple[int, Sequence[Any]], None, None]

SUFFIX_NAMES = {".xlsx": ".xlsx", ".xlsm": ".xlsx", ".xls": ".xls", ".csv": ".csv"}


def _kind(filename: str, content: bytes) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix in SUFFIX_NAMES:
        return SUFFIX_NAMES[suffix]
    if content.startswith(ZIP_MAGIC):
        return ".xlsx"
    if content.startswith(OLE_MAGIC):
        return ".xls"
    raise file_error("文件不是电子表格：请上传 .xlsx、.xls 或 .csv 文件")


def _raw_rows(filename: str, content: bytes, suffixes: Collection[str] | None) -> RawRows:
    kind = _kind(filename, content)
    if suffixes is not None and kind not in suffixes:
        raise file_error(f"不接受 {kind} 文件，请上传 {'、'.join(sorted(suffixes))} 文件")
    if kind == ".csv":
        return _csv_rows(content)
    if kind == ".xlsx":
        _check_xlsx(content)
    return _workbook_rows(content, kind)


XLSX_DIMENSION_RE = re.compile(rb"<(?:\w+:)?dimension\b[^>]*\bref=\"[A-Z]*\d*:?([A-Z]+)(\d+)\"")


def _check_xlsx(content: bytes) -> None:
    """Refuses, before the workbook is parsed, an .xlsx whose parts unpack to more than MAX_UNZIPPED or more
    than MAX_RATIO times its size (a zip bomb), or whose first sheet claims more columns than MAX_COLUMNS."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNZIPPED or unpacked > MAX_RATIO * max(len(content), 1 << 16):
                raise file_error(
                    f"文件解压后有{unpacked / 1024 / 1024:.0f} MB，超过上限（{MAX_UNZIPPED // 1024 // 1024} MB，"
                    f"或文件大小的{MAX_RATIO}倍）：请检查文件或拆分后再导入"
                )
            path = _xlsx_first_sheet(archive)
            if path is None:
                return
            with archive.open(path) as sheet:
                match = XLSX_DIMENSION_RE.search(sheet.read(1 << 12))
    except (zipfile.BadZipFile, KeyError, OSError):
        return  # calamine says what is wrong with it
    if match and _column_number(match.group(1).decode()) > MAX_COLUMNS:
        raise file_error(f"工作表有{_column_number(match.group(1).decode())}列，超过{MAX_COLUMNS}列的上限")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _workbook_rows(content: bytes, kind: str) -> RawRows:
    broken = f"无法读取 {kind} 文件：文件已损坏或不是 Excel 工作簿"
    # calamine reports a damaged workbook through several exception types (zip, XML, format).
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:
        raise file_error(broken) from exc
    try:
        if not workbook.sheet_names:
            raise file_error("工作簿中没有工作表")
        try:
            # From A1 (calamine otherwise starts at the first used cell), so numbers are the sheet's.
            values = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as exc:
            raise file_error(broken) from exc
    finally:
        workbook.close()
    # calamine pads the sheet to its used range; an empty sheet is an empty file.
    while values and all(_clean(v) is None for v in values[-1]):
        values.pop()
    yield from enumerate(values, start=1)


def _csv_rows(content: bytes) -> RawRows:
    text = _decode(content)
    if "\x00" in text:
        raise file_error("文件不是有效的 CSV 文本文件")
    try:
        yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
    except csv.Error as exc:
        raise file_error(f"CSV 文件格式错误：{exc}") from exc


def _decode(content: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise file_error("无法识别 CSV 文件的编码，请保存为 UTF-8 或 GB18030（GBK）编码")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _columns(
    header: tuple[int, Sequence[Any]], headers: Sequence[str], required: Collection[str] | None, ignore_unknown: bool
) -> dict[int, str]:
    """Column index -> header; missing, unknown, blank or repeated headers are errors."""
    number, values = header
    names = [cell_text(v) for v in values]
    while names and not names[-1]:
        names.pop()
    known = set(headers)
    columns: dict[int, str] = {}
    errors: list[RowError] = []
    for index, name in enumerate(names):
        letter = column_letter(index)
        if name in known and name in columns.values():
            errors.append(RowError(number, echo(name), f"表头“{echo(name)}”重复"))
        elif name in known:
            columns[index] = name
        elif ignore_unknown:
            continue
        elif not name:
            errors.append(RowError(number, f"{letter}列", f"第{letter}列的表头为空"))
        else:
            errors.append(RowError(number, echo(name), f"未知的表头“{echo(name)}”，表头应为：{'、'.join(headers)}"))
    present = set(columns.values())
    for name in headers:
        if name not in present and (required is None or name in required):
            errors.append(RowError(number, name, f"缺少表头“{name}”"))
    if errors:
        raise ImportRejected(errors)
    return columns


def _data_rows(
    raw_rows: RawRows, columns: dict[int, str], max_rows: int, skip_footer: int, ignore_unknown: bool
) -> list[Row]:
    # With ignore_unknown, cells beyond the headers are another column the import does not read.
    width = max(columns) + 1 if columns else 0
    rows: list[Row] = []
    errors: list[RowError] = []
    headless: set[int] = set()
    limit = max_rows + skip_footer
    named = list(columns.items())
    for number, values in raw_rows:
        # _clean inlined: this loop runs once per row of a quarter-million-row roll.
        cleaned = [(v.strip() or None) if type(v) is str else v for v in values]
        if cleaned.count(None) == len(cleaned):
            continue
        if len(rows) >= limit:
            raise file_error(f"数据行超过{max_rows}行的上限，请拆分为多个文件分别导入")
        if not ignore_unknown and len(cleaned) > width:
            for index in range(width, len(cleaned)):
                # One error per column is enough to tell the user the column needs a header.
                if cleaned[index] is not None and index not in headless:
                    headless.add(index)
                    letter = column_letter(index)
                    errors.append(RowError(number, f"{letter}列", f"第{letter}列有数据但没有表头"))
        if len(cleaned) >= width:
            cells = {name: cleaned[index] for index, name in named}
        else:
            cells = {name: cleaned[index] if index < len(cleaned) else None for index, name in named}
        rows.append(Row(number, cells))
    if errors:
        raise ImportRejected(errors)
    return rows[: len(rows) - skip_footer]


# --- Cells ---------------------------------------------------------------------------------------


def echo(text: str) -> str:
    """A cell quoted in a message: at most ECHO characters, so an error page never carries a whole cell."""
    return text if len(text) <= ECHO else text[:ECHO] + "…"


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", dates as YYYY-MM-DD, text stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def parse_decimal(value: Any, places: int) -> Decimal:
    """A number with at most `places` decimals, as a Decimal with exactly that many.

    Floats come from workbook cells; their shortest repr is what the user typed (89.5, not
    89.5000000000000001), so 89.123 is refused rather than rounded."""
    if isinstance(value, bool) or value is None:
        raise ValueError("应为数字")
    if isinstance(value, float):
        value = repr(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("应为数字") from exc
    if not number.is_finite():
        raise ValueError("应为数字")
    exponent = number.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -places:
        raise ValueError("应为整数" if places == 0 else f"最多{places}位小数")
    return number.quantize(Decimal(1).scaleb(-places))


def parse_int(value: Any) -> int:
    """A whole number; 3.0 from a workbook cell is 3, 3.5 is refused."""
    if isinstance(value, str) and not INTEGER_RE.match(value.strip()):
        raise ValueError("应为整数")
    try:
        return int(parse_decimal(value, 0))
    except ValueError as exc:
        raise ValueError("应为整数") from exc


def parse_amount(value: Any, *, parentheses: bool = True) -> Decimal:
    """A yuan amount as a bank or a person writes it, with exactly two places (`anju.lib.money`).

    Text may carry a sign, a ¥, thousands separators in the right places (1,234.50, not 1,2) and,
    with `parentheses`, the accountants' (1,234.50) for a negative amount; an exponent (1e3) is not
    how anyone writes money and is refused."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return to_money(parse_decimal(value, 2))
    if not isinstance(value, str):
        raise ValueError("应为数字")
    text = value.strip().replace(" ", "")
    negative = False
    if parentheses and text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text and text[0] in "+-":
        negative, text = negative != (text[0] == "-"), text[1:]
    if text.startswith(CURRENCY_SIGNS):
        text = text[1:]
    if not AMOUNT_RE.match(text):
        raise ValueError("应为数字")
    amount = parse_decimal(text.replace(",", ""), 2)
    return to_money(-amount if negative else amount)


def parse_date(value: Any, formats: Sequence[str] = DEFAULT_DATE_FORMATS) -> dt.date:
    """A calendar date from a date cell or from text in one of `formats`, a time of day after it ignored."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or isinstance(value, bool | dt.time):
        raise ValueError("格式错误")
    match = DATE_TIME_RE.match(cell_text(value))
    if match:
        for fmt in formats:
            try:
                return dt.datetime.strptime(match["date"], fmt).date()  # noqa: DTZ007 - a calendar date, no time
            except ValueError:
                continue
    raise ValueError("格式错误")


def parse_time(value: Any) -> dt.time:
    """A time of day from a time cell, 09:30[:12] or 093012."""
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, dt.time):
        return value
    if isinstance(value, float) and 0 <= value < 1:  # an Excel time kept as a fraction of a day
        seconds = round(value * 86400)
        return dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    match = TIME_RE.match(cell_text(value))
    if not match:
        raise ValueError("格式错误")
    hour, minute, second = (match[1], match[2], match[3]) if match[1] else (match[4], match[5], match[6])
    try:
        return dt.time(int(hour), int(minute), int(second or 0))
    except ValueError as exc:
        raise ValueError("格式错误") from exc


def parse_code(value: Any) -> str:
    """An identifier (a bank's 交易流水号, an ID number) that Excel may have turned into a number.

    A whole number below 10^15 is exact; anything else kept as a number has lost digits."""
    if isinstance(value, float) and not (value.is_integer() and abs(value) < EXACT_DIGITS):
        raise ValueError("是数字格式，Excel 已丢失末尾几位；请将该列设为文本格式后重新填写")
    return cell_text(value)


# --- Typed columns -------------------------------------------------------------------------------


class Kind(enum.StrEnum):
    TEXT = "text"
    CODE = "code"  # text that must not have been through a number cell (see parse_code)
    INT = "int"
    DECIMAL = "decimal"
    MONEY = "money"
    DATE = "date"
    TIME = "time"
    CHOICE = "choice"
    ID_NUMBER = "id_number"  # resident ID, GB 11643
    USCC = "uscc"  # unified social credit code, GB 32100
    PHONE = "phone"  # mobile number


# What each kind accepts, for the templates' notes.
KIND_LABELS: dict[Kind, str] = {
    Kind.TEXT: "文本",
    Kind.CODE: "文本（请将该列设为文本格式）",
    Kind.INT: "整数",
    Kind.DECIMAL: "数字",
    Kind.MONEY: "金额（元，最多2位小数，可带千分位逗号）",
    Kind.DATE: "日期，如 2023-03-01、2023/3/1、20230301 或 2023年3月1日",
    Kind.TIME: "时间，如 09:30:00",
    Kind.CHOICE: "从下列选项中选择",
    Kind.ID_NUMBER: "18位居民身份证号码（请将该列设为文本格式）",
    Kind.USCC: "18位统一社会信用代码（请将该列设为文本格式）",
    Kind.PHONE: "11位手机号码",
}
TEXT_KINDS = frozenset({Kind.TEXT, Kind.CODE, Kind.CHOICE, Kind.ID_NUMBER, Kind.USCC, Kind.PHONE})


@dataclass(frozen=True, slots=True)
class Column:
    """A column of an import, declared once: its header, what it holds and its rules.

    `required`: the cell may not be empty. `omissible`: the whole column may be left out of the file.
    `choices`: the labels a CHOICE cell may hold and the value each stands for. `check` takes the
    typed value and returns it (possibly changed) or raises ValueError with the whole Chinese
    message. `key` names the value in a parsed row (default: the header)."""

    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    max_length: int | None = None
    places: int = 2
    choices: Mapping[str, Any] | None = None
    help: str = ""
    omissible: bool = False
    formats: Sequence[str] = DEFAULT_DATE_FORMATS
    check: Callable[[Any], Any] | None = None
    key: str = ""
    terse: bool = False  # messages give the reason only ("应为数字"): the error table names the column

    @property
    def field(self) -> str:
        return self.key or self.name

    def describe(self) -> str:
        """One line for the template's notes: the header, whether it is required, the format, the help."""
        parts = [KIND_LABELS[self.kind]]
        if self.choices:
            parts.append("、".join(label for label in self.choices if label))
        if self.max_length:
            parts.append(f"不超过{self.max_length}个字符")
        need = "必填" if self.required else "选填"
        text = f"{self.name}（{need}）：{'；'.join(parts)}。"
        return text + (self.help if self.help else "")


def _choice_list(labels: Sequence[str]) -> str:
    named = [label for label in labels if label]
    return named[0] if len(named) == 1 else "、".join(named[:-1]) + "或" + named[-1]


def parse_value(column: Column, raw: Any) -> Any:
    """The typed value of a non-empty cell; ValueError with the whole Chinese message otherwise."""
    name = column.name
    kind = column.kind
    text = cell_text(raw)
    if len(text) > MAX_CELL:
        raise ValueError(f"{name}超过{MAX_CELL}个字符：{echo(text)}")
    value: Any
    try:
        if kind is Kind.TEXT:
            value = text
        elif kind is Kind.CODE:
            value = parse_code(raw)
        elif kind is Kind.INT:
            value = parse_int(raw)
        elif kind is Kind.DECIMAL:
            value = parse_decimal(raw, column.places)
        elif kind is Kind.MONEY:
            value = parse_amount(raw)
        elif kind is Kind.DATE:
            value = parse_date(raw, column.formats)
        elif kind is Kind.TIME:
            value = parse_time(raw)
        elif kind is Kind.CHOICE:
            assert column.choices is not None
            if text not in column.choices:
                raise ValueError(f"“{echo(text)}”无效，应为{_choice_list(list(column.choices))}")
            value = column.choices[text]
        elif kind is Kind.ID_NUMBER:
            value = ids.normalize_resident_id(parse_code(raw))
        elif kind is Kind.USCC:
            value = ids.normalize_uscc(parse_code(raw))
        else:
            value = ids.normalize_mobile(text)
    except ValueError as exc:
        reason = str(exc)
        if column.terse:
            raise
        if kind in (Kind.ID_NUMBER, Kind.USCC) and reason.startswith(("居民身份证", "统一社会信用代码")):
            raise
        if kind is Kind.PHONE:
            raise ValueError(f"{reason}：{echo(text)}") from None
        if kind is Kind.DATE:
            example = DATE_FORMATS.get(column.formats[0], "2023-03-01") if column.formats else "2023-03-01"
            raise ValueError(f"{name}{reason}：{echo(text)}（应如 {example}）") from None
        if kind in (Kind.CODE, Kind.CHOICE, Kind.ID_NUMBER, Kind.USCC):
            raise ValueError(f"{name}{reason}") from None
        raise ValueError(f"{name}{reason}：{echo(text)}") from None
    if column.max_length is not None and isinstance(value, str) and len(value) > column.max_length:
        raise ValueError(f"{name}不能超过{column.max_length}个字符")
    if column.check is not None:
        value = column.check(value)
    return value


@dataclass(slots=True)
class ParsedRow:
    """A row's typed values by column key (None where empty or bad), its cells as read (by header,
    for messages that quote them) and the keys that were bad."""

    number: int
    values: dict[str, Any]
    cells: dict[str, Any] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)

    def text(self, header: str) -> str:
        return cell_text(self.cells.get(header))

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    @property
    def ok(self) -> bool:
        return not self.failed


PLAIN_TEXT_KINDS = frozenset({Kind.TEXT, Kind.CODE})  # a text cell is its own value
REPEATING_KINDS = frozenset({Kind.DATE, Kind.MONEY, Kind.DECIMAL, Kind.INT, Kind.CHOICE, Kind.TIME})


def parse_rows(rows: Sequence[Row], columns: Sequence[Column]) -> tuple[list[ParsedRow], list[RowError]]:
    """Every row's typed values and every error in every row at once: empty required cells, values of
    the wrong kind, too long, or refused by the column's own check."""
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    # Dates, amounts and choices repeat down a column (a bank statement's days, a roll's uses): each
    # distinct cell of those kinds is parsed once. Its value or its message is the same every time.
    memo: dict[tuple[int, type, Any], tuple[Any, str]] = {}
    # Each column's handling decided once, not per cell (a roll has millions of cells): a text cell
    # that fits is its own value (what parse_value gives it, without its calls); -1: parse_value.
    plans = [
        (
            index,
            column,
            column.name,
            column.field,
            min(MAX_CELL, column.max_length if column.max_length is not None else MAX_CELL)
            if column.kind in PLAIN_TEXT_KINDS and column.check is None
            else -1,
            column.kind in REPEATING_KINDS and column.check is None,
        )
        for index, column in enumerate(columns)
    ]
    for row in rows:
        values: dict[str, Any] = {}
        failed: set[str] = set()
        cells = row.cells
        for index, column, name, key, text_limit, cacheable in plans:
            raw = cells.get(name)
            if raw is None:
                values[key] = None
                if column.required:
                    failed.add(key)
                    message = "不能为空" if column.terse else f"{name}不能为空"
                    errors.append(RowError(row.number, name, message))
                continue
            if text_limit >= 0 and type(raw) is str:
                text = raw.strip()
                if len(text) <= text_limit:
                    values[key] = text
                    continue
            known = memo.get((index, type(raw), raw)) if cacheable else None
            if known is None:
                try:
                    known = (parse_value(column, raw), "")
                except ValueError as exc:
                    known = (None, str(exc))
                if cacheable:
                    memo[(index, type(raw), raw)] = known
            value, message = known
            values[key] = value
            if message:
                failed.add(key)
                errors.append(RowError(row.number, name, message))
        parsed.append(ParsedRow(row.number, values, cells, failed))
    return parsed, errors


def sort_errors(errors: list[RowError], columns: Sequence[str]) -> list[RowError]:
    """By row, then by the column's place in the file's layout (file and unknown columns first)."""
    order = {name: index for index, name in enumerate(columns)}
    return sorted(errors, key=lambda e: (e.row, order.get(e.column, -1)))
