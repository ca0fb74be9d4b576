"""Payment batches: only approved, unflagged applications, at most one unpaid batch each; the payment file the
same every time; the 拨付 request in capitals; the bank's results idempotent; reissue after a payee
correction; clawback."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest

from anju.lib.tabular import ImportRejected
from anju.subsidy import actions, payments
from anju.subsidy.errors import SubsidyError
from anju.subsidy.models import Application, Batch
from anju.subsidy.results import import_results
from anju.subsidy.tests import factories as f

pytestmark = pytest.mark.django_db


def approved(prog, n: int, **changes) -> Application:
    app = f.application(prog, n=n, **changes)
    for step in ("pass_documents", "verify_tax", "finance_pass", "approve"):
        app = actions.take_step(None, app, step)
    return app


def results_csv(lines: list[tuple[str, str, str, str, str]]) -> bytes:
    head = "用途/附言,金额,结果,交易流水号,交易日期,失败原因\n"
    return (head + "".join(",".join(line) + ",\n" for line in lines)).encode("utf-8")


def test_a_batch_its_file_request_and_results_round_trip() -> None:
    prog = f.program()
    apps = [approved(prog, n) for n in (1, 2, 3)]
    batch = payments.form_batch(None, prog, apps, on=dt.date(2023, 9, 1))
    assert batch.label == "第一批" and batch.count == 3 and batch.total == Decimal("23400.00")
    assert set(Application.objects.values_list("status", flat=True)) == {"batched"}
    request = payments.disbursement_request(batch)
    assert request.capitals == "贰万叁仟肆佰元整"
    first = payments.export_payment_file(None, batch)
    assert payments.export_payment_file(None, batch) == first
    batch.refresh_from_db()
    assert batch.state == "sent" and batch.file_sha256 == hashlib.sha256(first).hexdigest()
    lines = first.decode("utf-8-sig").splitlines()
    assert lines[0] == "序号,收款人,收款账号,开户行,金额,用途/附言" and lines[1].endswith(",7800.00,hh2023-01-00001")
    refs = [line.split(",")[-1] for line in lines[1:]]
    content = results_csv(
        [
            (refs[0], "7800.00", "成功", "T1", "2023-09-20"),
            (refs[1], "7800.00", "成功", "T2", "2023-09-20"),
            (refs[2], "7800.00", "失败", "T3", "2023-09-20"),
        ]
    )
    done = import_results(None, "r.csv", content)
    assert done.as_dict() == {"paid": 2, "failed": 1, "skipped": 0}
    assert import_results(None, "r.csv", content).as_dict() == {"paid": 0, "failed": 0, "skipped": 3}
    batch.refresh_from_db()
    assert batch.state == "closed"
    # A contradicting or unknown line refuses the whole file.
    with pytest.raises(ImportRejected) as rejected:
        import_results(
            None,
            "r.csv",
            results_csv([(refs[0], "7800.00", "失败", "T9", "2023-09-21"), ("X-1", "1.00", "成功", "T", "2023-09-21")]),
        )
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "结果"), (3, "用途/附言")]


def test_only_approved_unflagged_applications_each_in_one_unpaid_batch() -> None:
    prog = f.program()
    one = approved(prog, 1)
    pending = f.application(prog, n=2)
    with pytest.raises(SubsidyError, match="只有审核通过的申请可以纳入批次"):
        payments.form_batch(None, prog, [one, pending])
    payments.form_batch(None, prog, [one])
    with pytest.raises(SubsidyError, match="只有审核通过"):
        payments.form_batch(None, prog, [one])
    two = approved(prog, 3)
    f.application(prog, n=4, payee_account=two.payee_account)  # a shared account flags the approved one
    with pytest.raises(SubsidyError, match="疑似重复未核查"):
        payments.form_batch(None, prog, [two])


def test_a_failed_payment_is_reissued_in_a_later_batch_after_the_payee_is_corrected() -> None:
    prog = f.program()
    app = approved(prog, 1)
    batch = payments.form_batch(None, prog, [app])
    ref = batch.payments.get().reference
    import_results(None, "r.csv", results_csv([(ref, "7800.00", "失败", "T1", "2023-09-20")]))
    app.refresh_from_db()
    assert app.status == "failed"
    with pytest.raises(SubsidyError, match="须填写理由"):
        payments.correct_payee(None, app, payee_name="张三", payee_account="6222", payee_bank="工行", reason="")
    app = payments.correct_payee(
        None,
        app,
        payee_name="购房人1",
        payee_account="6222 0000 1111",
        payee_bank="中国工商银行怀化分行",
        reason="原账户已销户",
    )
    assert app.status == "approved" and app.payee_account == "622200001111"
    second = payments.form_batch(None, prog, [app])
    assert second.ordinal == 2 and second.payments.get().payee_account == "622200001111"
    assert batch.payments.get().payee_account != "622200001111"  # the first batch's snapshot stays
    ref2 = second.payments.get().reference
    import_results(None, "r.csv", results_csv([(ref2, "7800.00", "成功", "T2", "2023-10-20")]))
    claw = payments.claw_back(None, Application.objects.get(pk=app.pk), reason="合同已撤销")
    assert claw.amount == Decimal("7800.00") and claw.application.status == "clawed_back"
    payments.record_recovery(None, claw, amount=Decimal("800.00"))
    with pytest.raises(SubsidyError, match=r"超过应追回余额7000\.00元"):
        payments.record_recovery(None, claw, amount=Decimal("7000.01"))
    assert Batch.objects.count() == 2
    with pytest.raises(SubsidyError, match="核销须填写理由"):
        payments.write_off(None, claw, reason="")
    claw = payments.write_off(None, claw, reason="申请人已去世，无可供执行财产")
    assert claw.written_off == Decimal("7000.00")
    with pytest.raises(SubsidyError, match="已无余额"):
        payments.write_off(None, claw, reason="再次核销")


def test_the_split_of_a_years_reviews_is_the_state_at_its_end() -> None:
    """An application approved in 2023 and paid in 2024 is 'awaiting a batch' in 2023's split, then and later."""
    from anju.core import kpis

    prog = f.program()
    app = f.application(prog, n=1)
    for name, day in (("pass_documents", dt.date(2023, 11, 1)), ("verify_tax", dt.date(2023, 11, 10)),
                      ("finance_pass", dt.date(2023, 11, 20)), ("approve", dt.date(2023, 12, 1))):  # fmt: skip
        actions.take_steps(None, [app], name, on=day)
    assert kpis.value("subsidy.awaiting_batch", 2023) == 1
    batch = payments.form_batch(None, prog, [app], on=dt.date(2024, 1, 10))
    ref = batch.payments.get()
    payments.record_results(None, [payments.Result(2, ref.reference, True, ref.amount, "T1", dt.date(2024, 1, 20))])
    assert kpis.value("subsidy.awaiting_batch", 2023) == 1 and kpis.value("subsidy.paid", 2023) == 0
    assert kpis.value("subsidy.paid", 2024) == 1 and kpis.value("subsidy.reviewed", 2024) == 0


def test_the_split_is_counted_once_a_page_and_each_part_as_its_list_counts() -> None:
    """The four parts of the split from one grouped read of the states at the year's end: each equals the count
    of its own list, in a page's scope they take one query together, and outside one a change shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anju.core import kpis, memo
    from anju.subsidy import queries

    prog = f.program()
    apps = [f.application(prog, n=n) for n in range(1, 8)]
    late = dt.date(2023, 12, 20)
    actions.take_steps(None, apps[:5], "pass_documents", on=dt.date(2023, 11, 1))
    actions.take_steps(None, apps[5:6], "reject", note="不符合条件", on=dt.date(2023, 11, 2))
    actions.take_steps(None, apps[6:], "return_documents", note="缺材料", on=dt.date(2023, 11, 3))
    actions.take_steps(None, apps[1:5], "verify_tax", on=dt.date(2023, 11, 10))
    actions.take_steps(None, apps[4:5], "withdraw", note="申请人撤回", on=late)
    parts = {
        "subsidy.rejected": queries.REJECTED,
        "subsidy.returned": queries.RETURNED,
        "subsidy.awaiting_batch": queries.AWAITING,
        "subsidy.withdrawn": ("withdrawn",),
    }
    expected = {"subsidy.rejected": 1, "subsidy.returned": 1, "subsidy.awaiting_batch": 4, "subsidy.withdrawn": 1}
    for code, states in parts.items():
        assert queries.reviewed_in(2023, states).count() == expected[code]
        assert kpis.value(code, 2023) == expected[code], code
    with memo.scope(), CaptureQueriesContext(connection) as captured:
        assert {code: kpis.value(code, 2023) for code in parts} == expected
    assert len(captured.captured_queries) == 1
    actions.take_steps(None, apps[3:4], "withdraw", note="再撤回", on=late)
    assert kpis.value("subsidy.withdrawn", 2023) == 2 and kpis.value("subsidy.awaiting_batch", 2023) == 3
