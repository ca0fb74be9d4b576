"""Opening accounts: bank special accounts with their opening day, first deposits set-based."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from anju.core.models import AuditEvent
from anju.fund import accounts
from anju.fund.errors import AccountError
from anju.fund.tests import factories

pytestmark = pytest.mark.django_db


def test_a_bank_account_opens_on_the_day_given_and_is_audited() -> None:
    account = accounts.open_bank_account(None, bank_name="中国银行怀化分行", number="4305", opened=dt.date(2008, 3, 1))
    account.refresh_from_db()
    assert account.opened == dt.date(2008, 3, 1) and account.name == "中国银行怀化分行维修资金专户"
    event = AuditEvent.objects.get(object_id=str(account.pk), action=AuditEvent.Action.CREATE)
    assert event.after["opened"] == "2008-03-01"
    with pytest.raises(AccountError) as refused:
        accounts.open_bank_account(None, bank_name="中国银行怀化分行", number="4305")
    assert refused.value.code == "fund.accounts.bank_exists"


def test_first_deposits_are_set_for_unit_ledgers_only() -> None:
    first, second = factories.unit_account("101"), factories.unit_account("102")
    bank = factories.bank()
    count = accounts.set_first_deposits(
        [
            (second.pk, 250_00, dt.date(2010, 5, 2)),
            (first.pk, 123_45, dt.date(2009, 1, 8)),
            (bank.pk, 1, dt.date(2000, 1, 1)),
        ]
    )
    assert count == 3
    first.refresh_from_db(), second.refresh_from_db(), bank.refresh_from_db()
    assert (first.first_deposit, first.opened) == (Decimal("123.45"), dt.date(2009, 1, 8))
    assert (second.first_deposit, second.opened) == (Decimal("250.00"), dt.date(2010, 5, 2))
    assert bank.first_deposit == Decimal("0.00") and bank.opened != dt.date(2000, 1, 1)
