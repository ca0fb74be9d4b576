"""The history import and the revisit plan, as `anju termite import-history` and `revisit-plan` print them
(the contract of issue 13): all rows or none, rows named as in the spreadsheet, known pairs skipped, the
nominal warranty end; the year's plan by the default rule, holidays included."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from anju.lib.xlsx import rows_bytes
from anju.termite.history_import import HEADERS
from anju.termite.models import Contract, WarrantyBuilding

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, dict[str, object]]:
    out = io.StringIO()
    code = 0
    try:
        call_command("termite", *args, stdout=out)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue().strip().splitlines()[-1])


def history(tmp_path: Path, *rows: list[object], name: str = "history.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(rows_bytes([list(HEADERS), *rows]))
    return str(path)


def test_import_gives_each_buildings_nominal_end_and_skips_what_is_known(tmp_path: Path) -> None:
    file = history(
        tmp_path,
        ["HT-2009-01", "宏达公司", "鹤城花园", "1", 8650.5, "2009-10-01", 15],
        ["HT-2009-01", "宏达公司", "鹤城花园", "2", "1200", "2024-02-29", 15],
        ["HT-2012-07", "舞水公司", "舞水湾", 3, "500.25", "2012-01-31", ""],
    )
    code, data = run("import-history", file)
    assert code == 0 and data["imported"] == 3 and data["skipped"] == 0
    assert data["buildings"] == [
        {"row": 2, "contract": "HT-2009-01", "building": "1", "warranty_end": "2024-10-01"},
        {"row": 3, "contract": "HT-2009-01", "building": "2", "warranty_end": "2039-02-28"},
        {"row": 4, "contract": "HT-2012-07", "building": "3", "warranty_end": "2027-01-31"},
    ]
    assert Contract.objects.get(number="HT-2012-07").warranty_years == 15  # empty: 15 years
    code, again = run("import-history", file)
    assert code == 0 and again == {"imported": 0, "skipped": 3, "buildings": []}
    assert WarrantyBuilding.objects.count() == 3


def test_a_bad_row_refuses_the_whole_file_naming_rows_and_columns(tmp_path: Path) -> None:
    file = history(
        tmp_path,
        ["HT-1", "宏达公司", "鹤城花园", "1", "100", "2010-05-01", 15],
        ["HT-1", "宏达公司", "鹤城花园", "1", "100", "2010-05-01", 15],
        ["HT-2", "舞水公司", "舞水湾", "2", "-5", "2010-13-01", 0],
        ["HT-1", "别的公司", "鹤城花园", "3", "100", "2010-05-01", 15],
    )
    code, data = run("import-history", file)
    assert code == 1
    found = {(e["row"], e["column"]) for e in data["errors"]}  # type: ignore[union-attr, index]
    assert {(3, "幢号"), (4, "建筑面积"), (4, "验收日期"), (4, "包治年限"), (5, "建设单位")} <= found
    assert not WarrantyBuilding.objects.exists() and not Contract.objects.exists()


def test_the_plan_takes_buildings_accepted_before_the_year_whose_warranty_reaches_it(tmp_path: Path) -> None:
    run(
        "import-history",
        history(
            tmp_path,
            ["A", "甲", "甲项目", "1", "1000.00", "2008-03-01", 15],  # ends 2023-03-01: due in 2023
            ["A", "甲", "甲项目", "2", "2000.50", "2007-06-30", 15],  # ended 2022-06-30: not due
            ["B", "乙", "乙项目", "1", "300.25", "2007-12-31", 15],  # 2022-12-31 is a holiday: runs to 2023-01-03
            ["B", "乙", "乙项目", "2", "400.00", "2023-01-01", 15],  # accepted in 2023: from 2024 on
            ["C", "丙", "丙项目", "1", "50.00", "2020-05-05", 3],  # ends 2023-05-05: due in 2023, not 2024
        ),
    )
    assert run("revisit-plan", "2023")[1] == {"year": 2023, "buildings": 3, "area": "1350.25"}
    assert run("revisit-plan", "2024")[1] == {"year": 2024, "buildings": 1, "area": "400.00"}
    assert run("revisit-plan", "2008")[1] == {"year": 2008, "buildings": 2, "area": "2300.75"}
