"""Writing .xlsx files (lists, templates).

Every text a person typed may reach a spreadsheet (a name, a memo, a cell echoed in an error table), so
every writer passes its values through `safe`: a text starting with = + - @, a tab or a carriage return
is written as text with a leading apostrophe, never as a formula (CSV/formula injection).

`workbook_bytes` writes a sheet finance can compute with: numbers stay numbers (money `#,##0.00`,
counts `#,##0`), dates are dates (`yyyy-mm-dd`), the header row is frozen, the columns are as wide as
their first rows, and the columns that declare a total get a 合计 row. It streams its own XML into the
zip as the rows come (`write_workbook`): a list of hundreds of thousands of rows is never held in memory,
and is written several times faster than by openpyxl's write-only mode (`bench/exports.py` measures
both on the same rows). `rows_bytes` (a plain sheet, as a person fills one in) still uses openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any, BinaryIO
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# "-5.00" is a number written as text, not a formula; "+0" is not (it gets its apostrophe)
PLAIN_NUMBER = re.compile(r"-?\d[\d,]*(\.\d+)?%?")

MONEY = "#,##0.00"
COUNT = "#,##0"
PERCENT = "0.00%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
TOTAL_LABEL = "合计"
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
WIDTH_SAMPLE = 200  # rows read before the column widths are set (write-only mode sets them first)
MIN_WIDTH, MAX_WIDTH = 8, 60


def safe(value: Any) -> Any:
    """The value as a cell may hold it without being run as a formula: text starting with = + - @ tab or
    CR gets a leading apostrophe; numbers, dates and other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe(value) for value in row]


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts: no [ ] : * ? / \\, at most 31 characters, never empty."""
    return SHEET_FORBIDDEN.sub("", title).strip("'")[:31] or "Sheet1"


def number_format(value: Any, *, count: bool = False) -> str | None:
    """The format a typed value is shown with: a Decimal with its own places (money: 2 → #,##0.00), a
    date or a time, an int as a count (#,##0) only when its column is summed — a year or a number stays
    plain; text None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return "#,##0" + ("." + "0" * places if places else "")
    if isinstance(value, dt.datetime):
        return DATETIME
    if isinstance(value, dt.date):
        return DATE
    if isinstance(value, int | float) and count:
        return COUNT if isinstance(value, int) else MONEY
    return None


def _width(value: Any) -> int:
    """Characters a value takes in a cell; a Chinese character counts as two."""
    if value is None:
        return 0
    if isinstance(value, Decimal | float):
        text = f"{value:,.2f}"
    elif isinstance(value, dt.datetime):
        text = "2026-01-01 00:00"
    elif isinstance(value, dt.date):
        text = "2026-01-01"
    else:
        text = str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def workbook_bytes(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    notes: Sequence[str] = (),
    totals: Sequence[bool] = (),
    formats: Sequence[str | None] = (),
) -> bytes:
    """`write_workbook` into memory: the file's bytes."""
    buffer = io.BytesIO()
    write_workbook(buffer, title, headers, rows, notes=notes, totals=totals, formats=formats)
    return buffer.getvalue()


def write_workbook(
    out: BinaryIO,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    notes: Sequence[str] = (),
    totals: Sequence[bool] = (),
    formats: Sequence[str | None] = (),
) -> int:
    """One sheet with a bold, frozen header row and the rows; an optional second sheet 说明 with notes;
    written to `out` (a file or a buffer) as it goes. The number of rows written.

    totals[i]: column i is summed in a last 合计 row (money and counts; never an ID or a year).
    formats[i]: the number format of column i's numbers where its values' own is not meant (a rate
    stored as a fraction: PERCENT)."""
    summed = [index < len(totals) and bool(totals[index]) for index in range(len(headers))]
    fixed = [formats[index] if index < len(formats) else None for index in range(len(headers))]
    iterator = iter(rows)
    sample = list(itertools.islice(iterator, WIDTH_SAMPLE))
    widths = []
    for index, header in enumerate(headers):
        width = max([_width(header) + 2, *(_width(row[index]) + 2 for row in sample if index < len(row))])
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, width)))
    styles = _Styles()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSION) as book:
        with book.open("xl/worksheets/sheet1.xml", "w") as raw:
            sheet = _SheetWriter(raw, styles, len(headers), widths, frozen=True)
            sheet.header(headers)
            count = sheet.rows(itertools.chain(sample, iterator), summed, fixed)
            if any(summed):
                sheet.total_row(summed, fixed)
            sheet.close()
        names = [sheet_title(title)]
        if notes:
            with book.open("xl/worksheets/sheet2.xml", "w") as raw:
                sheet = _SheetWriter(raw, styles, 1, [100], frozen=False)
                sheet.rows(([line] for line in notes), [False], [None])
                sheet.close()
            names.append("说明")
        _package(book, names, styles)
    return count


# --- the streaming writer ---------------------------------------------------------------------------
# An .xlsx is a zip of XML parts. The sheet's XML is written row by row straight into the zip entry
# (deflated as it goes): no cell objects, strings inline (no shared-strings table held in memory), the
# styles (one per number format and weight) collected on the way and written last. openpyxl's
# write-only mode builds a cell object and an XML element per cell, which is most of its time.

COMPRESSION = 1  # zlib level: the XML still shrinks ~11×; the default 6 deflates ~4× slower for a ~15% smaller file
FLUSH_ROWS = 1000
EPOCH = dt.date(1899, 12, 30).toordinal()  # Excel's day 0 (its 1900 leap-year bug included)
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})  # a bare CR would be read as LF
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, COUNT: 3, MONEY: 4, "0%": 9, PERCENT: 10}
FIRST_CUSTOM_FORMAT = 164
PLAIN_FIRST = frozenset([*FORMULA_STARTS, " ", ""])  # a text starting so (or empty) takes `_cell`'s way
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _text_xml(value: str) -> str:
    """Text as an inline-string cell's body: XML-escaped, characters XML forbids dropped, Excel's own
    _xHHHH_ escape kept literal, leading or trailing spaces preserved."""
    if not value.isprintable():
        value = ILLEGAL_XML.sub("", value)
    if "_x" in value:
        value = value.replace("_x", "_x005F_x")
    value = value.translate(ESCAPES)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def _serial(value: dt.date) -> str:
    """A date or a local time as Excel's day number."""
    days = value.toordinal() - EPOCH
    if isinstance(value, dt.datetime):
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return repr(days + seconds / 86400) if seconds else str(days)
    return str(days)


class _Styles:
    """The cell formats (number format × bold) used, numbered in the order first met; xf 0 is plain and
    1 the header's (bold, filled, centred)."""

    HEADER = 1

    def __init__(self) -> None:
        self.xfs: dict[tuple[str | None, bool], int] = {(None, False): 0}
        self.custom: dict[str, int] = {}

    def index(self, fmt: str | None, bold: bool = False) -> int:
        key = (fmt, bold)
        found = self.xfs.get(key)
        if found is None:
            found = self.xfs[key] = len(self.xfs) + 1  # after the header's xf
            if fmt is not None and fmt not in BUILTIN_FORMATS and fmt not in self.custom:
                self.custom[fmt] = FIRST_CUSTOM_FORMAT + len(self.custom)
        return found

    def xml(self) -> str:
        formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode="{escape(code, {chr(34): "&quot;"})}"/>'
            for code, number in self.custom.items()
        )
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
               '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
               'applyAlignment="1"><alignment horizontal="center"/></xf>']  # fmt: skip
        for (fmt, bold), _index in sorted(self.xfs.items(), key=lambda item: item[1])[1:]:
            number = 0 if fmt is None else BUILTIN_FORMATS.get(fmt, self.custom.get(fmt, 0))
            xfs.append(
                f'<xf numFmtId="{number}" fontId="{1 if bold else 0}" fillId="0" borderId="0" xfId="0"'
                + (' applyNumberFormat="1"' if number else "")
                + (' applyFont="1"' if bold else "")
                + "/>"
            )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN_NS}">'
            + (f'<numFmts count="{len(self.custom)}">{formats}</numFmts>' if self.custom else "")
            + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
            '</fill><fill><patternFill patternType="solid"><fgColor rgb="00DDEBF7"/><bgColor indexed="64"/>'
            "</patternFill></fill></fills>"
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


class _SheetWriter:
    """One worksheet's XML, written to `raw` (a zip entry) a block of rows at a time."""

    def __init__(self, raw: IO[bytes], styles: _Styles, columns: int, widths: list[int], *, frozen: bool) -> None:
        self.raw, self.styles = raw, styles
        self.letters = [get_column_letter(index + 1) for index in range(max(columns, 1))]
        self.row = 0
        self.sums: list[Any] = [0] * columns
        cols = "".join(
            f'<col min="{index + 1}" max="{index + 1}" width="{width}" customWidth="1"/>'
            for index, width in enumerate(widths)
        )
        view = (
            '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
            if frozen
            else '<sheetView workbookViewId="0"/>'
        )
        self.write(
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}" '
            f'xmlns:r="{REL_NS}"><sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f"<cols>{cols}</cols><sheetData>"
        )

    def write(self, text: str) -> None:
        self.raw.write(text.encode())

    def header(self, headers: Sequence[str]) -> None:
        self.row += 1
        cells = "".join(
            f'<c r="{self.letters[index]}1" s="{_Styles.HEADER}" t="inlineStr">{_text_xml(safe(str(header)))}</c>'
            for index, header in enumerate(headers)
        )
        self.write(f'<row r="1">{cells}</row>')

    def rows(self, rows: Iterable[Sequence[Any]], summed: list[bool], fixed: list[str | None]) -> int:
        """Write the rows (typed as `_cell` says), adding the summed columns' numbers; how many. Plain
        text — most cells — takes a short way: printable, no formula start, nothing to preserve."""
        letters, sums, block, cell = self.letters, self.sums, [], self._cell
        summing = [index for index, total in enumerate(summed) if total]
        counts = [*summed, *[False] * (len(letters) - len(summed))]
        formats = [*fixed, *[None] * (len(letters) - len(fixed))]
        decimal_styles: dict[tuple[int, Any], str] = {}
        start = number = self.row
        for values in rows:
            number += 1
            if len(values) > len(letters):
                letters.extend(get_column_letter(index + 1) for index in range(len(letters), len(values)))
                counts.extend([False] * (len(letters) - len(counts)))
                formats.extend([None] * (len(letters) - len(formats)))
            for index in summing:
                value = values[index] if index < len(values) else None
                if type(value) is not bool and isinstance(value, int | float | Decimal):
                    sums[index] += Decimal(str(value)) if isinstance(value, float) else value
            parts = [f'<row r="{number}">']
            for index, value in enumerate(values):
                if value is None:
                    continue
                if (
                    type(value) is str
                    and value.isprintable()
                    and value[:1] not in PLAIN_FIRST
                    and value[-1] != " "
                    and "_x" not in value
                ):
                    if "&" in value or "<" in value or ">" in value:
                        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    parts.append(f'<c r="{letters[index]}{number}" t="inlineStr"><is><t>{value}</t></is></c>')
                elif type(value) is int and formats[index] is None and not counts[index]:
                    parts.append(f'<c r="{letters[index]}{number}"><v>{value}</v></c>')  # a plain number
                elif type(value) is Decimal and value.is_finite():
                    key = (index, value.as_tuple().exponent)  # a Decimal's format follows its places
                    style = decimal_styles.get(key)
                    if style is None:
                        style = decimal_styles[key] = self._style(formats[index] or number_format(value), False)
                    parts.append(f'<c r="{letters[index]}{number}"{style}><v>{value}</v></c>')
                else:
                    parts.append(cell(f"{letters[index]}{number}", value, formats[index], counts[index]))
            parts.append("</row>")
            block.append("".join(parts))
            if len(block) >= FLUSH_ROWS:
                self.write("".join(block))
                block.clear()
        if block:
            self.write("".join(block))
        self.row = number
        return number - start

    def _cell(self, ref: str, value: Any, fixed: str | None, count: bool, bold: bool = False) -> str:
        """One cell's XML: text inline (made formula-safe), numbers and dates as numbers with their
        format's style, a bool as a bool."""
        kind = type(value)
        if kind is str:
            if not value:
                return ""  # an empty text is a blank cell, as openpyxl wrote it
            return f'<c r="{ref}"{self._style(None, bold)} t="inlineStr">{_text_xml(safe(value))}</c>'
        if kind is bool:
            return f'<c r="{ref}"{self._style(None, bold)} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float | Decimal):
            fmt = fixed or number_format(value, count=count)
            return f'<c r="{ref}"{self._style(fmt, bold)}><v>{_number(value)}</v></c>'
        if isinstance(value, dt.date):
            return f'<c r="{ref}"{self._style(number_format(value), bold)}><v>{_serial(value)}</v></c>'
        return self._cell(ref, str(value), fixed, count, bold)

    def _style(self, fmt: str | None, bold: bool) -> str:
        if fmt is None and not bold:
            return ""
        return f' s="{self.styles.index(fmt, bold)}"'

    def total_row(self, summed: list[bool], fixed: list[str | None]) -> None:
        self.row += 1
        cells = []
        for index, total in enumerate(self.sums):
            ref = f"{self.letters[index]}{self.row}"
            if summed[index]:
                fmt = fixed[index] or number_format(total, count=True) or COUNT
                if isinstance(total, Decimal) and fmt.startswith("#,##0") and "." not in fmt:
                    fmt = MONEY  # a sum of Decimals of no places (a Decimal("0") start) is still money
                cells.append(self._cell(ref, total, fmt, True, bold=True))
            elif index == 0:
                cells.append(self._cell(ref, TOTAL_LABEL, None, False, bold=True))
        self.write(f'<row r="{self.row}">{"".join(cells)}</row>')

    def close(self) -> None:
        self.write("</sheetData></worksheet>")


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else "0"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "0"
    return str(value)


def _package(book: zipfile.ZipFile, names: list[str], styles: _Styles) -> None:
    """The parts around the sheets: content types, relationships, the workbook and the styles."""
    sheets = range(1, len(names) + 1)
    book.writestr(
        "[Content_Types].xml",
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in sheets
        )
        + "</Types>",
    )
    book.writestr(
        "_rels/.rels",
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    )
    book.writestr(
        "xl/workbook.xml",
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets>'
        + "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
            for n, name in zip(sheets, names, strict=True)
        )
        + "</sheets></workbook>",
    )
    book.writestr(
        "xl/_rels/workbook.xml.rels",
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_REL_NS}">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>' for n in sheets
        )
        + f'<Relationship Id="rId{len(names) + 1}" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>',
    )
    book.writestr("xl/styles.xml", styles.xml())


def rows_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """One plain sheet holding the rows as given (no header styling): a file as a user would fill it in."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
