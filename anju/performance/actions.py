"""State changes of the budget and performance records. Each is atomic and writes an audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from anju.core import audit
from anju.core.models import AuditEvent, User
from anju.performance import rules
from anju.performance.errors import ActionError, ReportBusy
from anju.performance.models import (
    Asset,
    AssetChange,
    BudgetLine,
    FacilityControl,
    Indicator,
    Narrative,
    NarrativeVersion,
    ReportRun,
    SpecialFund,
    Staffing,
)

# Disposing of an asset worth more than this needs leadership's approval (单位领导审批).
DISPOSAL_APPROVAL_ABOVE = Decimal("1000.00")

LINE_FIELDS = ("year", "section", "name", "initial", "final", "executed", "prior_year", "note", "order")
FUND_FIELDS = ("year", "name", "key", "budget", "used", "balance", "in_department_budget", "note", "order")
FACILITY_FIELDS = ("year", "approved_area", "actual_area", "budget_investment", "actual_investment")
STAFFING_FIELDS = ("year", "posts", "staff", "reported_control_rate")
ASSET_FIELDS = (
    "code",
    "name",
    "kind",
    "category",
    "value",
    "department",
    "custodian",
    "acquired_on",
    "status",
    "disposed_on",
    "disposal_reason",
)
INDICATOR_FIELDS = (
    "year",
    "level1",
    "level1_weight",
    "level2",
    "name",
    "weight",
    "operator",
    "target",
    "target_text",
    "unit",
    "kpi_code",
    "kpi_scale",
    "actual",
    "actual_text",
    "band",
    "band_score",
    "override_score",
    "override_reason",
    "deviation_note",
    "order",
)
# What a year's evaluation enters by hand; copying a tree to another year leaves these behind.
ENTERED_EACH_YEAR = frozenset(
    ("year", "actual", "actual_text", "band", "band_score", "override_score", "override_reason", "deviation_note")
)


def _save(actor: User | None, obj: Any, fields: tuple[str, ...], values: dict[str, Any]) -> Any:
    """Create or update with the values, auditing what changed."""
    creating = obj.pk is None
    before = None if creating else audit.snapshot(obj, fields)
    for name, value in values.items():
        if name not in fields:
            raise ActionError(f"unknown field {name}", code="unknown_field")
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    if creating:
        audit.record(actor, AuditEvent.Action.CREATE, obj, after=audit.snapshot(obj, fields))
    else:
        assert before is not None
        audit.record_change(actor, obj, before)
    return obj


@transaction.atomic
def save_budget_line(actor: User | None, line: BudgetLine | None = None, **values: Any) -> BudgetLine:
    return _save(actor, line or BudgetLine(), LINE_FIELDS, values)  # type: ignore[no-any-return]


@transaction.atomic
def delete_budget_line(actor: User | None, line: BudgetLine) -> None:
    audit.record(actor, AuditEvent.Action.DELETE, line, before=audit.snapshot(line, LINE_FIELDS))
    line.delete()


@transaction.atomic
def save_special_fund(actor: User | None, fund: SpecialFund | None = None, **values: Any) -> SpecialFund:
    return _save(actor, fund or SpecialFund(), FUND_FIELDS, values)  # type: ignore[no-any-return]


@transaction.atomic
def save_staffing(actor: User | None, *, year: int, **values: Any) -> Staffing:
    record = Staffing.objects.filter(year=year).first() or Staffing(year=year)
    return _save(actor, record, STAFFING_FIELDS, values)  # type: ignore[no-any-return]


@transaction.atomic
def register_asset(actor: User | None, **values: Any) -> Asset:
    asset = _save(actor, Asset(), ASSET_FIELDS, values)
    AssetChange.objects.create(asset=asset, kind=AssetChange.Kind.ACQUIRED, by=_user(actor), note=asset.custodian)
    return asset  # type: ignore[no-any-return]


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


@transaction.atomic
def transfer_asset(actor: User | None, asset: Asset, *, custodian: str, department: str) -> Asset:
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.status == Asset.Status.DISPOSED:
        raise ActionError("资产已处置，不能变更保管人", code="asset_disposed")
    note = f"{asset.department} {asset.custodian} → {department} {custodian}"
    _save(actor, asset, ASSET_FIELDS, {"custodian": custodian.strip(), "department": department.strip()})
    AssetChange.objects.create(asset=asset, kind=AssetChange.Kind.TRANSFERRED, by=_user(actor), note=note[:300])
    return asset


@transaction.atomic
def request_disposal(actor: User | None, asset: Asset, *, reason: str, on: dt.date | None = None) -> Asset:
    """Dispose of an asset; one worth more than 1000元 waits for leadership's approval."""
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.status != Asset.Status.IN_USE:
        raise ActionError("该资产已处置或正在审批中", code="asset_disposed")
    if not reason.strip():
        raise ActionError("请填写处置理由", code="reason_required")
    on = on or timezone.localdate()
    if asset.value > DISPOSAL_APPROVAL_ABOVE:
        _save(
            actor,
            asset,
            ASSET_FIELDS,
            {"status": Asset.Status.DISPOSAL_REQUESTED, "disposal_reason": reason.strip()},
        )
        AssetChange.objects.create(
            asset=asset, kind=AssetChange.Kind.DISPOSAL_REQUESTED, by=_user(actor), note=reason.strip()[:300]
        )
    else:
        _dispose(actor, asset, reason.strip(), on)
    return asset


def _dispose(actor: User | None, asset: Asset, reason: str, on: dt.date) -> None:
    _save(
        actor,
        asset,
        ASSET_FIELDS,
        {"status": Asset.Status.DISPOSED, "disposed_on": on, "disposal_reason": reason},
    )
    AssetChange.objects.create(asset=asset, kind=AssetChange.Kind.DISPOSED, by=_user(actor), note=reason[:300])


@transaction.atomic
def decide_disposal(actor: User, asset: Asset, *, approve: bool, note: str = "", on: dt.date | None = None) -> Asset:
    """Leadership approves (the asset leaves the register) or refuses (it stays in use) a requested disposal."""
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.status != Asset.Status.DISPOSAL_REQUESTED:
        raise ActionError("该资产没有待审批的处置申请", code="no_pending_disposal")
    if not actor.can("performance", "approve"):
        raise ActionError("只有单位领导可以审批资产处置", code="leader_only")
    if approve:
        AssetChange.objects.create(
            asset=asset, kind=AssetChange.Kind.DISPOSAL_APPROVED, by=_user(actor), note=note[:300]
        )
        _dispose(actor, asset, asset.disposal_reason, on or timezone.localdate())
    else:
        AssetChange.objects.create(
            asset=asset, kind=AssetChange.Kind.DISPOSAL_REFUSED, by=_user(actor), note=note[:300]
        )
        _save(actor, asset, ASSET_FIELDS, {"status": Asset.Status.IN_USE})
    return asset


def _validate_indicator(values: dict[str, Any], current: Indicator | None) -> None:
    merged = {name: getattr(current, name) for name in INDICATOR_FIELDS} if current else {}
    merged.update(values)
    override = merged.get("override_score")
    if override is not None and not str(merged.get("override_reason") or "").strip():
        raise ActionError("评价人调整得分必须填写理由", code="reason_required")
    weight = merged.get("weight") or Decimal(0)
    if override is not None and not Decimal(0) <= Decimal(override) <= Decimal(weight):
        raise ActionError(f"调整后的得分应在0至{weight}分之间", code="score_out_of_range")
    band_score = merged.get("band_score")
    if merged.get("band") and band_score is not None:
        limits = rules.rules_for(int(merged["year"])).bands[merged["band"]]
        if not limits.low <= Decimal(band_score) <= limits.high:
            raise ActionError(f"该档次的得分比例应在{limits.low}%至{limits.high}%之间", code="ratio_out_of_range")


@transaction.atomic
def save_indicator(actor: User | None, indicator: Indicator | None = None, **values: Any) -> Indicator:
    """Create or change an indicator; an evaluator's score needs a written reason."""
    _validate_indicator(values, indicator)
    return _save(actor, indicator or Indicator(), INDICATOR_FIELDS, values)  # type: ignore[no-any-return]


@transaction.atomic
def save_facility_control(actor: User | None, *, year: int, **values: Any) -> FacilityControl:
    """楼堂馆所控制情况 of the year (created or updated)."""
    record = FacilityControl.objects.filter(year=year).first() or FacilityControl(year=year)
    return _save(actor, record, FACILITY_FIELDS, {"year": year, **values})  # type: ignore[no-any-return]


@transaction.atomic
def copy_indicators(actor: User | None, *, from_year: int, to_year: int) -> int:
    """Start a year's tree from another year's: headings, weights, operators, targets and bound KPIs; the values
    entered by hand, bands, evaluator's scores and notes are left for the new year."""
    if Indicator.objects.filter(year=to_year).exists():
        raise ActionError(f"{to_year}年已有绩效指标", code="indicators_exist")
    sources = list(Indicator.objects.filter(year=from_year).order_by("order", "id"))
    if not sources:
        raise ActionError(f"{from_year}年没有绩效指标", code="no_indicators")
    kept = tuple(name for name in INDICATOR_FIELDS if name not in ENTERED_EACH_YEAR)
    for source in sources:
        save_indicator(actor, year=to_year, **{name: getattr(source, name) for name in kept})
    return len(sources)


def _version(actor: User | None, year: int, section: str, text: str, *, default: bool = False) -> int:
    last = NarrativeVersion.objects.filter(year=year, section=section).order_by("-number").first()
    number = (last.number if last else 0) + 1
    NarrativeVersion.objects.create(year=year, section=section, number=number, text=text, default=default,
                                    saved_by=actor if actor is not None and actor.pk else None)  # fmt: skip
    return number


@transaction.atomic
def save_narrative(actor: User | None, *, year: int, section: str, text: str) -> Narrative:
    """Save a section's text for the year as its newest version, with who wrote it. A placeholder that names no
    KPI (or a bad format) is refused, naming the placeholder."""
    from anju.performance import narrative as templates  # the templates read the KPI registry

    problems = templates.validate(text)
    if problems:
        raise ActionError("；".join(problems), code="bad_placeholder", field="text")
    by = actor if actor is not None and actor.pk else None
    narrative = Narrative.objects.select_for_update().filter(year=year, section=section).first()
    if narrative is not None and narrative.text == text:
        return narrative
    number = _version(actor, year, section, text)
    if narrative is None:
        narrative = Narrative.objects.create(year=year, section=section, text=text, edited_by=by, version=number)
        audit.record(actor, AuditEvent.Action.CREATE, narrative, after={"text": text, "version": number})
    else:
        before = {"text": narrative.text, "version": narrative.version}
        narrative.text, narrative.edited_by, narrative.version = text, by, number
        narrative.save()
        audit.record(actor, AuditEvent.Action.UPDATE, narrative, before=before, after={"text": text, "version": number})
    return narrative


@transaction.atomic
def reset_narrative(actor: User | None, *, year: int, section: str) -> None:
    """Back to the default text of the section (kept in the history as a version)."""
    for narrative in Narrative.objects.select_for_update().filter(year=year, section=section):
        _version(actor, year, section, "", default=True)
        audit.record(actor, AuditEvent.Action.DELETE, narrative, before={"text": narrative.text})
        narrative.delete()


@transaction.atomic
def queue_report(actor: User | None, *, year: int) -> ReportRun:
    """Queue a build of the year's report and start it in the background once committed; refused while one
    for the year is queued or running."""
    from anju.performance import jobs  # jobs imports the writers; kept out of the actions' import time

    jobs.mark_stale()
    active = ReportRun.objects.select_for_update().filter(year=year, status__in=jobs.ACTIVE).first()
    if active is not None:
        raise ReportBusy(f"{year}年度报告正在生成中（第{active.pk}次），请等待其完成后再生成")
    run = ReportRun.objects.create(year=year, requested_by=_user(actor))
    audit.record(actor, AuditEvent.Action.CREATE, run, after={"year": year})
    transaction.on_commit(lambda: jobs.start(run.pk))  # the build runs once the queued run is saved
    return run
