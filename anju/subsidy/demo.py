"""The demo city's home-purchase subsidies (DOMAIN.md §4), written through the line's actions, in bulk, so that
2023 reproduces the seed: 3934 sets reviewed, 1255 households paid (第一批490户、第二批765户), the third batch's
799 households 审核拨付中 at the year's end. The other 1880 reviewed sets are stated from records: refused
(420, 40 of them re-submissions of homes already paid), returned for documents (310), withdrawn (60), and
1090 passed but not in a batch yet (in tax verification, finance review, public notice, approved, or a failed
payment awaiting its reissue). 66 applications of late December are not reviewed yet.

Duplicates, as a center meets them: the 40 re-submissions (same home, contract, voucher and buyer as a paid
application: refused, then their flags cleared), 30 pairs of family members paid into one account (cleared
by a second person before approval), and in December 5 buyers on two pending applications and 5 shared
accounts, still open. Four payments of the first batch fail (account closed) and are reissued in the second
after the payee is corrected; three of the second fail and wait. The amount rule (50% of the deed tax, at
most 20,000 元) is a data slot: the 细则's text was not found."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from anju.core import actions as core_actions
from anju.core.demokit import Step, hashed_passwords, register
from anju.core.demokit.ids import make_resident_id
from anju.core.demokit.names import DISTRICTS, GIVEN_NAMES, SEED_PROJECTS, STREETS, SURNAMES
from anju.core.models import Role, User
from anju.registry.models import Person
from anju.subsidy import actions, payments
from anju.subsidy.models import Application, Flag, Payment, Program

if TYPE_CHECKING:
    from anju.core.demokit import Context

D = Decimal
YEAR = 2023
PASSWORD = "Anju@2023demo"
# (user name, full name, role): the counter clerk enters and imports, a second reviewer of the center checks
# documents and clears flags, the tax and finance bureaus' users take their steps.
STAFF = [
    ("butie", "住房保障服务部 补贴经办 孙丽", "housing"),
    ("shencha", "住房保障服务部 补贴审查 周敏", "housing"),
    ("shuiwu", "市税务局 契税核验 何军", "tax_agency"),
    ("caizheng", "市财政局 补贴审核 罗芳", "finance_bureau"),
]
# How the 4000 applications of 2023 end the year.
GROUPS = {
    "first": 494,  # 第一批: 490 paid, 4 failed and reissued in the second
    "second": 764,  # 第二批 with the 4 reissued: 765 paid, 3 failed
    "third": 799,  # 第三批, formed 15 December, no result yet
    "refused": 380,  # + 40 re-submissions = 420 不予通过
    "withdrawn": 60,
    "returned": 310,
    "pipeline": 1087,  # tax 400, finance 300, notice 200, approved 187
    "december": 66,  # applied in late December, not reviewed yet
}
RESUBMITTED = 40
SHARED_PAIRS = 30
BANKS = [
    "中国建设银行怀化分行",
    "中国工商银行怀化分行",
    "中国农业银行怀化分行",
    "怀化农村商业银行",
    "中国邮政储蓄银行怀化分行",
]


def _day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _staff() -> dict[str, User]:
    roles = {r.code: r for r in Role.objects.filter(code__in={s[2] for s in STAFF})}
    users = {u.username: u for u in User.objects.filter(username__in=[s[0] for s in STAFF])}
    missing = [staff for staff in STAFF if staff[0] not in users]
    for (username, full_name, role), password_hash in zip(
        missing, hashed_passwords(PASSWORD, len(missing)), strict=True
    ):
        users[username] = core_actions.create_user(
            None,
            username=username,
            full_name=full_name,
            password=PASSWORD,
            password_hash=password_hash,
            roles=[roles[role]],
            must_change_password=False,
        )
    return {name: User.objects.get(pk=u.pk) for name, u in users.items()}


class _People:
    def __init__(self, rng: random.Random) -> None:
        # Not the registry's people: a buyer made here is a new person with this name.
        self.rng, self.seen = rng, set(Person.objects.values_list("id_number", flat=True))

    def person(self) -> tuple[str, str]:
        number, _ = make_resident_id(self.rng, self.seen)
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES), number


def _application(rng: random.Random, people: _People, n: int, applied: dt.date) -> actions.NewApplication:
    name, number = people.person()
    co = (people.person()[1],) if rng.random() < 0.4 else ()
    area = D(rng.randint(6500, 14500)) / 100
    price = (area * D(rng.randint(4300, 6800))).quantize(D("1"))
    deed_tax = (price * (D("0.01") if area <= 90 else D("0.015"))).quantize(D("0.01"))
    signed = min(_day(rng, dt.date(2022, 3, 1), applied - dt.timedelta(days=20)), dt.date(YEAR, 12, 31))
    project = rng.choice(SEED_PROJECTS)
    building, room = rng.randint(1, 24), rng.randint(1, 33) * 100 + rng.randint(1, 4)
    return actions.NewApplication(
        number="",
        buyer_name=name,
        buyer_id=number,
        co_buyer_ids=co,
        address=f"{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{project}{building}栋{room}室",
        unit_code=f"431202{rng.randint(1, 12):03d}{rng.randint(1, 40):03d}GB{n:05d}F{building:04d}{room:04d}",
        contract_number=f"HHWQ{signed:%Y}{n:06d}",
        contract_date=signed,
        area=area,
        price=D(price).quantize(D("0.01")),
        tax_voucher=f"343126{signed:%y}{n:08d}",
        deed_tax=deed_tax,
        payee_name=name,
        payee_account=f"6217{rng.randint(10**14, 10**15 - 1)}",
        payee_bank=rng.choice(BANKS),
        applied_on=applied,
    )


def _register(
    actor: User, program: Program, groups: dict[str, list[actions.NewApplication]], start: int, at: dt.date
) -> dict[str, list[Application]]:
    """Register the groups' applications as one import dated `at`, numbered by application date from `start`;
    the applications by group."""
    labelled = sorted(((n, label) for label, news in groups.items() for n in news), key=lambda p: p[0].applied_on)
    news = [
        actions.NewApplication(**{**n.__dict__, "number": f"GF{YEAR}-{start + i:05d}"})
        for i, (n, _) in enumerate(labelled)
    ]
    stamp = timezone.make_aware(dt.datetime.combine(at, dt.time(17, 0)))
    apps = actions.register_applications(actor, program, news, source=Application.Source.IMPORT, at=stamp)
    out: dict[str, list[Application]] = {label: [] for label in groups}
    for (_, label), app in zip(labelled, apps.applications, strict=True):
        out[label].append(app)
    return out


def _walk(staff: dict[str, User], apps: Sequence[Application], days: Sequence[dt.date]) -> None:
    """The review steps, one a day of `days`, as far as there are days."""
    steps = [
        ("pass_documents", "shencha"),
        ("verify_tax", "shuiwu"),
        ("finance_pass", "caizheng"),
        ("approve", "shencha"),
    ]
    for (step, who), day in zip(steps, days, strict=False):
        actions.take_steps(staff[who], apps, step, on=day)


def _results(apps: Sequence[Application], failed: int, day: dt.date, rng: random.Random) -> list[Application]:
    """The bank's results of the apps' pending payments: the last `failed` fail (account closed)."""
    pending = list(Payment.objects.filter(application__in=apps, state=Payment.State.PENDING).order_by("reference"))
    failing = {p.pk for p in rng.sample(pending, failed)}
    lines = [
        payments.Result(
            row=i + 2,
            reference=p.reference,
            paid=p.pk not in failing,
            amount=p.amount,
            txn=f"HH{day:%Y%m%d}{i:06d}",
            day=day,
            reason="账户已销户" if p.pk in failing else "",
        )
        for i, p in enumerate(pending)
    ]
    payments.record_results(None, lines)
    return [p.application for p in pending if p.pk in failing]


def build_subsidy(ctx: Context) -> None:
    rng = ctx.rng
    staff = _staff()
    clerk = staff["butie"]
    program = actions.create_program(
        clerk,
        code="hh2023",
        name="怀化市中心城区购房补贴（2022—2023年）",
        window_from=dt.date(2022, 1, 1),
        window_to=dt.date(YEAR, 12, 31),
        document="《怀化市中心城区购房补贴实施细则》（怀建发〔2023〕29号）",
        agencies="市住建局、市财政局、市税务局",
        area="中心城区",
        home_types=["住宅"],
        one_claim=True,
    )
    actions.add_rule_version(
        clerk,
        program,
        effective_from=dt.date(2022, 1, 1),
        kind="deed_tax_share",
        rate=D("50"),
        cap=D("20000.00"),
        source="示例：按已缴契税的50%补贴，每套最高2万元（细则原文未取得，为可修改的数据）",
    )
    people = _People(rng)
    n = iter(range(1, 10_000))

    def make(count: int, first: dt.date, last: dt.date) -> list[actions.NewApplication]:
        return [_application(rng, people, next(n), _day(rng, first, last)) for _ in range(count)]

    # Wave 1 (applied by 31 July): the first and second batches, withdrawals and refusals.
    jul = dt.date(YEAR, 7, 31)
    first = make(GROUPS["first"], dt.date(YEAR, 5, 15), dt.date(YEAR, 6, 30))
    second = make(GROUPS["second"], dt.date(YEAR, 6, 1), jul)
    withdrawn = make(GROUPS["withdrawn"], dt.date(YEAR, 6, 1), jul)
    refused_a = make(200, dt.date(YEAR, 6, 1), jul)
    ctx.out.write("  subsidy: applications of May–July\n")
    members = _register(
        clerk, program, {"first": first, "second": second, "withdrawn": withdrawn, "refused": refused_a}, 1, jul
    )
    count = sum(len(v) for v in members.values())
    _walk(
        staff, members["first"], [dt.date(YEAR, 8, 3), dt.date(YEAR, 8, 10), dt.date(YEAR, 8, 17), dt.date(YEAR, 8, 28)]
    )
    batch1 = payments.form_batch(clerk, program, members["first"], on=dt.date(YEAR, 9, 1))
    payments.export_payment_file(clerk, batch1)
    failed1 = _results(members["first"], 4, dt.date(YEAR, 9, 20), rng)
    _walk(
        staff,
        members["second"],
        [dt.date(YEAR, 8, 15), dt.date(YEAR, 9, 5), dt.date(YEAR, 9, 20), dt.date(YEAR, 10, 18)],
    )
    actions.take_steps(staff["shencha"], members["withdrawn"], "pass_documents", on=dt.date(YEAR, 8, 20))
    actions.take_steps(clerk, members["withdrawn"], "withdraw", note="申请人自愿撤回申请", on=dt.date(YEAR, 9, 10))
    actions.take_steps(
        staff["shencha"], members["refused"], "reject", note="不符合细则规定的补贴条件", on=dt.date(YEAR, 8, 25)
    )
    for app in failed1:
        app.refresh_from_db()
        payments.correct_payee(
            clerk, app, payee_name=app.payee_name, payee_account=f"6228{rng.randint(10**14, 10**15 - 1)}",
            payee_bank=rng.choice(BANKS), reason="原收款账户已销户，申请人提供新账户",
        )  # fmt: skip
    batch2 = payments.form_batch(clerk, program, [*members["second"], *failed1], on=dt.date(YEAR, 11, 1))
    payments.export_payment_file(clerk, batch2)
    _results([*members["second"], *failed1], 3, dt.date(YEAR, 11, 22), rng)

    # Wave 2 (applied August to mid-October): the third batch, with family members sharing an account,
    # re-submissions of homes already paid, refusals and send-backs.
    ctx.out.write("  subsidy: applications of August–October\n")
    oct15 = dt.date(YEAR, 10, 15)
    third = make(GROUPS["third"], dt.date(YEAR, 8, 1), dt.date(YEAR, 9, 30))
    for i in range(SHARED_PAIRS):
        a, b = third[2 * i], third[2 * i + 1]
        third[2 * i + 1] = actions.NewApplication(**{**b.__dict__, "payee_account": a.payee_account})
    paid_originals = rng.sample(members["first"][: len(members["first"]) - 4], RESUBMITTED)
    resubmitted = [
        actions.NewApplication(
            **{
                **_application(rng, people, next(n), _day(rng, dt.date(YEAR, 9, 25), oct15)).__dict__,
                "buyer_name": o.buyer_name,
                "buyer_id": o.buyer_id_number,
                "address": o.address,
                "unit_code": o.unit_code,
                "contract_number": o.contract_number,
                "contract_date": o.contract_date,
                "tax_voucher": o.tax_voucher,
                "area": o.area,
                "price": o.price,
                "deed_tax": o.deed_tax,
            }
        )
        for o in paid_originals
    ]
    refused_b = make(GROUPS["refused"] - 200, dt.date(YEAR, 8, 1), oct15)
    returned = make(GROUPS["returned"], dt.date(YEAR, 8, 15), oct15)
    wave2_members = _register(
        clerk,
        program,
        {"third": third, "resubmitted": resubmitted, "refused": refused_b, "returned": returned},
        count + 1,
        oct15,
    )
    count += sum(len(v) for v in wave2_members.values())
    third_apps = wave2_members["third"]
    _walk(staff, third_apps, [dt.date(YEAR, 10, 25), dt.date(YEAR, 11, 6), dt.date(YEAR, 11, 16)])
    shared = Flag.objects.filter(application__in=third_apps, reason="shared_account", cleared_at__isnull=True)
    actions.clear_flags(staff["shencha"], shared, reason="经核实为家庭成员共用收款账户", on=dt.date(YEAR, 11, 20))
    actions.take_steps(staff["shencha"], third_apps, "approve", on=dt.date(YEAR, 11, 28))
    batch3 = payments.form_batch(clerk, program, third_apps, on=dt.date(YEAR, 12, 15))
    payments.export_payment_file(clerk, batch3)
    actions.take_steps(
        staff["shencha"], wave2_members["resubmitted"], "reject", note="重复申请：该房屋已享受购房补贴",
        on=dt.date(YEAR, 10, 30),
    )  # fmt: skip
    duplicate = Flag.objects.filter(application__in=wave2_members["resubmitted"], cleared_at__isnull=True)
    actions.clear_flags(
        staff["shencha"], duplicate, reason="重复申请已不予通过，原申请发放有效", on=dt.date(YEAR, 10, 31)
    )
    actions.take_steps(
        staff["shencha"], wave2_members["refused"], "reject", note="合同签订前已有住房，不符合补贴条件",
        on=dt.date(YEAR, 10, 30),
    )  # fmt: skip
    actions.take_steps(
        staff["shencha"], wave2_members["returned"], "return_documents", note="请补充不动产权证书复印件",
        on=dt.date(YEAR, 11, 10),
    )  # fmt: skip

    # Wave 3 (applied mid-October to early December): in review at the year's end; wave 4 (late December):
    # not reviewed yet, some with duplicates still open.
    ctx.out.write("  subsidy: applications of October–December\n")
    pipeline = make(GROUPS["pipeline"], dt.date(YEAR, 10, 16), dt.date(YEAR, 12, 5))
    december = make(GROUPS["december"], dt.date(YEAR, 12, 10), dt.date(YEAR, 12, 28))
    for i in range(5):  # a buyer on two pending applications; an account shared by strangers
        december[i] = actions.NewApplication(**{**december[i].__dict__, "buyer_id": pipeline[i].buyer_id,
                                                "buyer_name": pipeline[i].buyer_name})  # fmt: skip
        december[10 + i] = actions.NewApplication(**{**december[10 + i].__dict__,
                                                     "payee_account": december[20 + i].payee_account})  # fmt: skip
    apps3 = _register(clerk, program, {"pipeline": pipeline}, count + 1, dt.date(YEAR, 12, 8))["pipeline"]
    _register(clerk, program, {"december": december}, count + len(apps3) + 1, dt.date(YEAR, 12, 29))
    open_ = Flag.objects.filter(application__in=apps3, cleared_at__isnull=True)
    flagged = set(open_.values_list("application_id", flat=True))
    apps3.sort(key=lambda a: (a.pk not in flagged, a.number))  # the flagged ones stay in tax verification
    days = [dt.date(YEAR, 12, 12), dt.date(YEAR, 12, 15), dt.date(YEAR, 12, 19), dt.date(YEAR, 12, 27)]
    actions.take_steps(staff["shencha"], apps3, "pass_documents", on=days[0])
    actions.take_steps(staff["shuiwu"], apps3[400:], "verify_tax", on=days[1])
    actions.take_steps(staff["caizheng"], apps3[700:], "finance_pass", on=days[2])
    actions.take_steps(staff["shencha"], apps3[900:], "approve", on=days[3])
    ctx.out.write(f"  subsidy: {Application.objects.count()} applications, 3 batches\n")


def register_steps() -> None:
    register(Step(70, "home-purchase subsidies", build_subsidy))
