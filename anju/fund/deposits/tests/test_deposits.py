"""Deposit standards and notices: first deposit, per project, developer (art. 21), replenishment (art. 17),
cancelling, numbering, and the pages."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from anju.core.models import AuditEvent
from anju.fund.deposits import actions as deposits
from anju.fund.models import Account, DepositBatch, DepositNotice, DepositStandard
from anju.fund.tests import factories
from anju.registry import actions as registry_actions
from anju.registry.models import Ownership, Project, Unit
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2023, 3, 1)
MULTI, HIGH = DepositStandard.BuildingType.MULTI_STOREY, DepositStandard.BuildingType.HIGH_RISE
RES, NON = DepositStandard.UseClass.RESIDENTIAL, DepositStandard.UseClass.NON_RESIDENTIAL


def standard(
    building_type: str = MULTI,
    use_class: str = RES,
    rate: str = "50.00",
    effective_from: dt.date = dt.date(2020, 1, 1),
    basis: str = "怀建发〔2020〕1号",
) -> DepositStandard:
    return deposits.create_standard(
        None, building_type=building_type, use_class=use_class, effective_from=effective_from, rate=D(rate), basis=basis
    )


def with_lifts(unit: Unit, lifts: int = 2, floors: int | None = 18) -> Unit:
    registry_actions.update_building(None, unit.building, floors=floors, structure="", lift_count=lifts)
    return unit


@pytest.fixture
def rates() -> dict[tuple[str, str], DepositStandard]:
    return {
        (MULTI, RES): standard(MULTI, RES, "50.00"),
        (HIGH, RES): standard(HIGH, RES, "80.00"),
        (MULTI, NON): standard(MULTI, NON, "60.00"),
        (HIGH, NON): standard(HIGH, NON, "90.00"),
    }


# --- Rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lifts", "floors", "expected"),
    [
        (0, None, MULTI),
        (0, 7, MULTI),
        (0, 8, HIGH),
        (1, 6, HIGH),
        (2, None, HIGH),
    ],
)
def test_building_type(lifts: int, floors: int | None, expected: str) -> None:
    assert deposits.building_type_of(lifts, floors) == expected


def test_use_class() -> None:
    assert deposits.use_class_of(Unit.Use.RESIDENTIAL) == RES
    assert deposits.use_class_of(Unit.Use.SHOP) == NON
    assert deposits.use_class_of(Unit.Use.NON_RESIDENTIAL) == NON


# --- Standards -------------------------------------------------------------------------------


def test_create_standard_is_audited_and_unique_per_day() -> None:
    s = standard()
    event = AuditEvent.objects.get(model="fund.DepositStandard")
    assert event.action == AuditEvent.Action.CREATE and event.after["rate"] == "50.00"  # type: ignore[index]
    with pytest.raises(deposits.DepositError, match="已存在"):
        standard(rate="55.00")
    standard(rate="55.00", effective_from=dt.date(2023, 1, 1))
    assert DepositStandard.objects.count() == 2 and s.rate == D("50.00")


@pytest.mark.parametrize("rate", ["0", "-1", "1.234"])
def test_standard_rate_must_be_positive_with_2_decimals(rate: str) -> None:
    with pytest.raises(deposits.DepositError):
        standard(rate=rate)
    assert not DepositStandard.objects.exists()


def test_the_standard_in_force_on_a_day() -> None:
    old = standard(rate="50.00", effective_from=dt.date(2020, 1, 1))
    new = standard(rate="58.00", effective_from=dt.date(2023, 7, 1))
    unit = registry.unit()
    assert deposits.standard_for(unit, dt.date(2019, 12, 31)) is None
    assert deposits.standard_for(unit, dt.date(2023, 6, 30)) == old
    assert deposits.standard_for(unit, dt.date(2023, 7, 1)) == new
    assert deposits.standard_for(with_lifts(unit), dt.date(2023, 7, 1)) is None
    assert deposits.standards_on(dt.date(2023, 6, 30)) == {(MULTI, RES): old}


def test_update_standard_until_a_notice_quotes_it() -> None:
    s = standard()
    deposits.update_standard(None, s, effective_from=s.effective_from, rate=D("52.00"), basis="新文号")
    s.refresh_from_db()
    assert (s.rate, s.basis) == (D("52.00"), "新文号")
    assert AuditEvent.objects.filter(model="fund.DepositStandard", action=AuditEvent.Action.UPDATE).count() == 1
    deposits.issue_notice(None, registry.unit())
    with pytest.raises(deposits.DepositError, match="已有交存通知书"):
        deposits.update_standard(None, s, effective_from=s.effective_from, rate=D("53.00"), basis="新文号")
    deposits.update_standard(None, s, effective_from=s.effective_from, rate=D("52.00"), basis="更正文号")
    s.refresh_from_db()
    assert (s.rate, s.basis) == (D("52.00"), "更正文号")


# --- One notice ------------------------------------------------------------------------------


def test_notice_amount_is_area_times_rate_half_up_to_the_fen(rates: object) -> None:
    owner = registry.person("张三", seq=11)
    unit = registry.unit(area="100.05", owner=owner)
    standard(MULTI, RES, "50.10", effective_from=dt.date(2023, 1, 1), basis="怀建发〔2023〕5号")
    notice = deposits.issue_notice(None, unit, issued_on=DAY)
    assert notice.amount == D("5012.51")  # 100.05 × 50.10 = 5012.505
    assert (notice.number, notice.kind, notice.status, notice.payer) == ("JC2023-000001", "first", "issued", "张三")
    assert (notice.area, notice.rate, notice.standard.basis) == (D("100.05"), D("50.10"), "怀建发〔2023〕5号")
    assert notice.account == Account.objects.get(unit=unit)
    event = AuditEvent.objects.get(model="fund.DepositNotice")
    assert event.after["amount"] == "5012.51" and event.after["number"] == "JC2023-000001"  # type: ignore[index]


def test_high_rise_and_non_residential_rates(rates: object) -> None:
    assert deposits.issue_notice(None, with_lifts(registry.unit(area="100.00"))).amount == D("8000.00")
    shop = registry.unit(project_code="P0002", room="102", area="100.00")
    Unit.objects.filter(pk=shop.pk).update(use=Unit.Use.SHOP)
    shop.refresh_from_db()
    assert deposits.issue_notice(None, shop).amount == D("6000.00")


def test_numbers_are_sequential_per_year_and_kind(rates: object) -> None:
    numbers = [deposits.issue_notice(None, registry.unit(room=f"10{i}"), issued_on=DAY).number for i in range(1, 4)]
    assert numbers == ["JC2023-000001", "JC2023-000002", "JC2023-000003"]
    assert deposits.issue_notice(None, registry.unit(room="104"), issued_on=dt.date(2024, 1, 2)).number == (
        "JC2024-000001"
    )
    assert deposits.issue_notice(None, registry.unit(room="105"), issued_on=DAY).number == "JC2023-000004"


def test_a_unit_is_asked_once(rates: object) -> None:
    unit = registry.unit()
    notice = deposits.issue_notice(None, unit)
    with pytest.raises(deposits.DepositError, match=notice.number):
        deposits.issue_notice(None, unit)
    deposits.cancel_notice(None, notice, reason="面积有误")
    assert deposits.issue_notice(None, unit).number.endswith("000002")


def test_no_notice_after_the_first_deposit_or_without_a_standard(rates: object) -> None:
    account = factories.unit_account(room="101")
    factories.deposit(account, "5000.00", DAY)
    with pytest.raises(deposits.DepositError, match="已交存"):
        deposits.issue_notice(None, account.unit)  # type: ignore[arg-type]
    DepositStandard.objects.filter(building_type=HIGH).delete()
    with pytest.raises(deposits.DepositError, match=r"没有.*交存标准"):
        deposits.issue_notice(None, with_lifts(registry.unit(room="102")))
    assert not DepositNotice.objects.exists()


def test_cancel_notice() -> None:
    standard()
    notice = deposits.issue_notice(None, registry.unit())
    with pytest.raises(deposits.DepositError, match="原因"):
        deposits.cancel_notice(None, notice, reason=" ")
    deposits.cancel_notice(None, notice, reason="业主已在开发企业代收")
    notice.refresh_from_db()
    assert notice.status == DepositNotice.Status.CANCELLED
    event = AuditEvent.objects.filter(model="fund.DepositNotice").latest("pk")
    assert (event.action, event.before, event.after) == ("update", {"status": "issued"}, {"status": "cancelled"})
    assert "代收" in event.note
    with pytest.raises(deposits.DepositError, match="不能作废"):
        deposits.cancel_notice(None, notice, reason="再次")


# --- A project at once -----------------------------------------------------------------------


def _project_units(count: int, project_code: str = "P0001") -> list[Unit]:
    return [registry.unit(project_code=project_code, room=f"{i + 1}01", area="90.00") for i in range(count)]


def test_batch_for_a_project(rates: object) -> None:
    owner = registry.person("张三", seq=11)
    units = _project_units(4)
    Ownership.objects.create(unit=units[0], person=owner, start=dt.date(2020, 1, 1))
    high = with_lifts(registry.unit(building="2", room="101", area="100.00"))
    paid = factories.unit_account(room="901")
    factories.deposit(paid, "4500.00", DAY)
    asked = deposits.issue_notice(None, units[1], issued_on=DAY)
    registry.unit(project_code="P0002", room="101")  # another project

    batch = deposits.issue_batch(None, Project.objects.get(code="P0001"), issued_on=DAY, note="首批")
    notices = list(batch.notices.order_by("number").select_related("account__unit"))
    assert [n.account.unit.code for n in notices] == [u.code for u in [units[0], *units[2:], high]]
    assert [n.number for n in notices] == [f"JC2023-00000{i}" for i in range(2, 6)]
    assert [n.amount for n in notices] == [D("4500.00"), D("4500.00"), D("4500.00"), D("8000.00")]
    assert (notices[0].payer, notices[1].payer) == ("张三", "")
    assert {n.batch_id for n in notices} == {batch.pk} and batch.note == "首批"
    assert asked.batch is None
    event = AuditEvent.objects.get(model="fund.DepositBatch")
    assert event.after["notices"] == 4 and event.after["amount"] == "21500.00"  # type: ignore[index]
    with pytest.raises(deposits.DepositError, match="没有需要"):
        deposits.issue_batch(None, Project.objects.get(code="P0001"))


def test_batch_refuses_when_a_standard_is_missing_and_writes_nothing() -> None:
    standard(MULTI, RES)
    _project_units(2)
    with_lifts(registry.unit(building="2", room="101"))
    with pytest.raises(deposits.DepositError, match="未开具任何通知书") as info:
        deposits.issue_batch(None, Project.objects.get(code="P0001"))
    assert "P0001-2-1-101" in str(info.value)
    assert not DepositNotice.objects.exists() and not DepositBatch.objects.exists()


def test_batch_is_set_based(rates: object) -> None:
    """The number of queries does not grow with the project's units."""

    def queries_for(project_code: str, count: int) -> int:
        _project_units(count, project_code)
        project = Project.objects.get(code=project_code)
        with CaptureQueriesContext(connection) as ctx:
            deposits.issue_batch(None, project)
        return len(ctx.captured_queries)

    queries_for("P0004", 1)  # the year's first notice also opens its number sequence
    assert queries_for("P0003", 30) == queries_for("P0002", 3)


def test_developer_notices_for_unsold_units(rates: object) -> None:
    developer = registry.enterprise()
    project, _ = Project.objects.get_or_create(code="P0001", defaults={"name": "恒大御景湾"})
    Project.objects.filter(pk=project.pk).update(developer=developer)
    sold = registry.unit(room="101", owner=registry.person("张三", seq=11))
    held = registry.unit(room="102", owner=developer)
    nobody = registry.unit(room="103")
    other = registry.enterprise("怀化某某物业公司", seed=2)
    company = registry.unit(room="104", owner=other)
    project.refresh_from_db()
    batch = deposits.issue_developer_notices(None, project, issued_on=DAY)
    notices = {n.account.unit.code: n for n in batch.notices.select_related("account__unit")}  # type: ignore[union-attr]
    assert set(notices) == {held.code, nobody.code, company.code}
    assert sold.code not in notices
    assert notices[held.code].payer == developer.name and notices[nobody.code].payer == developer.name
    assert notices[company.code].payer == other.name
    assert {n.kind for n in notices.values()} == {DepositNotice.Kind.DEVELOPER}
    assert sorted(n.number for n in notices.values()) == ["KF2023-000001", "KF2023-000002", "KF2023-000003"]
    # An owners' batch afterwards asks only the unit not yet asked.
    owners = deposits.issue_batch(None, project, issued_on=DAY)
    assert [n.account.unit.code for n in owners.notices.select_related("account__unit")] == [sold.code]  # type: ignore[union-attr]


# --- Replenishment ---------------------------------------------------------------------------


def test_replenishment_notices_for_units_below_30_percent() -> None:
    low = factories.unit_account(room="101", owner=registry.person("张三", seq=11))
    exact = factories.unit_account(room="102")
    fine = factories.unit_account(room="103")
    for account in (low, exact, fine):
        factories.deposit(account, "1000.00", DAY)
    factories.spend(low, "800.01", dt.date(2023, 5, 1))  # 199.99 left
    factories.spend(exact, "700.00", dt.date(2023, 5, 1))  # exactly 30%: not below
    notices = deposits.issue_replenishment_notices(None, issued_on=dt.date(2023, 6, 1))
    assert [(n.number, n.account_id, n.amount, n.payer) for n in notices] == [
        ("XJ2023-000001", low.pk, D("800.01"), "张三")
    ]
    assert notices[0].rate is None and notices[0].kind == DepositNotice.Kind.REPLENISH
    with pytest.raises(deposits.DepositError, match="没有需要续交"):
        deposits.issue_replenishment_notices(None)
    assert AuditEvent.objects.filter(model="fund.DepositNotice", action="create").count() == 1


# --- The pages -------------------------------------------------------------------------------


def test_standards_pages(client_for: Callable[..., Client]) -> None:
    client = client_for("finance")
    response = client.post(
        reverse("fund:standard_create"),
        {
            "building_type": HIGH,
            "use_class": RES,
            "effective_from": "2023-01-01",
            "rate": "80.00",
            "basis": "怀建发〔2023〕1号",
        },
    )
    assert response.status_code == 302
    s = DepositStandard.objects.get()
    assert (s.building_type, s.rate) == (HIGH, D("80.00"))
    html = client.post(
        reverse("fund:standard_create"),
        {
            "building_type": HIGH,
            "use_class": RES,
            "effective_from": "2023-01-01",
            "rate": "81.00",
        },
    ).content.decode()
    assert "已存在" in html
    assert (
        client.post(
            reverse("fund:standard_edit", args=[s.pk]),
            {
                "effective_from": "2023-01-01",
                "rate": "82.00",
                "basis": "x",
            },
        ).status_code
        == 302
    )
    s.refresh_from_db()
    assert s.rate == D("82.00")
    html = client_for("information").get(reverse("fund:standards")).content.decode()
    assert "82.00" in html and reverse("fund:standard_edit", args=[s.pk]) not in html
    assert client_for("office", username="o").get(reverse("fund:standards")).status_code == 403
    assert client_for("information", username="i2").post(reverse("fund:standard_create"), {}).status_code == 403


def test_notice_print_page_shows_capitals_and_payment_instructions(client_for: Callable[..., Client]) -> None:
    bank = factories.bank()
    standard(rate="65.00", basis="怀建发〔2020〕1号")
    owner = registry.person("张三", seq=11)
    notice = deposits.issue_notice(None, registry.unit(area="89.50", owner=owner))
    html = client_for("information").get(reverse("fund:notice", args=[notice.pk])).content.decode()
    assert notice.amount == D("5817.50")
    assert "伍仟捌佰壹拾柒元伍角整" in html and "5,817.50" in html
    assert "张三" in html and "89.50" in html and "65.00" in html and "怀建发〔2020〕1号" in html
    assert bank.bank_account_number in html and bank.name in html and notice.number in html
    assert "P0001-1-1-101" in html and "@page" in html
    assert reverse("fund:notice_cancel", args=[notice.pk]) not in html  # view-only role
    assert client_for("office").get(reverse("fund:notice", args=[notice.pk])).status_code == 403


def test_notice_pages_issue_list_export_and_cancel(client_for: Callable[..., Client]) -> None:
    standard()
    registry.unit(room="101")
    registry.unit(room="102")
    client = client_for("station")
    response = client.post(reverse("fund:notice_create"), {"unit": "P0001-1-1-101", "issued_on": "2023-03-01"})
    notice = DepositNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("fund:notice", args=[notice.pk])
    assert "不存在" in client.post(reverse("fund:notice_create"), {"unit": "P0001-9-9-999"}).content.decode()
    assert notice.number in client.post(reverse("fund:notice_create"), {"unit": "P0001-1-1-101"}).content.decode()

    html = client.get(reverse("fund:notices") + "?q=P0001-1-1-101").content.decode()
    assert notice.number in html
    assert notice.number not in client.get(reverse("fund:notices") + "?status=paid").content.decode()
    response = client.get(reverse("fund:notices") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "通知书编号" and rows[1][0] == notice.number
    assert client_for("information").get(reverse("fund:notices") + "?export=xlsx").status_code == 403

    assert (
        client_for("information", username="i2")
        .post(reverse("fund:notice_cancel", args=[notice.pk]), {"reason": "x"})
        .status_code
        == 403
    )
    client.post(reverse("fund:notice_cancel", args=[notice.pk]), {"reason": "开错了"})
    notice.refresh_from_db()
    assert notice.status == DepositNotice.Status.CANCELLED


def test_batch_page(client_for: Callable[..., Client]) -> None:
    standard()
    _project_units(3)
    client = client_for("finance")
    assert client.get(reverse("fund:notice_batch")).status_code == 200
    assert (
        "不存在" in client.post(reverse("fund:notice_batch"), {"project": "NOPE", "payer": "owners"}).content.decode()
    )
    response = client.post(
        reverse("fund:notice_batch"), {"project": "P0001", "payer": "owners", "issued_on": "2023-03-01"}
    )
    batch = DepositBatch.objects.get()
    assert response["Location"] == reverse("fund:notices") + f"?batch={batch.pk}"
    html = client.get(response["Location"]).content.decode()
    assert len(re.findall(r"JC2023-00000\d", html)) == 3
    html = client.post(reverse("fund:notice_batch"), {"project": "P0001", "payer": "developer"}).content.decode()
    assert "没有需要" in html
    assert client_for("information").post(reverse("fund:notice_batch"), {"project": "P0001"}).status_code == 403


def test_replenishment_page(client_for: Callable[..., Client]) -> None:
    low = factories.unit_account(room="101")
    factories.deposit(low, "1000.00", DAY)
    factories.spend(low, "900.00", DAY)
    viewer = client_for("information")
    html = viewer.get(reverse("fund:replenishment")).content.decode()
    assert "P0001-1-1-101" in html and "900.00" in html and 'id="replenish-form"' not in html
    assert viewer.post(reverse("fund:replenishment"), {}).status_code == 403
    client = client_for("finance")
    response = client.post(reverse("fund:replenishment"), {"issued_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    notice = DepositNotice.objects.get()
    assert notice.kind == DepositNotice.Kind.REPLENISH and notice.amount == D("900.00")
    html = client.get(reverse("fund:replenishment") + "?pending=yes").content.decode()
    assert notice.number in html
    assert "P0001-1-1-101" not in client.get(reverse("fund:replenishment") + "?pending=no").content.decode()
    assert "没有需要续交" in client.post(reverse("fund:replenishment"), {}).content.decode()
    page = client.get(reverse("fund:notice", args=[notice.pk])).content.decode()
    assert "玖佰元整" in page
    response = client.get(reverse("fund:replenishment") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "P0001-1-1-101" and rows[1][-1] == notice.number
    assert client_for("office").get(reverse("fund:replenishment")).status_code == 403


def test_the_due_units_without_a_notice_are_counted_as_the_candidates_are(client_for: Callable[..., Client]) -> None:
    """The page's count of due units without a notice comes from the kept figures less the noticed ones: it
    must equal the candidates' own count through notices issued, cancelled, paid back and ledgers closed."""
    accounts = [factories.unit_account(room=str(101 + index)) for index in range(6)]
    for index, account in enumerate(accounts):
        factories.deposit(account, "1000.00", DAY)
        if index < 5:  # the sixth keeps all of it
            factories.spend(account, "800.00", dt.date(2023, 4, 1))
    client = client_for("finance")

    def shown() -> int:
        html = client.get(reverse("fund:replenishment")).content.decode()
        found = re.search(r"有 (\d+) 户房屋应续交且尚未开具续交通知书", html)
        assert found is not None
        return int(found.group(1))

    def check(expected: int) -> None:
        assert deposits.replenishment_candidates().count() == expected
        assert deposits.replenishment_candidates_count() == expected
        assert shown() == expected

    check(5)
    notices = {n.account_id: n for n in deposits.issue_replenishment_notices(None, issued_on=dt.date(2023, 6, 1))}
    check(0)
    deposits.cancel_notice(None, notices[accounts[0].pk], reason="重开")
    check(1)
    # A noticed ledger paid back above 30% is no longer due: its open notice takes nothing off.
    factories.deposit(accounts[1], "600.00", dt.date(2023, 7, 1))
    check(1)
    factories.spend(accounts[5], "900.00", dt.date(2023, 7, 1))
    check(2)
    Account.objects.filter(pk=accounts[0].pk).update(closed=dt.date(2023, 8, 1))  # behind the actions' back
    check(1)


def test_the_replenishment_list_is_the_rule_whether_few_or_many_are_due(
    client_for: Callable[..., Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    from anju.fund import queries

    accounts = [factories.unit_account(room=str(101 + index)) for index in range(5)]
    for index, account in enumerate(accounts):
        factories.deposit(account, "1000.00", DAY)
        factories.spend(account, ("800.00", "700.01", "699.99", "950.00", "100.00")[index], dt.date(2023, 4, 1))
    deposits.issue_replenishment_notices(None, issued_on=dt.date(2023, 6, 1))
    due = sorted(a.unit.code for a in accounts[:2] + accounts[3:4] if a.unit)  # below 30%, not at or above
    client = client_for("finance")

    def listed(query: str) -> list[str]:
        html = client.get(reverse("fund:replenishment") + query).content.decode()
        return list(dict.fromkeys(re.findall(r"P0001-1-1-\d+", html.split("<tbody>")[1].split("</tbody>")[0])))

    for limit in (2000, 2, 1):  # by id while at most `limit` are due; else the rule on every ledger
        monkeypatch.setattr(queries, "UNITS_LISTED", limit)
        assert sorted(queries.replenishment_listed().values_list("unit__code", flat=True)) == due
        assert listed("") == due
        assert listed("?pending=no") == [] and listed("?pending=yes") == due
        assert listed("?q=P0001-1-1-104") == due[2:]


def test_anonymous_users_go_to_the_login_page() -> None:
    for name in ("fund:standards", "fund:notices", "fund:notice_batch", "fund:replenishment"):
        response = Client().get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
