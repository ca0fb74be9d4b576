from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook

from anju.core.models import AuditEvent
from anju.fund import checks, kpis, ledger
from anju.fund.arrears import actions, items_import, rules
from anju.fund.arrears.models import ArrearsItem, Evidence, Recovery, RecoveryCase
from anju.fund.arrears.tests import factories
from anju.fund.models import Account, JournalEntry
from anju.fund.tests import factories as fund
from anju.lib.tabular import ImportRejected
from anju.registry.models import Project, Unit

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
    actions.record_recovery(
        None, case, amount=D("1000.00"), received_on=dt.date(2023, 6, 1), bank=bank, bank_txn_id="T1"
    )
    recovery = actions.record_recovery(
        None, case, amount=D("9000.00"), received_on=dt.date(2023, 7, 1), bank=bank, bank_txn_id="T2"
    )
    case.refresh_from_db()
    assert case.stage == rules.RECOVERED and case.outstanding == 0
    for item in ArrearsItem.objects.select_related("account"):
        assert item.status == rules.ITEM_RECOVERED
        assert item.account.first_deposit == item.amount == item.account.balance
    with pytest.raises(actions.ArrearsError, match="超过尚欠金额"):
        actions.record_recovery(
            None, case, amount=D("0.01"), received_on=dt.date(2023, 8, 1), bank=bank, bank_txn_id="T3"
        )
    # The audit event of the clearing payment names the ledgers that became ordinary accounts.
    event = AuditEvent.objects.get(model="arrears.Recovery", object_id=str(recovery.pk))
    assert event.after["first_deposit"] == [
        ["P0001-1-1-101", "0.00", "6000.00"],
        ["P0001-1-1-201", "0.00", "4000.00"],
    ]


def test_a_recovery_must_go_to_a_bank_account() -> None:
    case = factories.case()
    with pytest.raises(actions.ArrearsError, match="专户"):
        actions.record_recovery(
            None,
            case,
            amount=D("1.00"),
            received_on=dt.date(2023, 6, 1),
            bank=case.items.first().account,
            bank_txn_id="T1",
        )


def test_evidence_covers_units_of_the_case() -> None:
    case = factories.case(("6000.00", "4000.00"))
    every = actions.add_evidence(None, case, collected_on=dt.date(2023, 8, 10), description="收据")
    assert every.households == 2 and every.amount == D("10000.00") and every.items.count() == 2
    one = actions.add_evidence(
        None, case, collected_on=dt.date(2023, 9, 12), description="契税", units=[" P0001-1-1-201 ", ""]
    )
    assert one.households == 1 and one.amount == D("4000.00")
    assert [i.unit.code for i in one.items.all()] == ["P0001-1-1-201"]
    other = factories.case(("1.00",), project_code="P0002", project_name="别的小区", seed=2)
    with pytest.raises(actions.ArrearsError, match="不在本案件中"):
        actions.add_evidence(None, case, collected_on=dt.date(2023, 9, 12), description="x", units=["P0002-1-1-101"])
    with pytest.raises(actions.ArrearsError, match="房屋编码"):
        actions.add_evidence(None, other, collected_on=dt.date(2023, 9, 12), description="x", units=[" "])
    assert Evidence.objects.count() == 2


def test_a_recovery_needs_the_bank_transaction_id() -> None:
    case = factories.case()
    with pytest.raises(actions.ArrearsError, match="银行交易流水号"):
        actions.record_recovery(
            None, case, amount=D("1.00"), received_on=dt.date(2023, 6, 1), bank=fund.bank(), bank_txn_id=" "
        )
    assert not Recovery.objects.exists()


def test_a_racing_double_submit_is_refused_not_a_500(monkeypatch: pytest.MonkeyPatch) -> None:
    """The other request posts the same bank transaction between our check and our post: the database's
    unique key refuses ours, and the user gets the Chinese message."""
    case = factories.case()
    bank = fund.bank()
    real_post = ledger.post

    def racing_post(**kwargs: object) -> JournalEntry:
        real_post(**kwargs)  # type: ignore[arg-type]
        return real_post(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ledger, "post", racing_post)
    with pytest.raises(actions.ArrearsError, match="银行交易流水号 T1 已入账"):
        actions.record_recovery(
            None, case, amount=D("1.00"), received_on=dt.date(2023, 6, 1), bank=bank, bank_txn_id="T1"
        )


def test_recoveries_dated_in_the_future_or_after_the_interest_are_refused() -> None:
    case = factories.case()
    bank = fund.bank()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(actions.ArrearsError, match="晚于今天"):
        actions.record_recovery(None, case, amount=D("1.00"), received_on=tomorrow, bank=bank, bank_txn_id="T1")
    # The 2022 interest is allocated (anju.fund.interest posts it with document interest:2022).
    ledger.post(
        kind=JournalEntry.Kind.INTEREST,
        value_date=dt.date(2022, 12, 31),
        legs=[ledger.debit(bank, D("10.00")), ledger.credit(ledger.fund_account(Account.Kind.POOLED), D("10.00"))],
        actor=None,
        memo="2022年度增值收益分配",
        document="interest:2022",
    )
    with pytest.raises(actions.ArrearsError, match="2022 年度利息已分配"):
        actions.record_recovery(
            None, case, amount=D("1.00"), received_on=dt.date(2022, 12, 30), bank=bank, bank_txn_id="T1"
        )
    actions.record_recovery(None, case, amount=D("1.00"), received_on=dt.date(2023, 1, 3), bank=bank, bank_txn_id="T1")
    assert Recovery.objects.count() == 1


def test_a_failed_auction_cannot_involve_more_than_the_developer_owes() -> None:
    case = factories.case(("6000.00", "4000.00"))
    # The same developer's second project: the auction may cover both cases' arrears.
    fund.unit_account(room="101", project_code="P0002", project_name="二期", area="100.00")
    Project.objects.filter(code="P0002").update(developer=case.developer)
    unit = Unit.objects.get(code="P0002-1-1-101")
    actions.open_case(
        None,
        developer=case.developer,
        project=unit.project,
        opened_on=dt.date(2023, 2, 20),
        items=[(unit, D("500.00"))],
    )
    day = dt.date(2023, 5, 20)
    with pytest.raises(actions.ArrearsError, match=r"超过该开发企业尚欠总额 10500\.00"):
        actions.add_action(None, case, kind=rules.FAILED_AUCTION, date=day, amount=D("10500.01"))
    actions.add_action(None, case, kind=rules.FAILED_AUCTION, date=day, amount=D("10500.00"))
    actions.record_recovery(None, case, amount=D("1000.00"), received_on=day, bank=fund.bank(), bank_txn_id="T1")
    with pytest.raises(actions.ArrearsError, match=r"尚欠总额 9500\.00"):
        actions.add_action(None, case, kind=rules.FAILED_AUCTION, date=day, amount=D("9500.01"))


def test_case_numbers_run_per_year() -> None:
    first = factories.case(("6000.00",))
    fund.unit_account(room="101", project_code="P0002", project_name="二期")
    second = actions.open_case(
        None, developer=first.developer, project=Project.objects.get(code="P0002"), opened_on=dt.date(2024, 2, 20)
    )
    assert second.number == "ZJ2024-0001"
    with pytest.raises(actions.ArrearsError, match="已存在") as refused:
        actions.open_case(None, developer=first.developer, project=second.project, opened_on=dt.date(2024, 3, 1))
    assert refused.value.code == "arrears.case_exists"
    assert RecoveryCase.objects.count() == 2


def test_non_finite_amounts_are_refused() -> None:
    case = factories.case()
    for value in ("NaN", "Infinity", "-Infinity"):
        with pytest.raises(actions.ArrearsError, match="应为数字"):
            actions.add_action(None, case, kind=rules.FAILED_AUCTION, date=dt.date(2023, 5, 1), amount=D(value))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks (FOR UPDATE is dropped)")
def test_changes_to_a_case_lock_its_row() -> None:
    case = factories.case()
    with CaptureQueriesContext(connection) as queries:
        actions.add_action(None, case, kind=rules.NOTICE, date=dt.date(2023, 3, 1))
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locks and all('"arrears_recoverycase"' in sql for sql in locks)
    with CaptureQueriesContext(connection) as queries:
        actions.refresh_case(case)
    assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)


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
    created = items_import.import_items(
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
        items_import.import_items(None, case, "items.xlsx", content)
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
        items_import.import_items(None, case, "items.xlsx", items_file([], headers=("房屋编码",)))
