from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.dateparse import parse_date

from anju.core.listing import export_xlsx, paginate, querystring_without_page
from anju.core.permissions import can, require
from anju.fund import queries
from anju.fund.models import Account, JournalEntry
from anju.lib.ids import mask_id
from anju.lib.money import capitals
from anju.registry.models import Project

MODULE = "fund"


def _export_requested(request: HttpRequest) -> bool:
    if request.GET.get("export") != "xlsx":
        return False
    if not can(request.user, MODULE, "export"):
        raise PermissionDenied
    return True


@require(MODULE, "view")
def home(request: HttpRequest) -> HttpResponse:
    totals = queries.fund_totals()
    fund_accounts = Account.objects.exclude(kind=Account.Kind.UNIT).order_by("kind", "pk")
    recent = JournalEntry.objects.order_by("-seq")[:15]
    return render(
        request,
        "fund/home.html",
        {
            "totals": totals,
            "fund_accounts": fund_accounts,
            "recent": recent,
            "unit_accounts": queries.unit_accounts().count(),
            "replenish": queries.replenishment_due().count(),
        },
    )


@require(MODULE, "view")
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = queries.unit_accounts().select_related("unit", "project")
    q = request.GET.get("q", "").strip()
    if q:
        accounts = accounts.filter(Q(unit__code__istartswith=q) | Q(project__name__icontains=q))
    project = request.GET.get("project", "").strip()
    if project:
        accounts = accounts.filter(project__code=project)
    building = request.GET.get("building", "").strip()
    if building:
        accounts = accounts.filter(building__number=building)
    if request.GET.get("replenish"):
        accounts = accounts.filter(pk__in=queries.replenishment_due().values("pk"))
    accounts = accounts.order_by("unit__code")
    if _export_requested(request):
        rows = (
            [
                a.unit.code if a.unit else "",
                a.project.name if a.project else "",
                a.unit.area if a.unit else "",
                a.first_deposit,
                a.balance,
            ]
            for a in accounts.iterator(chunk_size=5000)
        )
        return export_xlsx(
            request,
            filename="分户账余额.xlsx",
            title="分户账",
            headers=["房屋编码", "项目", "建筑面积", "首期交存", "余额"],
            rows=rows,
        )
    return render(
        request,
        "fund/account_list.html",
        {
            "page": paginate(request, accounts),
            "qs": querystring_without_page(request),
            "filters": request.GET,
        },
    )


@require(MODULE, "view")
def unit_statement(request: HttpRequest, code: str) -> HttpResponse:
    account = get_object_or_404(Account.objects.select_related("unit", "project", "building"), unit__code=code)
    start = parse_date(request.GET.get("from", "") or "")
    end = parse_date(request.GET.get("to", "") or "")
    opening, rows = queries.statement(account, start, end)
    owner = account.unit.current_ownership() if account.unit else None
    see_id = can(request.user, MODULE, "see_id")
    owner_id = ""
    if owner and owner.person:
        owner_id = owner.person.id_number if see_id else mask_id(owner.person.id_number)
    if _export_requested(request):
        data = [["", "", "期初余额", "", f"{opening:.2f}", ""]] + [
            [r.seq, r.value_date.isoformat(), r.kind, r.memo, f"{r.amount:.2f}", f"{r.balance:.2f}"] for r in rows
        ]
        return export_xlsx(
            request,
            filename=f"分户账明细-{code}.xlsx",
            title="分户账明细",
            headers=["凭证号", "日期", "类型", "摘要", "发生额", "余额"],
            rows=data,
        )
    return render(
        request,
        "fund/statement.html",
        {
            "account": account,
            "opening": opening,
            "rows": rows,
            "owner": owner,
            "owner_id": owner_id,
            "interest": queries.interest_total(account),
            "balance_capitals": capitals(account.balance),
            "filters": request.GET,
        },
    )


@require(MODULE, "view")
def project_balances(request: HttpRequest) -> HttpResponse:
    """Balances per project (项目), the level of the annual disclosure; each links to its buildings."""
    rows = queries.totals_by("project").values(
        "project", "project__code", "project__name", "accounts", "balance", "first_deposit"
    )
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(project__code__istartswith=q) | Q(project__name__icontains=q))
    rows = rows.order_by("project__code")
    if _export_requested(request):
        data = ([r["project__code"], r["project__name"], r["accounts"], r["first_deposit"], r["balance"]] for r in rows)
        return export_xlsx(
            request,
            filename="项目维修资金余额.xlsx",
            title="项目余额",
            headers=["项目编码", "项目名称", "分户数", "首期交存合计", "余额合计"],
            rows=data,
        )
    return render(
        request,
        "fund/project_balances.html",
        {
            "page": paginate(request, rows),
            "qs": querystring_without_page(request),
            "filters": request.GET,
        },
    )


@require(MODULE, "view")
def building_balances(request: HttpRequest, code: str) -> HttpResponse:
    """Balances per building (幢) of one project."""
    project = get_object_or_404(Project, code=code)
    rows = (
        queries.totals_by("building", queries.unit_accounts().filter(project=project))
        .values("building", "building__number", "accounts", "balance", "first_deposit")
        .order_by("building__number")
    )
    total = queries.totals_by("project", queries.unit_accounts().filter(project=project)).order_by("project").first()
    return render(request, "fund/building_balances.html", {"project": project, "rows": rows, "total": total})
