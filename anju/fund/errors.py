"""The fund's refused changes: one DomainError subclass per sub-domain, each with its code prefix."""

from __future__ import annotations

from anju.lib.errors import DomainError


class FundError(DomainError):
    prefix = "fund"


class LedgerError(FundError):
    """A posting that breaks a rule of the ledger; the message is Chinese and names the account."""

    prefix = "fund.ledger"


class Overdraw(LedgerError):
    default_code = "overdraw"


class DepositError(FundError):
    """A deposit action refused; the message is Chinese and says why."""

    prefix = "fund.deposits"


class MatchError(FundError):
    """A suspense receipt that cannot be matched as asked; the message is Chinese."""

    prefix = "fund.bank"


class InterestError(FundError):
    prefix = "fund.interest"


class UseError(FundError):
    """A refused step of a use application; the message is Chinese."""

    prefix = "fund.use"


class RefundError(FundError):
    """A refused step of a refund; the message is Chinese."""

    prefix = "fund.refunds"


class AccountError(FundError):
    prefix = "fund.accounts"
