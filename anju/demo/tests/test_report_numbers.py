"""The number check of issue 16: in the demo city's report.docx every number is a figure computed from records
(a KPI, a fact of the budget records, a table cell laid out from records), a date, a document number or an
enumeration; a number typed into the text is flagged by the build and found in the file."""

from __future__ import annotations

import io
import re

import docx
import pytest
from django.core.management import call_command

from anju.core import kpis as registry
from anju.performance import actions, narrative, report, writers

pytestmark = pytest.mark.django_db

TABLE_ROW_LABEL = re.compile(r"^\d+[、.]")  # 附件1-1's "3、公务接待"


def _docx(built: report.Report) -> docx.document.Document:
    return docx.Document(io.BytesIO(writers.docx_bytes(built)))


def _unexplained(built: report.Report) -> tuple[list[tuple[str, list[str]]], int, int]:
    """The docx's paragraphs and cells with numbers no record gives, and the count of figures and of numbers."""
    traced = {"".join(seg.text for seg in p): p for p in built.trace}
    document = _docx(built)
    found: list[tuple[str, list[str]]] = []
    figures = numbers = 0
    for paragraph in document.paragraphs:
        text = paragraph.text
        if text in traced:
            segments = traced[text]
            typed = narrative.typed_numbers(segments)
            figures += sum(1 for seg in segments if seg.codes and re.search(r"\d", seg.text))
        else:
            typed = narrative.plain_numbers(text)
        numbers += len(typed)
        if typed:
            found.append((text[:60], typed))
    built_cells = {cell.text for table in built.tables for cell in table.cells}
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                if re.search(r"\d", cell.text) and cell.text not in built_cells:
                    found.append((cell.text[:60], ["(cell not laid out from records)"]))
    return found, figures, numbers


def test_every_number_in_the_demo_report_is_computed() -> None:
    call_command("demo", scale=0.002, stdout=io.StringIO())
    built = report.build(2023)
    found, figures, typed = _unexplained(built)
    assert found == [] and typed == 0
    assert figures > 100  # the text is full of figures, each from a record
    assert not [c for c in built.checks if c["rule"] == "narrative.typed_number"]
    # The counts of DOMAIN.md §9 reach the text from the work records.
    text = "\n".join(p for ch in built.chapters for _t, ps in ch.parts for p in ps)
    assert "全年召开党风廉政建设相关会议18次" in text and "开展廉政家访16人次" in text
    assert "在民意调查中排名146名（共170个单位）" in text and "被评为良好单位" in text
    auctions = registry.value("fund.arrears.failed_auctions", 2023)
    assert isinstance(auctions, list) and "、".join(str(a) for a in auctions) + "均流拍" in text

    # A number typed into a section's text is flagged by the build and found in the file.
    section = narrative.ALL_TEXTS["s7"]
    actions.save_narrative(None, year=2023, section="s7", text=section.default + "\n全年召开专题会议7次。")
    built = report.build(2023)
    flagged = [c for c in built.checks if c["rule"] == "narrative.typed_number"]
    assert len(flagged) == 1 and "7" in flagged[0]["message"]
    found, _figures, typed = _unexplained(built)
    assert found == [("全年召开专题会议7次。", ["7"])] and typed == 1


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("于2024年1月10日下发了（怀住保字﹝2024﹞1号）文件，要求在3月15日前完成", []),
        ("1.收入预算。9月份开展，截止2024年1月底", []),
        ("召开了10次专题调度会", ["10"]),
        ("共涉及欠缴金额549.55万元", ["549.55"]),
        ("（2）约谈24家", ["24"]),
    ],
)
def test_typed_numbers_spares_dates_document_numbers_and_enumerations(text: str, typed: list[str]) -> None:
    assert narrative.typed_numbers([narrative.Segment(text)]) == typed
    assert narrative.typed_numbers([narrative.Segment(text), narrative.Segment("12", ("party.meetings",))]) == typed
