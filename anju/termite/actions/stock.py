"""Chemicals and labour: products, lots received, issues to jobs never beyond a lot's stock, dated labour
prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.termite import rules
from anju.termite.actions.base import (
    not_future,
    required_text,
)
from anju.termite.errors import TermiteError
from anju.termite.models import (
    Chemical,
    ChemicalIssue,
    ChemicalLot,
    ControlRequest,
    LabourPrice,
    TreatmentJob,
)

# --- chemicals and labour ------------------------------------------------------------------------------


@transaction.atomic
def add_chemical(
    actor: User | None,
    *,
    name: str,
    registration_number: str,
    unit: str,
    unit_price: Decimal,
    active_ingredient: str = "",
) -> Chemical:
    """A registered pesticide bought under the procurement contract, at its unit price."""
    Chemical.Unit(unit)
    number = required_text(registration_number, "农药登记证号", "registration_required")
    if Chemical.objects.filter(registration_number=number).exists():
        raise TermiteError(f"农药登记证号{number}已登记", code="duplicate_chemical", field="registration_number")
    if unit_price < 0:
        raise TermiteError("单价不能为负数", code="bad_price", field="unit_price")
    chemical = Chemical.objects.create(
        name=required_text(name, "药物名称", "name_required"),
        registration_number=number,
        active_ingredient=(active_ingredient or "").strip(),
        unit=unit,
        unit_price=unit_price,
    )
    audit.record(actor, AuditEvent.Action.CREATE, chemical, after={"unit_price": str(unit_price)})
    return chemical


@transaction.atomic
def receive_lot(
    actor: User | None,
    chemical: Chemical,
    *,
    lot: str,
    received_on: dt.date,
    quantity: Decimal,
    contract_number: str = "",
) -> ChemicalLot:
    """A lot received into stock."""
    lot = required_text(lot, "批次号", "lot_required")
    if quantity <= 0:
        raise TermiteError("入库数量须大于0", code="quantity_not_positive", field="quantity")
    not_future(received_on, "入库日期")
    if ChemicalLot.objects.filter(chemical=chemical, lot=lot).exists():
        raise TermiteError(f"{chemical.name}批次{lot}已入库", code="duplicate_lot", field="lot")
    received = ChemicalLot.objects.create(
        chemical=chemical,
        lot=lot,
        received_on=received_on,
        quantity=quantity,
        contract_number=(contract_number or "").strip(),
        received_by=actor,
    )
    audit.record(actor, AuditEvent.Action.CREATE, received, after={"quantity": str(quantity)})
    return received


MILLI = Decimal("0.001")


def lot_stock(lot: ChemicalLot) -> Decimal:
    issued = lot.issues.aggregate(s=Sum("quantity"))["s"] or Decimal(0)
    return (Decimal(lot.quantity) - Decimal(issued)).quantize(MILLI)


def _qty(value: Decimal) -> str:
    return format(value.quantize(MILLI).normalize(), "f")


@transaction.atomic
def issue_chemical(
    actor: User | None,
    lot: ChemicalLot,
    *,
    date: dt.date,
    quantity: Decimal,
    treatment: TreatmentJob | None = None,
    control: ControlRequest | None = None,
    purpose: str = "",
) -> ChemicalIssue:
    """Chemicals out of a lot to a job; never more than the lot holds (the lot is locked while checked).
    The cost, quantity × the product's unit price rounded half up to the fen, is charged to the special fund."""
    lot = ChemicalLot.objects.select_for_update().select_related("chemical").get(pk=lot.pk)
    if quantity <= 0:
        raise TermiteError("领用数量须大于0", code="quantity_not_positive", field="quantity")
    not_future(date, "领用日期")
    if date < lot.received_on:
        raise TermiteError(f"领用日期早于该批次入库日期{lot.received_on:%Y-%m-%d}", code="before_receipt", field="date")
    stock = lot_stock(lot)
    if quantity > stock:
        raise TermiteError(
            f"{lot.chemical.name}（批次{lot.lot}）库存不足：领用{_qty(quantity)}{lot.chemical.unit}，"
            f"库存{_qty(stock)}{lot.chemical.unit}，缺{_qty(quantity - stock)}{lot.chemical.unit}",
            code="short_stock",
            field="quantity",
        )
    issue = ChemicalIssue.objects.create(
        lot=lot,
        date=date,
        quantity=quantity,
        cost=rules.fee(quantity, lot.chemical.unit_price),
        treatment=treatment,
        control=control,
        purpose=(purpose or "").strip(),
        issued_by=actor,
    )
    audit.record(actor, AuditEvent.Action.CREATE, issue, after={"quantity": str(quantity), "cost": str(issue.cost)})
    return issue


@transaction.atomic
def set_labour_price(
    actor: User | None, *, kind: str, price: Decimal, effective_from: dt.date, contract_number: str = ""
) -> LabourPrice:
    """The labour contract's unit price for a kind of work from a date; earlier prices stay for earlier work."""
    LabourPrice.Kind(kind)
    if price < 0:
        raise TermiteError("劳务单价不能为负数", code="bad_price", field="price")
    if LabourPrice.objects.filter(kind=kind, effective_from=effective_from).exists():
        raise TermiteError(
            f"{effective_from:%Y-%m-%d}起的该项劳务单价已存在", code="price_exists", field="effective_from"
        )
    labour = LabourPrice.objects.create(
        kind=kind, price=price, effective_from=effective_from, contract_number=(contract_number or "").strip()
    )
    audit.record(actor, AuditEvent.Action.CREATE, labour, after={"kind": kind, "price": str(price)})
    return labour
