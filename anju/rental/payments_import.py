"""Batch import of rent payments from the bank's file (.xlsx/.xls/.csv), all or nothing.

The file is read through a bank file profile (`anju.core.bankfile`): Anju's template (交易流水号,
交易日期, 金额, 合同编号, and optionally 付款人) or the bank's own statement export, where the lease
number is in the reference column. A file with any bad row writes nothing and names each bad row,
column and reason in Chinese. The bank's transaction id makes the import idempotent: a row already
imported with the same lease and amount is counted as a duplicate and skipped; the same id with a
different lease or amount is an error."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from anju.core import imports
from anju.core.bankfile import BankFile, BankFileImport, BankLine, BankUse
from anju.core.links import reverse
from anju.core.models import BankProfile, User
from anju.lib.tabular import Column, ImportRejected, Kind, RowError
from anju.rental import actions
from anju.rental.errors import RentalError
from anju.rental.models import Lease, Payment

MAX_AMOUNT = Decimal("10000000")
TXN_LENGTH = 60
CHUNK = 900
COLUMNS = (
    Column(
        "交易流水号",
        Kind.CODE,
        required=True,
        max_length=TXN_LENGTH,
        help="银行的交易流水号；已导入过的流水号计为“重复”并跳过，同一文件可以重复导入。",
    ),
    Column("交易日期", Kind.DATE, required=True, help="不能晚于今天，也不能早于合同起始日期。"),
    Column("金额", Kind.MONEY, required=True, help="大于0且不超过1000万元。"),
    Column("合同编号", required=True, help="租赁合同的编号。"),
    Column("付款人", omissible=True, help="为空时记为承租人。"),
)
HEADERS = [column.name for column in COLUMNS]
PAYMENTS = BankUse(
    "租金缴款导入",
    needs=frozenset({"reference"}),
    reads=frozenset({"counterparty"}),
    reference="合同编号",
    reference_required=True,
    max_lengths={"txn_id": TXN_LENGTH},
)


def import_payments(
    actor: User | None,
    filename: str,
    content: bytes,
    *,
    ip: str | None = None,
    profile: BankProfile | str | None = None,
) -> dict[str, int]:
    """Validate the whole file, then record every new payment in one transaction.
    Returns {"created": n, "duplicates": n}; raises ImportRejected with every bad row."""
    result: dict[str, int] = imports.run(PAYMENTS_IMPORT, actor, filename, content, ip=ip, profile=profile)
    return result


@dataclass
class _Fetched:
    leases: dict[str, Lease]
    known: dict[str, tuple[int, Decimal]]
    lines: list[BankLine]  # the payments: good lines of money in
    outflows: int


class PaymentsImport(BankFileImport):
    """租金缴款导入: each line pays the lease its reference names."""

    key = "rental.payments"
    title = "租金缴款导入"
    module = "rental"
    columns = COLUMNS
    use = PAYMENTS
    example = ("ICBC2023012000001", "2023-01-20", "1500.00", "GZ-CD-2023-0001", "王五")
    tabs = ("rental/_tabs.html", "payments")

    @property
    def crumbs(self) -> list[imports.Crumb]:  # type: ignore[override]
        return [imports.Crumb(_("Public rental housing"), reverse("rental:home"))]

    def fetch(self, parsed: BankFile, options: imports.Options) -> _Fetched:
        numbers = sorted({row.values["reference"] for row in parsed.rows if row.values.get("reference")})
        # One query per look-up, the file's values as one parameter (`imports.among`).
        leases: dict[str, Lease] = (
            {lease.number: lease for lease in Lease.objects.filter(number__in=imports.among(numbers))}
            if numbers
            else {}
        )
        bad, outflows = _amount_errors(parsed)
        skipped = bad | outflows | parsed.repeated
        lines = [line for line in parsed.lines if line.row not in skipped]
        known: dict[str, tuple[int, Decimal]] = {}
        txn_ids = sorted({line.txn_id for line in lines})
        if txn_ids:
            for txn, lease_id, amount in Payment.objects.filter(bank_txn__in=imports.among(txn_ids)).values_list(
                "bank_txn", "lease_id", "amount"
            ):
                if txn is not None:
                    known[txn] = (lease_id, amount)
        return _Fetched(leases, known, lines, len(outflows))

    def check(self, parsed: BankFile, fetched: _Fetched, options: imports.Options) -> list[RowError]:
        errors: list[RowError] = []
        reference, date = parsed.headers["reference"], parsed.headers["date"]
        for row in parsed.rows:
            number = row.values.get("reference")
            if number is None:
                continue
            lease = fetched.leases.get(number)
            day = row.values.get("date")
            if lease is None:
                errors.append(RowError(row.number, reference, f"没有{reference}为“{number}”的租赁合同"))
            elif day is not None and day < lease.start:
                errors.append(RowError(row.number, date, f"{date}早于合同起始日期{lease.start:%Y-%m-%d}"))
        txn = parsed.headers["txn_id"]
        for line in fetched.lines:
            lease = fetched.leases.get(line.reference)
            before = fetched.known.get(line.txn_id)
            if lease is not None and before is not None and before != (lease.pk, line.amount):
                errors.append(RowError(line.row, txn, f"{txn}“{line.txn_id}”已导入，但合同或金额与本行不同"))
        return errors

    def write(
        self, actor: User | None, parsed: BankFile, fetched: _Fetched, options: imports.Options
    ) -> dict[str, int]:
        new = [(line, fetched.leases[line.reference]) for line in fetched.lines if line.txn_id not in fetched.known]
        try:
            with transaction.atomic():
                _record(actor, new)
        except IntegrityError as exc:  # the same transaction ids imported at the same moment by someone else
            raise ImportRejected([RowError(0, "交易流水号", "文件中的流水号刚被另一次导入登记，请重新导入")]) from exc
        except RentalError as exc:
            raise ImportRejected([RowError(0, "", str(exc))]) from exc
        result = {"created": len(new), "duplicates": len(fetched.lines) - len(new)}
        if fetched.outflows:
            result["outflows"] = fetched.outflows
        return result

    def audit(self, result: dict[str, int], options: imports.Options) -> imports.AuditEntry:
        return imports.AuditEntry(model=Payment._meta.label, after=result, note="导入银行租金缴款")

    def done(self, result: dict[str, int], options: imports.Options) -> imports.Done:
        message = gettext("%(created)d payments recorded, %(duplicates)d already imported.") % result
        return imports.Done(reverse("rental:payments"), message)


def _amount_errors(parsed: BankFile) -> tuple[set[int], set[int]]:
    """Rows whose amount is refused (each with its error) and money-out rows of a whole statement."""
    bad: set[int] = set()
    outflows: set[int] = set()
    for row, amount in parsed.amounts.items():
        column = parsed.amount_column(amount)
        if parsed.statement and amount.amount < 0:
            outflows.add(row)
        elif amount.amount <= 0 or amount.amount > MAX_AMOUNT:
            parsed.errors.append(RowError(row, column, f"{column}应大于0且不超过1000万：{amount.text}"))
            bad.add(row)
    return bad, outflows


PAYMENTS_IMPORT = PaymentsImport()


def _record(actor: User | None, new: list[tuple[BankLine, Lease]]) -> None:
    """Set-based: the payments in one bulk insert, then allocated to the leases' open bills (one query
    of the payments with something left, one of the open bills, oldest first; bulk insert and update)."""
    created_by = actor if actor is not None and actor.pk else None
    Payment.objects.bulk_create(
        [
            Payment(
                lease=lease,
                kind=lease.kind,
                amount=line.amount,
                unallocated=line.amount,
                paid_on=line.date,
                channel=Payment.Channel.IMPORT,
                bank_txn=line.txn_id,
                payer=line.counterparty[:120] or lease.tenant_name,
                created_by=created_by,
            )
            for line, lease in sorted(new, key=lambda item: (item[0].date, item[0].row))
        ],
        batch_size=CHUNK,
    )
    actions.apply_credit(actor, lease_ids={lease.pk for _, lease in new})
