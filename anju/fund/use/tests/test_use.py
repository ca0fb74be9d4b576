"""Use applications through the actions: scope, split, votes, workflow, payments, attachments."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from anju.core import attachments, workflow
from anju.core.models import AuditEvent
from anju.fund import accounts, ledger
from anju.fund.checks import check_ledger
from anju.fund.interest import actions as interest
from anju.fund.models import Account, ApplicationEvent, JournalEntry, JournalLine, UseApplication, UsePayment
from anju.fund.tests import factories as fund_factories
from anju.fund.tests import use_factories as uf
from anju.fund.use import actions as use
from anju.fund.use import queries as use_queries
from anju.fund.use import votes_import
from anju.lib.tabular import ImportRejected
from anju.registry.models import Project
from anju.registry.tests import factories as registry

pytestmark = pytest.mark.django_db
D = Decimal
S = UseApplication.Status


def today() -> dt.date:
    """Payments are dated from the approval (today in these tests) to today."""
    return timezone.localdate()


def approve(app: UseApplication, make_user) -> UseApplication:
    handler = make_user("h", "station")
    reviewer = make_user("r", "finance")
    leader = make_user("l", "leadership")
    use.take_step(handler, app, "submit")
    use.take_step(reviewer, app, "review")
    return use.take_step(leader, app, "approve")


def steps_for(app: UseApplication, user) -> list[str]:
    return [step.name for step in workflow.available_steps(use.WORKFLOW, app, user)]


def all_agree(app: UseApplication) -> None:
    use.record_votes(None, app, {code: "agree" for code in uf.codes(app)})


# --- scope and split -------------------------------------------------------------------------------------


def test_the_scope_keeps_each_units_area_and_owner_and_the_budget_splits_exactly() -> None:
    uf.estate(["100.00", "80.00", "120.00"])
    app = uf.application(items=[("屋面防水", "700.00"), ("排水管", "300.01")])
    assert app.budget == D("1000.01") and app.number.startswith("SY")
    rows = use_queries.split(app)
    assert [r.scope_unit.unit.code for r in rows] == ["P0001-1-1-101", "P0001-1-1-102", "P0001-1-1-103"]
    assert [r.scope_unit.owner_name for r in rows] == ["业主1", "业主2", "业主3"]
    # 1000.01 by 100:80:120 = 333.336.., 266.669.., 400.004..: the leftover fen to the largest remainder
    assert [r.share for r in rows] == [D("333.34"), D("266.67"), D("400.00")]
    assert sum(r.share for r in rows) == app.budget
    assert ApplicationEvent.objects.filter(application=app, to_status=S.DRAFT).count() == 1
    assert AuditEvent.objects.filter(model="fund.UseApplication", action="create").count() == 1


def test_a_short_balance_is_the_owners_to_pay() -> None:
    uf.estate(["100.00", "100.00"], balances=["100.00", "0"])
    app = uf.application(items=[("外墙", "400.00")])
    rows = use_queries.split(app)
    assert [(r.share, r.from_fund, r.shortfall) for r in rows] == [
        (D("200.00"), D("100.00"), D("100.00")),
        (D("200.00"), D("0.00"), D("200.00")),
    ]


@pytest.mark.parametrize(
    ("kind", "spec", "expected"),
    [
        ("buildings", "1", ["P0001-1-1-101", "P0001-1-1-102", "P0001-1-1-103"]),
        ("range", "P0001-1-1-102 ~ P0001-1-1-103", ["P0001-1-1-102", "P0001-1-1-103"]),
        ("list", "P0001-1-1-103\nP0001-1-1-101, P0001-1-1-101", ["P0001-1-1-101", "P0001-1-1-103"]),
    ],
)
def test_scope_kinds(kind: str, spec: str, expected: list[str]) -> None:
    uf.estate()
    assert uf.codes(uf.application(scope_kind=kind, scope_spec=spec)) == expected


@pytest.mark.parametrize(
    ("kind", "spec", "message"),
    [
        ("buildings", "9", "没有这些幢"),
        ("range", "P0001-1-1-101", "起止两个"),
        ("list", "P0001-1-1-101 P0009-1-1-1", "没有这些房屋"),
    ],
)
def test_bad_scopes_are_refused(kind: str, spec: str, message: str) -> None:
    uf.estate()
    with pytest.raises(use.UseError, match=message):
        uf.application(scope_kind=kind, scope_spec=spec)
    assert not UseApplication.objects.exists()


def test_editing_the_budget_splits_again_and_clears_the_votes() -> None:
    uf.estate()
    app = uf.application()
    all_agree(app)
    app.refresh_from_db()
    assert app.vote_passed
    # The owners agreed to 1000.00 of roof repair, not to 3000.00: the vote is taken again.
    use.update_application(None, app, uf.data(app.project, items=[("屋面防水", "3000.00")]))
    assert [r.share for r in use_queries.split(app)] == [D("1000.00"), D("800.00"), D("1200.00")]
    app.refresh_from_db()
    assert not app.scope_units.exclude(vote="not_voted").exists()
    assert not app.vote_passed and app.vote is not None and app.vote["voted_owners"] == 0
    change = AuditEvent.objects.filter(model="fund.UseApplication", action="update").latest("pk")
    assert change.before["items"] == [["屋面防水", "1000.00"]] and change.before["budget"] == "1000.00"
    assert change.after["items"] == [["屋面防水", "3000.00"]] and change.after["votes_cleared"] == 3
    # Renamed items change what was voted on too; a new scope replaces the units.
    all_agree(app)
    use.update_application(None, app, uf.data(app.project, items=[("屋面防水及保温", "3000.00")]))
    assert not app.scope_units.exclude(vote="not_voted").exists()
    all_agree(app)
    use.update_application(None, app, uf.data(app.project, scope_kind="list", scope_spec="P0001-1-1-101"))
    assert app.scope_units.get().vote == "not_voted"


def test_an_edit_that_leaves_scope_and_items_alone_keeps_the_votes() -> None:
    uf.estate()
    app = uf.application()
    all_agree(app)
    data = uf.data(app.project)
    use.update_application(None, app, replace(data, contractor_bank="中国工商银行怀化分行"))
    app.refresh_from_db()
    assert app.scope_units.filter(vote="agree").count() == 3 and app.vote_passed
    change = AuditEvent.objects.filter(model="fund.UseApplication", action="update").latest("pk")
    assert change.after["contractor_bank"] == "中国工商银行怀化分行" and "votes_cleared" not in change.after


def test_buildings_are_found_in_a_fixed_number_of_queries(django_assert_max_num_queries) -> None:
    uf.estate(["50.00"] * 6)
    project = Project.objects.get(code="P0001")
    for number in ("2", "3", "4"):
        registry.unit(building=number, room="101", area="60.00")
    with django_assert_max_num_queries(2):
        units = use.resolve_scope(project, "buildings", "1 2 3 4")
    assert len(units) == 9
    with pytest.raises(use.UseError, match="没有这些幢：9"):
        use.resolve_scope(project, "buildings", "1 9")


def test_unsold_units_count_with_their_developer_as_one_owner() -> None:
    developer = registry.enterprise("怀化宏达房地产开发有限公司", seed=5)
    buyer = registry.person("业主甲", seq=300)
    registry.unit(room="101", area="100.00", owner=buyer)
    registry.unit(room="102", area="100.00", owner=developer)  # the developer holds it on record
    registry.unit(room="103", area="100.00")  # unsold
    Project.objects.filter(code="P0001").update(developer=developer)
    accounts.ensure_unit_accounts()
    fund_factories.bank()
    app = uf.application()
    assert sorted(app.scope_units.values_list("owner_key", flat=True)) == [f"e{developer.pk}"] * 2 + [f"p{buyer.pk}"]
    codes = uf.codes(app)
    with pytest.raises(use.UseError, match="不一致"):  # one owner, one vote
        use.record_votes(None, app, {codes[1]: "agree", codes[2]: "oppose"})
    result = use.record_votes(None, app, {codes[0]: "agree", codes[1]: "agree"})
    assert result.total_owners == 2 and result.voted_owners == 2 and result.voted_area == D("300.00")


# --- votes -----------------------------------------------------------------------------------------------


def test_an_ordinary_application_cannot_be_submitted_without_a_passed_vote(make_user) -> None:
    uf.estate(["100.00", "100.00", "100.00"])
    app = uf.application()
    handler = make_user("h", "station")
    with pytest.raises(use.UseError, match="表决未通过"):
        use.take_step(handler, app, "submit")
    # 2 of 3 owners and area take part (exactly 2/3); both agree: passes
    codes = uf.codes(app)
    result = use.record_votes(None, app, {codes[0]: "agree", codes[1]: "agree"})
    assert result.outcome.quorum_met and result.outcome.passed
    use.take_step(handler, app, "submit")
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and app.vote_passed and app.vote["agree_owners"] == 2


def test_half_the_participants_agreeing_is_not_enough() -> None:
    uf.estate(["100.00", "100.00", "100.00", "100.00"])
    app = uf.application()
    codes = uf.codes(app)
    result = use.record_votes(None, app, {codes[0]: "agree", codes[1]: "oppose", codes[2]: "abstain"})
    assert result.outcome.quorum_met and not result.outcome.passed  # 1 of 3 agree
    result = use.record_votes(None, app, {codes[1]: "agree", codes[3]: "oppose"})
    assert not result.outcome.passed  # 2 of 4: exactly half
    result = use.record_votes(None, app, {codes[2]: "agree"})
    assert result.outcome.passed  # 3 of 4


def test_an_owner_with_several_units_counts_once_and_votes_once() -> None:
    uf.estate(["100.00", "100.00"], shared_owner=True)
    app = uf.application()
    codes = uf.codes(app)
    with pytest.raises(use.UseError, match="不一致"):
        use.record_votes(None, app, {codes[0]: "agree", codes[1]: "oppose"})
    result = use.record_votes(None, app, {codes[0]: "agree"})
    assert result.total_owners == 1 and result.voted_owners == 1
    assert result.voted_area == D("200.00") and result.outcome.passed


def test_the_city_rule_comes_from_the_setting(settings) -> None:
    uf.estate(["100.00", "100.00", "100.00"])
    app = uf.application()
    codes = uf.codes(app)
    settings.FUND_VOTE_RULE = "two_thirds_2007"
    result = use.record_votes(None, app, {codes[0]: "agree", codes[1]: "agree", codes[2]: "oppose"})
    assert result.outcome.rule == "two_thirds_2007" and result.outcome.passed  # exactly 2/3 of all agree
    result = use.record_votes(None, app, {codes[1]: "abstain"})
    assert not result.outcome.passed
    settings.FUND_VOTE_RULE = "civil_code_2021"
    assert not use_queries.tally(app).outcome.passed  # 1 of 3 participants agree


def vote_file(rows: list[list[object]]) -> bytes:
    import io

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["房屋编码", "表决意见"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_vote_import_is_all_or_nothing_with_row_errors() -> None:
    uf.estate()
    app = uf.application()
    codes = uf.codes(app)
    bad = vote_file([[codes[0], "同意"], [codes[1], "赞成"], ["P0009-1-1-1", "反对"], [codes[0], "反对"]])
    with pytest.raises(ImportRejected) as caught:
        votes_import.import_votes(None, app, "votes.xlsx", bad)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "表决意见"), (4, "房屋编码"), (5, "房屋编码")]
    assert not app.scope_units.exclude(vote="not_voted").exists()
    result = votes_import.import_votes(None, app, "votes.xlsx", vote_file([[c, "同意"] for c in codes]))
    assert result.outcome.passed and app.scope_units.filter(vote="agree").count() == 3


def test_vote_import_names_the_rows_that_split_an_owners_vote() -> None:
    uf.estate(["100.00", "100.00", "100.00"], shared_owner=True)  # one owner holds all three
    app = uf.application()
    codes = uf.codes(app)
    use.record_votes(None, app, {codes[2]: "agree"})
    sheet = vote_file([[codes[0], "同意"], [codes[1], "反对"]])
    with pytest.raises(ImportRejected) as caught:
        votes_import.import_votes(None, app, "votes.xlsx", sheet)
    errors = caught.value.errors
    # the file's rows 2 and 3 (not row 0, "the file"): each names the owner's units that vote otherwise
    assert [(e.row, e.column) for e in errors] == [(2, "表决意见"), (3, "表决意见")]
    assert errors[0].message.startswith(codes[0]) and codes[1] in errors[0].message
    assert errors[1].message.startswith(codes[1]) and codes[0] in errors[1].message and codes[2] in errors[1].message
    assert app.scope_units.filter(vote="agree").count() == 1
    with pytest.raises(ImportRejected) as caught:
        votes_import.import_votes(None, app, "votes.xlsx", vote_file([[codes[0], "反对"], [codes[1], "反对"]]))
    assert [e.row for e in caught.value.errors] == [2, 3]
    result = votes_import.import_votes(None, app, "votes.xlsx", vote_file([[codes[0], "同意"], [codes[1], "未表决"]]))
    assert result.outcome.passed


def test_recorded_votes_are_audited_unit_by_unit() -> None:
    uf.estate()
    app = uf.application()
    codes = uf.codes(app)
    use.record_votes(None, app, {codes[0]: "agree", codes[1]: "oppose"})
    use.record_votes(None, app, {codes[0]: "agree", codes[1]: "agree", codes[2]: "not_voted"})
    first, second = AuditEvent.objects.filter(model="fund.UseApplication", action="update").order_by("pk")
    assert first.after["votes"] == {codes[0]: ["not_voted", "agree"], codes[1]: ["not_voted", "oppose"]}
    assert second.after["votes"] == {codes[1]: ["oppose", "agree"]}
    assert second.before["vote"]["agree_owners"] == 1 and second.after["vote"]["agree_owners"] == 2


def test_votes_only_while_draft_and_never_for_emergencies(make_user) -> None:
    uf.estate()
    emergency = uf.application(kind="emergency")
    with pytest.raises(use.UseError, match="应急"):
        use.record_votes(None, emergency, {})
    app = uf.application()
    all_agree(app)
    use.take_step(make_user("h", "station"), app, "submit")
    with pytest.raises(use.UseError):
        use.record_votes(None, app, {})


# --- workflow --------------------------------------------------------------------------------------------


def test_emergency_goes_without_a_vote_and_each_step_is_recorded(make_user) -> None:
    uf.estate()
    app = approve(uf.application(kind="emergency"), make_user)
    assert app.status == S.APPROVED and app.vote is None
    steps = list(app.events.order_by("at", "pk").values_list("from_status", "to_status", "actor_name"))
    assert steps[1:] == [("draft", "submitted", "h"), ("submitted", "reviewed", "r"), ("reviewed", "approved", "l")]
    assert steps[0][:2] == ("", "draft")


def test_send_back_needs_a_reason_and_returns_to_draft(make_user) -> None:
    uf.estate()
    app = uf.application(kind="emergency")
    handler, reviewer = make_user("h", "station"), make_user("r", "finance")
    use.take_step(handler, app, "submit")
    with pytest.raises(use.UseError, match="理由"):
        use.take_step(reviewer, app, "send_back")
    use.take_step(reviewer, app, "send_back", note="报价单缺盖章")
    app.refresh_from_db()
    assert app.status == S.DRAFT
    last = app.events.last()
    assert last is not None and (last.step, last.note) == ("send_back", "报价单缺盖章")


def test_the_reviewer_is_not_the_handler_who_submitted(make_user) -> None:
    uf.estate()
    app = uf.application(kind="emergency")
    finance = make_user("f", "finance")
    use.take_step(finance, app, "submit")
    with pytest.raises(use.UseError, match="审核人"):
        use.take_step(finance, app, "review")


def test_the_approver_is_neither_the_handler_nor_the_reviewer(make_user) -> None:
    uf.estate()
    app = uf.application(kind="emergency")
    handler = make_user("h", "station")
    reviewer_leader = make_user("rl", "finance", "leadership")  # may review and may approve
    use.take_step(handler, app, "submit")
    app = use.take_step(reviewer_leader, app, "review")
    assert "approve" not in steps_for(app, reviewer_leader)
    with pytest.raises(use.UseError, match="审批人不能是该申请的经办人或审核人"):
        use.take_step(reviewer_leader, app, "approve")
    # nor the handler, holding the leader's role too
    app2 = uf.application(kind="emergency")
    handler_leader = make_user("hl", "station", "leadership")
    use.take_step(handler_leader, app2, "submit")
    app2 = use.take_step(make_user("r", "finance"), app2, "review")
    assert steps_for(app2, handler_leader) == ["send_back", "withdraw"]
    with pytest.raises(use.UseError, match="审批人"):
        use.take_step(handler_leader, app2, "approve")
    leader = make_user("l", "leadership")
    assert "approve" in steps_for(app, leader)
    assert use.take_step(leader, app, "approve").status == S.APPROVED


def test_the_role_is_checked_again_on_the_locked_status(make_user) -> None:
    uf.estate()
    app = uf.application(kind="emergency")
    use.take_step(make_user("h", "station"), app, "submit")
    seen = UseApplication.objects.get(pk=app.pk)  # the reviewer's page: submitted, so she may send it back
    use.take_step(make_user("r", "finance"), app, "review")  # meanwhile reviewed by a colleague
    with pytest.raises(use.UseError, match="无权办理"):  # from reviewed, a send-back is the leader's
        use.take_step(make_user("r2", "finance"), seen, "send_back", note="缺报价单")
    assert UseApplication.objects.get(pk=app.pk).status == S.REVIEWED


def test_withdrawn_is_final_and_steps_out_of_order_are_refused(make_user) -> None:
    uf.estate()
    app = uf.application(kind="emergency")
    leader = make_user("l", "leadership")
    with pytest.raises(use.UseError, match="当前为"):
        use.take_step(leader, app, "approve")
    use.take_step(None, app, "withdraw", note="业主自行维修")
    with pytest.raises(use.UseError):
        use.take_step(None, app, "submit")


def test_available_steps_follow_role_and_status(make_user) -> None:
    uf.estate()
    app = uf.application(kind="emergency")
    station, finance, leader = make_user("s", "station"), make_user("f", "finance"), make_user("l", "leadership")
    assert steps_for(app, station) == ["submit", "withdraw"]
    assert steps_for(app, leader) == []
    app = use.take_step(station, app, "submit")
    assert steps_for(app, finance) == ["review", "send_back", "withdraw"]
    assert steps_for(app, leader) == []
    app = use.take_step(finance, app, "review")
    assert steps_for(app, leader) == ["approve", "send_back"]


# --- payments --------------------------------------------------------------------------------------------


def test_advance_then_settlement_on_the_final_cost(make_user) -> None:
    accounts = uf.estate(["100.00", "80.00", "120.00"])  # balances 5000, 4000, 6000
    app = uf.application(items=[("屋面防水", "3000.00")])
    all_agree(app)
    app = approve(app, make_user)
    advance = use.pay(None, app, kind="advance", amount=D("900.00"), value_date=today())
    assert (advance.amount, advance.from_fund, advance.self_funded) == (D("900.00"), D("900.00"), D("0.00"))
    entry = advance.entry
    assert entry is not None and entry.kind == JournalEntry.Kind.USE and entry.document == f"use_application:{app.pk}"
    lines = dict(JournalLine.objects.filter(entry=entry).values_list("account_id", "amount"))
    assert lines == {
        accounts[0].pk: D("300.00"),
        accounts[1].pk: D("240.00"),
        accounts[2].pk: D("360.00"),
        Account.objects.get(kind="bank").pk: D("-900.00"),
    }
    app.refresh_from_db()
    assert app.status == S.PAYING
    settlement = use.pay(None, app, kind="settlement", final_cost=D("2800.01"), value_date=today())
    assert settlement.amount == D("1900.01")
    app.refresh_from_db()
    assert app.status == S.PAID and app.final_cost == D("2800.01")
    totals = [s.paid_fund + s.paid_self for s in app.scope_units.order_by("unit__code")]
    assert totals == [D("933.34"), D("746.67"), D("1120.00")] and sum(totals) == D("2800.01")
    assert [a.balance for a in Account.objects.filter(pk__in=[a.pk for a in accounts]).order_by("pk")] == [
        D("4066.66"),
        D("3253.33"),
        D("4880.00"),
    ]
    assert check_ledger().ok, check_ledger().violations
    use.take_step(None, app, "close")
    app.refresh_from_db()
    assert app.status == S.CLOSED


def test_a_payment_never_overdraws_the_rest_is_self_funded(make_user) -> None:
    accounts = uf.estate(["100.00", "100.00"], balances=["150.00", "0"])
    app = approve(uf.application(kind="emergency", items=[("电梯", "400.00")]), make_user)
    payment = use.pay(None, app, kind="settlement", final_cost=D("400.00"), value_date=today())
    assert (payment.from_fund, payment.self_funded) == (D("150.00"), D("250.00"))
    assert [a.balance for a in Account.objects.filter(pk__in=[a.pk for a in accounts]).order_by("pk")] == [
        D("0.00"),
        D("0.00"),
    ]
    shares = [(s.amount, s.from_fund, s.self_funded) for s in payment.shares.order_by("scope_unit__unit__code")]
    assert shares == [(D("200.00"), D("150.00"), D("50.00")), (D("200.00"), D("0.00"), D("200.00"))]
    assert check_ledger().ok, check_ledger().violations


def test_payment_rules(make_user) -> None:
    uf.estate()
    app = uf.application(kind="emergency", items=[("电梯", "1000.00")])
    with pytest.raises(use.UseError, match="当前为"):
        use.pay(None, app, kind="advance", amount=D("100.00"), value_date=today())
    approve(app, make_user)
    with pytest.raises(use.UseError, match="超过预算"):
        use.pay(None, app, kind="advance", amount=D("1000.01"), value_date=today())
    with pytest.raises(use.UseError, match="晚于今天"):
        use.pay(None, app, kind="advance", amount=D("10.00"), value_date=timezone.localdate() + dt.timedelta(days=2))
    use.pay(None, app, kind="advance", amount=D("500.00"), value_date=today())
    with pytest.raises(use.UseError, match="低于已拨付"):
        use.pay(None, app, kind="settlement", final_cost=D("499.99"), value_date=today())
    assert UsePayment.objects.count() == 1


def test_a_second_submit_of_the_same_payment_is_refused(make_user) -> None:
    uf.estate()
    app = approve(uf.application(kind="emergency", items=[("电梯", "1000.00")]), make_user)
    use.pay(None, app, kind="advance", amount=D("300.00"), value_date=today(), expected_payments=0)
    # the double click (or the retried request) still says "no payment yet"
    with pytest.raises(use.UseError, match="该申请已有新的拨付，请刷新后再试"):
        use.pay(None, app, kind="advance", amount=D("300.00"), value_date=today(), expected_payments=0)
    use.pay(None, app, kind="advance", amount=D("300.00"), value_date=today(), expected_payments=1)
    assert [p.amount for p in app.payments.order_by("pk")] == [D("300.00"), D("300.00")]
    assert JournalEntry.objects.filter(kind="use").count() == 2


def test_payments_are_dated_after_the_approval_and_the_last_interest_allocation(make_user) -> None:
    uf.estate()
    app = approve(uf.application(kind="emergency", items=[("电梯", "1000.00")]), make_user)
    year = today().year - 1
    approved_at = dt.datetime(year, 6, 1, 10, 0, tzinfo=timezone.get_current_timezone())
    ApplicationEvent.objects.filter(application=app, to_status=S.APPROVED).update(at=approved_at)
    with pytest.raises(use.UseError, match=f"不能早于审批同意日期 {year}-06-01"):
        use.pay(None, app, kind="advance", amount=D("100.00"), value_date=dt.date(year, 5, 31))
    interest.allocate_interest(year, D("120.00"))
    # that allocation shared the year's interest by each day's balance up to 31 December
    for day in (dt.date(year, 6, 1), dt.date(year, 12, 31)):
        with pytest.raises(use.UseError, match=f"须晚于最近一次利息分配的记账日期 {year}-12-31"):
            use.pay(None, app, kind="advance", amount=D("100.00"), value_date=day)
    payment = use.pay(None, app, kind="advance", amount=D("100.00"), value_date=dt.date(year + 1, 1, 1))
    assert payment.value_date == dt.date(year + 1, 1, 1) and UsePayment.objects.count() == 1


def test_advances_are_split_on_the_running_total(make_user) -> None:
    uf.estate(["100.00", "100.00", "100.00"])
    app = approve(uf.application(kind="emergency", items=[("电梯", "1000.00")]), make_user)
    # Split alone, each 100.01 gives its odd fen to 101 (ties by unit code): 66.68 / 66.68 / 66.66 after two.
    # Split on the running total, the two advances together are 200.02 split by area.
    use.pay(None, app, kind="advance", amount=D("100.01"), value_date=today())
    second = use.pay(None, app, kind="advance", amount=D("100.01"), value_date=today())
    assert [s.amount for s in second.shares.order_by("scope_unit__unit__code")] == [
        D("33.34"),
        D("33.33"),
        D("33.34"),
    ]
    paid = [s.paid_fund + s.paid_self for s in app.scope_units.order_by("unit__code")]
    assert paid == [D("66.68"), D("66.67"), D("66.67")] and sum(paid) == D("200.02")


def test_a_payment_over_many_units_posts_set_based_and_the_ledger_holds(make_user) -> None:
    areas = [f"{50 + i}.{i:02d}" for i in range(24)]  # more units than ledger.MANY_ACCOUNTS
    accounts_ = uf.estate(areas, balances=["900.00"] * 23 + ["10.00"])
    assert len(accounts_) > ledger.MANY_ACCOUNTS
    app = approve(uf.application(kind="emergency", items=[("电梯", "12345.67")]), make_user)
    advance = use.pay(None, app, kind="advance", amount=D("5000.00"), value_date=today())
    settlement = use.pay(None, app, kind="settlement", final_cost=D("12000.01"), value_date=today())
    assert advance.amount + settlement.amount == D("12000.01")
    report = check_ledger()
    assert report.ok, report.violations
    balances = dict(Account.objects.filter(pk__in=[a.pk for a in accounts_]).values_list("pk", "balance"))
    opening = {a.pk: D("900.00") for a in accounts_} | {accounts_[-1].pk: D("10.00")}
    for unit in app.scope_units.all():
        assert balances[unit.account_id] == opening[unit.account_id] - unit.paid_fund
        assert unit.paid_fund >= 0 and unit.paid_self >= 0
    last = app.scope_units.get(account=accounts_[-1])
    assert last.paid_fund == D("10.00") and last.paid_self > 0  # its account ran dry: the owner pays the rest
    assert sum(u.paid_fund + u.paid_self for u in app.scope_units.all()) == D("12000.01")
    lines = JournalLine.objects.filter(entry__kind="use")
    # the advance takes from all 24 accounts, the settlement from the 23 not yet dry; each credits the bank
    assert lines.count() == 25 + 24 and sum(line.amount for line in lines) == 0


def test_attachments_are_stored_with_the_application(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    uf.estate()
    app = uf.application()
    attachment = use.attach(None, app, kind="报价单", upload=SimpleUploadedFile("报价单.pdf", b"%PDF-1.4 quote"))
    assert attachment.name == "报价单.pdf" and attachment.size == 14 and attachment.module == "fund"
    with attachment.file.open("rb") as f:
        assert f.read() == b"%PDF-1.4 quote"
    assert [a.pk for a in attachments.for_record(app)] == [attachment.pk]
    with pytest.raises(use.UseError, match="类型"):
        use.attach(None, app, kind="合同?", upload=SimpleUploadedFile("a.pdf", b"x"))
    with pytest.raises(attachments.AttachmentError) as bad_file:
        use.attach(None, app, kind="其他", upload=SimpleUploadedFile("a.exe", b"MZ"))
    assert bad_file.value.code == "attachment.bad_type"
