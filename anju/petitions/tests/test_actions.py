"""The petitions flow through its actions: registration with its deadlines, repeats, acceptance, assignment,
contact records, reply, closure kinds, the one extension, reviews, commitments; refusals in Chinese, nothing
half-written, every step in the history and the audit log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from anju.core.models import AuditEvent, CalendarYear, User
from anju.petitions import actions, rules
from anju.petitions.errors import PetitionError
from anju.petitions.models import Case, CaseDeadline, Category, Channel, Review
from anju.petitions.tests import factories as f

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def handler(make_user: Callable[..., User]) -> User:
    return make_user("lm", "office")


@pytest.fixture
def leader(make_user: Callable[..., User]) -> User:
    return make_user("zhang", "leadership")


def due(case: Case, step: str) -> tuple[dt.date, dt.date]:
    d = CaseDeadline.objects.get(case=case, step=step)
    return d.nominal, d.due


def test_a_letter_is_registered_with_its_deadlines_from_receipt() -> None:
    case = f.case(received=D(2024, 2, 1))
    assert case.number == "XF2024-00001" and case.status == Case.Status.REGISTERED
    assert due(case, "accept") == (D(2024, 2, 16), D(2024, 2, 18))  # 春节; 02-18 a working Sunday
    assert not CaseDeadline.objects.filter(case=case, step="complete").exists()  # counted from acceptance
    assert case.events.get().step == "register"
    assert AuditEvent.objects.filter(model="petitions.Case", object_id=str(case.pk), action="create").exists()


def test_a_hotline_case_is_due_in_working_days_from_receipt() -> None:
    case = f.case("hotline12345", D(2024, 9, 27), reference="GD1")
    assert due(case, "complete") == (D(2024, 10, 10), D(2024, 10, 10))
    assert due(case, "accept")[1] == D(2024, 9, 29)  # the working Sunday


def test_bad_receipts_are_refused_and_nothing_is_written() -> None:
    with pytest.raises(PetitionError, match="晚于现在"):
        f.case(received=timezone.localdate() + dt.timedelta(days=2))
    with pytest.raises(PetitionError, match="启用日期"):
        f.case("xiangyiban", D(2020, 6, 1))
    CalendarYear.objects.filter(year=2024).delete()
    with pytest.raises(PetitionError, match="录入2024年") as refused:
        f.case(received=D(2024, 3, 1))
    assert refused.value.code == "petitions.calendar_missing"
    assert not Case.objects.exists() and not CaseDeadline.objects.exists()


def test_a_reference_is_registered_once_per_channel() -> None:
    f.case("hotline12345", D(2024, 4, 3), reference="GD9")
    f.case("governor", D(2024, 4, 3), reference="GD9")
    with pytest.raises(PetitionError, match="已登记"):
        f.case("hotline12345", D(2024, 4, 5), reference="GD9")


def test_a_rule_change_does_not_move_deadlines_already_given(handler: User) -> None:
    before = f.assigned(handler, D(2024, 3, 1))
    actions.set_rule(
        None, f.channel("letter"), step="complete", amount=30, unit="calendar", start="accepted",
        effective_from=D(2024, 4, 1), source="test",
    )  # fmt: skip
    after = f.assigned(handler, D(2024, 4, 1), phone="13900000000")
    assert due(before, "complete")[1] == D(2024, 4, 30)  # still 60 days
    assert due(after, "complete")[1] == D(2024, 5, 6)  # 30 days: 05-01 is 劳动节, then 05-06
    with pytest.raises(PetitionError, match="生效日期"):
        actions.set_rule(
            None, f.channel("letter"), step="complete", amount=45, unit="calendar", start="accepted",
            effective_from=D(2024, 3, 1),
        )  # fmt: skip


def test_repeats_are_the_same_petitioner_on_the_same_subject_within_twelve_months() -> None:
    first = f.case(received=D(2023, 3, 1), phone="13907450001")
    again = f.case(received=D(2024, 2, 28), phone="13907450001", name="另一称呼")
    other_subject = f.case(received=D(2024, 3, 1), phone="13907450001", category=Category.RENTAL)
    too_late = f.case(received=D(2024, 3, 2), phone="13907450009", id_number="430102199001011234")
    later = f.case(received=D(2025, 3, 3), phone="x", id_number="430102199001011234")
    assert again.repeat_of == first
    assert other_subject.repeat_of is None and too_late.repeat_of is None
    assert later.repeat_of is None  # more than 12 months after too_late


def test_repeats_within_one_batch() -> None:
    letter = f.channel("letter")
    items = [
        actions.NewCase(letter, f.at(D(2024, 5, day)), Category.FUND, "事由", "内容",
                        [actions.NewPetitioner(name="王", phone="13907459999")])
        for day in (10, 3)
    ]  # fmt: skip
    cases = actions.register_cases(None, items)
    assert cases[0].repeat_of == cases[1]  # the later one repeats the earlier one
    assert Case.objects.get(pk=cases[0].pk).repeat_of_id == cases[1].pk


def test_the_whole_flow_with_its_history(handler: User) -> None:
    case = f.case(received=D(2024, 3, 1))
    case = actions.accept_case(handler, case, on=D(2024, 3, 1))
    assert due(case, "complete") == (D(2024, 4, 30), D(2024, 4, 30))
    case = actions.assign_case(handler, case, handler=handler, on=D(2024, 3, 4))
    assert case.department is not None and case.department.code == "office"
    actions.record_contact(
        handler, case, at=f.at(D(2024, 3, 5)), method="visit", contacted="王建国", summary="上门解释政策",
        principle="educated",
    )  # fmt: skip
    with pytest.raises(PetitionError, match="未答复"):
        actions.close_case(handler, case, on=D(2024, 3, 20), kind="procedural")
    case = actions.reply_case(handler, case, on=D(2024, 3, 20), text="经核实，答复如下。")
    with pytest.raises(PetitionError, match="办结方式"):
        actions.close_case(handler, case, on=D(2024, 3, 21), kind="")
    case = actions.close_case(handler, case, on=D(2024, 3, 21), kind="procedural", satisfaction="basically")
    assert CaseDeadline.objects.get(case=case, step="complete").met_on == D(2024, 3, 21)
    steps = list(case.events.order_by("at", "pk").values_list("step", flat=True))
    assert steps == ["register", "accept", "assign", "contact", "reply", "close"]
    case = actions.convert_to_substantive(handler, case, on=D(2024, 6, 1), note="已解决")
    assert case.closure_kind == "substantive" and case.closed_on == D(2024, 3, 21)


def test_not_accepted_and_forwarded_need_a_reason() -> None:
    case = f.case()
    with pytest.raises(PetitionError, match="理由"):
        actions.reject_case(None, case, on=D(2024, 3, 2), reason=" ")
    assert actions.reject_case(None, case, on=D(2024, 3, 2), reason="不属于本单位职责").status == "rejected"
    other = f.case(phone="13900000001")
    with pytest.raises(PetitionError, match="理由"):
        actions.forward_case(None, other, to="鹤城区住建局", reason="", on=D(2024, 3, 2))
    other = actions.forward_case(None, other, to="鹤城区住建局", reason="属地管理", on=D(2024, 3, 2))
    assert not CaseDeadline.objects.filter(case=other, met_on__isnull=True).exists()


def test_one_extension_approved_by_a_leader(handler: User, leader: User, make_user: Callable[..., User]) -> None:
    case = f.assigned(handler, D(2024, 3, 1))
    with pytest.raises(PetitionError, match="领导"):
        actions.extend_case(handler, case, days=30, reason="案情复杂")
    with pytest.raises(PetitionError, match="不能超过30天"):
        actions.extend_case(leader, case, days=31, reason="案情复杂")
    case = actions.extend_case(leader, case, days=30, reason="案情复杂，需多部门会商")
    assert due(case, "complete")[1] == D(2024, 5, 30)
    with pytest.raises(PetitionError, match="只能延期一次"):
        actions.extend_case(leader, case, days=1, reason="再延")
    both = make_user("both", "office", "leadership")
    mine = f.assigned(both, D(2024, 3, 1), phone="13900000002")
    with pytest.raises(PetitionError, match="承办人"):
        actions.extend_case(both, mine, days=10, reason="案情复杂")


def test_only_the_petitions_role_or_the_handler_may_work_a_case(make_user: Callable[..., User]) -> None:
    outsider = make_user("out", "finance")
    station = make_user("st", "station")
    case = f.assigned(station, D(2024, 3, 1))
    with pytest.raises(PetitionError, match="承办人"):
        actions.reply_case(outsider, case, on=D(2024, 3, 5), text="答复")
    assert actions.reply_case(station, case, on=D(2024, 3, 5), text="答复").status == "replied"


def test_review_and_rereview_within_their_limits(handler: User) -> None:
    case = f.closed(handler, "procedural", D(2024, 3, 1))  # replied 03-11
    with pytest.raises(PetitionError, match="期限"):
        actions.request_review(None, case, on=D(2024, 4, 15))
    review = actions.request_review(None, case, on=D(2024, 4, 1))
    assert review.level == Review.Level.REVIEW and review.due == D(2024, 5, 6)  # 05-01 劳动节 → 05-06
    actions.decide_review(None, case, on=D(2024, 4, 20), outcome="upheld", opinion="维持原答复")
    rereview = actions.request_review(None, case, on=D(2024, 5, 10))
    assert rereview.level == Review.Level.REREVIEW
    actions.decide_review(None, case, on=D(2024, 5, 20), outcome="upheld", opinion="维持")
    with pytest.raises(PetitionError, match="不再受理"):
        actions.request_review(None, case, on=D(2024, 5, 25))


def test_commitment_and_campaign(handler: User) -> None:
    case = f.closed(handler, "procedural")
    commitment = actions.record_commitment(handler, case, signed_on=D(2024, 3, 13), signer="王建国")
    assert commitment.case == case and case.events.filter(step="commitment").exists()
    campaign = actions.create_campaign(
        None, name="百日攻坚", starts_on=D(2024, 3, 1), ends_on=D(2024, 6, 8), target="实体办结", cases=[case]
    )
    from anju.petitions import queries

    assert queries.campaign_progress(campaign).procedural == 1
    actions.convert_to_substantive(handler, case, on=D(2024, 5, 1), note="已解决")
    assert queries.campaign_progress(campaign).substantive == 1


def test_identity_views_are_audited(handler: User) -> None:
    case = f.case()
    actions.show_identity(handler, case)
    assert AuditEvent.objects.filter(actor=handler, object_id=str(case.pk), note__contains="信访人身份").exists()


def test_channels_and_rules_are_seeded() -> None:
    assert Channel.objects.filter(online=True).count() == 5
    assert Channel.objects.get(code="inspection").referral
    letter = f.channel("letter").rules.get(step=rules.Step.COMPLETE)
    assert (letter.amount, letter.unit, letter.start) == (60, "calendar", "accepted")


def test_cases_handled_before_they_were_entered_are_recorded_in_bulk(handler: User) -> None:
    letter = f.case(received=D(2023, 9, 27))
    hotline = f.case("hotline12345", D(2023, 9, 27), reference="GD5", phone="13900000005")
    contact = actions.PastContact(f.at(D(2023, 10, 9)), "phone", "王建国", "电话解释政策", "educated")
    items = [
        actions.Handled(letter, D(2023, 9, 28), handler, D(2023, 10, 9), "答复", D(2023, 10, 10), "procedural",
                        contacts=[contact]),
        actions.Handled(hotline, D(2023, 9, 27), handler, D(2023, 10, 9), "答复", D(2023, 10, 9), "substantive"),
    ]  # fmt: skip
    letter, hotline = actions.record_handled(handler, items)
    assert (letter.status, letter.closure_kind, letter.department.code) == ("closed", "procedural", "office")  # type: ignore[union-attr]
    # The letter's completion is counted from acceptance (09-28 + 60 days); the hotline's from receipt, met in time.
    assert due(letter, "complete") == (D(2023, 11, 27), D(2023, 11, 27))
    assert CaseDeadline.objects.get(case=hotline, step="complete").met_on == D(2023, 10, 9)
    assert due(hotline, "complete")[1] == D(2023, 10, 10)  # 09-28, the working 10-07 and 10-08, 10-09, 10-10
    assert not CaseDeadline.objects.filter(case__in=[letter, hotline], met_on__isnull=True).exists()
    assert list(letter.events.order_by("at", "pk").values_list("step", flat=True)) == [
        "register", "accept", "assign", "contact", "reply", "close",
    ]  # fmt: skip
    assert letter.contacts.get().principle == "educated"
    assert AuditEvent.objects.filter(model="petitions.Case", action="update", after__cases=2).exists()


def test_handled_cases_are_refused_whole(handler: User) -> None:
    good = f.case(received=D(2023, 5, 4))
    bad = f.case(received=D(2023, 5, 4), phone="13900000007")
    items = [
        actions.Handled(good, D(2023, 5, 5), handler, D(2023, 5, 8), "答复", D(2023, 5, 9), "substantive"),
        actions.Handled(bad, D(2023, 5, 5), handler, D(2023, 5, 8), "答复", D(2023, 5, 9), ""),
    ]
    with pytest.raises(PetitionError, match=f"{bad.number}：办结须选择办结方式"):
        actions.record_handled(None, items)
    late = actions.Handled(bad, D(2023, 5, 5), handler, D(2023, 5, 4), "答复", D(2023, 5, 9), "substantive")
    with pytest.raises(PetitionError, match="答复日期不能早于受理日期"):
        actions.record_handled(None, [late])
    assert set(Case.objects.values_list("status", flat=True)) == {"registered"}
    actions.record_handled(None, items[:1])
    with pytest.raises(PetitionError, match="只有已登记"):
        actions.record_handled(None, items[:1])


def test_a_petitioner_with_a_registry_id_number_is_that_person() -> None:
    from anju.registry.tests import factories as registry

    person = registry.person("李秀英", seq=7, phone="13800000077")
    case = f.case(petitioners=[actions.NewPetitioner(id_number=person.id_number)])
    petitioner = case.petitioners.get()
    assert (petitioner.person, petitioner.name, petitioner.phone) == (person, "李秀英", "13800000077")
