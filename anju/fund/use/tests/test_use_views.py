"""The use-application pages: role checks, the flow from draft to paid through the pages, votes,
print pages, exports, attachments, the journal list and the to-dos."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from anju.core import attachments
from anju.core.models import AuditEvent
from anju.fund.models import Account, UseApplication, UsePayment
from anju.fund.tests import factories as fund_factories
from anju.fund.tests import use_factories as uf
from anju.fund.todos import use_todos
from anju.fund.use import actions as use
from anju.fund.use import queries as use_queries
from anju.lib.ids import mask_name

pytestmark = pytest.mark.django_db
S = UseApplication.Status


@pytest.fixture
def app() -> UseApplication:
    uf.estate(["100.00", "80.00", "120.00"])
    return uf.application(items=[("屋面防水", "3000.00")])


def urls(pk: int, payment: int | None = None) -> list[tuple[str, str]]:
    pages = [
        (reverse("fund:uses"), "view"),
        (reverse("fund:uses") + "?export=xlsx", "export"),
        (reverse("fund:use_payments"), "view"),
        (reverse("fund:use_create"), "handle"),
        (reverse("fund:use", args=[pk]), "view"),
        (reverse("fund:use", args=[pk]) + "?tab=vote", "view"),
        (reverse("fund:use", args=[pk]) + "?tab=history", "view"),
        (reverse("fund:use", args=[pk]) + "?tab=payments", "view"),
        (reverse("fund:use", args=[pk]) + "?tab=attachments", "view"),
        (reverse("fund:use_edit", args=[pk]), "handle"),
        (reverse("fund:use_vote_sheet", args=[pk]), "export"),  # owners' names: an export
        (reverse("fund:journal"), "view"),
    ]
    if payment:
        pages.append((reverse("fund:use_instruction", args=[payment]), "view"))
    return pages


@pytest.mark.parametrize("role", ["office", "information", "station", "finance", "leadership"])
def test_each_page_checks_the_role(client_for, app: UseApplication, role: str) -> None:
    client = client_for(role)
    for url, action in urls(app.pk):
        expected = 200 if client.user.can("fund", action) else 403
        assert client.get(url).status_code == expected, (role, url)


def test_anonymous_users_go_to_login(client, app: UseApplication) -> None:
    for url, _ in urls(app.pk):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


def test_a_viewer_cannot_take_steps_vote_or_pay(client_for, app: UseApplication) -> None:
    viewer = client_for("information")
    assert viewer.post(reverse("fund:use_step", args=[app.pk]), {"step": "submit"}).status_code == 403
    assert viewer.post(reverse("fund:use_votes", args=[app.pk]), {}).status_code == 403
    assert viewer.post(reverse("fund:use_pay", args=[app.pk]), {}).status_code == 403
    assert viewer.post(reverse("fund:use_attach", args=[app.pk]), {}).status_code == 403
    # the station handles but does not review; the leader approves but does not handle
    app = use.take_step(None, uf.application(kind="emergency"), "submit")
    assert client_for("station").post(reverse("fund:use_step", args=[app.pk]), {"step": "review"}).status_code == 403
    assert (
        client_for("leadership").post(reverse("fund:use_step", args=[app.pk]), {"step": "withdraw"}).status_code == 403
    )


def test_create_through_the_form(client_for) -> None:
    uf.estate()
    contractor = uf.contractor()
    client = client_for("station")
    response = client.post(
        reverse("fund:use_create"),
        {
            "kind": "ordinary",
            "title": "屋面防水",
            "project": "P0001",
            "applicant_kind": "owners_committee",
            "applicant_name": "业主委员会",
            "scope_kind": "range",
            "scope_spec": "P0001-1-1-101 ~ P0001-1-1-102",
            "items": "屋面防水 1000.00\n排水管，200.50元",
            "contractor": contractor.uscc,
            "contractor_bank": "建行",
            "contractor_account_number": "123",
        },
    )
    application = UseApplication.objects.get()
    assert response.status_code == 302 and response.url == reverse("fund:use", args=[application.pk])
    assert application.budget == Decimal("1200.50") and uf.codes(application) == ["P0001-1-1-101", "P0001-1-1-102"]
    page = client.get(response.url).content.decode()
    assert "1,200.50" in page and "P0001-1-1-102" in page


def test_form_errors_are_shown(client_for) -> None:
    uf.estate()
    response = client_for("station").post(
        reverse("fund:use_create"),
        {
            "kind": "ordinary",
            "title": "x",
            "project": "P0001",
            "applicant_kind": "center",
            "applicant_name": "中心",
            "scope_kind": "list",
            "scope_spec": "NOPE",
            "items": "屋面防水",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'class="error"' in page and 'name="items"' in page
    assert not UseApplication.objects.exists()


def test_from_draft_to_paid_through_the_pages(client_for, app: UseApplication) -> None:
    station, finance, leader = client_for("station"), client_for("finance"), client_for("leadership")
    codes = uf.codes(app)
    # votes on the grid: two of three owners with 220 of 300 m² agree
    station.post(reverse("fund:use_votes", args=[app.pk]), {f"vote:{codes[0]}": "agree", f"vote:{codes[2]}": "agree"})
    page = station.get(reverse("fund:use", args=[app.pk]) + "?tab=vote").content.decode()
    assert 'id="vote-result"' in page and "tag-pass" in page
    for client, step in ((station, "submit"), (finance, "review"), (leader, "approve")):
        response = client.post(reverse("fund:use_step", args=[app.pk]), {"step": step})
        assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == S.APPROVED
    today = timezone.localdate().isoformat()
    bank = Account.objects.get(kind="bank")
    station.post(
        reverse("fund:use_pay", args=[app.pk]),
        {"kind": "advance", "percent": "30", "value_date": today, "bank": bank.pk, "expected_payments": 0},
    )
    station.post(
        reverse("fund:use_pay", args=[app.pk]),
        {"kind": "settlement", "final_cost": "2900.00", "value_date": today, "bank": bank.pk, "expected_payments": 1},
    )
    app.refresh_from_db()
    assert app.status == S.PAID and [p.amount for p in app.payments.order_by("pk")] == [
        Decimal("900.00"),
        Decimal("2000.00"),
    ]
    payment = UsePayment.objects.order_by("pk").last()
    assert payment is not None
    instruction = station.get(reverse("fund:use_instruction", args=[payment.pk])).content.decode()
    assert "贰仟元整" in instruction and app.contractor_account_number in instruction
    publicity = station.get(reverse("fund:use_publicity", args=[app.pk])).content.decode()
    assert "结算公示" in publicity and "2,900.00" in publicity
    history = station.get(reverse("fund:use", args=[app.pk]) + "?tab=history").content.decode()
    assert "审批同意" in history and "拨付结算款" in history
    journal = station.get(reverse("fund:journal") + "?kind=use").content.decode()
    assert app.number in journal


def test_a_refused_step_shows_why(client_for, app: UseApplication) -> None:
    station = client_for("station")
    response = station.post(reverse("fund:use_step", args=[app.pk]), {"step": "submit"}, follow=True)
    assert "表决未通过" in response.content.decode()
    assert UseApplication.objects.get().status == S.DRAFT


def test_vote_import_through_the_page_reports_row_errors(client_for, app: UseApplication) -> None:
    station = client_for("station")
    sheet = station.get(reverse("fund:use_vote_sheet", args=[app.pk]))
    workbook = load_workbook(io.BytesIO(sheet.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("房屋编码", "表决意见", "业主", "建筑面积") and len(rows) == 4
    book = Workbook()
    book.active.append(["房屋编码", "表决意见"])  # type: ignore[union-attr]
    book.active.append([rows[1][0], "也许"])  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("votes.xlsx", buffer.getvalue())
    response = station.post(reverse("fund:use_votes", args=[app.pk]), {"file": upload}, follow=True)
    assert "也许" in response.content.decode()
    assert not app.scope_units.exclude(vote="not_voted").exists()


def test_list_filters_export_and_emergency_mark(client_for, app: UseApplication) -> None:
    uf.application(kind="emergency")
    client = client_for("finance")
    page = client.get(reverse("fund:uses")).content.decode()
    assert page.count('class="tag tag-emergency"') == 1
    assert 'class="tag tag-emergency"' not in client.get(reverse("fund:uses") + "?kind=ordinary").content.decode()
    assert app.number not in client.get(reverse("fund:uses") + "?status=approved").content.decode()
    assert app.number in client.get(reverse("fund:uses") + f"?q={app.number}").content.decode()
    response = client.get(reverse("fund:uses") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 4 and any(str(r[1]).startswith("（应急）") for r in rows[1:3])
    budget = rows[0].index("预算")
    assert rows[3][0] == "合计" and rows[3][budget] == rows[1][budget] + rows[2][budget]


def test_attachments_upload_and_download(client_for, app: UseApplication, settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    station = client_for("station")
    station.post(
        reverse("fund:use_attach", args=[app.pk]), {"kind": "现场照片", "file": SimpleUploadedFile("屋面.jpg", b"JPEG")}
    )
    attachment = attachments.for_record(app).get()
    page = client_for("information").get(reverse("fund:use", args=[app.pk]) + "?tab=attachments").content.decode()
    assert reverse("core:attachment", args=[attachment.pk]) in page and "现场照片" in page
    response = client_for("information", username="i2").get(reverse("core:attachment", args=[attachment.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"JPEG"
    assert client_for("office").get(reverse("core:attachment", args=[attachment.pk])).status_code == 403


def test_todos_name_the_step_waiting_for_each_role(make_user, app: UseApplication) -> None:
    use.take_step(None, uf.application(kind="emergency"), "submit")
    finance = use_todos(make_user("f", "finance"))
    assert [(t.url, t.count) for t in finance] == [(reverse("fund:uses") + "?status=submitted", 1)]
    assert use_todos(make_user("l", "leadership")) == []
    assert use_todos(make_user("i", "information")) == []


def test_journal_lists_a_kpis_records(client_for, app: UseApplication) -> None:
    client = client_for("leadership")
    response = client.get(reverse("fund:journal") + "?kpi=fund.collected&year=2020")
    page = response.content.decode()
    assert response.status_code == 200 and "维修资金归集 2020" in page and page.count("<tr>") >= 4
    assert "<td>" not in client.get(reverse("fund:journal") + "?kpi=fund.disbursed&year=2020").content.decode().split(
        "<tbody>"
    )[1].split("</tbody>")[0].replace('<td colspan="7" class="muted">', "")


def test_disbursed_is_traceable_to_its_applications(client_for, app: UseApplication) -> None:
    from anju.core import kpis as registry
    from anju.fund import kpis

    app = use.take_step(None, uf.application(kind="emergency", items=[("电梯", "300.00")]), "submit")
    app = use.take_step(None, use.take_step(None, app, "review"), "approve")
    today = timezone.localdate()
    use.pay(None, app, kind="settlement", final_cost=Decimal("300.00"), value_date=today)
    assert kpis.disbursed(today.year) == Decimal("300.00")
    assert list(kpis.use_applications(today.year)) == [app]
    url = registry.get("fund.disbursed").records_url(today.year)  # type: ignore[misc]
    assert url == f"/fund/journal/?kpi=fund.disbursed&year={today.year}"
    page = client_for("leadership").get(url).content.decode()
    assert app.number in page and "300.00" in page


def test_edit_a_draft_through_the_form(client_for, app: UseApplication) -> None:
    station = client_for("station")
    form = station.get(reverse("fund:use_edit", args=[app.pk])).content.decode()
    assert "屋面防水 3000.00" in form
    data = {
        "kind": "ordinary",
        "title": "屋面及排水",
        "project": "P0001",
        "applicant_kind": "property_company",
        "applicant_name": "怀化物业服务有限公司",
        "scope_kind": "list",
        "scope_spec": "P0001-1-1-101 P0001-1-1-103",
        "items": "屋面防水 3000.00\n排水管 440.00",
        "contractor": uf.contractor().uscc,
        "contractor_bank": "建行",
        "contractor_account_number": "1",
    }
    response = station.post(reverse("fund:use_edit", args=[app.pk]), data)
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.budget == Decimal("3440.00") and app.title == "屋面及排水"
    assert [(s.unit.code, s.share) for s in app.scope_units.select_related("unit")] == [
        ("P0001-1-1-101", Decimal("1563.64")),
        ("P0001-1-1-103", Decimal("1876.36")),
    ]
    use.take_step(None, uf.application(kind="emergency"), "submit")
    submitted = UseApplication.objects.get(status=S.SUBMITTED)
    response = station.get(reverse("fund:use_edit", args=[submitted.pk]), follow=True)
    assert response.redirect_chain and "tag-submitted" in response.content.decode()


def approved(client_for, app: UseApplication) -> UseApplication:
    codes = uf.codes(app)
    use.record_votes(None, app, {codes[0]: "agree", codes[2]: "agree"})
    for role, step in (("station", "submit"), ("finance", "review"), ("leadership", "approve")):
        client_for(role, username=f"{role}-{step}").post(reverse("fund:use_step", args=[app.pk]), {"step": step})
    app.refresh_from_db()
    assert app.status == S.APPROVED
    return app


def test_a_double_click_on_pay_pays_once(client_for, app: UseApplication) -> None:
    app = approved(client_for, app)
    station = client_for("station")
    page = station.get(reverse("fund:use", args=[app.pk]) + "?tab=payments").content.decode()
    assert 'type="hidden" name="expected_payments" value="0"' in page
    form = {
        "kind": "advance",
        "amount": "900.00",
        "value_date": timezone.localdate().isoformat(),
        "bank": Account.objects.get(kind="bank").pk,
        "expected_payments": "0",
    }
    station.post(reverse("fund:use_pay", args=[app.pk]), form)
    again = station.post(reverse("fund:use_pay", args=[app.pk]), form, follow=True)
    assert "该申请已有新的拨付，请刷新后再试" in again.content.decode()
    assert [p.amount for p in app.payments.all()] == [Decimal("900.00")]


def test_the_approve_button_is_not_offered_to_the_reviewer(client_for, make_user, app: UseApplication) -> None:
    codes = uf.codes(app)
    use.record_votes(None, app, {codes[0]: "agree", codes[2]: "agree"})
    use.take_step(make_user("h", "station"), app, "submit")
    both = client_for("finance", "leadership")
    both.post(reverse("fund:use_step", args=[app.pk]), {"step": "review"})
    page = both.get(reverse("fund:use", args=[app.pk])).content.decode()
    assert 'data-step="send_back"' in page and 'data-step="approve"' not in page
    refused = both.post(reverse("fund:use_step", args=[app.pk]), {"step": "approve"}, follow=True)
    assert "审批人不能是该申请的经办人或审核人" in refused.content.decode()
    assert UseApplication.objects.get(pk=app.pk).status == S.REVIEWED


def test_the_vote_sheet_is_an_audited_export(client_for, app: UseApplication) -> None:
    response = client_for("station").get(reverse("fund:use_vote_sheet", args=[app.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.model, event.object_id, event.actor_name) == ("fund.UseApplication", str(app.pk), "u_station")
    assert app.number in event.object_repr
    assert client_for("information").get(reverse("fund:use_vote_sheet", args=[app.pk])).status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1
    vote_tab = client_for("finance").get(reverse("fund:use", args=[app.pk]) + "?tab=vote").content.decode()
    assert reverse("fund:use_vote_sheet", args=[app.pk]) in vote_tab


def test_an_edit_that_clears_the_votes_says_so(client_for, app: UseApplication) -> None:
    codes = uf.codes(app)
    use.record_votes(None, app, {codes[0]: "agree", codes[2]: "agree"})
    station = client_for("station")
    data = {
        "kind": "ordinary",
        "title": app.title,
        "project": "P0001",
        "applicant_kind": "property_company",
        "applicant_name": "怀化物业服务有限公司",
        "scope_kind": "project",
        "scope_spec": "",
        "items": "屋面防水 3600.00",
        "contractor": uf.contractor().uscc,
        "contractor_bank": "建行",
        "contractor_account_number": "1",
    }
    page = station.post(reverse("fund:use_edit", args=[app.pk]), data, follow=True).content.decode()
    assert "msg-warning" in page
    assert not app.scope_units.exclude(vote="not_voted").exists()


def test_the_publicity_notice_is_for_approved_applications(client_for, app: UseApplication) -> None:
    client = client_for("information")
    url = reverse("fund:use_publicity", args=[app.pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("fund:use", args=[app.pk])
    assert "申请经领导审批同意后才能公示" in response.content.decode()
    assert url not in client.get(reverse("fund:use", args=[app.pk])).content.decode()
    assert client_for("office").get(url).status_code == 403
    app = approved(client_for, app)
    page = client.get(url).content.decode()
    assert "经业主表决同意" in page and "预算及分摊情况" in page
    # A notice posted in the building: the owners' names with the middle hidden (张*三), never in full.
    names = [n for n in app.scope_units.values_list("owner_name", flat=True) if len(n) >= 2]
    assert names and all(n not in page for n in names)
    assert all(mask_name(n) in page for n in names)
    emergency = use.take_step(None, uf.application(kind="emergency"), "submit")
    emergency = use.take_step(None, use.take_step(None, emergency, "review"), "approve")
    page = client.get(reverse("fund:use_publicity", args=[emergency.pk])).content.decode()
    assert "经业主表决同意" not in page and "应急维修" in page


def test_while_paying_the_split_counts_what_was_paid(client_for, app: UseApplication) -> None:
    # balances 5000 / 4000 / 6000, shares 1000 / 800 / 1200; 101's account then holds only 50.00 more
    app = approved(client_for, app)
    use.pay(None, app, kind="advance", amount=Decimal("900.00"), value_date=timezone.localdate())
    first = app.scope_units.select_related("account").order_by("unit__code")[0]
    spend = first.account.balance - Decimal("50.00")
    fund_factories.spend(first.account, str(spend), timezone.localdate())
    rows = use_queries.split(app)
    assert [(r.from_fund, r.shortfall) for r in rows] == [
        (Decimal("50.00"), Decimal("650.00")),  # 1000 - 300 paid: 700 to pay, 50 in the account
        (Decimal("560.00"), Decimal("0.00")),
        (Decimal("840.00"), Decimal("0.00")),
    ]
    client = client_for("information")
    tab = client.get(reverse("fund:use", args=[app.pk])).content.decode()
    assert "650.00" in tab
    page = client.get(reverse("fund:use_publicity", args=[app.pk])).content.decode()
    table = page.split('id="publicity-shares"')[1]
    cells = [c.split("</td>")[0] for c in table.split('<td class="num">')[1:]]
    # area, share, from the fund (paid + still payable from the account), the owner's own
    assert cells[:4] == ["100.00", "1,000.00", "350.00", "650.00"]
    assert "3,000.00" in table.split("publicity-total")[1][:40]


def test_the_journal_filtered_by_unit_shows_the_special_account_amount(client_for, app: UseApplication) -> None:
    client = client_for("finance")
    code = uf.codes(app)[0]
    page = client.get(reverse("fund:journal") + f"?unit={code}").content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 1 and "5,000.00" in rows  # the deposit, as the special account received it
