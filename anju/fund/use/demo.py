"""The demo city's use applications (维修资金使用申请): one for every repair the fund demo paid, with its
scope units, owner votes for ordinary repairs, its workflow steps and its payment linked to the
repair's journal entry; plus a few applications still in the workflow so the lists look alive.

Written set-based with explicit ids through `use.record_paid_history`; nothing here posts, so the fund's figures stay
exactly as the fund demo made them."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from stdnum.cn import uscc

from anju.core import bulk
from anju.core.fields import from_fen
from anju.core.models import User
from anju.fund import rules
from anju.fund.models import (
    ApplicationEvent,
    JournalEntry,
    RepairItem,
    ScopeUnit,
    UseApplication,
    UsePayment,
    UsePaymentShare,
)
from anju.fund.use import actions as use
from anju.fund.use import queries as use_queries
from anju.registry import actions as registry_actions
from anju.registry.models import Enterprise, Ownership, Project, Unit

if TYPE_CHECKING:
    from anju.core.demokit import Context
    from anju.fund.demo_plan import Plan

Status = UseApplication.Status
Vote = ScopeUnit.Vote
CONTRACTORS = (
    "怀化市建工维修工程有限公司",
    "湖南鹤城建筑安装有限公司",
    "怀化通达电梯工程有限公司",
    "怀化安泰消防工程有限公司",
    "湖南五溪防水工程有限公司",
)
# Days before the payment: created, submitted, reviewed, approved.
STEP_DAYS = (40, 35, 28, 21)


def _contractors(rng: random.Random) -> list[Enterprise]:
    found = []
    for index, name in enumerate(CONTRACTORS):
        existing = Enterprise.objects.filter(name=name).first()
        if existing is None:
            body = f"914312{index:02d}" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
            existing = registry_actions.create_enterprise(
                None, name=name, uscc=body + uscc.calc_check_digit(body), legal_representative="王建国"
            )
        found.append(existing)
    return found


def _owners(unit_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(owner name, owner key) of each unit's current owner, from one query over the ownerships."""
    owners: dict[int, tuple[str, str]] = {}
    rows = Ownership.objects.filter(end__isnull=True).values_list(
        "unit_id", "person_id", "person__name", "enterprise_id", "enterprise__name"
    )
    for unit_id, person_id, person_name, enterprise_id, enterprise_name in rows.iterator(chunk_size=10_000):
        if unit_id in unit_ids:
            owners[unit_id] = (person_name, f"p{person_id}") if person_id else (enterprise_name, f"e{enterprise_id}")
    return owners


def _votes(
    rng: random.Random, members: Sequence[Any], owners: dict[int, tuple[str, str]], unsold: dict[int, str]
) -> dict[str, str]:
    """A passing vote under the Civil Code: each owner votes once for all his units; owners who did not
    vote are brought in as agreeing until the vote passes (a repair that was paid had passed)."""
    keys: dict[str, list[Any]] = defaultdict(list)
    for info in members:
        keys[owners.get(info.unit, ("", unsold[info.project]))[1]].append(info)
    choice = {
        key: rng.choices((Vote.AGREE, Vote.OPPOSE, Vote.ABSTAIN, Vote.NOT_VOTED), (70, 8, 4, 18))[0] for key in keys
    }
    area = {key: sum((i.area for i in infos), Decimal(0)) for key, infos in keys.items()}

    def outcome() -> rules.VoteOutcome:
        voted = [k for k, c in choice.items() if c != Vote.NOT_VOTED]
        agree = [k for k, c in choice.items() if c == Vote.AGREE]
        return rules.vote_outcome(
            rules.CIVIL_CODE_2021,
            rules.USE,
            sum(area.values(), Decimal(0)),
            len(keys),
            sum((area[k] for k in voted), Decimal(0)),
            len(voted),
            sum((area[k] for k in agree), Decimal(0)),
            len(agree),
        )

    for key in sorted(keys):
        if outcome().passed:
            break
        if choice[key] != Vote.AGREE:
            choice[key] = Vote.AGREE
    return {info.code: choice[key] for key, infos in keys.items() for info in infos}


def _tally_json(rule: str, scope: list[tuple[str, str, str, Decimal]]) -> dict[str, Any]:
    """The stored vote result, as `use_queries.tally` computes it, from (owner key, code, vote, area) rows."""
    choices, _ = use_queries.owner_choices((k, c, v) for k, c, v, _ in scope)
    area_by_owner: dict[str, Decimal] = defaultdict(Decimal)
    for key, _, _, area in scope:
        area_by_owner[key] += area
    counts = {
        vote: (
            sum((area_by_owner[k] for k, c in choices.items() if c == vote), Decimal(0)),
            sum(1 for c in choices.values() if c == vote),
        )
        for vote in Vote.values
    }
    total_area = sum(area_by_owner.values(), Decimal(0))
    voted_area = total_area - counts[Vote.NOT_VOTED][0]
    voted_owners = len(choices) - counts[Vote.NOT_VOTED][1]
    outcome = rules.vote_outcome(
        rule, rules.USE, total_area, len(choices), voted_area, voted_owners, *counts[Vote.AGREE]
    )
    return use_queries.Tally(total_area, len(choices), voted_area, voted_owners, counts, outcome).as_json()


def build_use_applications(ctx: Context, plan: Plan, *, closed_before: dt.date) -> None:
    """One paid application per repair of the plan (closed, i.e. filed, when paid before closed_before),
    then a few in the workflow."""
    rng = random.Random(4)
    contractors = _contractors(rng)
    users = {u.username: u for u in User.objects.filter(username__in=("station", "finance", "leader"))}
    entry_of = dict(
        JournalEntry.objects.filter(kind=JournalEntry.Kind.USE, bank_txn_id__isnull=False).values_list(
            "bank_txn_id", "pk"
        )
    )
    repairs = [r for r in plan.repairs if r.posting.txn_id in entry_of]
    owners = _owners({info.unit for r in repairs for info in r.members})
    # Unsold units count as their developer, as `use` keys them.
    unsold = {pk: use.developer_key(project) for pk, project in Project.objects.in_bulk().items()}
    rule = use_queries.vote_rule()
    app_id = bulk.next_id(UseApplication)
    scope_id = bulk.next_id(ScopeUnit)
    item_id = bulk.next_id(RepairItem)
    event_id = bulk.next_id(ApplicationEvent)
    payment_id = bulk.next_id(UsePayment)
    share_id = bulk.next_id(UsePaymentShare)
    apps, items, scopes, events, payments, shares = [], [], [], [], [], []
    for offset, planned in enumerate(repairs):
        pk = app_id + offset
        day = planned.posting.day
        cost = -planned.posting.lines[0][1]
        emergency = planned.repair.emergency
        first = planned.members[0]
        created = _at(day - dt.timedelta(days=STEP_DAYS[0]))
        status = Status.CLOSED if day < closed_before else Status.PAID
        contractor = contractors[offset % len(contractors)]
        votes = {} if emergency else _votes(rng, planned.members, owners, unsold)
        scope_rows = []
        for info in planned.members:
            name, key = owners.get(info.unit, ("", unsold[info.project]))
            scope_rows.append((key, info.code, votes.get(info.code, Vote.NOT_VOTED), info.area))
            share = planned.shares[info.code]
            scopes.append(
                (scope_id, pk, info.unit, info.account, info.area, name, key, scope_rows[-1][2], share, share, 0)
            )
            if share:
                shares.append((share_id, payment_id + offset, scope_id, share, share, 0))
                share_id += 1
            scope_id += 1
        vote = None if emergency else _tally_json(rule, scope_rows)
        building_number = first.code.split("-")[1]
        scope_kind = (
            UseApplication.ScopeKind.LIST if planned.repair.entrance_only else UseApplication.ScopeKind.BUILDINGS
        )
        spec = "\n".join(i.code for i in planned.members) if planned.repair.entrance_only else building_number
        center = emergency and offset % 3 == 0
        apps.append(
            (
                pk,
                f"SY{created.year}-{pk:05d}",
                UseApplication.Kind.EMERGENCY if emergency else UseApplication.Kind.ORDINARY,
                f"{planned.where.removeprefix(plan.projects[first.project].name)}{planned.repair.name}",
                first.project,
                UseApplication.ApplicantKind.CENTER if center else UseApplication.ApplicantKind.PROPERTY_COMPANY,
                "怀化市住房保障服务中心（代修）" if center else f"{plan.projects[first.project].name}物业服务中心",
                f"{planned.repair.name}，危及安全，需立即维修" if emergency else "",
                scope_kind,
                spec,
                contractor.pk,
                "中国建设银行怀化分行",
                f"430501700000{contractor.pk:08d}",
                cost,
                cost,
                status,
                json.dumps(vote) if vote is not None else None,
                bool(vote and vote["passed"]),
                bulk.db_datetime(created),
                users["station"].pk if "station" in users else None,
            )
        )
        items.append((item_id + offset, pk, planned.repair.name, cost, 0))
        steps = [
            ("", Status.DRAFT, "station", "create", "", STEP_DAYS[0]),
            (Status.DRAFT, Status.SUBMITTED, "station", "submit", "", STEP_DAYS[1]),
            (Status.SUBMITTED, Status.REVIEWED, "finance", "review", "", STEP_DAYS[2]),
            (Status.REVIEWED, Status.APPROVED, "leader", "approve", "", STEP_DAYS[3]),
            (Status.APPROVED, Status.PAID, "station", "settlement", f"{from_fen(cost)}", 0),
        ]
        if status == Status.CLOSED:
            steps.append((Status.PAID, Status.CLOSED, "station", "close", "", -30))
        for before, after, who, step, note, days in steps:
            user = users.get(who)
            events.append(
                (
                    event_id,
                    pk,
                    bulk.db_datetime(_at(day - dt.timedelta(days=days))),
                    user.pk if user else None,
                    who,
                    user.full_name if user else "",
                    step,
                    before,
                    after,
                    note,
                )
            )
            event_id += 1
        payments.append(
            (
                payment_id + offset,
                pk,
                UsePayment.Kind.SETTLEMENT,
                cost,
                cost,
                0,
                day,
                planned.posting.bank,
                entry_of[planned.posting.txn_id],
                bulk.db_datetime(_at(day)),
                users["station"].pk if "station" in users else None,
            )
        )
    use.record_paid_history(use.PaidHistory(apps, items, scopes, events, payments, shares))
    ctx.out.write(f"  use applications paid: {len(apps)}\n")
    _in_workflow(ctx, plan, contractors, users)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _in_workflow(ctx: Context, plan: Plan, contractors: list[Enterprise], users: dict[str, User]) -> None:
    """A few current applications through the actions: a draft, a submitted one, one approved and not
    yet paid (nothing posts)."""
    station, finance, leader = users.get("station"), users.get("finance"), users.get("leader")
    projects = sorted({info.project for info in plan.units if info.paid_on is not None})
    if not projects:
        return
    rng = random.Random(7)
    chosen = rng.sample(projects, min(4, len(projects)))
    plans = [
        ("ordinary", "供水管网改造", Decimal("186000.00"), ()),
        ("ordinary", "屋面防水维修", Decimal("98500.00"), ("submit",)),
        ("emergency", "电梯主机维修", Decimal("46800.00"), ("submit", "review", "approve")),
        ("ordinary", "外墙脱落修复", Decimal("215000.00"), ("submit", "review")),
    ]
    made = 0
    for project_id, (kind, name, budget, steps) in zip(chosen, plans, strict=False):
        project = Project.objects.get(pk=project_id)
        building = Unit.objects.filter(project=project).order_by("code").values_list("building__number", flat=True)[0]
        data = use.ApplicationData(
            kind=kind,
            title=f"{building}栋{name}",
            project=project,
            applicant_kind=UseApplication.ApplicantKind.PROPERTY_COMPANY,
            applicant_name=f"{project.name}物业服务中心",
            emergency_reason="电梯困人，主机故障停运" if kind == "emergency" else "",
            scope_kind=UseApplication.ScopeKind.BUILDINGS,
            scope_spec=str(building),
            items=[(name, budget)],
            contractor=contractors[made % len(contractors)],
            contractor_bank="中国建设银行怀化分行",
            contractor_account_number=f"430501700000{contractors[made % len(contractors)].pk:08d}",
        )
        try:
            application = use.create_application(station, data)
            if kind == "ordinary" and steps:
                use.record_votes(station, application, {c: "agree" for c in _codes(application)})
            for step in steps:
                actor = {"submit": station, "review": finance, "approve": leader}[step]
                application = use.take_step(actor, application, step)
        except use.UseError as exc:
            ctx.out.write(f"  use application skipped: {exc}\n")
            continue
        made += 1
    ctx.out.write(f"  use applications in the workflow: {made}\n")


def _codes(application: UseApplication) -> list[str]:
    return list(application.scope_units.values_list("unit__code", flat=True))
