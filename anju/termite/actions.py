"""Every write of termite control, one function per use case (CONVENTIONS.md): applications accepted or
returned, contracts, treatment stages, acceptance of a building (its warranty starts), revisits (a
finding of termites opens a free control request), control requests treated and closed, fee rates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from anju.core import audit, numbering
from anju.core.models import AuditEvent, User
from anju.lib import dates
from anju.registry.models import Building, Enterprise, Project
from anju.termite import rules
from anju.termite.errors import TermiteError
from anju.termite.models import (
    ZERO,
    Application,
    ApplicationBuilding,
    Chemical,
    ChemicalIssue,
    ChemicalLot,
    Contract,
    ControlRequest,
    FeeRate,
    LabourPrice,
    Revisit,
    Stage,
    Structure,
    TreatmentJob,
    WarrantyBuilding,
)

APPLICATIONS = numbering.Scheme(Application, "YF", 4)
REQUESTS = numbering.Scheme(ControlRequest, "MZ", 4)
CERTIFICATES = numbering.Scheme(WarrantyBuilding, "BZ", 5, field="certificate_number")


@dataclass(frozen=True)
class BuildingArea:
    """A building of an application: its number (幢号), structure and area, and the roll's building if any."""

    building_no: str
    area: Decimal
    structure: str = Structure.FRAME
    building: Building | None = None


MAX_AREA = Decimal("9999999999.99")  # the area fields' 12 digits


def _positive_area(area: Decimal, field: str) -> Decimal:
    if area is None or area <= 0:
        raise TermiteError(f"{field}须大于0", code="area_not_positive", field="area")
    if area > MAX_AREA:
        raise TermiteError(f"{field}过大", code="area_too_large", field="area")
    if area != area.quantize(Decimal("0.01")):
        raise TermiteError(f"{field}最多2位小数", code="area_places", field="area")
    return area


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise TermiteError(f"{field}（{day:%Y-%m-%d}）晚于今天", code="future_date")


def _text(value: str, field: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise TermiteError(f"请填写{field}", code=code)
    return value


# --- fee rates ---------------------------------------------------------------------------------------


def rate_in_force(kind: str, structure: str, on: dt.date) -> FeeRate | None:
    """The rate of the kind in force on the day: the structure's own, else the one for every structure."""
    rates = FeeRate.objects.filter(kind=kind, effective_from__lte=on).order_by("-effective_from")
    own = rates.filter(structure=structure).first() if structure else None
    return own or rates.filter(structure="").first()


@transaction.atomic
def set_fee_rate(
    actor: User | None,
    *,
    kind: str,
    amount: Decimal,
    effective_from: dt.date,
    structure: str = "",
    minimum_quantity: Decimal = ZERO,
    source: str = "",
) -> FeeRate:
    """A new dated rate (may be zero); earlier rates stay for earlier days."""
    FeeRate.Kind(kind)
    if amount < 0 or minimum_quantity < 0:
        raise TermiteError("收费标准和最低计费量不能为负数", code="bad_rate", field="amount")
    if FeeRate.objects.filter(kind=kind, structure=structure, effective_from=effective_from).exists():
        raise TermiteError(
            f"{effective_from:%Y-%m-%d}起的该项收费标准已存在", code="rate_exists", field="effective_from"
        )
    rate = FeeRate.objects.create(
        kind=kind,
        structure=structure,
        amount=amount,
        minimum_quantity=minimum_quantity,
        effective_from=effective_from,
        source=source,
    )
    audit.record(actor, AuditEvent.Action.CREATE, rate, after={"kind": kind, "amount": str(amount)})
    return rate


def _fee(kind: str, parts: Sequence[tuple[str, Decimal]], on: dt.date) -> Decimal:
    """Σ area × rate in force on the day per structure (no rate: free), rounded half up once."""
    total = Decimal(0)
    for structure, quantity in parts:
        rate = rate_in_force(kind, structure, on)
        if rate is not None:
            total += max(quantity, rate.minimum_quantity) * rate.amount
    return rules.fee(total, Decimal(1))


# --- applications -------------------------------------------------------------------------------------


@transaction.atomic
def register_application(
    actor: User | None,
    *,
    developer_name: str,
    project_name: str,
    received_on: dt.date,
    buildings: Sequence[BuildingArea],
    permit_number: str = "",
    developer: Enterprise | None = None,
    project: Project | None = None,
) -> Application:
    """A developer's application received at the counter: its buildings and areas. A building already in
    an application of the same year (not returned) is refused."""
    developer_name = _text(developer.name if developer else developer_name, "建设单位", "developer_required")
    project_name = _text(project.name if project else project_name, "项目名称", "project_required")
    _not_future(received_on, "受理日期")
    if not buildings:
        raise TermiteError("请至少填写一幢房屋", code="no_buildings", field="buildings")
    numbers = [_text(b.building_no, "幢号", "building_required") for b in buildings]
    if len(set(numbers)) != len(numbers):
        raise TermiteError("同一申请中幢号重复", code="duplicate_building", field="buildings")
    for b in buildings:
        _positive_area(b.area, f"{b.building_no}幢建筑面积")
        Structure(b.structure)
    taken = set(
        ApplicationBuilding.objects.filter(
            application__project_name=project_name,
            application__received_on__year=received_on.year,
            building_no__in=numbers,
        )
        .exclude(application__status=Application.Status.RETURNED)
        .values_list("building_no", flat=True)
    )
    if taken:
        raise TermiteError(
            f"{project_name}{'、'.join(sorted(taken))}幢在{received_on.year}年已有预防申请，不能重复申请",
            code="duplicate_application",
            field="buildings",
        )
    application = numbering.create_numbered(
        APPLICATIONS,
        received_on.year,
        developer=developer,
        developer_name=developer_name,
        project=project,
        project_name=project_name,
        permit_number=(permit_number or "").strip(),
        received_on=received_on,
        area=sum((b.area for b in buildings), ZERO),
        created_by=actor,
    )
    ApplicationBuilding.objects.bulk_create(
        ApplicationBuilding(
            application=application, building=b.building, building_no=n, structure=b.structure, area=b.area
        )
        for n, b in zip(numbers, buildings, strict=True)
    )
    audit.record(actor, AuditEvent.Action.CREATE, application, after={"area": str(application.area)})
    return application


def _lock_application(application: Application, *statuses: str) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if statuses and locked.status not in statuses:
        raise TermiteError(f"申请{locked.number}当前状态为“{locked.get_status_display()}”，不能办理", code="bad_state")
    return locked


@transaction.atomic
def accept_application(actor: User | None, application: Application, *, on: dt.date) -> Application:
    """受理: the accepted area counts in the year of `on`; the fee at the rates in force that day."""
    application = _lock_application(application, Application.Status.RECEIVED)
    _not_future(on, "受理日期")
    if on < application.received_on:
        raise TermiteError("受理日期早于收件日期", code="accepted_before_received", field="accepted_on")
    parts = [(b.structure, b.area) for b in application.buildings.all()]
    application.status = Application.Status.ACCEPTED
    application.accepted_on = on
    application.fee = _fee(FeeRate.Kind.PREVENTION, parts, on)
    application.handled_by = actor
    application.save(update_fields=["status", "accepted_on", "fee", "handled_by"])
    audit.record(actor, AuditEvent.Action.UPDATE, application, after={"status": "accepted", "accepted_on": str(on)})
    return application


@transaction.atomic
def return_application(actor: User | None, application: Application, *, on: dt.date, reason: str) -> Application:
    """退件 with the reason the developer is told."""
    application = _lock_application(application, Application.Status.RECEIVED)
    _not_future(on, "退件日期")
    if on < application.received_on:
        raise TermiteError("退件日期早于收件日期", code="returned_before_received", field="on")
    application.return_reason = _text(reason, "退件理由", "reason_required")
    application.status = Application.Status.RETURNED
    application.returned_on = on
    application.handled_by = actor
    application.save(update_fields=["status", "returned_on", "return_reason", "handled_by"])
    audit.record(actor, AuditEvent.Action.UPDATE, application, after={"status": "returned"}, note=reason[:300])
    return application


# --- contracts, treatment, acceptance -------------------------------------------------------------------


@transaction.atomic
def sign_contract(
    actor: User | None,
    application: Application,
    *,
    number: str,
    signed_on: dt.date,
    warranty_years: int = rules.DEFAULT_YEARS,
) -> Contract:
    """The prevention contract of an accepted application: its buildings come under it, to be treated
    and accepted one by one."""
    application = _lock_application(application, Application.Status.ACCEPTED)
    if application.contracts.exists():
        raise TermiteError(f"申请{application.number}已签订预防合同", code="already_contracted")
    number = _text(number, "合同编号", "number_required")
    if Contract.objects.filter(number=number).exists():
        raise TermiteError(f"合同编号{number}已存在", code="duplicate_contract", field="number")
    if warranty_years <= 0:
        raise TermiteError("包治年限须大于0", code="bad_years", field="warranty_years")
    if application.accepted_on and signed_on < application.accepted_on:
        raise TermiteError("签订日期早于受理日期", code="signed_before_accepted", field="signed_on")
    contract = Contract.objects.create(
        number=number,
        application=application,
        developer_name=application.developer_name,
        project_name=application.project_name,
        project=application.project,
        signed_on=signed_on,
        warranty_years=warranty_years,
        fee=application.fee,
        created_by=actor,
    )
    WarrantyBuilding.objects.bulk_create(
        WarrantyBuilding(contract=contract, building=b.building, building_no=b.building_no, area=b.area)
        for b in application.buildings.all()
    )
    audit.record(actor, AuditEvent.Action.CREATE, contract, after={"years": warranty_years})
    return contract


@transaction.atomic
def record_treatment(
    actor: User | None,
    building: WarrantyBuilding,
    *,
    stage: str,
    date: dt.date,
    crew: str,
    area: Decimal,
    chemicals: str = "",
) -> TreatmentJob:
    """A stage of the treatment of a covered building, before its acceptance."""
    building = WarrantyBuilding.objects.select_for_update().select_related("contract").get(pk=building.pk)
    Stage(stage)
    _positive_area(area, "施工面积")
    _not_future(date, "施工日期")
    if building.accepted_on is not None:
        raise TermiteError(f"{building}已验收，不能再登记预防施工", code="already_accepted")
    if building.contract.signed_on and date < building.contract.signed_on:
        raise TermiteError("施工日期早于合同签订日期", code="before_contract", field="date")
    if area > building.area:
        raise TermiteError(f"施工面积{area}超过该幢预防面积{building.area}", code="area_over_building", field="area")
    job = TreatmentJob.objects.create(
        building=building,
        stage=stage,
        date=date,
        crew=_text(crew, "施工班组", "crew_required"),
        area=area,
        chemicals=(chemicals or "").strip(),
        recorded_by=actor,
    )
    audit.record(actor, AuditEvent.Action.CREATE, job, after={"stage": stage, "area": str(area)})
    return job


@transaction.atomic
def accept_building(
    actor: User | None, building: WarrantyBuilding, *, on: dt.date, explicit_end: dt.date | None = None
) -> WarrantyBuilding:
    """验收: the building's prevention is completed; its warranty runs from `on` for the contract's years
    (nominal end stored, 民法典 第202条) and a warranty certificate number is given."""
    building = WarrantyBuilding.objects.select_for_update().select_related("contract").get(pk=building.pk)
    if building.accepted_on is not None:
        raise TermiteError(f"{building}已于{building.accepted_on:%Y-%m-%d}验收", code="already_accepted")
    _not_future(on, "验收日期")
    if building.contract.signed_on and on < building.contract.signed_on:
        raise TermiteError("验收日期早于合同签订日期", code="accepted_before_contract", field="accepted_on")
    building.accepted_on = on
    building.nominal_end = rules.nominal_end(on, building.contract.warranty_years)
    building.explicit_end = explicit_end
    building.certificate_number = numbering.next_number(CERTIFICATES, on.year)
    building.accepted_by = actor
    building.save(update_fields=["accepted_on", "nominal_end", "explicit_end", "certificate_number", "accepted_by"])
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        building,
        after={"accepted_on": str(on), "nominal_end": str(building.nominal_end)},
    )
    return building


def warranty_end(building: WarrantyBuilding, calendar: dates.Calendar | None = None) -> tuple[dt.date | None, bool]:
    """The building's last day under warranty and whether it is final (rules.effective_end); a caller
    checking many buildings passes the calendar it read once."""
    if building.nominal_end is None:
        return None, False
    return rules.effective_end(building.nominal_end, building.explicit_end, calendar)


# --- revisits -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisitRow:
    building: WarrantyBuilding
    date: dt.date
    inspector: str
    area_checked: Decimal
    finding: str
    note: str = ""


def _check_revisit(row: RevisitRow, calendar: dates.Calendar) -> None:
    _positive_area(row.area_checked, "复查面积")
    _not_future(row.date, "回访日期")
    Revisit.Finding(row.finding)
    _text(row.inspector, "回访人员", "inspector_required")
    end, _final = warranty_end(row.building, calendar)
    if not rules.under_warranty(row.date, row.building.accepted_on, end):
        raise TermiteError(
            f"{row.building}在{row.date:%Y-%m-%d}不在白蚁预防包治期内，不能登记回访",
            code="not_under_warranty",
            field="date",
        )
    if row.area_checked > row.building.area:
        raise TermiteError(
            f"复查面积{row.area_checked}超过该幢建筑面积{row.building.area}",
            code="area_over_building",
            field="area_checked",
        )


@transaction.atomic
def record_revisits(actor: User | None, rows: Sequence[RevisitRow]) -> list[Revisit]:
    """Revisits, in bulk (a day's round or a paper record imported): each building under warranty on the
    day; a finding of termites opens a control request free of charge."""
    calendar = dates.default_calendar()
    for row in rows:
        _check_revisit(row, calendar)
    revisits = Revisit.objects.bulk_create(
        Revisit(
            building=row.building,
            date=row.date,
            inspector=row.inspector.strip(),
            area_checked=row.area_checked,
            finding=row.finding,
            note=row.note,
            recorded_by=actor,
        )
        for row in rows
    )
    found = [
        (revisit, row) for revisit, row in zip(revisits, rows, strict=True) if row.finding == Revisit.Finding.TERMITES
    ]
    for revisit, row in found:
        request = _open_request(
            actor,
            received_on=row.date,
            requester_kind=ControlRequest.Requester.REVISIT,
            requester_name=row.inspector.strip(),
            channel=ControlRequest.Channel.REVISIT,
            target=ControlRequest.Target.HOUSE,
            address=f"{row.building.contract.project_name}{row.building.building_no}幢",
            area=row.area_checked,
            warranty=row.building,
        )
        revisit.control_request = request
        revisit.save(update_fields=["control_request"])
    audit.record(
        actor,
        AuditEvent.Action.CREATE,
        model="termite.Revisit",
        after={"revisits": len(revisits), "termites_found": len(found)},
        note=f"登记回访复查{len(revisits)}幢",
    )
    return revisits


def record_revisit(actor: User | None, building: WarrantyBuilding, **values: Any) -> Revisit:
    return record_revisits(actor, [RevisitRow(building=building, **values)])[0]


# --- control --------------------------------------------------------------------------------------------


def _warranty_on(day: dt.date, warranty: WarrantyBuilding | None) -> bool:
    return warranty is not None and rules.under_warranty(day, warranty.accepted_on, warranty_end(warranty)[0])


def _open_request(
    actor: User | None, *, received_on: dt.date, warranty: WarrantyBuilding | None, **values: Any
) -> ControlRequest:
    target = values["target"]
    quantity = values.get("area", ZERO) if target == ControlRequest.Target.HOUSE else Decimal(values.get("trees", 0))
    if _warranty_on(received_on, warranty):
        basis, fee = ControlRequest.Basis.WARRANTY, ZERO
    elif values["requester_kind"] in (ControlRequest.Requester.PARKS, ControlRequest.Requester.SCHOOL):
        basis, fee = ControlRequest.Basis.PUBLIC, ZERO
    else:
        kind = FeeRate.Kind.HOUSE_CONTROL if target == ControlRequest.Target.HOUSE else FeeRate.Kind.TREE_CONTROL
        basis, fee = ControlRequest.Basis.PAID, _fee(kind, [("", quantity)], received_on)
    return numbering.create_numbered(
        REQUESTS,
        received_on.year,
        received_on=received_on,
        warranty=warranty,
        basis=basis,
        fee=fee,
        created_by=actor,
        **values,
    )


@transaction.atomic
def open_control_request(
    actor: User | None,
    *,
    received_on: dt.date,
    requester_kind: str,
    requester_name: str,
    channel: str,
    target: str,
    address: str,
    area: Decimal = ZERO,
    trees: int = 0,
    species: str = "",
    phone: str = "",
    warranty: WarrantyBuilding | None = None,
    note: str = "",
) -> ControlRequest:
    """A request for control of a house (m²) or trees (棵): free under a running warranty on the day of the
    request, public for the parks and schools, else charged at the rate in force."""
    ControlRequest.Requester(requester_kind)
    ControlRequest.Channel(channel)
    ControlRequest.Target(target)
    _not_future(received_on, "报治日期")
    if target == ControlRequest.Target.HOUSE:
        _positive_area(area, "灭治面积")
        trees = 0
    elif trees <= 0:
        raise TermiteError("树木数量须大于0", code="trees_not_positive", field="trees")
    request = _open_request(
        actor,
        received_on=received_on,
        warranty=warranty,
        requester_kind=requester_kind,
        requester_name=_text(requester_name, "报治人", "requester_required"),
        channel=channel,
        target=target,
        address=_text(address, "地址或位置", "address_required"),
        area=area if target == ControlRequest.Target.HOUSE else ZERO,
        trees=trees,
        species=(species or "").strip(),
        phone=(phone or "").strip(),
        note=(note or "").strip(),
    )
    audit.record(actor, AuditEvent.Action.CREATE, request, after={"basis": request.basis, "fee": str(request.fee)})
    return request


@transaction.atomic
def treat_control(
    actor: User | None,
    request: ControlRequest,
    *,
    on: dt.date,
    area: Decimal = ZERO,
    trees: int = 0,
    chemicals: str = "",
) -> ControlRequest:
    """The control treatment done: area or trees treated; the follow-up visit is due 30 days later."""
    request = ControlRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ControlRequest.Status.OPEN:
        raise TermiteError(f"灭治申请{request.number}已处理", code="bad_state")
    _not_future(on, "灭治日期")
    if on < request.received_on:
        raise TermiteError("灭治日期早于报治日期", code="before_request", field="treated_on")
    if request.target == ControlRequest.Target.HOUSE:
        request.treated_area = _positive_area(area, "灭治面积")
    else:
        if trees <= 0:
            raise TermiteError("灭治树木数量须大于0", code="trees_not_positive", field="trees")
        request.trees_treated = trees
    request.status = ControlRequest.Status.TREATED
    request.treated_on = on
    request.chemicals = (chemicals or "").strip()
    request.follow_up_due = _follow_up(on)
    request.save()
    audit.record(actor, AuditEvent.Action.UPDATE, request, after={"status": "treated", "treated_on": str(on)})
    return request


def _follow_up(treated_on: dt.date) -> dt.date:
    """FOLLOW_UP_DAYS after the treatment (民法典 periods), past a rest day once the calendar is known."""
    try:
        return dates.add_days(treated_on, rules.FOLLOW_UP_DAYS)
    except dates.CalendarMissing:
        return treated_on + dt.timedelta(days=rules.FOLLOW_UP_DAYS)


@transaction.atomic
def close_control(
    actor: User | None, request: ControlRequest, *, followed_up_on: dt.date, note: str = ""
) -> ControlRequest:
    """The follow-up visit found the treatment effective: the request is closed."""
    request = ControlRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ControlRequest.Status.TREATED:
        raise TermiteError(f"灭治申请{request.number}尚未灭治，不能结案", code="bad_state")
    if request.treated_on and followed_up_on < request.treated_on:
        raise TermiteError("复查日期早于灭治日期", code="before_treatment", field="followed_up_on")
    _not_future(followed_up_on, "复查日期")
    request.status = ControlRequest.Status.CLOSED
    request.followed_up_on = request.closed_on = followed_up_on
    if note:
        request.note = note.strip()[:300]
    request.save()
    audit.record(actor, AuditEvent.Action.UPDATE, request, after={"status": "closed"})
    return request


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
    number = _text(registration_number, "农药登记证号", "registration_required")
    if Chemical.objects.filter(registration_number=number).exists():
        raise TermiteError(f"农药登记证号{number}已登记", code="duplicate_chemical", field="registration_number")
    if unit_price < 0:
        raise TermiteError("单价不能为负数", code="bad_price", field="unit_price")
    chemical = Chemical.objects.create(
        name=_text(name, "药物名称", "name_required"),
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
    lot = _text(lot, "批次号", "lot_required")
    if quantity <= 0:
        raise TermiteError("入库数量须大于0", code="quantity_not_positive", field="quantity")
    _not_future(received_on, "入库日期")
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
    _not_future(date, "领用日期")
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
