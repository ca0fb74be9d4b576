"""The fund home's table of the fund's own accounts: every account that is not a unit ledger, of each kind,
read by the kinds' index (issue 17), and no unit ledger among them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from anju.fund.models import Account
from anju.fund.tests import factories as fund

pytestmark = pytest.mark.django_db


def test_the_home_lists_each_fund_account_of_every_kind_but_no_unit_ledger(client_for: Callable[..., Client]) -> None:
    ledger = fund.unit_account(room="901")
    ledger.name = "分户账不应出现在资金账户表"
    ledger.save(update_fields=["name"])
    own = [Account.objects.create(kind=kind, name=f"资金账户-{kind}") for kind in Account.Kind.values if kind != "unit"]
    assert {a.kind for a in own} == set(Account.Kind.values) - {"unit"}

    page = client_for("leadership").get("/fund/").content.decode()

    for account in own:
        assert account.name in page
    assert ledger.name not in page
