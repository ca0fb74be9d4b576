"""`anju fund SUBCOMMAND`: the maintenance fund's batch jobs. Each prints JSON on stdout."""

from __future__ import annotations

import json
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from anju.fund import accounts, checks, queries, rotation
from anju.fund.bank import actions as bank
from anju.fund.interest import actions as interest
from anju.fund.models import Account
from anju.lib.errors import DomainError
from anju.lib.money import to_money
from anju.lib.tabular import FILE_ROW, ImportRejected, RowError


def _money(text: str) -> Decimal:
    return to_money(text)


class Command(BaseCommand):
    help = (
        "Maintenance fund jobs: allocate-interest, balance, check, import-bank, open-accounts, open-bank-account, "
        "rotate-key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("allocate-interest", help="Credit a year's bank interest to the unit accounts.")
        p.add_argument("--year", type=int, required=True)
        p.add_argument("--amount", required=True, help="yuan, at most 2 decimals")
        p.add_argument("--pooled-share", default=None, help="percent kept in the pooled account")
        p.add_argument("--bank", default=None, help="bank special account number (when there are several)")
        p = sub.add_parser("balance", help="A unit account's balance.")
        p.add_argument("unit_code")
        sub.add_parser("check", help="Prove the ledger's invariants and its HMAC chain; exit 1 naming each violation.")
        p = sub.add_parser(
            "rotate-key", help="Sign the journal with a new key from now on, re-anchoring the chain (audited)."
        )
        p.add_argument("--key", default="", help="id of a new key already in ANJU_LEDGER_KEY (else one is generated)")
        sub.add_parser("open-accounts", help="Open a ledger for every unit that has none.")
        p = sub.add_parser("open-bank-account", help="Open a bank special account (专户); refuses a known number.")
        p.add_argument("--bank", required=True, help="the bank's name, e.g. 中国建设银行怀化分行")
        p.add_argument("--number", required=True, help="the account number")
        p.add_argument("--name", default="", help="the account's name (default: <bank>维修资金专户)")
        p = sub.add_parser("import-bank", help="Import bank receipts (.xlsx, .xls or .csv); nothing if any row is bad.")
        p.add_argument("file", help="the .xlsx, .xls or .csv file")
        p.add_argument("--bank", default="", help="bank special account number (when there are several)")
        p.add_argument("--profile", default=None, help="the bank file profile's code (default: the standard one)")

    def emit(self, data: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def fail(self, message: str) -> None:
        self.emit({"error": message})
        sys.exit(1)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "do_" + options["subcommand"].replace("-", "_"))(options)

    def do_open_bank_account(self, options: dict[str, Any]) -> None:
        try:
            account = accounts.open_bank_account(
                None, bank_name=options["bank"], number=options["number"], name=options["name"]
            )
        except DomainError as exc:
            self.fail(exc.message)
            return
        self.emit({"opened": account.bank_account_number, "name": account.name, "bank": account.bank_name})

    def do_allocate_interest(self, options: dict[str, Any]) -> None:
        try:
            amount = _money(options["amount"])
            share = Decimal(options["pooled_share"]) if options["pooled_share"] is not None else None
        except (ValueError, InvalidOperation):
            self.fail("金额或统筹比例格式错误")
            return
        bank = None
        if options["bank"]:
            bank = Account.objects.filter(kind=Account.Kind.BANK, bank_account_number=options["bank"]).first()
            if bank is None:
                self.fail(f"专户 {options['bank']} 不存在")
        try:
            result = interest.allocate_interest(options["year"], amount, pooled_percent=share, bank=bank)
        except interest.InterestError as exc:
            self.fail(str(exc))
            return
        self.emit(result.as_dict())

    def do_balance(self, options: dict[str, Any]) -> None:
        account = Account.objects.select_related("unit").filter(unit__code=options["unit_code"]).first()
        if account is None:
            self.fail(f"房屋 {options['unit_code']} 没有分户账")
            return
        self.emit(
            {
                "unit": account.unit.code if account.unit else "",
                "balance": f"{account.balance:.2f}",
                "first_deposit": f"{account.first_deposit:.2f}",
                "interest": f"{queries.interest_total(account):.2f}",
            }
        )

    def do_check(self, options: dict[str, Any]) -> None:
        report = checks.check_ledger()
        self.emit(report.as_dict())
        if not report.ok:
            sys.exit(1)

    def do_rotate_key(self, options: dict[str, Any]) -> None:
        try:
            anchor = rotation.rotate_key(None, new_key_id=options["key"])
        except DomainError as exc:
            self.fail(exc.message)
            return
        self.emit(
            {"rotated": True, "after_seq": anchor.after_seq, "old_key": anchor.old_key_id, "new_key": anchor.new_key_id}
        )

    def do_open_accounts(self, options: dict[str, Any]) -> None:
        self.emit({"opened": accounts.ensure_unit_accounts()})

    def do_import_bank(self, options: dict[str, Any]) -> None:
        # Same output as `anju import-units`: the counts and exit 0, or {"errors": [...]} and exit 1.
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            self._reject([RowError(FILE_ROW, "", f"无法读取文件 {path}：{exc.strerror or exc}")])
            return
        try:
            summary = bank.import_receipts(
                None, path.name, content, bank_number=options["bank"], profile=options["profile"]
            )
        except ImportRejected as rejected:
            self._reject(rejected.errors)
            return
        self.emit(summary.as_dict())

    def _reject(self, errors: list[RowError]) -> None:
        self.emit({"errors": [error.as_dict() for error in errors]})
        sys.exit(1)
