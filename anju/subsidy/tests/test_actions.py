"""The review workflow, separation of duties, duplicate flags and their clearance, on the counter's entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from anju.core.models import AuditEvent, User
from anju.subsidy import actions
from anju.subsidy.errors import SubsidyError
from anju.subsidy.models import Application, Flag
from anju.subsidy.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(make_user):
    return {
        "clerk": make_user("clerk", "housing"),
        "checker": make_user("checker", "housing"),
        "tax": make_user("tax", "tax_agency"),
        "finance": make_user("caizheng", "finance_bureau"),
        "leader": make_user("leader", "leadership"),
    }


def walk(app: Application, staff, until: str = "approved") -> Application:
    for step, who in (
        ("pass_documents", "checker"),
        ("verify_tax", "tax"),
        ("finance_pass", "finance"),
        ("approve", "checker"),
    ):
        app = actions.take_step(staff[who], app, step, note="")
        if app.status == until:
            break
    return app


def test_an_application_goes_through_each_agency_to_approval(staff) -> None:
    prog = f.program()
    app = f.application(prog, staff["clerk"])
    assert app.amount == Decimal("7800.00") and "契税 15,600.00 元 × 50% = 7,800.00 元" in app.formula()
    app = walk(app, staff)
    assert app.status == "approved" and app.tax_verified and app.reviewed_on == timezone.localdate()
    steps = list(app.events.values_list("step", flat=True))
    assert steps == ["create", "pass_documents", "verify_tax", "finance_pass", "approve"]
    assert AuditEvent.objects.filter(model="subsidy.Application", object_id=str(app.pk)).count() >= 5


def test_separation_of_duties_and_each_role_limited_to_its_step(staff) -> None:
    prog = f.program()
    app = f.application(prog, staff["clerk"])
    with pytest.raises(SubsidyError, match="审核人不能是提交该补贴申请的经办人"):
        actions.take_step(staff["clerk"], app, "pass_documents")
    with pytest.raises(SubsidyError, match="无权"):
        actions.take_step(staff["tax"], app, "pass_documents")
    app = actions.take_step(staff["checker"], app, "pass_documents")
    with pytest.raises(SubsidyError, match="无权"):
        actions.take_step(staff["checker"], app, "verify_tax")
    app = actions.take_step(staff["tax"], app, "verify_tax")
    # The document reviewer may not also pass the finance review (three different people).
    staff["checker"].roles.add(*staff["finance"].roles.all())
    checker = User.objects.get(pk=staff["checker"].pk)
    with pytest.raises(SubsidyError, match="审批人不能是该补贴申请的经办人或审核人"):
        actions.take_step(checker, app, "finance_pass")


def test_send_back_reject_and_an_appeal_decided_by_someone_else(staff, make_user) -> None:
    prog = f.program()
    app = f.application(prog, staff["clerk"])
    with pytest.raises(SubsidyError, match="须填写理由"):
        actions.take_step(staff["checker"], app, "return_documents")
    app = actions.take_step(staff["checker"], app, "return_documents", note="缺契税完税凭证")
    assert app.status == "returned" and app.reviewed_on is not None
    app = actions.take_step(staff["clerk"], app, "resubmit")
    app = actions.take_step(staff["checker"], app, "pass_documents")
    app = actions.take_step(staff["tax"], app, "reject", note="契税未缴清")
    app = actions.take_step(staff["clerk"], app, "appeal", note="已补缴，附凭证")
    other_leader = make_user("leader2", "leadership")
    staff["tax"].roles.add(*other_leader.roles.all())
    with pytest.raises(SubsidyError, match="复核须由作出不予通过决定以外的人员办理"):
        actions.take_step(User.objects.get(pk=staff["tax"].pk), app, "appeal_grant", note="复核通过")
    app = actions.take_step(other_leader, app, "appeal_grant", note="复核通过")
    assert app.status == "documents"


def test_a_duplicate_at_the_counter_is_flagged_and_blocks_approval_until_a_second_person_clears_it(staff) -> None:
    prog = f.program()
    first = f.application(prog, staff["clerk"], n=1)
    second = f.application(prog, staff["clerk"], n=2, unit_code=first.unit_code)
    assert first.flags.get().reason == second.flags.get().reason == "same_unit"
    second = walk(second, staff, until="notice")
    with pytest.raises(SubsidyError, match="疑似重复未核查"):
        actions.take_step(staff["checker"], second, "approve")
    flag = second.flags.get()
    with pytest.raises(SubsidyError, match="须填写理由"):
        actions.clear_flag(staff["checker"], flag, reason=" ")
    with pytest.raises(SubsidyError, match="经办人以外的第二人"):
        actions.clear_flag(staff["clerk"], flag, reason="同一单元号录入错误")
    actions.clear_flag(staff["checker"], flag, reason="前一份申请的单元号录错，已核对不动产登记")
    assert not Flag.objects.filter(cleared_at__isnull=True).exists()  # both sides cleared
    assert second.events.filter(step="clear_flag").exists() and first.events.filter(step="clear_flag").exists()
    assert actions.take_step(staff["checker"], second, "approve").status == "approved"


def test_a_claimed_buyer_is_flagged_where_one_claim_per_household(staff) -> None:
    prog = f.program()
    paid = walk(f.application(prog, staff["clerk"], n=1), staff)
    again = f.application(prog, staff["clerk"], n=2, buyer_id=paid.buyer_id_number)
    assert list(again.flags.values_list("reason", flat=True)) == ["buyer_already_claimed"]
    other = f.program("other", one_claim=False)
    elsewhere = f.application(other, staff["clerk"], n=3, buyer_id=paid.buyer_id_number)
    assert not elsewhere.flags.exists()  # buyers compare within a program


def test_many_at_once_with_the_same_checks(staff) -> None:
    prog = f.program()
    apps = [f.application(prog, staff["clerk"], n=n) for n in range(10, 15)]
    with pytest.raises(SubsidyError, match="审核人不能是"):
        actions.take_steps(staff["clerk"], apps, "pass_documents")
    assert actions.take_steps(staff["checker"], apps, "pass_documents", on=dt.date(2023, 8, 1)) == 5
    assert set(Application.objects.values_list("reviewed_on", flat=True)) == {dt.date(2023, 8, 1)}
    with pytest.raises(SubsidyError, match="当前为"):
        actions.take_steps(staff["checker"], apps, "pass_documents")


def test_a_rule_version_used_by_an_application_is_never_changed(staff) -> None:
    prog = f.program()
    rule = prog.rules.get()
    actions.change_rule_version(None, rule, cap=Decimal("25000.00"))
    f.application(prog, staff["clerk"])
    with pytest.raises(SubsidyError, match="不能修改"):
        actions.change_rule_version(None, rule, rate=Decimal("60"))
    newer = actions.add_rule_version(
        None, prog, effective_from=dt.date(2023, 7, 1), kind="fixed", fixed=Decimal("8000.00")
    )
    later = f.application(prog, staff["clerk"], contract_date=dt.date(2023, 7, 2))
    assert later.rule == newer and later.amount == Decimal("8000.00")


def test_the_form_checks_name_the_field(staff) -> None:
    prog = f.program()
    with pytest.raises(SubsidyError) as err:
        f.application(prog, contract_date=dt.date(2021, 5, 1))
    assert err.value.field == "contract_date" and "资格期间" in err.value.message
    with pytest.raises(SubsidyError) as err:
        f.application(prog, area=Decimal("0"))
    assert err.value.field == "area"


def test_the_tax_bureau_sends_back_for_documents_and_the_review_starts_again(staff) -> None:
    prog = f.program()
    app = actions.take_step(staff["checker"], f.application(prog, staff["clerk"]), "pass_documents")
    app = actions.take_step(staff["tax"], app, "return_documents", note="完税凭证不清晰")
    assert app.status == "returned" and app.reviewed_on is not None
    app = actions.take_step(staff["clerk"], app, "resubmit")
    assert actions.take_step(staff["checker"], app, "pass_documents").status == "tax"


def test_approval_is_not_the_preparers_and_an_appeal_has_its_limit(staff) -> None:
    prog = f.program()
    app = walk(f.application(prog, staff["clerk"]), staff, until="notice")
    with pytest.raises(SubsidyError, match="经办人以外"):
        actions.take_step(staff["clerk"], app, "approve")
    refused = actions.take_step(staff["checker"], f.application(prog, staff["clerk"]), "reject", note="不符合条件")
    prog.appeal_days = 0
    prog.save()
    refused.events.filter(to_status="rejected").update(at=timezone.now() - dt.timedelta(days=2))
    with pytest.raises(SubsidyError, match="复核申请期限"):
        actions.take_step(staff["clerk"], refused, "appeal", note="补充材料")
