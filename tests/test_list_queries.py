"""Every list page renders in a number of queries that does not grow with its rows: 5 rows, then 35.

One builder per list makes rows through the lines' own actions and factories, each row with its own
related records (unit, project, household, developer ...), so that a cell reading a relation per row
(an N+1) adds queries and fails here. The test lives beside the browser tests because it spans every
line; the kit's own tests are in `anju/core/tests/test_listing.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from anju.core import audit, kept
from anju.core.models import AuditEvent, Role, User
from anju.fund import totals
from anju.fund.arrears import actions as arrears
from anju.fund.arrears.tests import factories as arrears_factories
from anju.fund.bank import actions as bank
from anju.fund.deposits import actions as deposits
from anju.fund.lifts import actions as lifts
from anju.fund.lifts.tests import factories as lift_factories
from anju.fund.models import Account, DepositStandard, UseApplication
from anju.fund.refunds import actions as refunds
from anju.fund.tests import factories as fund
from anju.fund.tests import use_factories
from anju.fund.use import actions as use
from anju.legacy import actions as legacy
from anju.legacy.tests import factories as legacy_factories
from anju.oversight import actions as oversight
from anju.oversight.tests import factories as oversight_factories
from anju.performance import actions as performance
from anju.performance.models import Asset
from anju.petitions.tests import factories as petitions_factories
from anju.registry.models import Building, Project
from anju.registry.tests import factories as registry
from anju.rental import actions as rental
from anju.rental.models import Exit, Inspection, Kind, Lease, RentalUnit, RentRate
from anju.rental.tests import factories as rental_factories
from anju.subsidy import actions as subsidy
from anju.subsidy import payments as subsidy_payments
from anju.subsidy.models import Program
from anju.subsidy.tests import factories as subsidy_factories
from anju.termite import actions as termite
from anju.termite.tests import factories as termite_factories

pytestmark = pytest.mark.django_db
D = dt.date
Build = Callable[[int, int], None]


def _staff(username: str, role: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password="x-Anju-2023", full_name=username)
        user.roles.set(Role.objects.filter(code=role))
    return user


# --- registry ------------------------------------------------------------------------------------


def registry_units(start: int, count: int) -> None:
    for i in range(start, start + count):
        owner = registry.person(f"业主{i}", seq=i + 1) if i % 2 else registry.enterprise(f"企业{i}", seed=i + 1)
        registry.unit(building=str(i + 1), owner=owner)


def registry_persons(start: int, count: int) -> None:
    for i in range(start, start + count):
        registry.unit(building=str(i + 1), owner=registry.person(f"业主{i}", seq=i + 1))


def registry_enterprises(start: int, count: int) -> None:
    for i in range(start, start + count):
        developer = registry.enterprise(f"开发企业{i}", seed=i + 1)
        Project.objects.create(code=f"E{i:04d}", name=f"项目{i}", developer=developer)


def registry_projects(start: int, count: int) -> None:
    for i in range(start, start + count):
        unit = registry.unit(project_code=f"P{i:04d}", project_name=f"项目{i}")
        Project.objects.filter(pk=unit.project_id).update(developer=registry.enterprise(f"开发企业{i}", seed=i + 1))


# --- fund ----------------------------------------------------------------------------------------


def fund_accounts(start: int, count: int) -> None:
    for i in range(start, start + count):
        fund.deposit(fund.unit_account(building=str(i + 1)), "5000.00", D(2023, 3, 1))


def fund_projects(start: int, count: int) -> None:
    for i in range(start, start + count):
        fund.deposit(fund.unit_account(project_code=f"P{i:04d}", project_name=f"项目{i}"), "5000.00", D(2023, 3, 1))


def fund_journal(start: int, count: int) -> None:
    for i in range(start, start + count):
        fund.deposit(fund.unit_account(building=str(i + 1)), "100.00", D(2023, 1, 1) + dt.timedelta(days=i))


def _receipts(start: int, count: int, *, known: bool) -> None:
    fund.bank()
    for i in range(start, start + count):
        account = fund.unit_account(building=str(i + 1))
        assert account.unit is not None
        code = account.unit.code if known and i % 2 else f"X-{i}"
        rows = [[f"T{i:05d}", "2023-03-01", "500.00", code, f"付款人{i}", "维修资金"]]
        data = "\n".join([",".join(bank.HEADERS), *[",".join(r) for r in rows]]) + "\n"
        bank.import_receipts(None, "到账.csv", data.encode("utf-8-sig"))


def fund_receipts(start: int, count: int) -> None:
    _receipts(start, count, known=True)


def fund_suspense(start: int, count: int) -> None:
    _receipts(start, count, known=False)


def fund_standards(start: int, count: int) -> None:
    for i in range(start, start + count):
        deposits.create_standard(
            None,
            building_type=DepositStandard.BuildingType.MULTI_STOREY,
            use_class=DepositStandard.UseClass.RESIDENTIAL,
            effective_from=D(2000, 1, 1) + dt.timedelta(days=i),
            rate=Decimal("50.00"),
            basis=f"怀建发〔2020〕{i}号",
        )


def fund_notices(start: int, count: int) -> None:
    if start == 0:
        fund_standards(0, 1)
    for i in range(start, start + count):
        unit = registry.unit(project_code=f"P{i:04d}", project_name=f"项目{i}")
        deposits.issue_notice(None, unit, issued_on=D(2023, 3, 1))


def fund_replenishment(start: int, count: int) -> None:
    for i in range(start, start + count):
        account = fund.unit_account(building=str(i + 1))
        fund.deposit(account, "1000.00", D(2022, 3, 1))
        fund.spend(account, "800.00", D(2023, 3, 1))


def _approved_application(i: int) -> UseApplication:
    project = Project.objects.get(code=f"P{i:04d}")
    handler, reviewer, leader = _staff("h", "station"), _staff("r", "finance"), _staff("l", "leadership")
    app = use_factories.application(project, kind=UseApplication.Kind.EMERGENCY, items=[("电梯", "300.00")])
    use.take_step(handler, app, "submit")
    use.take_step(reviewer, app, "review")
    return use.take_step(leader, app, "approve")


def fund_uses(start: int, count: int) -> None:
    for i in range(start, start + count):
        use_factories.estate(["100.00"], project_code=f"P{i:04d}", seq_base=100 + i)
        use_factories.application(Project.objects.get(code=f"P{i:04d}"))


def fund_use_payments(start: int, count: int) -> None:
    for i in range(start, start + count):
        use_factories.estate(["100.00"], project_code=f"P{i:04d}", seq_base=100 + i)
        app = _approved_application(i)
        use.pay(None, app, kind="settlement", final_cost=Decimal("300.00"), value_date=timezone.localdate())


def fund_refunds(start: int, count: int) -> None:
    clerk = _staff("clerk", "station")
    for i in range(start, start + count):
        account = fund.unit_account(building=str(i + 1), owner=registry.person(f"业主{i}", seq=i + 1))
        fund.deposit(account, "800.00", D(2023, 3, 1))
        refunds.create_refund(
            clerk, Account.objects.get(pk=account.pk), applicant=f"业主{i}", reason="房屋灭失（拆除）"
        )


def arrears_cases(start: int, count: int) -> None:
    for i in range(start, start + count):
        arrears_factories.case(("1000.00",), project_code=f"P{i:04d}", project_name=f"项目{i}", seed=i + 1)


def arrears_targets(start: int, count: int) -> None:
    for i in range(start, start + count):
        arrears.set_target(None, year=2000 + i, amount=Decimal("100000.00"), issued_by="市住建局", document=f"{i}号")


def _lift(i: int) -> lifts.Lift:
    unit = registry.unit(project_code=f"P{i:04d}", project_name=f"项目{i}")
    building = Building.objects.get(pk=unit.building_id)
    return lifts.register_lift(None, building, registration_code=lift_factories.code(i + 1))


def lifts_lifts(start: int, count: int) -> None:
    for i in range(start, start + count):
        _lift(i)


def _policy(i: int) -> lifts.Policy:
    insurer = lifts.Insurer.objects.first() or lift_factories.insurer()
    return lifts.sign_policy(
        None,
        number=f"BX{i:04d}",
        insurer=insurer,
        lifts=[_lift(i)],
        signed_on=D(2023, 12, 1),
        start=D(2024, 1, 1),
        end=D(2024, 12, 31),
        premium=Decimal("1200.00"),
        cover=Decimal("100000.00"),
    )


def lifts_policies(start: int, count: int) -> None:
    for i in range(start, start + count):
        _policy(i)


def lifts_claims(start: int, count: int) -> None:
    for i in range(start, start + count):
        lift = _policy(i).lifts.get()
        lifts.report_claim(None, lift, date=D(2024, 3, 1), fault="曳引钢丝绳磨损", amount=Decimal("800.00"))


# --- performance and core --------------------------------------------------------------------------


def performance_assets(start: int, count: int) -> None:
    for i in range(start, start + count):
        performance.register_asset(
            None,
            code=f"ZC{i:04d}",
            name=f"办公电脑{i}",
            kind=Asset.Kind.FIXED,
            category="通用设备",
            value=Decimal("5000.00"),
            department="办公室",
            custodian=f"保管人{i}",
            acquired_on=D(2020, 5, 1),
        )


def core_audit(start: int, count: int) -> None:
    for i in range(start, start + count):
        person = registry.person(f"人{i}", seq=i + 1)
        audit.record(None, AuditEvent.Action.UPDATE, person, before={"id_number": "x"}, after={"phone": str(i)})


def core_users(start: int, count: int) -> None:
    for i in range(start, start + count):
        _staff(f"user{i}", ("office", "finance", "housing")[i % 3])


# --- rental ----------------------------------------------------------------------------------------


def _home(i: int) -> RentalUnit:
    if not RentRate.objects.exists():
        rental_factories.rates()
    return rental_factories.estate(homes=1, shops=0, code=f"GZ{i:03d}")[0]


def _lease(i: int) -> Lease:
    return rental_factories.home_lease(_home(i), 500 + i, start=D(2023, 1, 1))


def rental_units(start: int, count: int) -> None:
    for i in range(start, start + count):
        _home(i)


def rental_households(start: int, count: int) -> None:
    for i in range(start, start + count):
        rental_factories.waiting_household(i + 1)


def rental_draws(start: int, count: int) -> None:
    for i in range(start, start + count):
        _home(i)
        rental_factories.waiting_household(i + 1)
        day = D(2023, 3, 1) + dt.timedelta(days=2 * i)
        rental_factories.lottery(announced_on=day, draw_on=day + dt.timedelta(days=1), external=f"2023-{i:04d}")


def rental_leases(start: int, count: int) -> None:
    for i in range(start, start + count):
        _lease(i)


def rental_bills(start: int, count: int) -> None:
    rental_leases(start, count)
    rental.bill_month(None, D(2023, 1, 1))


def rental_payments(start: int, count: int) -> None:
    for i in range(start, start + count):
        rental.receive_payment(None, _lease(i), amount=Decimal("80.00"), paid_on=D(2023, 1, 20))


def rental_arrears(start: int, count: int) -> None:
    rental_bills(start, count)


def rental_reviews(start: int, count: int) -> None:
    rental_leases(start, count)
    rental.open_reviews(None, 2023, D(2023, 6, 1))


def rental_inspections(start: int, count: int) -> None:
    for i in range(start, start + count):
        rental.record_inspection(
            None,
            _lease(i),
            visit=Inspection.Visit.INSPECTION,
            on=D(2023, 5, 1),
            finding=Inspection.Finding.LIVES_THERE,
            inspector="检查员",
        )


def rental_exits(start: int, count: int) -> None:
    for i in range(start, start + count):
        rental_factories.served_exit(
            _lease(i), reason=Exit.Reason.ARREARS, notice_on=D(2023, 5, 1), deadline=D(2023, 6, 1)
        )


def rental_repairs(start: int, count: int) -> None:
    for i in range(start, start + count):
        rental.report_repair(None, _home(i), on=D(2023, 5, 1), description="漏水")


def rental_filings(start: int, count: int) -> None:
    for i in range(start, start + count):
        rental.file_rental(
            None,
            filed_on=D(2023, 6, 1),
            lessor=f"出租人{i}",
            lessor_id=registry.resident_id(seq=i + 1),
            lessee=f"承租人{i}",
            lessee_id=registry.resident_id(seq=500 + i),
            address=f"怀化市鹤城区迎丰路{i}号",
            area=Decimal("80.00"),
            start=D(2023, 6, 1),
            end=D(2024, 5, 31),
            monthly_rent=Decimal("1200.00"),
        )


def rental_rates(start: int, count: int) -> None:
    for i in range(start, start + count):
        rental.set_rate(
            None,
            kind=Kind.HOME,
            category="low_income",
            per_m2=Decimal("2.00"),
            reduction_percent=Decimal("20"),
            valid_from=D(2019, 1, 1) + dt.timedelta(days=i),
        )


# --- termite ---------------------------------------------------------------------------------------


def termite_applications(start: int, count: int) -> None:
    for i in range(start, start + count):
        termite_factories.application(project=f"项目{i}", buildings=((str(i), "100.00"),))


def termite_buildings(start: int, count: int) -> None:
    for i in range(start, start + count):
        termite_factories.accepted_building(
            on=D(2021, 6, 15), accepted_on=D(2021, 3, 5), received_on=D(2021, 3, 1), project=f"项目{i}"
        )


def termite_requests(start: int, count: int) -> None:
    for i in range(start, start + count):
        termite.open_control_request(
            None, received_on=D(2023, 5, 1), requester_kind="resident", requester_name=f"居民{i}",
            channel="phone", target="house", address=f"小区{i}", area=Decimal("30"),
        )  # fmt: skip


# --- subsidy ---------------------------------------------------------------------------------------


def _subsidy_program() -> Program:
    return Program.objects.filter(code="hh2023").first() or subsidy_factories.program()


def subsidy_applications(start: int, count: int) -> None:
    program = _subsidy_program()
    for i in range(start, start + count):  # every other one duplicates the previous one's home: flagged
        unit = f"431202003001GB{i - 1:05d}F0001" if i % 2 else f"431202003001GB{i:05d}F0001"
        subsidy_factories.application(program, n=1000 + i, unit_code=unit)


def subsidy_batches(start: int, count: int) -> None:
    program = _subsidy_program()
    for i in range(start, start + count):
        app = subsidy_factories.application(program, n=2000 + i)
        for step in ("pass_documents", "verify_tax", "finance_pass", "approve"):
            subsidy.take_step(None, app, step)
        subsidy_payments.form_batch(None, program, [app])


# --- petitions -------------------------------------------------------------------------------------


def petition_cases(start: int, count: int) -> None:
    handler = _staff("petitions_handler", "office")
    for i in range(start, start + count):
        petitions_factories.assigned(handler, D(2023, 5, 4), phone=f"139{i:08d}", subject=f"事由{i}")


# --- legacy and oversight ---------------------------------------------------------------------------


def legacy_projects(start: int, count: int) -> None:
    owner = _staff("legacy_owner", "office")
    for i in range(start, start + count):
        p = legacy_factories.project(f"遗留项目{i}")
        legacy.assign_task(None, p, agency="tax", title=f"税费结算{i}", owner=owner, due_on=D(2024, 3, 1),
                           assigned_on=D(2023, 1, 5))  # fmt: skip
        if i % 2:
            legacy.hold_meeting(None, category="joint", held_on=D(2023, 2, 1), title=f"联席会{i}", decisions=[
                legacy.Decision(p, "land", f"首次登记{i}", owner, D(2024, 3, 1))])  # fmt: skip


def oversight_tasks(start: int, count: int) -> None:
    owner = _staff("oversight_owner", "finance")
    inspection = oversight_factories.inspection(feedback_on=D(2023, 11, 1 + start % 20))
    for i in range(start, start + count):
        task = oversight_factories.task(owner, of=oversight_factories.finding(f"问题{i}", of=inspection))
        oversight.record_progress(owner, task, on=D(2024, 3, 1), text=f"进展{i}")
        if i % 3 == 0:
            oversight.hold_meeting(None, held_on=D(2023, 11, 20), title=f"部署会议{i}", findings=[task.finding])


LISTS: list[tuple[str, str, Build]] = [
    ("core:audit", "", core_audit),
    ("core:users", "", core_users),
    ("registry:units", "", registry_units),
    ("registry:persons", "", registry_persons),
    ("registry:enterprises", "", registry_enterprises),
    ("registry:projects", "", registry_projects),
    ("fund:accounts", "", fund_accounts),
    ("fund:projects", "", fund_projects),
    ("fund:journal", "", fund_journal),
    ("fund:receipts", "", fund_receipts),
    ("fund:suspense", "", fund_suspense),
    ("fund:standards", "", fund_standards),
    ("fund:notices", "", fund_notices),
    ("fund:replenishment", "", fund_replenishment),
    ("fund:uses", "", fund_uses),
    ("fund:use_payments", "", fund_use_payments),
    ("fund:refunds", "", fund_refunds),
    ("arrears:cases", "", arrears_cases),
    ("arrears:targets", "", arrears_targets),
    ("lifts:lifts", "", lifts_lifts),
    ("lifts:policies", "", lifts_policies),
    ("lifts:claims", "", lifts_claims),
    ("performance:assets", "", performance_assets),
    ("performance:kpi", "budget.assets_total/2023", performance_assets),
    ("rental:units", "", rental_units),
    ("rental:households", "", rental_households),
    ("rental:households", "status=waiting", rental_households),
    ("rental:draws", "", rental_draws),
    ("rental:leases", "", rental_leases),
    ("rental:bills", "", rental_bills),
    ("rental:payments", "", rental_payments),
    ("rental:arrears", "", rental_arrears),
    ("rental:reviews", "", rental_reviews),
    ("rental:inspections", "", rental_inspections),
    ("rental:exits", "", rental_exits),
    ("rental:repairs", "", rental_repairs),
    ("rental:filings", "", rental_filings),
    ("rental:rates", "", rental_rates),
    ("termite:applications", "", termite_applications),
    ("termite:buildings", "", termite_buildings),
    ("termite:plan", "year=2023", termite_buildings),
    ("termite:requests", "", termite_requests),
    ("subsidy:applications", "", subsidy_applications),
    ("subsidy:applications", "flagged=1", subsidy_applications),
    ("subsidy:flags", "", subsidy_applications),
    ("subsidy:batches", "", subsidy_batches),
    ("petitions:cases", "", petition_cases),
    ("petitions:board", "", petition_cases),
    ("legacy:projects", "", legacy_projects),
    ("legacy:tasks", "", legacy_projects),
    ("oversight:inspections", "", oversight_tasks),
    ("oversight:findings", "", oversight_tasks),
    ("oversight:ledger", "", oversight_tasks),
    ("oversight:meetings", "", oversight_tasks),
]


def _url(name: str, extra: str) -> str:
    if name == "performance:kpi":
        code, year = extra.split("/")
        return reverse(name, args=[code, int(year)]) + "?per=200"
    return reverse(name) + "?per=200" + (f"&{extra}" if extra else "")


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize(("name", "extra", "build"), LISTS, ids=[f"{n}{'?' + e if e else ''}" for n, e, _b in LISTS])
def test_a_list_page_takes_as_many_queries_for_35_rows_as_for_5(
    client: Client, name: str, extra: str, build: Build
) -> None:
    # A leader may view and export every module and see ID numbers; an administrator has audit and users.
    client.force_login(_staff("lister", "admin" if name.startswith("core:") else "leadership"))
    url = _url(name, extra)
    build(0, 5)
    client.get(url)  # the session and the user's roles are read once
    # Kept totals (the fund's, anju.fund.totals; the unfiltered lists' 合计 rows, anju.core.kept) are summed
    # on the first view after a change: on both views here.
    totals.forget()
    kept.forget()
    few, first = _queries(client, url)
    build(5, 30)
    totals.forget()
    kept.forget()
    many, second = _queries(client, url)
    assert second.count("<tr") > first.count("<tr"), "the second batch added no rows"
    assert many == few, f"{url}: {few} queries for the first rows, {many} after adding 30"
