"""Every write of home-purchase subsidies, one function per use case (CONVENTIONS.md): programs and rule
versions, applications entered or imported (set-based: persons, duplicate detection and flags in a few
queries for any number of applications), the review workflow (one application or many at once), flags
cleared by a second person. Payments are in `payments.py`."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from anju.core import audit, bulk, numbering, workflow
from anju.core.models import AuditEvent, User
from anju.core.workflow import Workflow, WorkflowError
from anju.lib import ids
from anju.lib.workflow import APPROVE, REVIEW
from anju.registry import actions as registry
from anju.registry.models import Person
from anju.subsidy import rules
from anju.subsidy.errors import SubsidyError
from anju.subsidy.models import Application, Buyer, Event, Flag, Program, RuleVersion, Status, standing

NUMBERS = numbering.Scheme(Application, "BT", 5)
CHUNK = 900


class StepError(WorkflowError, SubsidyError):
    """A refused step of an application's review (codes ``workflow.*``)."""


WORKFLOW = Workflow(
    module="subsidy",
    flow=rules.FLOW,
    model=Application,
    event_model=Event,
    event_record="application",
    noun="补贴申请",
    error=StepError,
    path=("documents", "tax", "finance", "notice", "approved", "batched", "paid"),
    labels={
        "create": "受理",
        "import": "批量导入",
        "objection": "公示异议",
        "clear_flag": "疑似重复核查",
        "batch": "纳入批次",
        "paid": "发放成功",
        "failed": "发放失败",
        "payee": "更正收款信息",
        "clawback": "追回",
    },
)


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


EVENT_COLUMNS = ("application_id", "at", "actor_id", "actor_name", "actor_full_name", "step", "from_status",
                 "to_status", "note")  # fmt: skip


def history(actor: User | None, moves: Iterable[tuple[int, str, str, str]], *, step: str, at: dt.datetime) -> int:
    """The workflow history of many applications at once (application, from, to, note), inserted set-based
    (the kit's `bulk.insert_rows`: no model instance per row)."""
    user = _user(actor)
    who = (user.pk if user else None, audit.actor_label(actor), (actor.full_name if actor is not None else "")[:60])
    stamp = bulk.db_datetime(at)
    return bulk.insert_rows(
        Event, EVENT_COLUMNS, ((pk, stamp, *who, step, before, after, note[:300]) for pk, before, after, note in moves)
    )


def insert(objs: Sequence[models.Model], *, key: str = "") -> dict[Any, int]:
    """Insert unsaved records set-based (the kit's raw multi-row INSERT, values prepared by their fields);
    with `key`, their new primary keys by that unique field."""
    if not objs:
        return {}
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    rows = ([f.get_db_prep_save(getattr(o, f.attname), connection) for f in fields] for o in objs)
    columns = [str(f.column) for f in fields]
    if key:
        return bulk.insert_returning_ids(model, columns, rows, key)
    bulk.insert_rows(model, columns, rows)
    return {}


@functools.lru_cache(maxsize=100_000)
def resident_id(number: str) -> str:
    """A resident ID number normalized and checked (ValueError otherwise), remembered for a large import."""
    return ids.normalize_resident_id(number)


def _text(value: str, label: str, name: str, limit: int = 300) -> str:
    value = (value or "").strip()
    if not value:
        raise SubsidyError(f"请填写{label}", code="required", field=name)
    return value[:limit]


# --- programs ------------------------------------------------------------------------------------------------


@transaction.atomic
def create_program(
    actor: User | None,
    *,
    code: str,
    name: str,
    window_from: dt.date,
    window_to: dt.date,
    document: str = "",
    agencies: str = "",
    area: str = "",
    home_types: Sequence[str] = ("住宅",),
    one_claim: bool = True,
    appeal_days: int = 60,
) -> Program:
    """A program as data: a new policy is a new program, not a code change."""
    if window_to < window_from:
        raise SubsidyError("资格期间的截止日期不能早于起始日期", code="bad_window", field="window_to")
    if Program.objects.filter(code=code).exists():
        raise SubsidyError(f"补贴项目代码{code}已存在", code="program_exists", field="code")
    program = Program.objects.create(
        code=_text(code, "项目代码", "code", 40),
        name=_text(name, "项目名称", "name", 120),
        window_from=window_from,
        window_to=window_to,
        document=document,
        agencies=agencies,
        area=area,
        home_types=list(home_types),
        one_claim=one_claim,
        appeal_days=appeal_days,
    )
    audit.record(actor, AuditEvent.Action.CREATE, program, after=audit.snapshot(program))
    return program


@transaction.atomic
def add_rule_version(
    actor: User | None,
    program: Program,
    *,
    effective_from: dt.date,
    kind: str,
    rate: Decimal = Decimal(0),
    fixed: Decimal = Decimal("0.00"),
    cap: Decimal | None = None,
    source: str = "",
) -> RuleVersion:
    """A dated amount rule of the program, for contracts signed from `effective_from`."""
    if kind not in rules.KINDS:
        raise SubsidyError("补贴计算方式无效", code="bad_kind", field="kind")
    if rate < 0 or fixed < 0 or (cap is not None and cap < 0):
        raise SubsidyError("比例、定额和上限不能为负数", code="negative", field="rate")
    if kind == rules.DEED_TAX_SHARE and rate > 100:
        raise SubsidyError("契税补贴比例不能超过100%", code="share_over_100", field="rate")
    if program.rules.filter(effective_from=effective_from).exists():
        raise SubsidyError(f"{effective_from:%Y-%m-%d}起的补贴标准已存在", code="rule_exists", field="effective_from")
    rule = RuleVersion.objects.create(
        program=program,
        effective_from=effective_from,
        kind=kind,
        rate=rate,
        fixed=fixed,
        cap=cap,
        source=source,  # type: ignore[misc]
    )
    audit.record(actor, AuditEvent.Action.CREATE, rule, after=audit.snapshot(rule))
    return rule


@transaction.atomic
def change_rule_version(actor: User | None, rule: RuleVersion, **changes: Any) -> RuleVersion:
    """Correct a rule version no application used yet; once used it never changes (add a new version)."""
    rule = RuleVersion.objects.select_for_update().get(pk=rule.pk)
    if rule.applications.exists():
        raise SubsidyError(
            "该补贴标准已有申请使用，不能修改；请新增一个版本", code="rule_in_use", field="effective_from"
        )
    before = audit.snapshot(rule, list(changes))
    for name, value in changes.items():
        if name not in ("kind", "rate", "fixed", "cap", "source"):
            raise SubsidyError(f"不能修改{name}", code="bad_field")
        setattr(rule, name, value)
    rule.save(update_fields=list(changes))
    audit.record_change(actor, rule, before)
    return rule


def rule_for(versions: Sequence[RuleVersion], day: dt.date) -> RuleVersion | None:
    """The version in force on the day (versions newest first)."""
    return next((v for v in versions if v.effective_from <= day), None)


# --- applications --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewApplication:
    """An application to register (from the counter's form or a file's row). `number` empty: numbered."""

    buyer_name: str
    buyer_id: str
    address: str
    unit_code: str
    contract_number: str
    contract_date: dt.date
    area: Decimal
    price: Decimal
    tax_voucher: str
    deed_tax: Decimal
    payee_name: str
    payee_account: str
    payee_bank: str
    applied_on: dt.date
    co_buyer_ids: tuple[str, ...] = ()
    number: str = ""
    home_type: str = "住宅"


def split_ids(text: str) -> list[str]:
    """Co-buyers' ID numbers separated by ；or ; (or commas, spaces)."""
    for sep in ("；", ";", "，", ",", "、"):
        text = text.replace(sep, " ")
    return [part for part in text.split() if part]


def problems(program: Program, new: NewApplication) -> list[tuple[str, str]]:
    """What is wrong with an application as (field, Chinese message): the same checks on the form and on a
    file's row (the import names the column instead)."""
    found: list[tuple[str, str]] = []
    for name, label in (
        ("buyer_name", "购房人姓名"),
        ("address", "房屋坐落"),
        ("unit_code", "不动产单元号"),
        ("contract_number", "合同备案号"),
        ("tax_voucher", "契税完税凭证号"),
        ("payee_name", "收款人"),
        ("payee_account", "收款账号"),
        ("payee_bank", "开户行"),
    ):
        if not str(getattr(new, name) or "").strip():
            found.append((name, f"{label}不能为空"))
    for name, value in (("buyer_id", new.buyer_id), *(("co_buyer_ids", v) for v in new.co_buyer_ids)):
        try:
            resident_id(value)
        except ValueError as exc:
            found.append((name, f"{exc}：{value}"))
    if new.area is None or new.area <= 0:
        found.append(("area", "建筑面积须大于0"))
    if new.price is None or new.price <= 0:
        found.append(("price", "成交总价须大于0"))
    if new.deed_tax is None or new.deed_tax < 0:
        found.append(("deed_tax", "契税税额不能为负数"))
    if new.contract_date is not None and not program.window_from <= new.contract_date <= program.window_to:
        found.append(
            (
                "contract_date",
                f"合同签订日期{new.contract_date:%Y-%m-%d}不在{program.name}的资格期间"
                f"（{program.window_from:%Y-%m-%d}至{program.window_to:%Y-%m-%d}）内",
            )
        )
    if program.home_types and new.home_type not in program.home_types:
        found.append(("home_type", f"房屋类型“{new.home_type}”不在补贴范围内"))
    return found


@dataclass
class Registered:
    """What registering gave: the applications in the order given, and each one's duplicate reasons."""

    applications: list[Application] = field(default_factory=list)
    reasons: dict[int, list[str]] = field(default_factory=dict)  # by index of the new applications
    flagged_existing: int = 0


def _keys(app: Application, buyers: Iterable[str]) -> rules.Keys:
    return rules.Keys(
        ref=app.pk,
        program=app.program_id,
        standing=standing(app.status),
        unit=app.unit_code,
        contract=app.contract_number,
        voucher=app.tax_voucher,
        account=app.payee_account,
        buyers=frozenset(buyers),
    )


def existing_keys(
    program: Program, *, units: set[str], contracts: set[str], vouchers: set[str], accounts: set[str], buyers: set[str]
) -> list[rules.Keys]:
    """The keys of every application sharing a key with the given ones: a few queries per 900 values."""
    found: dict[int, Application] = {}
    for name, values in (
        ("unit_code", units),
        ("contract_number", contracts),
        ("tax_voucher", vouchers),
        ("payee_account", accounts),
    ):
        ordered = sorted(v for v in values if v)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            found.update((a.pk, a) for a in Application.objects.filter(**{f"{name}__in": chunk}))
    people = sorted(buyers)
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]
        matched = Application.objects.filter(program=program, buyers__id_number__in=chunk).distinct()
        found.update((a.pk, a) for a in matched)
    owned: dict[int, set[str]] = {pk: set() for pk in found}
    pks = sorted(found)
    for start in range(0, len(pks), CHUNK):
        rows = Buyer.objects.filter(application_id__in=pks[start : start + CHUNK]).values_list(
            "application_id", "id_number"
        )
        for pk, number in rows:
            owned[pk].add(number)
    return [_keys(app, owned[pk]) for pk, app in found.items()]


def _persons(actor: User | None, names: dict[str, str]) -> dict[str, int]:
    """Registry persons by ID number: those known, and the others registered (one query per 900 numbers)."""
    known: dict[str, int] = {}
    numbers = sorted(names)
    for start in range(0, len(numbers), CHUNK):
        rows = Person.objects.filter(
            id_type=Person.IdType.RESIDENT, id_number__in=numbers[start : start + CHUNK]
        ).values_list("id_number", "pk")
        known.update(rows)
    missing = [registry.NewPerson(names[n], n, ids.resident_id_birth_date(n)) for n in numbers if n not in known]
    if missing:
        known.update(registry.register_persons(actor, missing))
    return known


def _flags(hits: Sequence[rules.Hit]) -> list[Flag]:
    """Each hit flags both applications (the new one and the one it duplicates)."""
    flags: dict[tuple[int, int, str], Flag] = {}
    for hit in hits:
        for one, other in ((hit.ref, hit.other), (hit.other, hit.ref)):
            key = (int(one), int(other), hit.reason)  # type: ignore[call-overload]
            flags.setdefault(key, Flag(application_id=key[0], other_id=key[1], reason=hit.reason))
    return list(flags.values())


@transaction.atomic
def register_applications(
    actor: User | None,
    program: Program,
    news: Sequence[NewApplication],
    *,
    source: str = Application.Source.COUNTER,
    at: dt.datetime | None = None,
) -> Registered:
    """Register applications (all or none), set-based: the rule version of each contract date, the buyers
    from the registry (new ones registered), numbers for those without one, the history, and duplicate
    detection against the given ones before each and every existing application; each duplicate is
    imported and flagged, with the application it duplicates flagged too."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    versions = list(program.rules.order_by("-effective_from"))
    for index, new in enumerate(news):
        wrong = problems(program, new)
        if wrong:
            name, message = wrong[0]
            prefix = f"第{index + 1}份申请：" if len(news) > 1 else ""
            raise SubsidyError(prefix + message, code="invalid", field=name)
        if rule_for(versions, new.contract_date) is None:
            raise SubsidyError(
                f"{new.contract_date:%Y-%m-%d}签订的合同没有适用的补贴标准", code="no_rule", field="contract_date"
            )
    given = [n.number for n in news if n.number]
    if len(set(given)) != len(given):
        raise SubsidyError("申请编号重复", code="number_repeated", field="number")
    taken: set[str] = set()
    for start in range(0, len(given), CHUNK):
        taken.update(
            Application.objects.filter(number__in=given[start : start + CHUNK]).values_list("number", flat=True)
        )
    if taken:
        raise SubsidyError(f"申请编号{sorted(taken)[0]}已存在", code="number_exists", field="number")
    # Buyers: main buyer first, co-buyers after, each once per application.
    buyer_lists = []
    names: dict[str, str] = {}
    for new in news:
        main = resident_id(new.buyer_id)
        names[main] = new.buyer_name.strip()[:60]
        people = [main]
        for other in new.co_buyer_ids:
            number = resident_id(other)
            names.setdefault(number, "")
            if number not in people:
                people.append(number)
        buyer_lists.append(people)
    persons = _persons(actor, names)
    numbers = iter(numbering.next_numbers(NUMBERS, timezone.localdate().year, sum(1 for n in news if not n.number)))
    stamp = at or timezone.now()
    apps = []
    for new, people in zip(news, buyer_lists, strict=True):
        rule = rule_for(versions, new.contract_date)
        assert rule is not None
        amount = rules.entitlement(rule.amount_rule, deed_tax=new.deed_tax, area=new.area)
        apps.append(
            Application(
                number=new.number.strip() or next(numbers),
                program=program,
                rule=rule,
                buyer_id=persons[people[0]],
                buyer_name=new.buyer_name.strip()[:60],
                buyer_id_number=people[0],
                address=new.address.strip()[:200],
                unit_code=rules.normalize_code(new.unit_code),
                home_type=new.home_type,
                area=new.area,
                contract_number=rules.normalize_code(new.contract_number),
                contract_date=new.contract_date,
                price=new.price,
                tax_voucher=rules.normalize_code(new.tax_voucher),
                deed_tax=new.deed_tax,
                payee_name=new.payee_name.strip()[:60],
                payee_account=rules.normalize_account(new.payee_account),
                payee_bank=new.payee_bank.strip()[:80],
                applied_on=new.applied_on,
                amount=amount,
                source=source,
                created_by=_user(actor),
                created=stamp,
            )
        )
    existing = existing_keys(
        program,
        units={a.unit_code for a in apps},
        contracts={a.contract_number for a in apps},
        vouchers={a.tax_voucher for a in apps},
        accounts={a.payee_account for a in apps},
        buyers=set(names),
    )
    new_ids = insert(apps, key="number")
    for app in apps:
        app.pk = new_ids[app.number]
    insert(
        [
            Buyer(application_id=app.pk, person_id=persons[n], id_number=n, main=(i == 0))
            for app, people in zip(apps, buyer_lists, strict=True)
            for i, n in enumerate(people)
        ]
    )
    new_keys = [_keys(app, people) for app, people in zip(apps, buyer_lists, strict=True)]
    hits = rules.duplicates(new_keys, existing, one_claim=program.one_claim)
    insert(_flags(hits))  # each involves a new application: none exists yet
    step = "import" if source == Application.Source.IMPORT else "create"
    history(actor, ((app.pk, "", app.status, "") for app in apps), step=step, at=stamp)
    reasons = rules.reasons_of(hits)
    position = {app.pk: i for i, app in enumerate(apps)}
    result = Registered(apps, {position[int(pk)]: r for pk, r in reasons.items()})  # type: ignore[call-overload]
    result.flagged_existing = len({h.other for h in hits if h.other not in position})
    if source == Application.Source.COUNTER:
        for app in apps:
            audit.record(actor, AuditEvent.Action.CREATE, app, after=audit.snapshot(app, ["number", "status"]))
    return result


def register_application(actor: User | None, program: Program, new: NewApplication) -> Application:
    """One application entered at the counter (the same checks and duplicate detection as an import)."""
    return register_applications(actor, program, [new]).applications[0]


# --- review --------------------------------------------------------------------------------------------------


def open_flags(app: Application) -> int:
    return app.flags.filter(cleared_at__isnull=True).count()


def _refusals(pks: Sequence[int]) -> dict[int, tuple[int | None, dt.date]]:
    """Who last refused each application and on which day (one query)."""
    found: dict[int, tuple[int | None, dt.date]] = {}
    events = Event.objects.filter(application_id__in=pks, to_status=Status.REJECTED).order_by("at", "pk")
    for pk, actor_id, at in events.values_list("application_id", "actor_id", "at"):
        found[pk] = (actor_id, timezone.localtime(at).date())
    return found


def _line_checks(actor: User | None, step: str, rows: Sequence[Application], day: dt.date) -> None:
    """The line's own rules on top of the kit's: approval (after the notice) neither by a preparer nor while a
    duplicate flag is open; an appeal within the program's limit from the refusal; an appeal decided by
    someone who did not refuse."""
    pks = [app.pk for app in rows]
    if step == "approve":
        if actor is not None and actor.pk and any(app.created_by_id == actor.pk for app in rows):
            raise SubsidyError("审核通过须由受理该申请的经办人以外的人员办理", code="same_person")
        flagged = list(
            Flag.objects.filter(application_id__in=pks, cleared_at__isnull=True)
            .order_by("application__number")
            .values_list("application__number", flat=True)[:1]
        )
        if flagged:
            raise SubsidyError(f"补贴申请{flagged[0]}有疑似重复未核查，核查清除后才能审核通过", code="flagged")
    if step in ("appeal", "appeal_grant", "appeal_deny"):
        refused = _refusals(pks)
        limits = dict(Program.objects.filter(applications__pk__in=pks).values_list("applications__pk", "appeal_days"))
        for app in rows:
            refuser, on = refused.get(app.pk, (None, day))
            if step == "appeal" and (day - on).days > limits.get(app.pk, 0):
                raise SubsidyError(
                    f"补贴申请{app.number}于{on:%Y-%m-%d}不予通过，已超过{limits.get(app.pk, 0)}日的复核申请期限",
                    code="appeal_late",
                )
            if step != "appeal" and actor is not None and actor.pk and actor.pk == refuser:
                raise SubsidyError("复核须由作出不予通过决定以外的人员办理", code="same_reviewer")


def take_step(actor: User | None, app: Application, step: str, *, note: str = "") -> Application:
    """A review step of one application (see rules.FLOW), with the line's own checks: no approval while a
    duplicate flag is open, an appeal decided by someone other than who refused."""
    before = app.status
    with transaction.atomic():
        moved = workflow.take_step(
            WORKFLOW, actor, app, step, note=note, check=lambda a: _line_checks(actor, step, [a], timezone.localdate())
        )
        if step in rules.FIRST_DECISIONS and before == Status.DOCUMENTS and moved.reviewed_on is None:
            moved.reviewed_on = timezone.localdate()
            moved.save(update_fields=["reviewed_on"])
        if step == "verify_tax":
            Application.objects.filter(pk=moved.pk).update(tax_verified=True)
        if step == "finance_pass":
            Application.objects.filter(pk=moved.pk).update(notice_from=timezone.localdate())
    moved.refresh_from_db()
    return moved


@transaction.atomic
def take_steps(
    actor: User | None, applications: Iterable[Application], step: str, *, note: str = "", on: dt.date | None = None
) -> int:
    """The same review step for many applications at once (a reviewer's selection, the tax bureau's return
    file, the demo), set-based and all or none: every one must be in a state the step starts from, the
    actor's role must allow it, separation of duties holds for each (from their histories in one query),
    no open flag where the step approves; then one update per target state, the history in bulk and one
    audit event. Returns how many moved."""
    chosen = rules.FLOW.step(step)
    if chosen is None:
        raise StepError(f"未知的办理步骤：{step}", code="unknown_step")
    note = note.strip()
    if chosen.reason and not note:
        raise StepError(f"{chosen.label}须填写理由", code="reason_required", field="note")
    pks = sorted({a.pk for a in applications})
    if not pks:
        return 0
    rows: list[Application] = []
    for start in range(0, len(pks), CHUNK):
        locked = Application.objects.select_for_update().filter(pk__in=pks[start : start + CHUNK])
        rows += list(locked.only("pk", "number", "status", "created_by_id", "program_id"))
    for app in rows:
        if app.status not in chosen.starts:
            labels = "、".join(WORKFLOW.state_label(s) for s in chosen.starts)
            raise StepError(
                f"补贴申请 {app.number} 当前为“{WORKFLOW.state_label(app.status)}”，"
                f"只有“{labels}”的补贴申请可以办理此步骤",
                code="wrong_state",
            )
        if actor is not None and not actor.can("subsidy", chosen.permission_from(app.status)):
            raise StepError(f"补贴申请 {app.number}：您无权办理此步骤", code="not_permitted")
    if actor is not None and actor.pk and chosen.duty in (REVIEW, APPROVE):
        reviewers: dict[int, int | None] = {}
        for start in range(0, len(pks), CHUNK):
            events = Event.objects.filter(application_id__in=pks[start : start + CHUNK], step="pass_documents")
            for app_id, actor_id in events.order_by("at", "pk").values_list("application_id", "actor_id"):
                reviewers[app_id] = actor_id
        for app in rows:
            refusal = rules.FLOW.refusal(
                chosen, actor.pk, preparer=app.created_by_id, reviewer=reviewers.get(app.pk),
                creator=app.created_by_id, noun="补贴申请",
            )  # fmt: skip
            if refusal is not None:
                raise StepError(f"补贴申请 {app.number}：{refusal.message}", code=refusal.code)
    _line_checks(actor, step, rows, on or timezone.localdate())
    day = on or timezone.localdate()
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0))) if on else timezone.now()
    changes: dict[str, Any] = {"status": chosen.to}
    if step == "verify_tax":
        changes["tax_verified"] = True
    if step == "finance_pass":
        changes["notice_from"] = day
    by_state: dict[str, list[int]] = {}
    for app in rows:
        by_state.setdefault(app.status, []).append(app.pk)
    for start in range(0, len(pks), CHUNK):
        Application.objects.filter(pk__in=pks[start : start + CHUNK]).update(**changes)
    if step in rules.FIRST_DECISIONS:
        first_ids = by_state.get(Status.DOCUMENTS, [])
        for start in range(0, len(first_ids), CHUNK):
            Application.objects.filter(pk__in=first_ids[start : start + CHUNK], reviewed_on__isnull=True).update(
                reviewed_on=day
            )
    history(actor, ((app.pk, app.status, chosen.to, note) for app in rows), step=step, at=at)
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        model="subsidy.Application",
        object_repr=f"{chosen.label} {len(rows)}份",
        after={"step": step, "count": len(rows), "numbers": [a.number for a in rows[:50]]},
        note=f"{chosen.label}：{note}" if note else chosen.label,
    )
    return len(rows)


@transaction.atomic
def record_objection(actor: User | None, app: Application, *, text: str) -> Application:
    """An objection (异议) received during the public notice, recorded in the history; sustained, it leads
    to a refusal (the reject step with its reason)."""
    text = _text(text, "异议内容", "note")
    app = workflow.lock(WORKFLOW, app, Status.NOTICE)
    workflow.record(WORKFLOW, actor, app, step="objection", note=text)
    audit.record(actor, AuditEvent.Action.UPDATE, app, note=f"公示异议：{text}")
    return app


# --- flags ---------------------------------------------------------------------------------------------------


@transaction.atomic
def clear_flag(actor: User | None, flag: Flag, *, reason: str) -> Flag:
    """A second person (not the preparer of either application) finds the pair not a duplicate for the
    flag's reason, with a written reason: the flag and its counterpart on the other application are cleared,
    audited and written in both histories."""
    reason = (reason or "").strip()
    if not reason:
        raise SubsidyError("清除疑似重复须填写理由", code="reason_required", field="reason")
    flag = Flag.objects.select_for_update().select_related("application", "other").get(pk=flag.pk)
    if flag.cleared_at is not None:
        raise SubsidyError("该疑似重复已核查清除", code="already_cleared")
    preparers = {flag.application.created_by_id, flag.other.created_by_id} - {None}
    if actor is not None and actor.pk in preparers:
        raise SubsidyError("疑似重复须由经办人以外的第二人核查清除", code="same_person", field="reason")
    now = timezone.now()
    pair = Flag.objects.select_for_update().filter(
        Q(pk=flag.pk) | Q(application=flag.other_id, other=flag.application_id, reason=flag.reason),
        cleared_at__isnull=True,
    )
    cleared = list(pair)
    pair.update(cleared_by=_user(actor), cleared_at=now, clear_reason=reason[:300])
    label = rules.REASON_LABELS[flag.reason]
    for one in cleared:
        other = flag.other if one.application_id == flag.application_id else flag.application
        app = one.application if one.pk == flag.pk else flag.other
        workflow.record(WORKFLOW, actor, app, step="clear_flag", note=f"与{other.number}{label}，核查后清除：{reason}")
        audit.record(
            actor,
            AuditEvent.Action.UPDATE,
            app,
            before={"flag": one.reason, "other": other.number},
            after={"cleared": True},
            note=f"疑似重复核查清除：{reason}",
        )
    flag.refresh_from_db()
    return flag


@transaction.atomic
def clear_flags(actor: User | None, flags: Iterable[Flag], *, reason: str, on: dt.date | None = None) -> int:
    """Clear many flags at once (a reviewer's selection, the demo), with the same checks, set-based."""
    reason = (reason or "").strip()
    if not reason:
        raise SubsidyError("清除疑似重复须填写理由", code="reason_required", field="reason")
    pks = sorted({f.pk for f in flags})
    rows = list(
        Flag.objects.select_for_update()
        .filter(pk__in=pks, cleared_at__isnull=True)
        .select_related("application", "other")
    )
    for flag in rows:
        if actor is not None and actor.pk in {flag.application.created_by_id, flag.other.created_by_id}:
            raise SubsidyError(
                f"补贴申请{flag.application.number}的疑似重复须由经办人以外的第二人核查清除", code="same_person"
            )
    at = timezone.make_aware(dt.datetime.combine(on, dt.time(9, 0))) if on else timezone.now()
    pairs = {(f.application_id, f.other_id, f.reason) for f in rows} | {
        (f.other_id, f.application_id, f.reason) for f in rows
    }
    ids_ = {p[0] for p in pairs}
    targets = [
        f.pk
        for f in Flag.objects.filter(application_id__in=ids_, cleared_at__isnull=True).only(
            "application_id", "other_id", "reason"
        )
        if (f.application_id, f.other_id, f.reason) in pairs
    ]
    Flag.objects.filter(pk__in=targets).update(cleared_by=_user(actor), cleared_at=at, clear_reason=reason[:300])
    statuses = Application.objects.filter(pk__in=ids_).values_list("pk", "status")
    history(actor, ((pk, st, st, f"疑似重复核查清除：{reason}") for pk, st in statuses), step="clear_flag", at=at)
    audit.record(
        actor,
        AuditEvent.Action.UPDATE,
        model="subsidy.Flag",
        object_repr=f"疑似重复核查清除 {len(targets)}项",
        after={"cleared": len(targets)},
        note=reason[:300],
    )
    return len(targets)
