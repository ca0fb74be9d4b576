from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from anju.core import kpis as registry
from anju.fund import accounts, checks
from anju.fund.lifts import actions, queries, rules
from anju.fund.lifts.errors import LiftError
from anju.fund.lifts.models import Claim, Lift, Policy, PremiumPayment
from anju.fund.lifts.tests import factories
from anju.fund.models import Account, JournalEntry
from anju.fund.tests import factories as fund
from anju.registry.tests import factories as registry_factories

D = Decimal
JSON = "application/json"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("31104312022015000001", ""),
        ("3110431202201500000", "20位数字"),
        ("311043120220150000011", "20位数字"),
        ("3110431202201500000X", "20位数字"),
        ("21104312022015000001", "3开头"),
        ("31104312021900000001", "注册年份1900"),
    ],
)
def test_registration_codes(code: str, error: str) -> None:
    message = rules.registration_code_error(code)
    assert (error in message) if error else message == ""


def test_policy_status_edges() -> None:
    start, end = dt.date(2024, 1, 1), dt.date(2024, 12, 31)
    assert rules.policy_status(start, end, dt.date(2023, 12, 31)) == rules.SIGNED
    assert rules.policy_status(start, end, start) == rules.ACTIVE
    assert rules.policy_status(start, end, end) == rules.ACTIVE
    assert rules.policy_status(start, end, dt.date(2025, 1, 1)) == rules.EXPIRED
    with pytest.raises(ValueError):
        rules.policy_status(end, start, start)


def sign(lifts: list[Lift], number: str = "DTBX001", signed_on: dt.date = dt.date(2023, 12, 20)) -> Policy:
    return actions.sign_policy(
        None,
        number=number,
        insurer=factories.insurer() if number == "DTBX001" else Policy.objects.first().insurer,  # type: ignore[union-attr]
        lifts=lifts,
        signed_on=signed_on,
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        premium=D("3600.00") * len(lifts),
        cover=D("200000.00") * len(lifts),
    )


def test_register_lift_validates_and_refuses_duplicates() -> None:
    lift = factories.lifts(1)[0]
    with pytest.raises(actions.LiftError, match="已登记"):
        actions.register_lift(None, lift.building, registration_code=lift.registration_code)
    with pytest.raises(actions.LiftError, match="20位"):
        actions.register_lift(None, lift.building, registration_code="123")


def test_a_lift_is_under_one_policy_at_a_time() -> None:
    lifts = factories.lifts(3)
    sign(lifts[:2])
    with pytest.raises(actions.LiftError, match="已在保险期内"):
        sign(lifts[1:], number="DTBX002")
    with pytest.raises(actions.LiftError, match="至少"):
        sign([], number="DTBX003")


def test_premium_is_paid_from_the_pooled_account() -> None:
    lifts = factories.lifts(2)
    policy = sign(lifts)
    pooled = factories.pooled_with("10000.00")
    bank = fund.bank()
    bank_before = Account.objects.get(pk=bank.pk).balance
    payment = actions.pay_premium(None, policy, paid_on=dt.date(2023, 12, 29), bank=bank)
    assert payment.amount == D("7200.00") and payment.entry.kind == JournalEntry.Kind.PREMIUM
    lines = {line.account_id: line.amount for line in payment.entry.lines.all()}
    assert lines == {pooled.pk: D("7200.00"), bank.pk: D("-7200.00")}
    assert Account.objects.get(pk=pooled.pk).balance == D("2800.00")
    assert Account.objects.get(pk=bank.pk).balance == bank_before - D("7200.00")
    assert actions.premium_paid(policy) == policy.premium
    with pytest.raises(actions.LiftError, match="应大于0"):
        actions.pay_premium(None, policy, paid_on=dt.date(2023, 12, 30), bank=bank)
    assert checks.check_ledger().ok


def test_the_pooled_account_is_never_overdrawn() -> None:
    policy = sign(factories.lifts(2))
    factories.pooled_with("100.00")
    with pytest.raises(actions.LiftError, match="统筹账户余额不足"):
        actions.pay_premium(None, policy, paid_on=dt.date(2023, 12, 29), bank=fund.bank())
    assert not PremiumPayment.objects.exists()


def test_claims_need_a_policy_in_force() -> None:
    lifts = factories.lifts(2)
    sign(lifts[:1])
    claim = actions.report_claim(None, lifts[0], date=dt.date(2024, 1, 18), fault="钢丝绳磨损", amount=D("12800.00"))
    assert claim.policy.number == "DTBX001"
    with pytest.raises(actions.LiftError, match="没有有效的保险合同"):
        actions.report_claim(None, lifts[0], date=dt.date(2023, 12, 25), fault="x", amount=D("1.00"))
    with pytest.raises(actions.LiftError, match="没有有效的保险合同"):
        actions.report_claim(None, lifts[1], date=dt.date(2024, 2, 1), fault="x", amount=D("1.00"))
    actions.settle_claim(None, claim, paid_amount=D("12000.00"))
    assert Claim.objects.get().status == Claim.Status.PAID
    with pytest.raises(actions.LiftError, match="已处理"):
        actions.settle_claim(None, claim, paid_amount=None)


def test_kpi_counts_lifts_signed_in_the_year_once() -> None:
    lifts = factories.lifts(4)
    sign(lifts[:3])
    actions.sign_policy(
        None,
        number="DTBX2025",
        insurer=Policy.objects.get().insurer,
        lifts=lifts[2:],
        signed_on=dt.date(2024, 12, 20),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        premium=D("7200.00"),
        cover=D("400000.00"),
    )
    kpi = registry.get("fund.lift_insurance.lifts_signed")
    assert kpi.compute(2023) == 3 and kpi.compute(2024) == 2 and kpi.is_count
    assert kpi.records is not None and kpi.records(2023).count() == 3
    assert kpi.records_url is not None and kpi.records_url(2023) == "/fund/lifts/?signed=2023"
    actions.set_pilot_target(None, date=dt.date(2024, 3, 31), lifts=200)
    progress = queries.progress(dt.date(2024, 1, 10))
    assert progress.total == 4 and progress.signed == [3, 3, 4]
    assert progress.next_target is not None and progress.next_target.lifts == 200


PAGES = [
    "/fund/lifts/",
    "/fund/lifts/?signed=2023&insured=yes&q=恒大",
    "/fund/lifts/policies/",
    "/fund/lifts/claims/",
    "/fund/lifts/progress/",
]
API = ["/api/fund/lifts/lifts", "/api/fund/lifts/policies", "/api/fund/lifts/claims", "/api/fund/lifts/progress"]


def test_pages_and_api_check_the_role(client_for) -> None:
    policy = sign(factories.lifts(2))
    office, reader = client_for("office"), client_for("information")
    for path in [*PAGES, f"/fund/lifts/policies/{policy.pk}/"]:
        assert Client().get(path).status_code == 302, path
        assert office.get(path).status_code == 403, path
        assert reader.get(path).status_code == 200, path
    for path in [*API, f"/api/fund/lifts/policies/{policy.pk}"]:
        assert Client().get(path).status_code == 401, path
        assert office.get(path).status_code == 403, path
        assert reader.get(path).status_code == 200, path
    assert reader.post(f"/fund/lifts/policies/{policy.pk}/", {"paid_on": "2023-12-29"}).status_code == 403
    assert reader.post("/fund/lifts/claims/", {}).status_code == 403
    claim = {"lift": "x", "date": "2024-03-01", "fault": "x", "amount": "1.00"}
    assert reader.post("/api/fund/lifts/claims", claim, content_type=JSON).status_code == 403
    assert (
        reader.post(
            f"/api/fund/lifts/policies/{policy.pk}/payments", {"paid_on": "2023-12-29"}, content_type=JSON
        ).status_code
        == 403
    )


def test_lift_pages_list_export_and_act(client_for) -> None:
    lifts = factories.lifts(2)
    client = client_for("station")
    html = client.get("/fund/lifts/?q=恒大").content.decode()
    assert lifts[0].registration_code in html
    response = client.get("/fund/lifts/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.post(
        "/fund/lifts/", {"building": "P0001-1", "registration_code": factories.code(9), "entrance": "1"}
    )
    assert response.status_code == 302 and Lift.objects.count() == 3
    response = client.post("/fund/lifts/", {"building": "P0001-1", "registration_code": "1"})
    assert response.status_code == 200 and Lift.objects.count() == 3
    insurer = factories.insurer()
    codes = "\n".join(lift.registration_code for lift in lifts)
    data = {
        "number": "DTBX9",
        "insurer": insurer.pk,
        "lifts": codes,
        "signed_on": "2023-12-20",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "premium": "7200.00",
        "cover": "400000.00",
    }
    response = client.post("/fund/lifts/policies/", data)
    policy = Policy.objects.get()
    assert response.status_code == 302 and policy.lifts.count() == 2
    factories.pooled_with("8000.00")
    response = client.post(f"/fund/lifts/policies/{policy.pk}/", {"paid_on": "2023-12-29", "bank": fund.bank().pk})
    assert response.status_code == 302 and actions.premium_paid(policy) == D("7200.00")
    response = client.post(
        "/fund/lifts/claims/",
        {"lift": lifts[0].registration_code, "date": "2024-02-01", "fault": "门机故障", "amount": "800"},
    )
    assert response.status_code == 302 and Claim.objects.count() == 1
    assert "门机故障" in client.get("/fund/lifts/claims/").content.decode()
    claim = Claim.objects.get()
    client.post("/fund/lifts/claims/", {"settle": claim.pk, "decision": "paid", "paid_amount": "abc"})
    assert Claim.objects.get().status == Claim.Status.REPORTED
    client.post("/fund/lifts/claims/", {"settle": claim.pk, "decision": "paid", "paid_amount": "750.00"})
    claim.refresh_from_db()
    assert claim.status == Claim.Status.PAID and claim.paid_amount == D("750.00")
    assert client_for("information").post("/fund/lifts/claims/", {"settle": claim.pk}).status_code == 403
    # The term (2024) is over by now.
    assert "DTBX9" in client.get("/fund/lifts/policies/?status=expired").content.decode()
    assert "DTBX9" not in client.get("/fund/lifts/policies/?status=active").content.decode()
    assert client.get("/fund/lifts/policies/?export=xlsx").status_code == 200
    assert client.get("/fund/lifts/claims/?export=xlsx").status_code == 200
    assert 'id="pilot-chart"' in client.get("/fund/lifts/progress/").content.decode()


def test_api_signs_pays_and_claims(client_for) -> None:
    lifts = factories.lifts(2)
    insurer = factories.insurer()
    client = client_for("station")
    body = {
        "number": "DTBX7",
        "insurer_uscc": insurer.enterprise.uscc,
        "lifts": [lift.registration_code for lift in lifts],
        "signed_on": "2023-12-20",
        "start": "2024-01-01",
        "end": "2024-12-31",
        "premium": "7200.00",
        "cover": "400000.00",
    }
    response = client.post("/api/fund/lifts/policies", body, content_type=JSON)
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert client.post("/api/fund/lifts/policies", body, content_type=JSON).status_code == 400
    assert client.post("/api/fund/lifts/policies", {**body, "lifts": ["NOPE"]}, content_type=JSON).status_code == 400
    path = f"/api/fund/lifts/policies/{pk}/payments"
    fund.bank()
    assert client.post(path, {"paid_on": "2023-12-29"}, content_type=JSON).status_code == 400  # pooled empty
    factories.pooled_with("7200.00")
    response = client.post(path, {"paid_on": "2023-12-29"}, content_type=JSON)
    assert response.status_code == 201 and response.json()["amount"] == "7200.00"
    assert client.get(f"/api/fund/lifts/policies/{pk}").json()["premium_paid"] == "7200.00"
    claim = {"lift": lifts[0].registration_code, "date": "2024-03-01", "fault": "主板故障", "amount": "3000.00"}
    assert client.post("/api/fund/lifts/claims", claim, content_type=JSON).status_code == 201
    assert client.post("/api/fund/lifts/claims", {**claim, "lift": "NOPE"}, content_type=JSON).status_code == 400
    claim_id = Claim.objects.get().pk
    response = client.post(f"/api/fund/lifts/claims/{claim_id}/settle", {}, content_type=JSON)
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert client.post(f"/api/fund/lifts/claims/{claim_id}/settle", {}, content_type=JSON).status_code == 400
    data = client.get("/api/fund/lifts/lifts?signed=2023").json()
    assert data["count"] == 2
    assert client.get("/api/fund/lifts/progress").json()["total"] == 2


def test_a_payout_is_capped_by_the_claim_and_the_cover() -> None:
    lifts = factories.lifts(1)
    sign(lifts)  # cover 200,000.00
    claim = actions.report_claim(None, lifts[0], date=dt.date(2024, 1, 18), fault="曳引机故障", amount=D("12800.00"))
    with pytest.raises(actions.LiftError, match=r"较小者 12800\.00"):
        actions.settle_claim(None, claim, paid_amount=D("12800.01"))
    for value in ("NaN", "Infinity"):
        with pytest.raises(actions.LiftError, match="应为数字"):
            actions.settle_claim(None, claim, paid_amount=D(value))
    assert Claim.objects.get().status == Claim.Status.REPORTED
    actions.settle_claim(None, claim, paid_amount=D("12800.00"))
    assert Claim.objects.get().paid_amount == D("12800.00") and claim.status == Claim.Status.PAID


def test_settling_with_a_non_finite_amount_is_a_message_not_a_500(client_for) -> None:
    lifts = factories.lifts(1)
    sign(lifts)
    claim = actions.report_claim(None, lifts[0], date=dt.date(2024, 1, 18), fault="门机故障", amount=D("800.00"))
    client = client_for("station")
    for value in ("NaN", "Infinity", "-inf", "sNaN"):
        response = client.post("/fund/lifts/claims/", {"settle": claim.pk, "decision": "paid", "paid_amount": value})
        assert response.status_code == 302, value
    assert Claim.objects.get().status == Claim.Status.REPORTED


def test_a_premium_the_ledger_refuses_is_a_lift_error() -> None:
    policy = sign(factories.lifts(1))
    factories.pooled_with("10000.00")
    bank = fund.bank()
    Account.objects.filter(pk=bank.pk).update(closed=dt.date(2023, 12, 1))
    bank.refresh_from_db()
    with pytest.raises(actions.LiftError, match="已销户"):
        actions.pay_premium(None, policy, paid_on=dt.date(2023, 12, 29), bank=bank)
    assert not PremiumPayment.objects.exists()


def test_searching_policies_does_not_inflate_their_lift_counts(client_for) -> None:
    policy = sign(factories.lifts(3))
    response = client_for("station").get("/fund/lifts/policies/?q=恒大")
    rows = list(response.context["page"])
    assert [(p.pk, p.lift_count) for p in rows] == [(policy.pk, 3)]
    assert re.search(rf'{policy.number}</a></td><td>[^<]*</td><td class="num">3</td>', response.content.decode())


@pytest.mark.parametrize("year", ["0", "99999", "99999999999999999999"])
def test_bad_years_are_clamped_or_refused(client_for, year: str) -> None:
    sign(factories.lifts(1))
    client = client_for("station")
    assert client.get(f"/fund/lifts/?signed={year}").status_code == 200
    assert client.get(f"/api/fund/lifts/lifts?signed={year}").status_code == 422


def test_the_policy_api_pages_with_paid_and_lifts_in_a_fixed_number_of_queries(
    client_for, django_assert_num_queries
) -> None:
    client = client_for("station")
    lifts = factories.lifts(6)
    first = sign(lifts[:2])
    factories.pooled_with("100000.00")
    actions.pay_premium(None, first, paid_on=dt.date(2023, 12, 29), bank=fund.bank(), amount=D("1000.00"))
    client.get("/api/fund/lifts/policies")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/fund/lifts/policies")
    for number, pair in (("DTBX002", lifts[2:4]), ("DTBX003", lifts[4:])):
        sign(pair, number=number)
    with django_assert_num_queries(len(one.captured_queries)):
        data = client.get("/api/fund/lifts/policies?limit=2").json()
    assert data["count"] == 3 and [p["number"] for p in data["items"]] == ["DTBX001", "DTBX002"]
    assert data["items"][0]["premium_paid"] == "1000.00" and data["items"][1]["premium_paid"] == "0.00"
    assert data["items"][0]["lifts"] == sorted(lift.registration_code for lift in lifts[:2])
    assert client.get("/api/fund/lifts/policies?offset=2").json()["items"][0]["number"] == "DTBX003"


def test_the_api_pays_from_a_named_account_when_there_are_several(client_for) -> None:
    policy = sign(factories.lifts(1))
    factories.pooled_with("10000.00")
    accounts.open_bank_account(None, bank_name="工商银行怀化分行", number="43050000000000000009")
    client = client_for("station")
    path = f"/api/fund/lifts/policies/{policy.pk}/payments"
    response = client.post(path, {"paid_on": "2023-12-29"}, content_type=JSON)
    assert response.status_code == 400 and "多个维修资金专户" in response.json()["detail"]
    body = {"paid_on": "2023-12-29", "bank_account_number": "43050000000000000009"}
    assert client.post(path, body, content_type=JSON).status_code == 201


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks (FOR UPDATE is dropped)")
def test_signing_and_settling_lock_their_rows() -> None:
    lifts = factories.lifts(2)
    with CaptureQueriesContext(connection) as signing:
        sign(lifts)
    assert any("FOR UPDATE" in q["sql"] and '"lifts_lift"' in q["sql"] for q in signing.captured_queries)
    claim = actions.report_claim(None, lifts[0], date=dt.date(2024, 1, 18), fault="x", amount=D("1.00"))
    with CaptureQueriesContext(connection) as settling:
        actions.settle_claim(None, claim, paid_amount=None)
    assert any("FOR UPDATE" in q["sql"] and '"lifts_claim"' in q["sql"] for q in settling.captured_queries)


def test_register_lifts_in_bulk_checks_every_code() -> None:
    unit = registry_factories.unit(project_name="恒大御景湾", room="101")
    rows = [actions.NewLift(unit.building_id, factories.code(n), "1", "日立") for n in (1, 2)]
    done: list[int] = []
    assert actions.register_lifts(None, rows, progress=done.append) == 2
    assert done[-1] == 2
    assert set(Lift.objects.values_list("registration_code", flat=True)) == {factories.code(1), factories.code(2)}
    with pytest.raises(LiftError) as taken:
        actions.register_lifts(None, [actions.NewLift(unit.building_id, factories.code(2))])
    assert taken.value.code == "lifts.code_taken"
    twice = [actions.NewLift(unit.building_id, factories.code(3))] * 2
    with pytest.raises(LiftError) as duplicate:
        actions.register_lifts(None, twice)
    assert duplicate.value.code == "lifts.duplicate_code"
    with pytest.raises(LiftError) as bad:
        actions.register_lifts(None, [actions.NewLift(unit.building_id, "123")])
    assert bad.value.code == "lifts.bad_code"
    assert Lift.objects.count() == 2


def test_the_lift_picker_finds_lifts_by_code_and_project(client_for) -> None:
    lifts = factories.lifts(2)
    client = client_for("station")
    url = "/pick/fund/lift/"
    found = client.get(url, {"q": lifts[0].registration_code[:-1]}).json()["results"]
    assert lifts[0].registration_code in [r["value"] for r in found]
    by_project = client.get(url, {"q": "恒大"}).json()["results"]
    assert sorted(r["value"] for r in by_project) == sorted(lift.registration_code for lift in lifts)
    assert "恒大御景湾 1幢" in by_project[0]["summary"]
    assert client_for("tax_agency").get(url, {"q": "恒大"}).status_code == 403
