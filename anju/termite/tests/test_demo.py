"""The demo city's termite control reproduces the seed's 2023 figures at their precision (DOMAIN.md §3,
KPIS.md), from records written through the line's actions."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from anju.core import kpis
from anju.core.demokit import Context
from anju.termite import demo, queries
from anju.termite.models import ControlRequest, Revisit

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_demo_reproduces_the_seeds_2023_figures() -> None:
    demo.build_termite(Context(scale=1.0, out=io.StringIO()))
    value = {k.code: k.compute(2023) for k in kpis.all_kpis("termite")}
    assert D("1515000") <= value["termite.accepted_area"] < D("1525000")  # 152万
    assert D("2295000") <= value["termite.treated_area"] < D("2305000")  # 230万
    assert value["termite.house_control_area"] == D("3000.00")
    assert 22500 <= value["termite.trees_treated"] < 23500  # 2.3万
    assert D("7075000") <= value["termite.revisit_area"] < D("7085000")  # 708万
    assert D("7182741") <= value["termite.revisit_due_area"] < D("7266667")
    assert D("97.5") <= value["termite.revisit_rate"] < D("98.5")  # 98%
    assert D("905950") <= value["termite.special_used"] < D("906050")  # 90.60万 of 162万
    # Revisits that found termites opened free control requests, all treated.
    found = Revisit.objects.filter(finding=Revisit.Finding.TERMITES)
    assert found.exists() and all(r.control_request and r.control_request.basis == "warranty" for r in found)
    assert not ControlRequest.objects.filter(status=ControlRequest.Status.OPEN).exists()
    # The 2007-12-31 acceptance ends on a holiday and runs into 2023 (民法典 第203条).
    assert queries.revisit_plan(2023).filter(contract__number="BY2007-099").exists()
