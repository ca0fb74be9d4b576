"""Imports at file speed (issue 17): the roll (房屋清册) import as a background job and the bank receipt import,
each against a python-calamine read of the same file, measured in the same run.

    DEBUG=1 .venv/bin/python bench/imports.py --db sqlite [--units 250000] [--receipts 50000] [--profile]
    BENCH_PGDB=anju_bench_imports DEBUG=1 .venv/bin/python bench/imports.py --db postgres

Builds a scratch database (SQLite file under var/bench/, or the PostgreSQL database BENCH_PGDB, created and
dropped), then:
- imports a roll of --units rows (.xlsx, one owner per unit) into the empty registry as a background job
  (`jobs.submit` as the import page does, the worker's handler run in this process): seconds from the
  submission to the job's end, rows/s, and that time against reading the file with calamine alone;
- opens every unit's ledger and a bank special account, then imports a bank file of --receipts receipts
  (.xlsx, one in ten with an unknown unit code, so to suspense): rows/s and against a calamine read;
- checks the ledger (`anju fund check`: balances and the HMAC chain) after the bank import.
Nothing here asserts a time."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from _common import scratch_database  # noqa: E402  (bench/ is on the path: run as a script)


def configure(db: str) -> str:
    url, target = scratch_database(db, "imports")
    os.environ["DATABASE_URL"] = url
    return target


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx(rows: Iterable[Sequence[Any]]) -> bytes:
    """A one-sheet workbook: numbers as numbers, text as inline strings (what a bank's export holds)."""
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n']
    parts.append('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            ref = f"{column_letter(c)}{r}"
            if isinstance(value, int | float):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    main = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{main}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            f'2006/main" xmlns:r="{main}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{main}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": "".join(parts),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode())
    return buffer.getvalue()


def roll_rows(units: int) -> list[list[Any]]:
    """A roll of `units` homes in 25 projects, each with its owner (a valid resident ID), as bench/jobs.py."""
    from stdnum.cn import ric

    rows: list[list[Any]] = [["项目编码", "项目名称", "幢号", "单元", "房号", "楼层", "建筑面积", "房屋用途"]]
    rows[0] += ["业主姓名", "证件号码", "联系电话"]
    start = dt.date(1950, 1, 1)
    for u in range(units):
        project, rest = divmod(u, units // 25 + 1)
        building, rest = divmod(rest, 200)
        floor, room = divmod(rest, 4)
        body = f"431202{start + dt.timedelta(days=u // 900):%Y%m%d}{u % 900 + 100:03d}"
        number = body + ric.calc_check_digit(body + "0")
        area = float(f"{80 + u % 60}.{u % 100:02d}")
        rows.append(
            [
                *(f"B{project + 1:03d}", f"项目{project + 1}", str(building + 1), "1", f"{floor + 1}{room + 1:02d}"),
                *(floor + 1, area, "住宅", f"业主{u}", number, f"138{u:08d}"),
            ]
        )
    return rows


def calamine_read(content: bytes) -> float:
    """Seconds to read the first sheet's cells with python-calamine alone (best of three)."""
    from python_calamine import CalamineWorkbook

    times = []
    for _ in range(3):
        started = time.perf_counter()
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        workbook.get_sheet_by_index(0).to_python()
        workbook.close()
        times.append(time.perf_counter() - started)
    return min(times)


def bank_floor(statement: list[list[Any]], read: float) -> dict[str, float]:
    """What the bank import cannot go below, measured on the rows just imported, in this run: the HMAC
    chain's signing alone (`chain.BatchSigner`, one message per receipt), then one raw insert per table of
    the same number of entries, lines and receipts (explicit ids, values ready; executemany on SQLite,
    COPY on PostgreSQL), foreign keys checked, rolled back. Seconds per part and in all, with the read."""
    from django.db import connection, transaction
    from django.utils import timezone

    from anju.core import bulk
    from anju.fund import chain
    from anju.fund.models import Account, BankReceipt, JournalEntry, JournalLine

    ids = dict(Account.objects.filter(kind=Account.Kind.UNIT).values_list("unit__code", "pk"))
    bank_id = Account.objects.get(kind=Account.Kind.BANK).pk
    suspense = Account.objects.get(kind=Account.Kind.SUSPENSE).pk
    first_seq = (JournalEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1_000_000
    first_id = bulk.next_id(JournalEntry) + 1_000_000
    now = timezone.now()
    stamp, posted = bulk.db_datetime(now), chain.utc_text(now)
    plain = [
        (f"FLOOR{txn}", str(day), round(amount * 100), ids.get(code, suspense), code, payer, memo)
        for txn, day, amount, code, payer, memo in statement
    ]
    days = [dt.date.fromisoformat(day).toordinal() for _, day, *_ in plain]
    key = chain.signing_key("")
    signer = chain.BatchSigner(key, posted, None, "压测")
    started = time.perf_counter()
    prev, macs = "", []
    for seq, (txn, day, fen, account, _, payer, memo), ordinal in zip(
        range(first_seq, first_seq + len(plain)), plain, days, strict=True
    ):
        lines_hex = chain.lines_sha256_pair(bank_id, fen, account, -fen, ordinal)
        prev = signer.mac(seq, "deposit", day, f"银行到账 {payer} {memo}", "floor", txn, None, lines_hex, prev)
        macs.append((lines_hex, prev))
    sign = time.perf_counter() - started
    entries = [
        (
            *(first_id + i, first_seq + i, "deposit", day, stamp, "压测", f"银行到账 {payer} {memo}", "floor"),
            *(txn, key.id, "", lines_hex, mac),
        )
        for i, ((txn, day, _, _, _, payer, memo), (lines_hex, mac)) in enumerate(zip(plain, macs, strict=True))
    ]
    lines = [
        line
        for i, (_, day, fen, account, *_) in enumerate(plain)
        for line in ((first_id + i, bank_id, fen, days[i]), (first_id + i, account, -fen, days[i]))
    ]
    receipts = [
        (txn, day, fen, code, payer, memo, bank_id, "posted", account, first_id + i)
        for i, (txn, day, fen, account, code, payer, memo) in enumerate(plain)
    ]
    parts: dict[str, float] = {}
    with transaction.atomic():
        started = time.perf_counter()
        bulk.insert_rows(
            JournalEntry,
            [
                *("id", "seq", "kind", "value_date", "posted_at", "posted_by_name", "memo", "document"),
                *("bank_txn_id", "key_id", "prev_mac", "lines_sha256", "mac"),
            ],
            entries,
        )
        parts["entries"] = time.perf_counter() - started
        started = time.perf_counter()
        bulk.insert_rows(JournalLine, ["entry_id", "account_id", "amount", "day"], lines)
        parts["lines"] = time.perf_counter() - started
        started = time.perf_counter()
        columns = ["txn_id", "txn_date", "amount", "unit_code", "payer", "memo", "bank_account_id", "status"]
        bulk.insert_rows(BankReceipt, [*columns, "unit_account_id", "entry_id"], receipts)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign-key checks a commit would run
        parts["receipts"] = time.perf_counter() - started
        transaction.set_rollback(True)
    insert = parts["entries"] + parts["lines"] + parts["receipts"]
    return {**parts, "sign": sign, "insert": insert, "total": read + sign + insert}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--units", type=int, default=250_000)
    parser.add_argument("--receipts", type=int, default=50_000)
    parser.add_argument("--profile", action="store_true", help="print where each import spends its time")
    parser.add_argument("--only", choices=["all", "bank"], default="all", help="bank: the roll imported untimed")
    args = parser.parse_args()
    target = configure(args.db)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    os.environ["ANJU_DATA_DIR"] = str(ROOT / "var" / "bench" / "imports-data")
    os.environ["UPLOAD_MAX_MB"] = "200"
    os.environ["IMPORT_MAX_ROWS"] = str(max(args.units, args.receipts, 300_000))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from anju.core import imports_views, jobs
    from anju.core.models import Job, Role, User
    from anju.fund import accounts, checks
    from anju.fund.bank import actions as bank
    from anju.registry import importer
    from anju.registry.models import Unit

    settings.IMPORT_MAX_ROWS = int(os.environ["IMPORT_MAX_ROWS"])
    reverse("registry:units")  # the URL patterns, loaded once by a worker that has run any job before
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench", password="bench-Passw0rd-1", full_name="压测")
    user.roles.set(Role.objects.filter(code__in=["admin", "housing", "finance"]))
    figures: list[tuple[str, str, str]] = []

    def profiled(fn, *a, **kw):  # type: ignore[no-untyped-def]
        if not args.profile:
            started = time.perf_counter()
            result = fn(*a, **kw)
            return time.perf_counter() - started, result
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        started = time.perf_counter()
        result = profiler.runcall(fn, *a, **kw)
        elapsed = time.perf_counter() - started
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return elapsed, result

    # --- the roll, as a background job -----------------------------------------------------------
    roll = xlsx(roll_rows(args.units))
    roll_read = calamine_read(roll)
    if args.only == "bank":
        importer.import_units(user, "roll.xlsx", roll)
    else:

        def background() -> Job:
            job = jobs.submit(
                user,
                imports_views.IMPORT_JOB,
                "房屋清册导入：roll.xlsx",
                files={"roll.xlsx": roll},
                key=importer.UNITS_IMPORT.key,
                url_kwargs={},
                post={},
                filename="roll.xlsx",
                ip=None,
            )
            jobs.run_job.call(job.pk)  # what `anju worker` does with the queued task
            job.refresh_from_db()
            return job

        roll_time, job = profiled(background)
        assert job.status == Job.Status.DONE, (job.status, job.error, job.result)
        assert Unit.objects.count() == args.units
        figures.append(
            (
                f"roll import, {args.units:,} rows (background job)",
                f"{roll_time:.1f} s, {args.units / roll_time:,.0f} rows/s",
                f"{roll_time / roll_read:.1f}× a calamine read of the file ({roll_read:.2f} s)",
            )
        )

    # --- the bank receipts ------------------------------------------------------------------------
    accounts.ensure_unit_accounts()
    accounts.open_bank_account(None, bank_name="中国建设银行", number="43050170000000000001")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    codes = list(Unit.objects.order_by("pk").values_list("code", flat=True)[: args.receipts])
    codes = [codes[i % len(codes)] for i in range(args.receipts)]
    rows: list[list[Any]] = [list(bank.HEADERS)]
    for i, code in enumerate(codes):
        day = dt.date(2024, 1, 1) + dt.timedelta(days=i % 300)
        amount = float(f"{1000 + i % 5000}.{i % 100:02d}")
        payer = f"业主{i % 9973}"
        rows.append([f"BENCH{i:09d}", f"{day:%Y-%m-%d}", amount, code if i % 10 else "UNKNOWN", payer, "维修资金交存"])
    statement = xlsx(rows)
    bank_read = calamine_read(statement)
    bank_time, summary = profiled(bank.import_receipts, user, "receipts.xlsx", statement)
    assert summary.posted + summary.suspense == len(codes), summary
    report = checks.check_ledger()
    assert report.ok, report.as_dict()
    figures.append(
        (
            f"bank receipt import, {len(codes):,} rows",
            f"{bank_time:.1f} s, {len(codes) / bank_time:,.0f} rows/s",
            f"{bank_time / bank_read:.1f}× a calamine read of the file ({bank_read:.2f} s)",
        )
    )

    floor = bank_floor(rows[1:], bank_read)
    figures.append(
        (
            f"floor: a calamine read, the HMAC signing and raw inserts of the same {len(codes):,} rows",
            f"{floor['total']:.2f} s (read {bank_read:.2f} + signing {floor['sign']:.2f} + inserts "
            f"{floor['insert']:.2f}: entries {floor['entries']:.2f}, lines {floor['lines']:.2f}, "
            f"receipts {floor['receipts']:.2f})",
            f"{floor['total'] / bank_read:.1f}× the read; the import is {bank_time / floor['total']:.1f}× this floor",
        )
    )

    print(f"\n| {args.db} | import | time, rows/s | against a calamine read of the same file |\n|---|---|---|---|")
    for name, figure, ratio in figures:
        print(f"| {args.db} | {name} | {figure} | {ratio} |")
    print(f"anju fund check after the import: ok ({report.entries:,} entries, chain verified)")
    if args.db == "postgres" and not os.environ.get("BENCH_KEEP"):
        connection.close()
        subprocess.run(
            ["dropdb", "-h", os.environ.get("BENCH_PGHOST", "127.0.0.1"), "-U", "postgres", "--if-exists", target],
            check=False,
        )


if __name__ == "__main__":
    main()
