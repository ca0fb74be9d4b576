"""The first-run checklist: a new center sees what is still to set up, each step for those who may do it,
ticked once done from its page (no shell), and the card goes when every step is done."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from anju.core import organisation
from anju.fund import accounts
from anju.fund.deposits import actions as deposits
from anju.fund.deposits.models import DepositStandard
from anju.rental.actions import units
from anju.rental.models import Category, Kind

pytestmark = pytest.mark.django_db


def steps(client: Client) -> list[tuple[bool, str]]:
    html = client.get("/").content.decode()
    if 'id="setup-checklist"' not in html:
        return []
    card = html.split('id="setup-checklist"')[1].split("</section>")[0]
    return [
        ("✓" in item, re.sub(r"<[^>]+>|✓", "", item).strip()) for item in re.findall(r"<li[^>]*>(.*?)</li>", card, re.S)
    ]


def test_each_step_is_shown_to_who_may_do_it_and_ticked_when_done(client_for: Callable[..., Client]) -> None:
    admin = client_for("admin")
    assert [done for done, _ in steps(admin)] == [False, False]
    assert steps(admin)[1][1] == "创建工作人员账号并分配角色"
    leader, finance = client_for("leadership"), client_for("finance")
    assert any("专户" in title for _, title in steps(leader)) and not any(
        "专户" in title for _, title in steps(finance)
    )
    assert not client_for("office").get("/").content.decode().count('id="setup-checklist"')

    organisation.set_organisation(None, name="岳阳市住房保障服务中心", city="岳阳市")
    # finance and leadership staff exist now (made above): the admin's two steps are done and the card goes.
    assert steps(admin) == []

    accounts.open_bank_account(None, bank_name="中国建设银行", number="43050170000000000009")
    assert steps(leader) == []
    assert steps(finance) == [(False, "设置维修资金交存标准（元/平方米）")]


def test_the_card_goes_once_the_fund_and_rental_standards_are_set(client_for: Callable[..., Client]) -> None:
    everyone = client_for("admin", "leadership", "finance", "housing", "station")
    organisation.set_organisation(None, name="岳阳市住房保障服务中心", city="岳阳市")
    client_for("office")  # a member of staff besides the administrator
    accounts.open_bank_account(None, bank_name="中国建设银行", number="43050170000000000009")
    assert [done for done, _ in steps(everyone)] == [True, True, True, False, False]
    deposits.create_standard(
        None,
        building_type=DepositStandard.BuildingType.MULTI_STOREY,
        use_class=DepositStandard.UseClass.RESIDENTIAL,
        rate=Decimal("50.00"),
        effective_from=dt.date(2020, 1, 1),
    )
    assert [done for done, _ in steps(everyone)] == [True, True, True, True, False]
    units.set_rate(
        None,
        kind=Kind.HOME,
        category=Category.LOW_INCOME,
        per_m2=Decimal("5.00"),
        reduction_percent=Decimal(0),
        valid_from=dt.date(2020, 1, 1),
    )
    assert steps(everyone) == []
