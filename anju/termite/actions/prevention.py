"""Prevention: fee rates, warranty rules, applications accepted or returned, contracts, treatment stages
and the acceptance of a building, from which its warranty runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from anju.core import audit, numbering
from anju.core.models import AuditEvent, User
from anju.lib import dates
from anju.registry.models import Building, Enterprise, Project
from anju.termite import rules
from anju.termite.actions.base import (
    APPLICATIONS,
    CERTIFICATES,
    BuildingArea,
    not_future,
    positive_area,
    required_text,
)
from anju.termite.errors import TermiteError
from anju.termite.models import (
    ZERO,
    Application,
    ApplicationBuilding,
    Contract,
    FeeRate,
    Stage,
    Structure,
    TreatmentJob,
    WarrantyBuilding,
    WarrantyRule,
    WarrantyStart,
)

# --- warranty rules ----------------------------------------------------------------------------------


def warranty_rule_on(day: dt.date) -> WarrantyRule:
    """The city's warranty rule in force on the day; the national rule (15 years from acceptance) before
    any is recorded."""
    rule = WarrantyRule.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    return rule or WarrantyRule(effective_from=day, years=rules.DEFAULT_YEARS, start_event=WarrantyStart.ACCEPTANCE)


@transaction.atomic
def set_warranty_rule(
    actor: User | None, *, effective_from: dt.date, years: int, start_event: str, source: str = ""
) -> WarrantyRule:
    """A new dated rule for the contracts signed from that day; contracts already signed keep theirs. Fewer
    years than the national minimum are allowed (some cities' rules) and flagged by `rule.short`."""
    WarrantyStart(start_event)
    if years <= 0:
        raise TermiteError("包治年限须大于0", code="bad_years", field="years")
    if WarrantyRule.objects.filter(effective_from=effective_from).exists():
        raise TermiteError(f"{effective_from:%Y-%m-%d}起的包治规则已存在", code="rule_exists", field="effective_from")
    rule = WarrantyRule.objects.create(
        effective_from=effective_from, years=years, start_event=start_event, source=(source or "").strip()
    )
    audit.record(actor, AuditEvent.Action.CREATE, rule, after={"years": years, "start_event": start_event})
    return rule


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


def fee_for(kind: str, parts: Sequence[tuple[str, Decimal]], on: dt.date) -> Decimal:
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
    developer_name = required_text(developer.name if developer else developer_name, "建设单位", "developer_required")
    project_name = required_text(project.name if project else project_name, "项目名称", "project_required")
    not_future(received_on, "受理日期")
    if not buildings:
        raise TermiteError("请至少填写一幢房屋", code="no_buildings", field="buildings")
    numbers = [required_text(b.building_no, "幢号", "building_required") for b in buildings]
    if len(set(numbers)) != len(numbers):
        raise TermiteError("同一申请中幢号重复", code="duplicate_building", field="buildings")
    developer, project, roll = _in_registry(developer_name, project_name, numbers, developer, project)
    buildings = [_bounded(b, roll.get(n)) for n, b in zip(numbers, buildings, strict=True)]
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
            application=application,
            building=b.building,
            building_no=n,
            structure=b.structure,
            area=b.area,
            floors=b.floors,
            footprint=b.footprint,
        )
        for n, b in zip(numbers, buildings, strict=True)
    )
    audit.record(actor, AuditEvent.Action.CREATE, application, after={"area": str(application.area)})
    return application


def _in_registry(
    developer_name: str,
    project_name: str,
    numbers: Sequence[str],
    developer: Enterprise | None,
    project: Project | None,
) -> tuple[Enterprise | None, Project | None, dict[str, Building]]:
    """The roll's developer (by name or credit code), project (by name, of that developer) and buildings
    (by number) where the roll has exactly one; a new project or building not yet in the roll stays a name."""
    if developer is None:
        found = list(Enterprise.objects.filter(Q(name=developer_name) | Q(uscc=developer_name))[:2])
        developer = found[0] if len(found) == 1 else None
    if project is None:
        projects = Project.objects.filter(name=project_name)
        if developer is not None:
            projects = projects.filter(Q(developer=developer) | Q(developer__isnull=True))
        found_projects = list(projects[:2])
        project = found_projects[0] if len(found_projects) == 1 else None
    roll = {b.number: b for b in Building.objects.filter(project=project, number__in=numbers)} if project else {}
    return developer, project, roll


def _bounded(b: BuildingArea, roll: Building | None) -> BuildingArea:
    """The building's area checked: positive, and not over its footprint × floors where both are known."""
    label = f"{b.building_no}幢"
    positive_area(b.area, f"{label}建筑面积")
    Structure(b.structure)
    floors = b.floors or (roll.floors if roll is not None else None)
    if b.footprint is not None:
        positive_area(b.footprint, f"{label}基底面积")
    if floors is not None and floors <= 0:
        raise TermiteError(f"{label}层数须大于0", code="floors_not_positive", field="buildings")
    if b.footprint is not None and floors and b.area > b.footprint * floors:
        raise TermiteError(
            f"{label}建筑面积{b.area}㎡超过基底面积{b.footprint}㎡×{floors}层",
            code="area_over_floors",
            field="buildings",
        )
    return BuildingArea(
        building_no=b.building_no,
        area=b.area,
        structure=b.structure,
        building=b.building or roll,
        floors=floors,
        footprint=b.footprint,
    )


def _lock_application(application: Application, *statuses: str) -> Application:
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if statuses and locked.status not in statuses:
        raise TermiteError(f"申请{locked.number}当前状态为“{locked.get_status_display()}”，不能办理", code="bad_state")
    return locked


@transaction.atomic
def accept_application(actor: User | None, application: Application, *, on: dt.date) -> Application:
    """受理: the accepted area counts in the year of `on`; the fee at the rates in force that day."""
    application = _lock_application(application, Application.Status.RECEIVED)
    not_future(on, "受理日期")
    if on < application.received_on:
        raise TermiteError("受理日期早于收件日期", code="accepted_before_received", field="accepted_on")
    parts = [(b.structure, b.area) for b in application.buildings.all()]
    application.status = Application.Status.ACCEPTED
    application.accepted_on = on
    application.fee = fee_for(FeeRate.Kind.PREVENTION, parts, on)
    application.handled_by = actor
    application.save(update_fields=["status", "accepted_on", "fee", "handled_by"])
    audit.record(actor, AuditEvent.Action.UPDATE, application, after={"status": "accepted", "accepted_on": str(on)})
    return application


@transaction.atomic
def return_application(actor: User | None, application: Application, *, on: dt.date, reason: str) -> Application:
    """退件 with the reason the developer is told."""
    application = _lock_application(application, Application.Status.RECEIVED)
    not_future(on, "退件日期")
    if on < application.received_on:
        raise TermiteError("退件日期早于收件日期", code="returned_before_received", field="on")
    application.return_reason = required_text(reason, "退件理由", "reason_required")
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
    warranty_years: int | None = None,
) -> Contract:
    """The prevention contract of an accepted application: its buildings come under it, to be treated
    and accepted one by one. The warranty's years (unless the contract states others) and the event they
    run from are the city's rule in force on the signing day; fewer than 15 years is warned about
    (`contract.short_warranty`)."""
    rule = warranty_rule_on(signed_on)
    if warranty_years is None:
        warranty_years = rule.years
    application = _lock_application(application, Application.Status.ACCEPTED)
    if application.contracts.exists():
        raise TermiteError(f"申请{application.number}已签订预防合同", code="already_contracted")
    number = required_text(number, "合同编号", "number_required")
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
        start_event=rule.start_event,
        fee=application.fee,
        created_by=actor,
    )
    WarrantyBuilding.objects.bulk_create(
        WarrantyBuilding(
            contract=contract, building=b.building, building_no=b.building_no, structure=b.structure, area=b.area
        )
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
    positive_area(area, "施工面积")
    not_future(date, "施工日期")
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
        crew=required_text(crew, "施工班组", "crew_required"),
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
    not_future(on, "验收日期")
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
