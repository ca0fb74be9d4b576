from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal as D

import pytest
from django.test import Client

from anju.core.models import AuditEvent, User
from anju.lib.tabular import ImportRejected
from anju.performance import actions, importer, queries
from anju.performance.models import Asset, AssetChange, BudgetLine

HEADERS = ",".join(importer.BUDGET_HEADERS)


def csv(*rows: str) -> bytes:
    return ("\n".join([HEADERS, *rows]) + "\n").encode()


@pytest.mark.django_db
def test_budget_import_creates_then_updates() -> None:
    content = csv("2023,人员经费,人员经费,8685800,7801520,7801520,,", "2023,收入来源,一般公共预算,,,13647200.5,,")
    assert importer.import_budget(None, "b.csv", content) == {"created": 2, "updated": 0}
    assert importer.import_budget(None, "b.csv", csv("2023,人员经费,人员经费,1,2,3,,改")) == {
        "created": 0,
        "updated": 1,
    }
    line = BudgetLine.objects.get(section="personnel")
    assert (line.initial, line.final, line.executed, line.note) == (D("1.00"), D("2.00"), D("3.00"), "改")
    assert AuditEvent.objects.filter(action="import", model="performance.BudgetLine").count() == 2


@pytest.mark.django_db
def test_budget_import_is_all_or_nothing_with_reasons() -> None:
    content = csv(
        "2023,人员经费,人员经费,100,100,100,,",
        "2023,杂项,其他,1,1,1,,",
        "二〇二三,项目支出,白蚁,1,1,1,,",
        "2023,项目支出,白蚁,1.234,1,-1,,",
        "2023,人员经费,人员经费,1,1,1,,",
        ",项目支出,,1,1,1,,",
    )
    with pytest.raises(ImportRejected) as rejected:
        importer.import_budget(None, "b.csv", content)
    errors = [(e.row, e.column) for e in rejected.value.errors]
    assert (3, "类别") in errors
    assert (4, "年度") in errors
    assert (5, "年初预算数") in errors and (5, "执行数") in errors
    assert (6, "项目") in errors  # repeats row 2
    assert (7, "年度") in errors and (7, "项目") in errors
    assert any("未知的类别“杂项”" in e.message for e in rejected.value.errors)
    assert not BudgetLine.objects.exists()


@pytest.mark.django_db
def test_budget_import_refuses_a_wrong_header() -> None:
    with pytest.raises(ImportRejected) as rejected:
        importer.import_budget(None, "b.csv", "年度,类别,名称\n2023,人员经费,x\n".encode())
    assert any("未知的表头“名称”" in e.message for e in rejected.value.errors)


@pytest.mark.django_db
def test_asset_import_and_duplicates() -> None:
    head = ",".join(importer.ASSET_HEADERS)
    good = f"{head}\nGD-1,电脑,固定资产,通用设备,5600,办公室,李明,2023-05-06\n".encode()
    assert importer.import_assets(None, "a.csv", good) == {"created": 1}
    bad = (
        f"{head}\nGD-1,电脑,固定资产,,5600,,,2023-05-06\n"
        "GD-2,车,无形资产,,1,,,2023-01-01\nGD-3,桌,固定资产,,1,,,05/06/2023\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        importer.import_assets(None, "a.csv", bad.encode())
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "资产编码"), (3, "资产类别"), (4, "取得日期")]
    assert Asset.objects.count() == 1


def test_import_page_lists_errors(client_for: Callable[..., Client]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    finance = client_for("finance")
    upload = SimpleUploadedFile("b.csv", csv("2023,杂项,其他,1,1,1,,"), content_type="text/csv")
    page = finance.post("/performance/budget/import/", {"file": upload}).content.decode()
    assert 'id="import-errors"' in page and "杂项" in page
    template = finance.get("/performance/budget/import/template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")


def _asset(value: str, code: str = "GD-9") -> Asset:
    return actions.register_asset(
        None, code=code, name="打印机", kind=Asset.Kind.FIXED, value=D(value), acquired_on=dt.date(2020, 1, 1)
    )


@pytest.mark.django_db
def test_small_disposal_needs_no_approval_and_leaves_the_register() -> None:
    asset = _asset("1000.00")
    actions.request_disposal(None, asset, reason="损坏", on=dt.date(2023, 3, 1))
    asset.refresh_from_db()
    assert asset.status == Asset.Status.DISPOSED
    assert queries.assets_total(2022) == D("1000.00") and queries.assets_total(2023) == D("0.00")


def test_disposal_over_1000_waits_for_leadership(make_user: Callable[..., User]) -> None:
    asset = _asset("1000.01")
    actions.request_disposal(None, asset, reason="损坏")
    asset.refresh_from_db()
    assert asset.status == Asset.Status.DISPOSAL_REQUESTED
    with pytest.raises(actions.ActionError, match="单位领导"):
        actions.decide_disposal(make_user("f", "finance"), asset, approve=True)
    leader = make_user("l", "leadership")
    actions.decide_disposal(leader, asset, approve=False, note="继续使用")
    asset.refresh_from_db()
    assert asset.status == Asset.Status.IN_USE
    actions.request_disposal(None, asset, reason="损坏")
    actions.decide_disposal(leader, asset, approve=True)
    asset.refresh_from_db()
    assert asset.status == Asset.Status.DISPOSED
    kinds = list(AssetChange.objects.filter(asset=asset).values_list("kind", flat=True))
    assert kinds == [
        "acquired",
        "disposal_requested",
        "disposal_refused",
        "disposal_requested",
        "disposal_approved",
        "disposed",
    ]
    with pytest.raises(actions.ActionError):
        actions.transfer_asset(leader, asset, custodian="x", department="y")
