"""The fund's first-run steps (anju.core.setup): its special account, then its deposit standards."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.setup import Step


def _bank_account_open() -> bool:
    from anju.fund.models import Account

    return Account.objects.filter(kind=Account.Kind.BANK, closed__isnull=True).exists()


def _deposit_standards_set() -> bool:
    from anju.fund.deposits.models import DepositStandard

    return DepositStandard.objects.exists()


STEPS = (
    Step(30, _("Open the fund's bank special account"), "fund:bank_accounts", "fund", "approve", _bank_account_open),
    Step(40, _("Set the deposit standards (yuan per m²)"), "fund:standards", "fund", "handle", _deposit_standards_set),
)
