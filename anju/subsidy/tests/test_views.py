"""The subsidy pages as each role uses them: the counter's entry (a duplicate registered and flagged), the
review steps from the step bar, a flag cleared by a second person, a batch formed, its file and request,
the bank's results on the import page; the lists with their filters and export; who may see and do what."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from anju.subsidy import actions
from anju.subsidy.models import Application, Batch, Flag, Program
from anju.subsidy.tests import factories as f

pytestmark = pytest.mark.django_db


def form_data(n: int, **changes: str) -> dict[str, str]:
    new = f.new(n)
    data = {
        "program": str(f.program().pk) if not changes.get("program") else changes["program"],
        "buyer_name": new.buyer_name,
        "buyer_id": new.buyer_id,
        "co_buyer_ids": "",
        "address": new.address,
        "unit_code": new.unit_code,
        "area": "98.50",
        "contract_number": new.contract_number,
        "contract_date": "2023-06-01",
        "price": "520000.00",
        "tax_voucher": new.tax_voucher,
        "deed_tax": "15600.00",
        "payee_name": new.payee_name,
        "payee_account": new.payee_account,
        "payee_bank": "中国建设银行怀化分行",
        "applied_on": "2023-07-10",
    }
    data.update(changes)
    return data


def test_the_counter_the_review_a_flag_cleared_and_a_batch_paid(client_for: Callable[..., Client]) -> None:
    clerk, checker = client_for("housing", username="clerk"), client_for("housing", username="checker")
    tax, finance = client_for("tax_agency"), client_for("finance_bureau")
    data = form_data(1)
    assert clerk.post(reverse("subsidy:application_create"), data).status_code == 302
    program = str(Application.objects.get().program_id)
    bad = clerk.post(
        reverse("subsidy:application_create"), form_data(2, program=program, buyer_id="431202198501010000")
    )
    assert "校验位" in bad.content.decode()
    # The same contract again: registered and flagged, both applications.
    response = clerk.post(
        reverse("subsidy:application_create"), form_data(3, program=program, contract_number=data["contract_number"])
    )
    assert response.status_code == 302 and Flag.objects.count() == 2
    first = Application.objects.order_by("pk").first()
    assert first is not None
    page = reverse("subsidy:application", args=[first.pk])
    html = clerk.get(page).content.decode()
    assert "契税 15,600.00 元 × 50% = 7,800.00 元" in html and "合同备案号相同" in html
    assert 'data-step="pass_documents"' not in html  # the preparer does not review
    checker.post(page, {"step": "pass_documents", "note": ""})
    tax.post(page, {"step": "verify_tax", "note": "已核验完税"})
    finance.post(page, {"step": "finance_pass", "note": ""})
    checker.post(page, {"step": "approve"})
    first.refresh_from_db()
    assert first.status == "notice"  # an open flag refused the approval
    flag = first.flags.get()
    clerk.post(reverse("subsidy:flag_clear", args=[flag.pk]), {"reason": "录入错误"})
    assert Flag.objects.filter(cleared_at__isnull=True).count() == 2  # the preparer may not clear it
    checker.post(reverse("subsidy:flag_clear", args=[flag.pk]), {"reason": "经核对为不同合同，录入错误已更正"})
    checker.post(page, {"step": "approve"})
    first.refresh_from_db()
    assert first.status == "approved"
    clerk.post(reverse("subsidy:batch_create"), {"program": program, "formed_on": "2023-09-01"})
    batch = Batch.objects.get()
    assert batch.label == "第一批" and batch.count == 1
    request = clerk.get(reverse("subsidy:batch_request", args=[batch.pk])).content.decode()
    assert "柒仟捌佰元整" in request
    word = clerk.get(reverse("subsidy:batch_request", args=[batch.pk]) + "?format=docx")
    text = "\n".join(c.text for t in Document(io.BytesIO(word.content)).tables for r in t.rows for c in r.cells)
    assert "柒仟捌佰元整" in text and "1户" in text
    csv_file = clerk.get(reverse("subsidy:batch_file", args=[batch.pk]))
    assert csv_file.content == clerk.get(reverse("subsidy:batch_file", args=[batch.pk])).content
    reference = csv_file.content.decode("utf-8-sig").splitlines()[1].split(",")[-1]
    results = f"用途/附言,金额,结果,交易流水号,交易日期\n{reference},7800.00,成功,T1,2023-09-20\n".encode()
    page_html = clerk.get(reverse("subsidy:results_import")).content.decode()
    assert f'href="{reverse("subsidy:home")}"' in page_html and "发放批次" in page_html  # the line's crumbs and tabs
    upload = io.BytesIO(results)
    upload.name = "results.csv"
    clerk.post(reverse("subsidy:results_import"), {"file": upload})
    first.refresh_from_db()
    assert first.status == "paid"


def test_lists_filters_and_export_with_masked_ids(client_for: Callable[..., Client]) -> None:
    program = f.program()
    app = f.application(program, n=5)
    f.application(program, n=6, unit_code=app.unit_code)
    finance = client_for("finance")  # subsidy view and export, no see_id
    html = finance.get(reverse("subsidy:applications") + "?flagged=1").content.decode()
    assert app.number in html and app.buyer_id_number not in html
    export = finance.get(reverse("subsidy:applications") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert app.number in values and app.buyer_id_number not in values
    housing = client_for("housing")
    assert app.buyer_id_number in housing.get(reverse("subsidy:application", args=[app.pk])).content.decode()
    for name in ("subsidy:home", "subsidy:flags", "subsidy:batches", "subsidy:programs"):
        assert finance.get(reverse(name)).status_code == 200


def test_who_may_see_and_do_what(client_for: Callable[..., Client]) -> None:
    program = f.program()
    app = f.application(program)
    nobody, tax = client_for("office"), client_for("tax_agency")
    assert nobody.get(reverse("subsidy:applications")).status_code == 403
    assert tax.get(reverse("subsidy:applications")).status_code == 200
    assert tax.get(reverse("subsidy:application_create")).status_code == 403
    assert tax.post(reverse("subsidy:application", args=[app.pk]), {"step": "pass_documents"}).status_code == 403
    approved = actions.take_steps(None, [app], "pass_documents")
    assert approved == 1
    batch_refused = client_for("housing").post(
        reverse("subsidy:batch_create"), {"ids": [app.pk], "next": reverse("subsidy:applications")}
    )
    assert batch_refused.status_code == 302 and not Batch.objects.exists()


def test_the_tax_bureaus_file_and_the_public_notice(client_for: Callable[..., Client]) -> None:
    program = f.program()
    apps = [f.application(program, n=n) for n in (1, 2, 3)]
    actions.take_steps(None, apps, "pass_documents")
    tax = client_for("tax_agency")
    content = (
        f"契税完税凭证号,契税税额\n{apps[0].tax_voucher},15600.00\n{apps[1].tax_voucher},15000.00\nHN-UNKNOWN,1.00\n"
    ).encode("gbk")
    upload = io.BytesIO(content)
    upload.name = "tax.csv"
    html = tax.post(reverse("subsidy:tax_import"), {"file": upload}).content.decode()
    assert "申报15600.00元，税务确认15000.00元" in html
    statuses = dict(Application.objects.values_list("number", "status"))
    assert [statuses[a.number] for a in apps] == ["finance", "tax", "tax"]
    assert client_for("housing").get(reverse("subsidy:tax_import")).status_code == 403  # the agency's file
    actions.take_steps(None, apps[:1], "finance_pass")
    page = client_for("finance").get(reverse("subsidy:notice")).content.decode()
    first = Application.objects.get(pk=apps[0].pk)
    assert first.number in page and first.buyer_id_number not in page and first.buyer_name not in page
    assert first.buyer_name[0] + "*" in page and apps[1].number not in page


def test_documents_attached_to_an_application(client_for: Callable[..., Client]) -> None:
    app = f.application(f.program())
    housing = client_for("housing")
    upload = io.BytesIO(b"%PDF-1.4 contract")
    upload.name = "合同.pdf"
    url = reverse("subsidy:application_document", args=[app.pk])
    assert housing.post(url, {"kind": "网签合同", "file": upload}).status_code == 302
    assert "合同.pdf" in housing.get(reverse("subsidy:application", args=[app.pk])).content.decode()
    assert client_for("finance").post(url, {"kind": "网签合同"}).status_code == 403


def test_a_leader_adds_a_program_and_a_rule_version_as_data(client_for: Callable[..., Client]) -> None:
    leader = client_for("leadership")
    data = {"code": "hh2024", "name": "2024年购房补贴", "window_from": "2024-01-01", "window_to": "2024-12-31",
            "home_types": "住宅；商住", "one_claim": "on", "appeal_days": "30"}  # fmt: skip
    assert leader.post(reverse("subsidy:programs"), data).status_code == 302
    program = Program.objects.get(code="hh2024")
    assert program.home_types == ["住宅", "商住"] and program.appeal_days == 30
    rule = {"action": "rule", "program": program.pk, "effective_from": "2024-01-01", "kind": "per_area",
            "rate": "100", "cap": "15000.00", "source": "第六条"}  # fmt: skip
    assert leader.post(reverse("subsidy:programs"), rule).status_code == 302
    again = leader.post(reverse("subsidy:programs"), rule).content.decode()
    assert "补贴标准已存在" in again
    assert program.rules.get().cap == Decimal("15000.00")
    assert client_for("housing").post(reverse("subsidy:programs"), data).status_code == 403


def test_the_to_dos_of_each_role(make_user) -> None:
    from anju.subsidy.todos import subsidy_todos

    program = f.program()
    apps = [f.application(program, n=n) for n in (1, 2, 3)]
    f.application(program, n=4, unit_code=apps[0].unit_code)
    actions.take_steps(None, apps[:2], "pass_documents")
    housing, tax = make_user("h", "housing"), make_user("t", "tax_agency")
    assert [(str(t.title), t.count) for t in subsidy_todos(housing)] == [
        ("待资料审查的购房补贴申请", 2),
        ("疑似重复待核查的购房补贴申请", 2),
    ]
    assert [(str(t.title), t.count) for t in subsidy_todos(tax)] == [("待税务核验的购房补贴申请", 2)]


def test_a_clawback_recovered_in_part_and_written_off_by_a_leader(client_for: Callable[..., Client]) -> None:
    from anju.subsidy import payments
    from anju.subsidy.models import Clawback

    program = f.program()
    app = f.application(program)
    for name in ("pass_documents", "verify_tax", "finance_pass", "approve"):
        actions.take_steps(None, [app], name)
    batch = payments.form_batch(None, program, [app])
    ref = batch.payments.get()
    payments.record_results(None, [payments.Result(2, ref.reference, True, ref.amount, "T1", dt.date(2023, 9, 20))])
    housing, leader = client_for("housing"), client_for("leadership")
    page = reverse("subsidy:application", args=[app.pk])
    housing.post(page, {"action": "clawback", "reason": "网签合同已撤销"})
    claw = Clawback.objects.get()
    housing.post(reverse("subsidy:clawback_recover", args=[claw.pk]), {"amount": "800.00"})
    assert housing.post(page, {"action": "write_off", "clawback": claw.pk, "reason": "x"}).status_code == 403
    leader.post(page, {"action": "write_off", "clawback": claw.pk, "reason": "申请人无可供执行财产"})
    claw.refresh_from_db()
    assert (claw.recovered, claw.written_off) == (Decimal("800.00"), Decimal("7000.00"))
    assert "已核销" in leader.get(page).content.decode()


def test_an_objection_during_the_notice_is_recorded(client_for: Callable[..., Client]) -> None:
    app = f.application(f.program())
    for name in ("pass_documents", "verify_tax", "finance_pass"):
        actions.take_steps(None, [app], name)
    housing = client_for("housing")
    page = reverse("subsidy:application", args=[app.pk])
    housing.post(page, {"action": "objection", "text": "有群众反映该户另有住房"})
    event = app.events.get(step="objection")
    assert event.note == "有群众反映该户另有住房" and event.to_status == "notice"
    assert "公示异议" in housing.get(page).content.decode()
