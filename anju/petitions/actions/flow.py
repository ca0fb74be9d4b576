"""The flow of a case: 受理 / 不予受理 → 交办 / 转送 → contact records → 答复 → 办结 → 复查 / 复核; the one
extension, conversions, satisfaction, commitments and the audited reveal of an identity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from anju.core import audit, workflow
from anju.core.models import Role, User
from anju.lib import dates
from anju.petitions import rules
from anju.petitions.actions.base import (
    CASE_WORKFLOW,
    MODULE,
    A,
    S,
    _check_handler,
    _lock,
    _not_before,
    _not_future,
    _user,
    rule_for,
)
from anju.petitions.actions.cases import _deadlines_from
from anju.petitions.errors import PetitionError
from anju.petitions.models import (
    Case,
    CaseDeadline,
    Commitment,
    Contact,
    DeadlineRule,
    Review,
)

# --- the flow ------------------------------------------------------------------------------------------


def _meet(case: Case, steps: Iterable[str], on: dt.date) -> None:
    CaseDeadline.objects.filter(case=case, step__in=list(steps), met_on__isnull=True).update(met_on=on)


def _start_deadlines(case: Case, event: str, on: dt.date, steps: Iterable[str] | None = None) -> None:
    rules_of_channel = list(DeadlineRule.objects.filter(channel_id=case.channel_id))
    existing = set(CaseDeadline.objects.filter(case=case).values_list("step", flat=True))
    try:
        made = _deadlines_from(case, event, on, rules_of_channel, dates.default_calendar(), steps=steps)
    except dates.CalendarMissing as missing:
        raise PetitionError(missing.message, code="calendar_missing") from None
    CaseDeadline.objects.bulk_create([d for d in made if d.step not in existing])


def _day_checks(case: Case, on: dt.date, label: str, field_name: str = "on") -> None:
    _not_future(on, label, field_name)
    _not_before(on, case.received_on, label, "收件日期", field_name)


@transaction.atomic
def accept_case(actor: User | None, case: Case, *, on: dt.date, note: str = "") -> Case:
    """受理: the acceptance notice; the handling deadlines counted from acceptance start."""
    locked = _lock(case, S.REGISTERED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "受理日期")
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.ACCEPTED, step="accept", note=note or f"{on:%Y-%m-%d}", accepted_on=on
    )
    _meet(locked, [rules.Step.ACCEPT], on)
    _start_deadlines(locked, rules.Start.ACCEPTED, on)
    return locked


@transaction.atomic
def reject_case(actor: User | None, case: Case, *, on: dt.date, reason: str) -> Case:
    """不予受理, with the reason told to the petitioner in a written notice."""
    locked = _lock(case, S.REGISTERED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "告知日期")
    if not reason.strip():
        raise PetitionError("不予受理须填写理由", code="reason_required", field="reason")
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.NOT_ACCEPTED, step="reject", note=reason, accepted_on=on,
        decision_note=reason.strip()[:300],
    )  # fmt: skip
    CaseDeadline.objects.filter(case=locked, met_on__isnull=True).update(met_on=on)
    return locked


@transaction.atomic
def assign_case(
    actor: User | None, case: Case, *, handler: User, department: Role | None = None, on: dt.date, note: str = ""
) -> Case:
    """交办 to a department and a handler (again to change them)."""
    locked = _lock(case, S.REGISTERED, S.ACCEPTED, S.ASSIGNED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "交办日期")
    if locked.status == S.REGISTERED:  # assigning accepts it the same day
        locked = accept_case(actor, locked, on=on)
    department = department or handler.roles.filter(kind=Role.Kind.DEPARTMENT).first()
    text = f"{department.name if department else ''} {handler.full_name or handler.username} {note}".strip()
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.ASSIGNED, step="assign", note=text, handler=handler, department=department,
        assigned_on=on,
    )  # fmt: skip
    _meet(locked, [rules.Step.FORWARD], on)
    return locked


@transaction.atomic
def forward_case(actor: User | None, case: Case, *, to: str, reason: str, on: dt.date) -> Case:
    """转送 to another body with the reason: the case leaves the center, its open deadlines end."""
    locked = _lock(case, S.REGISTERED, S.ACCEPTED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "转送日期")
    if not to.strip():
        raise PetitionError("请填写转送机关", code="no_body", field="to")
    if not reason.strip():
        raise PetitionError("转送须填写理由", code="reason_required", field="reason")
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.FORWARDED, step="forward", note=f"转送{to.strip()}：{reason.strip()}",
        forwarded_to=to.strip()[:120], decision_note=reason.strip()[:300],
    )  # fmt: skip
    CaseDeadline.objects.filter(case=locked, met_on__isnull=True).update(met_on=on)
    return locked


@transaction.atomic
def record_contact(
    actor: User | None,
    case: Case,
    *,
    at: dt.datetime,
    method: str,
    contacted: str,
    summary: str,
    principle: str = "",
) -> Contact:
    """A contact with the petitioner (三到位一处理 record)."""
    locked = _lock(case, S.ACCEPTED, S.ASSIGNED, S.REPLIED, S.CLOSED, S.REVIEWING)
    _check_handler(actor, locked)
    if at > timezone.now():
        raise PetitionError("联系时间不能晚于现在", code="future_date", field="at")
    if at < locked.received_at:
        raise PetitionError("联系时间不能早于收件时间", code="date_order", field="at")
    if method not in Contact.Method.values:
        raise PetitionError("联系方式无效", code="bad_method", field="method")
    if principle and principle not in Contact.Principle.values:
        raise PetitionError("“三到位一处理”的选项无效", code="bad_principle", field="principle")
    if not contacted.strip() or not summary.strip():
        raise PetitionError("请填写联系对象和沟通内容", code="contact_incomplete", field="summary")
    contact = Contact.objects.create(
        case=locked, at=at, method=method, contacted=contacted.strip()[:60], summary=summary.strip(),
        principle=principle, recorded_by=_user(actor),
    )  # fmt: skip
    workflow.record(
        CASE_WORKFLOW, actor, locked, step="contact",
        note=f"{contact.get_method_display()} {contact.contacted}：{contact.summary}",
    )  # fmt: skip
    audit.record(actor, A.CREATE, contact, after=audit.snapshot(contact))
    return contact


@transaction.atomic
def reply_case(actor: User | None, case: Case, *, on: dt.date, text: str) -> Case:
    """答复: the written reply (处理意见书; for online channels the text pasted back to the platform)."""
    locked = _lock(case, S.ACCEPTED, S.ASSIGNED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "答复日期")
    _not_before(on, locked.accepted_on, "答复日期", "受理日期", "on")
    if not text.strip():
        raise PetitionError("请填写答复内容", code="no_reply", field="text")
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.REPLIED, step="reply", note=f"{on:%Y-%m-%d}", replied_on=on, reply=text.strip()
    )
    _meet(locked, [rules.Step.REPLY], on)
    return locked


@transaction.atomic
def close_case(actor: User | None, case: Case, *, on: dt.date, kind: str, satisfaction: str = "") -> Case:
    """办结 with its closure kind (实体办结 / 程序性办结) and, once known, the petitioner's satisfaction."""
    locked = _lock(case, S.REPLIED, S.ACCEPTED, S.ASSIGNED)
    _check_handler(actor, locked)
    if not locked.reply or locked.replied_on is None:
        raise PetitionError("未答复的信访件不能办结，请先答复", code="no_reply", field="kind")
    if kind not in Case.Closure.values:
        raise PetitionError("办结须选择办结方式（实体办结或程序性办结）", code="no_closure_kind", field="kind")
    if satisfaction and satisfaction not in Case.Satisfaction.values:
        raise PetitionError("满意度无效", code="bad_satisfaction", field="satisfaction")
    _day_checks(locked, on, "办结日期")
    _not_before(on, locked.replied_on, "办结日期", "答复日期", "on")
    label = Case.Closure(kind).label
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.CLOSED, step="close", note=f"{label} {on:%Y-%m-%d}", closed_on=on,
        closure_kind=kind, satisfaction=satisfaction,
    )  # fmt: skip
    _meet(locked, [rules.Step.COMPLETE], on)
    return locked


@transaction.atomic
def record_satisfaction(actor: User | None, case: Case, *, satisfaction: str) -> Case:
    """回访: the petitioner's satisfaction with a closed case."""
    locked = _lock(case, S.CLOSED, S.REVIEWING)
    _check_handler(actor, locked)
    if satisfaction not in Case.Satisfaction.values:
        raise PetitionError("满意度无效", code="bad_satisfaction", field="satisfaction")
    before = audit.snapshot(locked, ["satisfaction"])
    locked.satisfaction = satisfaction
    locked.save(update_fields=["satisfaction"])
    audit.record_change(actor, locked, before, note="回访")
    workflow.record(CASE_WORKFLOW, actor, locked, step="satisfaction", note=str(Case.Satisfaction(satisfaction).label))
    return locked


@transaction.atomic
def convert_to_substantive(actor: User | None, case: Case, *, on: dt.date, note: str) -> Case:
    """A procedural closure later settled on its merits (百日攻坚): the first closure's date stands."""
    locked = _lock(case, S.CLOSED)
    _check_handler(actor, locked)
    if locked.closure_kind != Case.Closure.PROCEDURAL:
        raise PetitionError("只有程序性办结的信访件可以转为实体办结", code="not_procedural", field="on")
    _not_future(on, "转为实体办结的日期", "on")
    _not_before(on, locked.closed_on, "转为实体办结的日期", "办结日期", "on")
    if not note.strip():
        raise PetitionError("请说明实体解决的情况", code="reason_required", field="note")
    before = audit.snapshot(locked, ["closure_kind", "converted_on"])
    locked.closure_kind, locked.converted_on = Case.Closure.SUBSTANTIVE, on
    locked.save(update_fields=["closure_kind", "converted_on"])
    audit.record_change(actor, locked, before, note=note)
    workflow.record(CASE_WORKFLOW, actor, locked, step="convert", note=f"{on:%Y-%m-%d} {note.strip()}")
    return locked


@transaction.atomic
def extend_case(actor: User | None, case: Case, *, days: int, reason: str) -> Case:
    """One extension of the completion deadline, approved by a leader (not the handler) with the reason told
    to the petitioner, within the channel's maximum; counted in the completion rule's own unit."""
    locked = _lock(case, S.ACCEPTED, S.ASSIGNED)
    if actor is not None and not actor.can(MODULE, "approve"):
        raise PetitionError("延期须由中心领导审批", code="not_permitted", field="days")
    if actor is not None and locked.handler_id == actor.pk:
        raise PetitionError("承办人不能审批本件的延期", code="same_person", field="days")
    if not reason.strip():
        raise PetitionError("延期须填写理由", code="reason_required", field="reason")
    complete = CaseDeadline.objects.select_related("rule").filter(case=locked, step=rules.Step.COMPLETE).first()
    if complete is None:
        raise PetitionError("本件没有办结期限，不能延期", code="no_deadline", field="days")
    maximum_rule = rule_for(
        list(DeadlineRule.objects.filter(channel_id=locked.channel_id)), rules.Step.EXTENSION, locked.received_on
    )
    refusal = rules.extension_refusal(locked.extension_days, days, maximum_rule.amount if maximum_rule else None)
    if refusal:
        raise PetitionError(refusal, code="extension_refused", field="days")
    try:
        counted = rules.extended(
            complete.starts_on, complete.amount, days, complete.rule.unit, dates.default_calendar()
        )
    except dates.CalendarMissing as missing:
        raise PetitionError(missing.message, code="calendar_missing", field="days") from None
    before = audit.snapshot(locked, ["extension_days", "extension_reason", "extension_approved_by"])
    locked.extension_days, locked.extension_reason = days, reason.strip()[:300]
    locked.extension_approved_by = _user(actor)
    locked.save(update_fields=["extension_days", "extension_reason", "extension_approved_by"])
    complete.nominal, complete.due = counted.nominal, counted.due
    complete.save(update_fields=["nominal", "due"])
    audit.record_change(
        actor, locked, before, note=f"延期{days}{complete.rule.get_unit_display()}至{counted.due:%Y-%m-%d}"
    )
    workflow.record(
        CASE_WORKFLOW, actor, locked, step="extend",
        note=f"延期{days}{complete.rule.get_unit_display()}，办结期限至{counted.due:%Y-%m-%d}：{reason.strip()}",
    )  # fmt: skip
    return locked


@transaction.atomic
def record_commitment(actor: User | None, case: Case, *, signed_on: dt.date, signer: str) -> Commitment:
    """A signed 息访罢诉承诺书 (its scan attached to the commitment by the page)."""
    locked = _lock(case, *Case.Status.values)
    _check_handler(actor, locked)
    _not_future(signed_on, "签订日期", "signed_on")
    _not_before(signed_on, locked.received_on, "签订日期", "收件日期", "signed_on")
    if not signer.strip():
        raise PetitionError("请填写签订人", code="no_signer", field="signer")
    commitment = Commitment.objects.create(
        case=locked, signed_on=signed_on, signer=signer.strip()[:60], recorded_by=_user(actor)
    )
    workflow.record(CASE_WORKFLOW, actor, locked, step="commitment", note=f"{signer.strip()} {signed_on:%Y-%m-%d}")
    audit.record(actor, A.CREATE, commitment, after=audit.snapshot(commitment))
    return commitment


@transaction.atomic
def request_review(actor: User | None, case: Case, *, on: dt.date) -> Review:
    """The petitioner asks for 复查 of the reply, or for 复核 of the 复查 opinion, within the limit to ask; after
    复核 the same matter is not accepted again."""
    locked = _lock(case, S.CLOSED)
    _check_handler(actor, locked)
    _day_checks(locked, on, "申请日期")
    done = {r.level: r for r in Review.objects.filter(case=locked)}
    if Review.Level.REREVIEW in done:
        raise PetitionError("已经复核的信访事项，不再受理复查、复核申请", code="after_rereview", field="on")
    level = Review.Level.REREVIEW if Review.Level.REVIEW in done else Review.Level.REVIEW
    request_step = rules.Step.REREVIEW_REQUEST if level == Review.Level.REREVIEW else rules.Step.REVIEW_REQUEST
    decision_step = rules.Step.REREVIEW if level == Review.Level.REREVIEW else rules.Step.REVIEW
    rules_of_channel = list(DeadlineRule.objects.filter(channel_id=locked.channel_id))
    decision_rule = rule_for(rules_of_channel, decision_step, locked.received_on)
    if decision_rule is None:
        raise PetitionError(f"渠道“{locked.channel.name}”没有{level.label}规则", code="no_review_rule", field="on")
    since = done[Review.Level.REVIEW].decided_on if level == Review.Level.REREVIEW else locked.replied_on
    request_rule = rule_for(rules_of_channel, request_step, locked.received_on)
    calendar = dates.default_calendar()
    try:
        if request_rule is not None and since is not None:
            limit = rules.deadline(since, request_rule.amount, request_rule.unit, calendar)
            if on > limit.due:
                raise PetitionError(
                    f"已超过申请{level.label}的期限（{limit.due:%Y-%m-%d}前）", code="request_late", field="on"
                )
        counted = rules.deadline(on, decision_rule.amount, decision_rule.unit, calendar)
    except dates.CalendarMissing as missing:
        raise PetitionError(missing.message, code="calendar_missing", field="on") from None
    review = Review.objects.create(case=locked, level=level, requested_on=on, nominal=counted.nominal, due=counted.due)
    workflow.move(CASE_WORKFLOW, actor, locked, S.REVIEWING, step="review", note=f"申请{level.label} {on:%Y-%m-%d}")
    audit.record(actor, A.CREATE, review, after=audit.snapshot(review))
    return review


@transaction.atomic
def decide_review(actor: User | None, case: Case, *, on: dt.date, outcome: str, opinion: str) -> Review:
    """The 复查 / 复核 opinion: the reply upheld or changed; the case is closed again."""
    locked = _lock(case, S.REVIEWING)
    _check_handler(actor, locked)
    review = Review.objects.select_for_update().filter(case=locked, decided_on__isnull=True).first()
    if review is None:
        raise PetitionError("没有待办理的复查、复核申请", code="no_review", field="on")
    if outcome not in Review.Outcome.values:
        raise PetitionError("请选择复查、复核结论", code="bad_outcome", field="outcome")
    if not opinion.strip():
        raise PetitionError("请填写复查、复核意见", code="no_opinion", field="opinion")
    _not_future(on, "意见日期", "on")
    _not_before(on, review.requested_on, "意见日期", "申请日期", "on")
    before = audit.snapshot(review, ["decided_on", "outcome", "opinion"])
    review.decided_on, review.outcome, review.opinion, review.decided_by = on, outcome, opinion.strip(), _user(actor)
    review.save(update_fields=["decided_on", "outcome", "opinion", "decided_by"])
    audit.record_change(actor, review, before)
    workflow.move(
        CASE_WORKFLOW, actor, locked, S.CLOSED, step="decide",
        note=f"{review.get_level_display()}：{review.get_outcome_display()} {on:%Y-%m-%d}",
    )  # fmt: skip
    return review


def show_identity(actor: User | None, case: Case) -> None:
    """Every view of a petitioner's identity in full is in the audit log."""
    audit.record(actor, A.EXPORT, case, note="查看信访人身份信息（姓名、证件号码、电话）")
