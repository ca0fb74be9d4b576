from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from anju.core.models import AuditEvent
from anju.fund import checks, kpis
from anju.fund.arrears import actions, rules
from anju.fund.arrears.models import ArrearsItem, RecoveryCase
from anju.fund.arrears.tests import factories
from anju.fund.models import Account, JournalEntry
from anju.fund.tests import factories as fund
from anju.lib.tabular import ImportRejected

pytestmark = pytest.mark.django_db
D = Decimal


def test_opening_a_case_caches_owed_and_households() -> None:
    case = factories.case(("6000.00", "4000.00"))
    assert case.owed == D("10000.00") and case.households == 2 and case.stage == rules.OPEN
    assert case.number == "ZJ2023-0001"
    assert AuditEvent.objects.filter(model="arrears.RecoveryCase", object_id=str(case.pk)).count() == 2
    with pytest.raises(actions.ArrearsError, match="已存在"):
        actions.open_case(None, developer=case.developer, project=case.project, opened_on=dt.date(2023, 3, 1))


def test_a_unit_can_be_in_one_case_only() -> None:
    case = factories.case(("6000.00",))
    unit = case.items.get().unit
    with pytest.raises(actions.ArrearsError, match="已在追缴案件中"):
        actions.add_items(None, case, [(unit, D("1.00"))])


def test_actions_move_the_stage() -> None:
    case = factories.case()
    actions.add_action(None, case, kind=rules.NOTICE, date=dt.date(2023, 3, 1))
    assert RecoveryCase.objects.get(pk=case.pk).stage == rules.NOTIFIED
    actions.add_action(None, case, kind=rules.JOINT_INTERVIEW, date=dt.date(2023, 9, 21), participants="公安、税务")
    assert RecoveryCase.objects.get(pk=case.pk).stage == rules.INTERVIEWED
    with pytest.raises(actions.ArrearsError, match="参加单位"):
        actions.add_action(None, case, kind=rules.JOINT_INTERVIEW, date=dt.date(2023, 9, 21))
    with pytest.raises(actions.ArrearsError, match="涉及欠缴金额"):
        actions.add_action(None, case, kind=rules.FAILED_AUCTION, date=dt.date(2023, 10, 1))
    with pytest.raises(actions.ArrearsError):
        actions.add_action(None, case, kind="bogus", date=dt.date(2023, 10, 1))


def test_a_part_recovery_posts_one_entry_split_by_what_is_owed() -> None:
    case = factories.case(("6000.00", "4000.00"))
    bank = fund.bank()
    recovery = actions.record_recovery(
        None, case, amount=D("5000.00"), received_on=dt.date(2023, 10, 20), bank=bank, bank_txn_id="ZJ-1"
    )
    entry = recovery.entry
    assert entry.kind == JournalEntry.Kind.RECOVERY and entry.bank_txn_id == "ZJ-1"
    lines = {line.account_id: line.amount for line in entry.lines.all()}
    items = {i.unit.room: i for i in ArrearsItem.objects.select_related("unit")}
    assert lines == {
        bank.pk: D("5000.00"),
        items["101"].account_id: D("-3000.00"),
        items["201"].account_id: D("-2000.00"),
    }
    assert items["101"].status == rules.PARTIAL and items["101"].recovered == D("3000.00")
    case.refresh_from_db()
    assert case.recovered == D("5000.00") and case.outstanding == D("5000.00")
    # Not cleared: no first deposit yet.
    assert Account.objects.get(pk=items["101"].account_id).first_deposit == D("0.00")
    assert kpis.collected(2023) == D("5000.00")
    assert checks.check_ledger().ok
    with pytest.raises(actions.ArrearsError, match="已入账"):
        actions.record_recovery(
            None, case, amount=D("1.00"), received_on=dt.date(2023, 10, 21), bank=bank, bank_txn_id="ZJ-1"
        )


def test_clearing_a_case_makes_the_ledgers_ordinary_accounts() -> None:
    case = factories.case(("6000.00", "4000.00"))
    bank = fund.bank()
    actions.record_recovery(None, case, amount=D("1000.00"), received_on=dt.date(2023, 6, 1), bank=bank)
    actions.record_recovery(None, case, amount=D("9000.00"), received_on=dt.date(2023, 7, 1), bank=bank)
    case.refresh_from_db()
    assert case.stage == rules.RECOVERED and case.outstanding == 0
    for item in ArrearsItem.objects.select_related("account"):
        assert item.status == rules.ITEM_RECOVERED
        assert item.account.first_deposit == item.amount == item.account.balance
    with pytest.raises(actions.ArrearsError, match="超过尚欠金额"):
        actions.record_recovery(None, case, amount=D("0.01"), received_on=dt.date(2023, 8, 1), bank=bank)


def test_a_recovery_must_go_to_a_bank_account() -> None:
    case = factories.case()
    with pytest.raises(actions.ArrearsError, match="专户"):
        actions.record_recovery(
            None, case, amount=D("1.00"), received_on=dt.date(2023, 6, 1), bank=case.items.first().account
        )


def test_evidence_cannot_cover_more_than_the_case() -> None:
    case = factories.case(("6000.00", "4000.00"))
    actions.add_evidence(
        None, case, collected_on=dt.date(2023, 8, 10), description="收据", households=2, amount=D("10000.00")
    )
    with pytest.raises(actions.ArrearsError, match="户数"):
        actions.add_evidence(
            None, case, collected_on=dt.date(2023, 8, 10), description="收据", households=3, amount=D("1.00")
        )
    with pytest.raises(actions.ArrearsError, match="金额"):
        actions.add_evidence(
            None, case, collected_on=dt.date(2023, 8, 10), description="收据", households=1, amount=D("10000.01")
        )


def test_set_target_creates_then_changes() -> None:
    actions.set_target(None, year=2023, amount=D("95589600.00"))
    target = actions.set_target(None, year=2023, amount=D("95589601.00"), issued_by="市追缴办")
    assert target.amount == D("95589601.00") and target.issued_by == "市追缴办"
    with pytest.raises(actions.ArrearsError):
        actions.set_target(None, year=2024, amount=D("0.00"))


def items_file(rows: list[list[object]], headers: tuple[str, ...] = actions.ITEM_HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(headers))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_import_items_adds_all_rows() -> None:
    case = factories.case(("6000.00",))
    fund.unit_account(room="301", project_code="P0001", project_name="金御名都")
    fund.unit_account(room="401", project_code="P0001", project_name="金御名都")
    created = actions.import_items(
        None, case, "items.xlsx", items_file([["P0001-1-1-301", 5000], ["P0001-1-1-401", "4321.5"]])
    )
    assert len(created) == 2
    case.refresh_from_db()
    assert case.owed == D("15321.50") and case.households == 3


def test_import_items_rejects_the_whole_file_naming_each_bad_row() -> None:
    case = factories.case(("6000.00",))
    fund.unit_account(room="301", project_code="P0001", project_name="金御名都")
    fund.unit_account(room="101", project_code="P0002", project_name="别的小区")
    content = items_file(
        [
            ["P0001-1-1-301", 5000],  # fine
            ["P0001-1-1-101", 100],  # already in the case
            ["NOPE-1-1-1", 100],  # no such unit
            ["P0002-1-1-101", 100],  # another project
            ["P0001-1-1-301", 100],  # twice in the file
            ["P0001-1-1-301", "abc"],  # not a number (and twice)
            ["", -5],
        ]
    )
    with pytest.raises(ImportRejected) as caught:
        actions.import_items(None, case, "items.xlsx", content)
    errors = {(e.row, e.column): e.message for e in caught.value.errors}
    assert "已在追缴案件中" in errors[(3, "房屋编码")]
    assert "不存在" in errors[(4, "房屋编码")]
    assert "不属于" in errors[(5, "房屋编码")]
    assert "重复" in errors[(6, "房屋编码")]
    assert errors[(7, "欠缴金额")] == "应为数字"
    assert errors[(8, "房屋编码")] == "不能为空" and errors[(8, "欠缴金额")] == "应大于0"
    assert (2, "房屋编码") not in errors
    assert ArrearsItem.objects.count() == 1
    with pytest.raises(ImportRejected):
        actions.import_items(None, case, "items.xlsx", items_file([], headers=("房屋编码",)))
