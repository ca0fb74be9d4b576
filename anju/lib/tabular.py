"""Reading uploaded tables (.xlsx, .csv) for the all-or-nothing imports.

Framework-free: callers pass their headers and row limit; every problem, with the file or with a
row, is a `RowError` with a Chinese message, and a rejected file raises `ImportRejected` carrying
all of them so the user can fix the whole file in one go.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Collection, Generator, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from anju.lib.errors import DomainError

FILE_ROW = 0  # the row of an error about the whole file
HEADER_ROW = 1

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other OLE compound files)
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
INTEGER_RE = re.compile(r"^[+-]?\d+$")

RawRows = Generator[tuple[int, Sequence[Any]], None, None]


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
        self.errors = errors

    def as_dict(self) -> dict[str, Any]:
        return super().as_dict() | {"errors": [e.as_dict() for e in self.errors]}


@dataclass(frozen=True, slots=True)
class Row:
    """A data row: its spreadsheet row number and its cells by header.

    Text is stripped and empty cells are None; .xlsx cells keep their type (int, float, datetime).
    """

    number: int
    cells: dict[str, Any]

    def text(self, column: str) -> str:
        return cell_text(self.cells.get(column))


def file_error(message: str) -> ImportRejected:
    return ImportRejected([RowError(FILE_ROW, "", message)])


def read_table(
    filename: str,
    content: bytes,
    headers: Sequence[str],
    *,
    max_rows: int,
    required: Collection[str] | None = None,
) -> list[Row]:
    """The data rows of the first sheet (.xlsx) or of the file (.csv), keyed by header.

    Row 1 holds the headers, in any order; every required header (default: all) must be there and
    no other. Fully empty rows are skipped but keep their place in the numbering.
    """
    if not content:
        raise file_error("文件为空")
    raw_rows = _raw_rows(filename, content)
    try:
        first = next(raw_rows, None)
        if first is None:
            raise file_error("文件为空")
        columns = _columns(first[1], headers, required)
        rows = _data_rows(raw_rows, columns, max_rows)
    finally:
        raw_rows.close()
    if not rows:
        raise file_error("文件中没有数据行")
    return rows


def _raw_rows(filename: str, content: bytes) -> RawRows:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xls" or content.startswith(OLE_MAGIC):
        raise file_error("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 后再导入")
    if suffix in (".xlsx", ".xlsm") or (suffix != ".csv" and content.startswith(ZIP_MAGIC)):
        return _xlsx_rows(content)
    if suffix == ".csv":
        return _csv_rows(content)
    raise file_error("文件不是电子表格：请上传 .xlsx 或 .csv 文件")


def _xlsx_rows(content: bytes) -> RawRows:
    # openpyxl reports a damaged workbook through many exception types (zip, XML, KeyError for a
    # missing part, ...), both on opening and lazily while rows are read, so all count as corrupt.
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise file_error("无法读取 .xlsx 文件：文件已损坏或不是 Excel 工作簿") from exc
    try:
        if not workbook.worksheets:
            raise file_error("工作簿中没有工作表")
        sheet = workbook.worksheets[0]
        # Some generators write a wrong <dimension>; without the reset read_only mode trusts it
        # and silently drops rows beyond it.
        sheet.reset_dimensions()  # type: ignore[union-attr]
        try:
            yield from enumerate(sheet.iter_rows(values_only=True), start=1)
        except ImportRejected:
            raise
        except Exception as exc:
            raise file_error("无法读取 .xlsx 文件：文件已损坏或不是 Excel 工作簿") from exc
    finally:
        workbook.close()


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


def _columns(values: Sequence[Any], headers: Sequence[str], required: Collection[str] | None) -> dict[int, str]:
    """Column index -> header; missing, unknown, blank or repeated headers are errors."""
    names = [cell_text(v) for v in values]
    while names and not names[-1]:
        names.pop()
    known = set(headers)
    columns: dict[int, str] = {}
    errors: list[RowError] = []
    for index, name in enumerate(names):
        letter = get_column_letter(index + 1)
        if not name:
            errors.append(RowError(HEADER_ROW, f"{letter}列", f"第{letter}列的表头为空"))
        elif name not in known:
            errors.append(RowError(HEADER_ROW, name, f"未知的表头“{name}”，表头应为：{'、'.join(headers)}"))
        elif name in columns.values():
            errors.append(RowError(HEADER_ROW, name, f"表头“{name}”重复"))
        else:
            columns[index] = name
    present = set(columns.values())
    for name in headers:
        if name not in present and (required is None or name in required):
            errors.append(RowError(HEADER_ROW, name, f"缺少表头“{name}”"))
    if errors:
        raise ImportRejected(errors)
    return columns


def _data_rows(raw_rows: RawRows, columns: dict[int, str], max_rows: int) -> list[Row]:
    width = max(columns) + 1
    rows: list[Row] = []
    errors: list[RowError] = []
    headless: set[int] = set()
    for number, values in raw_rows:
        cleaned = [_clean(v) for v in values]
        if all(v is None for v in cleaned):
            continue
        if len(rows) >= max_rows:
            raise file_error(f"数据行超过{max_rows}行的上限，请拆分为多个文件分别导入")
        for index in range(width, len(cleaned)):
            # One error per column is enough to tell the user the column needs a header.
            if cleaned[index] is not None and index not in headless:
                headless.add(index)
                letter = get_column_letter(index + 1)
                errors.append(RowError(number, f"{letter}列", f"第{letter}列有数据但没有表头"))
        cells = {name: cleaned[index] if index < len(cleaned) else None for index, name in columns.items()}
        rows.append(Row(number, cells))
    if errors:
        raise ImportRejected(errors)
    return rows


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

    Floats come from .xlsx cells; their shortest repr is what the user typed (89.5, not
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
    """A whole number; 3.0 from an .xlsx cell is 3, 3.5 is refused."""
    if isinstance(value, str) and not INTEGER_RE.match(value.strip()):
        raise ValueError("应为整数")
    try:
        return int(parse_decimal(value, 0))
    except ValueError as exc:
        raise ValueError("应为整数") from exc
