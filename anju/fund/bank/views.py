"""Pages for the bank receipts: the import, the receipts list, and matching suspense (待查) by hand."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    DateRangeFilter,
    Filter,
    HiddenFilter,
    Link,
    Muted,
    Search,
    Tag,
    label_of,
)
from anju.core.permissions import actor, can, require
from anju.fund import accounts
from anju.fund.bank import actions as bank
from anju.fund.deposits import actions as deposits
from anju.fund.forms import BankAccountForm
from anju.fund.models import Account, BankReceipt
from anju.fund.views import fund_list
from anju.registry.models import Unit

MODULE = "fund"
# Past this many rows the error table stops; the count says how many more there are, and
# `anju fund import-bank` lists them all.
RECEIPT_HEADERS = ["交易流水号", "交易日期", "金额", "房屋编码", "付款人", "摘要", "状态", "入账房屋", "专户账号"]


def _receipt_columns(*, suspense: bool, can_handle: bool) -> list[Column]:
    """The receipts' columns; the export has the same nine on both lists (RECEIPT_HEADERS)."""
    headers = iter(RECEIPT_HEADERS)
    columns = [
        Column(_("Transaction id"), lambda r: r.txn_id, "txn_id", export_label=next(headers)),
        Column(_("Date"), lambda r: r.txn_date, "txn_date", export_label=next(headers)),
        Column(_("Amount"), lambda r: r.amount, "amount", total=True, export_label=next(headers)),
        Column(
            _("Unit code (as given)"),
            (lambda r: r.unit_code or "—") if suspense else (lambda r: r.unit_code),
            "unit_code",
            export_label=next(headers),
            export_value=lambda r: r.unit_code,
        ),
        Column(_("Payer"), lambda r: r.payer, "payer", export_label=next(headers)),
        Column(_("Memo"), lambda r: r.memo, export_label=next(headers)),
        Column(
            _("Status"),
            lambda r: Tag(label_of(r, "status"), "update" if r.status == BankReceipt.Status.SUSPENSE else "create"),
            "status",
            page=not suspense,
            export_label=next(headers),
        ),
        Column(
            _("Credited to"),
            _credited_to,
            page=not suspense,
            export_label=next(headers),
            export_value=lambda r: r.unit_account.unit.code if r.unit_account and r.unit_account.unit else "",
        ),
        Column(
            _("Notice"),
            lambda r: Link(r.notice.number, reverse("fund:notice", args=[r.notice.pk])) if r.notice else "",
            page=not suspense,
            export=False,
        ),
        Column("", lambda r: r.bank_account.bank_account_number, page=False, export_label=next(headers)),
    ]
    if suspense and can_handle:
        columns.append(Column(_("Match to unit"), lambda r: r.pk, export=False, template="fund/_suspense_match.html"))
    return columns


def _credited_to(receipt: BankReceipt) -> object:
    if receipt.unit_account and receipt.unit_account.unit:
        code = receipt.unit_account.unit.code
        return Link(code, reverse("fund:statement", args=[code]))
    return Muted("—")


def _receipt_filters(*, suspense: bool) -> list[Filter]:
    bank_filter: Filter
    if suspense:
        bank_filter = HiddenFilter("bank", lambda qs, number: qs.filter(bank_account__bank_account_number=number))
    else:
        banks = Account.objects.filter(kind=Account.Kind.BANK).values_list("bank_account_number", flat=True)
        bank_filter = ChoiceFilter(
            "bank",
            _("Special account"),
            [(n, n) for n in banks],
            field="bank_account__bank_account_number",
            everything=_("All special accounts"),
        )
    statuses = ChoiceFilter("status", _("Status"), BankReceipt.Status.choices, everything=_("All statuses"))
    return [*([] if suspense else [statuses]), bank_filter, DateRangeFilter("txn_date")]


def _search() -> Search:
    return Search(
        [
            "txn_id__icontains",
            "unit_code__istartswith",
            "payer__icontains",
            "memo__icontains",
            "unit_account__unit__code__istartswith",
        ],
        _("Transaction id, unit code, payer or memo"),
    )


@require(MODULE, "view")
def receipts(request: HttpRequest) -> HttpResponse:
    return fund_list(
        request,
        title=_("Bank receipts"),
        tab="bank",
        queryset=BankReceipt.objects.select_related("unit_account__unit", "bank_account", "notice").order_by(
            "-txn_date", "-pk"
        ),
        columns=_receipt_columns(suspense=False, can_handle=False),
        search=_search(),
        filters=_receipt_filters(suspense=False),
        filename="银行到账",
        actions=[
            Action(_("Import bank receipts"), reverse("fund:bank_import"), "handle"),
            Action(_("Suspense"), reverse("fund:suspense"), primary=False),
        ],
        empty=_("No receipts match."),
        table_id="receipts",
    )


@require(MODULE, "view")
def suspense(request: HttpRequest) -> HttpResponse:
    return fund_list(
        request,
        title=_("Receipts in suspense"),
        crumbs=[(_("Maintenance fund"), reverse("fund:home")), (_("Bank receipts"), reverse("fund:receipts"))],
        tab="bank",
        template="fund/bank_suspense.html",
        context={"suspense_account": Account.objects.filter(kind=Account.Kind.SUSPENSE).first()},
        queryset=BankReceipt.objects.filter(status=BankReceipt.Status.SUSPENSE)
        .select_related("bank_account", "unit_account__unit", "notice")
        .order_by("-txn_date", "-pk"),
        columns=_receipt_columns(suspense=True, can_handle=can(request.user, MODULE, "handle")),
        search=_search(),
        filters=_receipt_filters(suspense=True),
        filename="待查到账",
        empty=_("Nothing in suspense."),
        table_id="suspense",
    )


@require(MODULE, "handle")
def suspense_match(request: HttpRequest, pk: int) -> HttpResponse:
    receipt = get_object_or_404(BankReceipt, pk=pk)
    back = redirect("fund:suspense")
    if request.method != "POST":
        return back
    code = request.POST.get("unit", "").strip()
    if not code:
        messages.error(request, f"到账 {receipt.txn_id}：请填写房屋编码")
        return back
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        messages.error(request, f"到账 {receipt.txn_id}：房屋编码“{code}”不存在")
        return back
    with refused(request) as outcome:
        bank.match_suspense(request.user, receipt, deposits.unit_account_of(unit))  # type: ignore[arg-type]
    if outcome.ok:
        messages.success(request, _("Receipt %(txn)s matched to %(unit)s.") % {"txn": receipt.txn_id, "unit": code})
    return back


# --- bank special accounts (专户) ------------------------------------------------------------------------


@require(MODULE, "view")
def bank_accounts(request: HttpRequest) -> HttpResponse:
    """The fund's special accounts with their balances; leaders open, rename and close them."""
    manage = can(request.user, MODULE, "approve")
    return fund_list(
        request,
        title=_("Bank special accounts"),
        tab="bank_accounts",
        queryset=Account.objects.filter(kind=Account.Kind.BANK).order_by("closed", "opened", "pk"),
        columns=[
            Column(_("Account name"), lambda a: a.name, "name", export_label="账户名称"),
            Column(_("Bank"), lambda a: a.bank_name, "bank_name", export_label="开户银行"),
            Column(
                _("Account number"), lambda a: a.bank_account_number, "bank_account_number", export_label="专户账号"
            ),
            Column(_("Opened on"), lambda a: a.opened, "opened", export_label="开户日期"),
            Column(_("Closed on"), lambda a: a.closed or Muted("—"), "closed", export_label="销户日期"),
            Column(_("Balance"), lambda a: a.balance, "balance", total=True, export_label="余额"),
            Column(
                "",
                lambda a: Link(_("Rename or close"), reverse("fund:bank_account", args=[a.pk])) if manage else "",
                export=False,
            ),
        ],
        search=Search(
            ["name__icontains", "bank_name__icontains", "bank_account_number__contains"], _("Name or number")
        ),
        actions=[Action(_("Open a special account"), reverse("fund:bank_account_open"), "approve")],
        filename="维修资金专户",
        empty=_("No special account yet: open the one the fund's money is deposited in."),
    )


@require(MODULE, "approve")
def bank_account_open(request: HttpRequest) -> HttpResponse:
    form = BankAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refused(form) as outcome:
            account = accounts.open_bank_account(
                actor(request), bank_name=d["bank_name"], number=d["number"], name=d["name"], opened=d["opened"]
            )
        if outcome.ok:
            messages.success(request, _("Special account %(number)s opened.") % {"number": account.bank_account_number})
            return redirect("fund:bank_accounts")
    return render(request, "fund/bank_account_form.html", {"form": form, "account": None})


@require(MODULE, "approve")
def bank_account(request: HttpRequest, pk: int) -> HttpResponse:
    """Rename a special account, or close it (POST `close`) once its balance is zero."""
    account = get_object_or_404(Account, pk=pk, kind=Account.Kind.BANK)
    initial = {"bank_name": account.bank_name, "name": account.name}
    form = BankAccountForm(request.POST or None, initial=initial, renaming=True)
    if request.method == "POST" and "close" in request.POST:
        with refused(request) as outcome:
            accounts.close_bank_account(actor(request), account)
        if outcome.ok:
            messages.success(request, _("Special account %(number)s closed.") % {"number": account.bank_account_number})
            return redirect("fund:bank_accounts")
        form = BankAccountForm(initial=initial, renaming=True)
    elif request.method == "POST" and form.is_valid():
        with refused(form) as outcome:
            accounts.rename_bank_account(
                actor(request), account, name=form.cleaned_data["name"], bank_name=form.cleaned_data["bank_name"]
            )
        if outcome.ok:
            messages.success(request, _("Special account saved."))
            return redirect("fund:bank_accounts")
    return render(request, "fund/bank_account_form.html", {"form": form, "account": account})
