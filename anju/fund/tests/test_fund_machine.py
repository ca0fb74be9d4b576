"""Money is never lost (issue 18, item 9): a hypothesis state machine over the fund's operations.

Deposits, bank imports (and re-imports of the same file), use advances and settlements, refunds,
interest allocation, arrears recoveries, ownership transfers and reversals run in random order through
the fund's own actions. After every step: each entry balances, every account's balance equals its
lines, no ledger is overdrawn, the fund equals the bank (and the bank what this model expects from the
money that went in and out), the HMAC chain verifies, and a refused operation wrote nothing.

The profile comes from ANJU_FUND_MACHINE_PROFILE: `short` (the normal test run: a few sequences) or
`soak` (`make soak`: 1,000 sequences, on whichever DATABASE_URL is set)."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from anju.core.models import Role, User
from anju.fund import checks, ledger
from anju.fund.arrears import actions as arrears
from anju.fund.bank import actions as bank_import
from anju.fund.interest import actions as interest
from anju.fund.models import Account, JournalEntry, JournalLine, UseApplication
from anju.fund.refunds import actions as refunds
from anju.fund.tests import factories
from anju.fund.tests import use_factories as uf
from anju.fund.use import actions as use
from anju.lib.errors import DomainError
from anju.registry import actions as registry_actions
from anju.registry.models import Ownership, Project
from anju.registry.tests import factories as registry

settings.register_profile(
    "short",
    max_examples=int(os.environ.get("ANJU_FUND_MACHINE_EXAMPLES", "4")),
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "soak",
    max_examples=int(os.environ.get("ANJU_FUND_MACHINE_EXAMPLES", "1000")),
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = os.environ.get("ANJU_FUND_MACHINE_PROFILE", "short")
D = Decimal
ZERO = D("0.00")
UNITS = 4
money = st.decimals(min_value=D("0.01"), max_value=D("5000.00"), places=2)


def _user(username: str, role: str) -> User:
    user = User.objects.create_user(username=username, password="Anju-test-pass-2023", full_name=username)
    user.roles.set(Role.objects.filter(code=role))
    return user


class FundMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    @initialize()
    def build_estate(self) -> None:
        """One estate of four owned units with empty ledgers, a bank account, staff, an arrears case."""
        self.accounts = [
            factories.unit_account(
                room=f"{101 + i}", area=f"{80 + 10 * i}.00", owner=registry.person(f"业主{i}", seq=i + 1)
            )
            for i in range(UNITS)
        ]
        self.bank = factories.bank()
        self.clerk, self.reviewer, self.leader = (
            _user("clerk", "station"),
            _user("reviewer", "finance"),
            _user("leader", "leadership"),
        )
        project = Project.objects.get(code="P0001")
        developer = registry.enterprise("怀化宏达房地产开发有限公司", seed=1)
        project.developer = developer
        project.save(update_fields=["developer"])
        units = [a.unit for a in self.accounts if a.unit is not None]
        self.case = arrears.open_case(
            None, developer=developer, project=project, opened_on=dt.date(2021, 1, 4), items=[(units[0], D("3000.00"))]
        )
        self.day = dt.date(2021, 1, 5)
        self.expected_bank = ZERO
        self.files: list[bytes] = []
        self.txn = 0
        self.allocated: set[int] = set()
        self.application: UseApplication | None = None
        self.people = UNITS

    # --- helpers ------------------------------------------------------------------------------------

    def _tick(self, days: int) -> dt.date:
        self.day = min(self.day + dt.timedelta(days=days), timezone.localdate() - dt.timedelta(days=1))
        return self.day

    def _attempt(self, operation: Any) -> Any:
        """Run one operation; a refusal must leave the journal as it was."""
        before = JournalEntry.objects.count()
        try:
            with transaction.atomic():
                return operation()
        except DomainError:
            assert JournalEntry.objects.count() == before, "a refused operation wrote entries"
            return None

    def _open(self, index: int) -> Account:
        return Account.objects.get(pk=self.accounts[index % UNITS].pk)

    def _next_txn(self) -> str:
        self.txn += 1
        return f"SIM{self.txn:06d}"

    # --- operations ---------------------------------------------------------------------------------

    @rule(index=st.integers(0, UNITS - 1), amount=money, days=st.integers(0, 40))
    def deposit(self, index: int, amount: Decimal, days: int) -> None:
        day = self._tick(days)
        if self._attempt(lambda: factories.deposit(self._open(index), str(amount), day, first=False)):
            self.expected_bank += amount

    @rule(rows=st.lists(st.tuples(st.integers(-1, UNITS - 1), money), min_size=1, max_size=4), days=st.integers(0, 40))
    def bank_file(self, rows: list[tuple[int, Decimal]], days: int) -> None:
        day = self._tick(days)
        lines = [",".join(bank_import.HEADERS)]
        for index, amount in rows:
            code = self._open(index).unit.code if index >= 0 else "UNKNOWN-CODE"  # type: ignore[union-attr]
            lines.append(f"{self._next_txn()},{day.isoformat()},{amount},{code},业主,维修资金")
        content = ("\n".join(lines) + "\n").encode("utf-8-sig")
        summary = self._attempt(lambda: bank_import.import_receipts(None, "到账.csv", content))
        if summary is not None:
            assert summary.posted + summary.suspense == len(rows) and summary.duplicates == 0
            self.expected_bank += sum((amount for _, amount in rows), ZERO)
            self.files.append(content)

    @precondition(lambda self: bool(self.files))
    @rule(data=st.data())
    def bank_file_again(self, data: st.DataObject) -> None:
        content = data.draw(st.sampled_from(self.files))
        entries = JournalEntry.objects.count()
        summary = bank_import.import_receipts(None, "到账.csv", content)
        assert summary.posted == summary.suspense == 0 and summary.duplicates >= 1
        assert JournalEntry.objects.count() == entries

    @precondition(lambda self: self.application is None)
    @rule(budget=st.decimals(min_value=D("10.00"), max_value=D("3000.00"), places=2))
    def approve_use(self, budget: Decimal) -> None:
        def approve() -> UseApplication:
            project = Project.objects.get(code="P0001")
            app = use.create_application(None, uf.data(project, items=[("屋面防水", str(budget))]))
            use.record_votes(None, app, {code: "agree" for code in uf.codes(app)})
            use.take_step(self.clerk, app, "submit")
            use.take_step(self.reviewer, app, "review")
            return use.take_step(self.leader, app, "approve")

        self.application = self._attempt(approve)

    @precondition(lambda self: self.application is not None)
    @rule(share=st.integers(1, 100), settle=st.booleans())
    def pay_use(self, share: int, settle: bool) -> None:
        app = UseApplication.objects.get(pk=self.application.pk)  # type: ignore[union-attr]
        if settle:
            cost = (app.budget * share / 100).quantize(D("0.01")) or D("0.01")
            payment = self._attempt(
                lambda: use.pay(None, app, kind="settlement", final_cost=cost, value_date=timezone.localdate())
            )
        else:
            amount = (app.budget * share / 200).quantize(D("0.01")) or D("0.01")
            payment = self._attempt(
                lambda: use.pay(None, app, kind="advance", amount=amount, value_date=timezone.localdate())
            )
        if payment is not None:
            self.expected_bank -= payment.from_fund
            if settle:
                self.application = None

    @rule(index=st.integers(0, UNITS - 1))
    def refund(self, index: int) -> None:
        account = self._open(index)

        def pay() -> Any:
            app = refunds.create_refund(self.clerk, account, applicant="业主", reason="房屋灭失（拆除）")
            refunds.submit_refund(self.clerk, app)
            refunds.review_refund(self.reviewer, app)
            refunds.approve_refund(self.leader, app, note="同意")
            return refunds.pay_refund(self.clerk, app, paid_on=timezone.localdate())

        paid = self._attempt(pay)
        if paid is not None:
            self.expected_bank -= paid.amount

    @precondition(lambda self: self.day.year < timezone.localdate().year)
    @rule(amount=money, pooled=st.sampled_from([None, D("0"), D("10")]))
    def allocate_interest(self, amount: Decimal, pooled: Decimal | None) -> None:
        """The year closes (the clock moves to the next January) and its interest is shared out."""
        year = self.day.year
        self.day = dt.date(year + 1, 1, 5)
        result = self._attempt(lambda: interest.allocate_interest(year, amount, pooled_percent=pooled))
        if result is not None:
            self.allocated.add(year)
            self.expected_bank += amount

    @rule(amount=st.decimals(min_value=D("0.01"), max_value=D("1500.00"), places=2), days=st.integers(0, 400))
    def recover_arrears(self, amount: Decimal, days: int) -> None:
        day = self._tick(days)
        recovery = self._attempt(
            lambda: arrears.record_recovery(
                None, self.case, amount=amount, received_on=day, bank=self.bank, bank_txn_id=self._next_txn()
            )
        )
        if recovery is not None:
            self.expected_bank += amount

    @rule(index=st.integers(0, UNITS - 1), days=st.integers(0, 40))
    def transfer_ownership(self, index: int, days: int) -> None:
        """Resale (办法 art. 28): the balance stays with the unit, no money moves."""
        day = self._tick(days)
        account = self._open(index)
        before = (account.balance, JournalEntry.objects.count())
        self.people += 1
        buyer = registry.person(f"买受人{self.people}", seq=self.people + 10)
        Ownership.objects.filter(unit_id=account.unit_id, end=None).update(end=day)
        registry_actions.open_ownerships(None, [registry_actions.NewHolding(account.unit_id, buyer.pk, None, day)])  # type: ignore[arg-type]
        assert (self._open(index).balance, JournalEntry.objects.count()) == before

    @rule(data=st.data(), days=st.integers(0, 40))
    def reverse(self, data: st.DataObject, days: int) -> None:
        candidates = list(
            JournalEntry.objects.exclude(kind=JournalEntry.Kind.REVERSAL)
            .filter(reversed_by__isnull=True)
            .values_list("pk", flat=True)
        )
        if not candidates:
            return
        entry = JournalEntry.objects.get(pk=data.draw(st.sampled_from(candidates)))
        day = self._tick(days)
        bank_line = entry.lines.filter(account__kind=Account.Kind.BANK).aggregate(s=Sum("amount"))["s"]
        reversal = self._attempt(lambda: ledger.reverse(entry, actor=None, value_date=day, memo="错账冲正"))
        if reversal is not None and bank_line is not None:
            self.expected_bank -= D(bank_line)

    # --- what must hold after every step ------------------------------------------------------------

    @invariant()
    def money_is_where_the_ledger_says(self) -> None:
        report = checks.check_ledger()
        assert report.ok, report.as_dict()
        assert report.chain["ok"] is True
        for entry_id, total in (
            JournalLine.objects.values("entry_id").annotate(t=Sum("amount")).values_list("entry_id", "t")
        ):
            assert total == 0, f"entry {entry_id} does not balance"
        sums = dict(JournalLine.objects.values("account").annotate(t=Sum("amount")).values_list("account", "t"))
        by_kind: dict[str, Decimal] = {}
        for account in Account.objects.all():
            assert account.balance == account.sign * D(sums.get(account.pk) or 0), account
            assert account.is_asset or account.balance >= 0, f"{account} overdrawn"
            by_kind[account.kind] = by_kind.get(account.kind, ZERO) + account.balance
        fund = sum((v for k, v in by_kind.items() if k not in Account.ASSET_KINDS), ZERO)
        assert fund == by_kind.get(Account.Kind.BANK, ZERO) + by_kind.get(Account.Kind.RECEIVABLE, ZERO)
        assert by_kind.get(Account.Kind.BANK, ZERO) == self.expected_bank


@pytest.mark.django_db
def test_money_is_never_lost() -> None:
    run_state_machine_as_test(FundMachine, settings=settings.get_profile(PROFILE))
