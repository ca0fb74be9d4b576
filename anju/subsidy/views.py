"""Home-purchase subsidies' pages: the year's board, applications (list, counter entry, import, detail with
its formula, buyers, flags, step bar, history and payments), the open duplicate flags, payment batches (the
payment file, the 拨付 request, the bank's results) and the programs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import attachments, ids, workflow
from anju.core import kpis as registry
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    BatchAction,
    ChoiceFilter,
    Column,
    FlagFilter,
    HiddenFilter,
    IdColumn,
    Link,
    ListPage,
    Muted,
    Search,
    Tag,
    label_of,
    link_column,
    valid_int,
)
from anju.core.listing.page import back_to_list, selected_ids
from anju.core.permissions import actor, can, check, require
from anju.subsidy import actions, documents, payments, queries, rules
from anju.subsidy.forms import (
    ApplicationForm,
    BatchForm,
    ObjectionForm,
    PayeeForm,
    ProgramForm,
    ReasonForm,
    RecoveryForm,
    RuleForm,
)
from anju.subsidy.models import Application, Batch, Clawback, Flag, Payment, Program, Status

MODULE = "subsidy"


def _year(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("year", "")), 2000), 2100)
    except ValueError:
        return timezone.localdate().year


def _app_link(label: Any, attr: str, export_label: str) -> Column:
    """A column linking to an application reached through `attr` (application, other)."""

    def cell(obj: Any) -> Link:
        app = getattr(obj, attr)
        return Link(app.number, reverse("subsidy:application", args=[app.pk]))

    return Column(label, cell, export_label=export_label, export_value=lambda obj: getattr(obj, attr).number)


def _list(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    kwargs.setdefault("crumbs", [(_("Home-purchase subsidies"), reverse("subsidy:home"))])
    return ListPage(module=MODULE, tabs="subsidy/_tabs.html", **kwargs).render(request)


@require(MODULE, "view")
def home(request: HttpRequest) -> HttpResponse:
    """The year's figures, each linked to its records."""
    year = _year(request)
    figures = [
        (kpi, kpi.compute(year), kpi.records_url(year) if kpi.records_url else "") for kpi in registry.all_kpis(MODULE)
    ]
    return render(request, "subsidy/home.html", {"year": year, "figures": figures, "tab": "home"})


# --- applications ----------------------------------------------------------------------------------------


def _open_flags(qs: QuerySet[Application], _value: Any) -> QuerySet[Application]:
    return qs.filter(Exists(Flag.objects.filter(application=OuterRef("pk"), cleared_at__isnull=True)))


@require(MODULE, "view")
def applications(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Subsidy applications"),
        tab="applications",
        queryset=queries.applications().order_by("-applied_on", "-number"),
        columns=[
            link_column(_("Application number"), "number", "subsidy:application", export_label="申请编号"),
            Column(_("Buyer's name"), lambda a: a.buyer_name, "buyer_name", export_label="购房人姓名"),
            IdColumn(_("Buyer's ID number"), lambda a: a.buyer_id_number, export_label="购房人身份证号"),
            Column(_("Home address"), lambda a: a.address, export_label="房屋坐落"),
            Column(_("Contract signed on"), lambda a: a.contract_date, "contract_date", export_label="合同签订日期"),
            Column(_("Subsidy amount"), lambda a: a.amount, "amount", total=True, export_label="补贴金额"),
            Column(_("Applied on"), lambda a: a.applied_on, "applied_on", export_label="申请日期"),
            Column(_("Status"), lambda a: Tag(label_of(a, "status"), a.status), "status", export_label="状态"),
            Column(
                _("Possible duplicate"),
                lambda a: Tag(str(_("Flagged")), "flagged") if a.flagged else Muted("—"),
                export_label="疑似重复",
                export_value=lambda a: "是" if a.flagged else "",
            ),
        ],
        search=Search(
            ["number__icontains", "buyer_name__icontains", "unit_code__icontains", "contract_number__icontains"],
            _("Number, buyer, unit or contract number"),
        ),
        filters=[
            ChoiceFilter("status", _("Status"), Status.choices, everything=_("All statuses")),
            FlagFilter("flagged", _("Possible duplicates only"), apply=_open_flags),
            HiddenFilter("reviewed", lambda qs, y: qs.filter(reviewed_on__year=y), valid_int),
            HiddenFilter("applied", lambda qs, y: qs.filter(applied_on__year=y), valid_int),
            HiddenFilter("paid", lambda qs, y: qs.filter(pk__in=queries.paid(y).values("pk")), valid_int),
            HiddenFilter("in_batch", lambda qs, y: qs.filter(pk__in=queries.in_review(y).values("pk")), valid_int),
        ],
        filename="购房补贴申请",
        actions=[
            Action(_("Receive a subsidy application"), reverse("subsidy:application_create"), "handle"),
            Action(_("Import subsidy applications"), reverse("subsidy:import"), "handle", primary=False),
            Action(_("Import the tax bureau's verification"), reverse("subsidy:tax_import"), "review", primary=False),
        ],
        batch=[BatchAction(_("Form a payment batch"), reverse("subsidy:batch_create"), "handle")],
        empty=_("No applications match."),
    )


@require(MODULE, "handle")
def application_create(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None, initial={"applied_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        program = d.pop("program")
        d["co_buyer_ids"] = tuple(actions.split_ids(d["co_buyer_ids"]))
        with refused(form) as outcome:
            app = actions.register_application(actor(request), program, actions.NewApplication(**d))
        if outcome.ok:
            flagged = app.flags.count()
            if flagged:
                messages.warning(
                    request,
                    _("Application %(number)s registered and flagged as a possible duplicate.")
                    % {"number": app.number},
                )
            else:
                messages.success(request, _("Application %(number)s registered.") % {"number": app.number})
            return redirect("subsidy:application", app.pk)
    return render(
        request, "subsidy/form.html", {"form": form, "title": _("New subsidy application"), "tab": "applications"}
    )


def _detail_post(request: HttpRequest, app: Application) -> bool:
    """A posted form of the detail page other than a workflow step: an objection, a payee correction, a
    clawback. True once its action succeeded."""
    action = request.POST.get("action", "")
    check(request.user, MODULE, "approve" if action == "write_off" else "handle")
    who = actor(request)
    form: Any
    if action == "write_off":
        claw = get_object_or_404(Clawback, pk=request.POST.get("clawback", "0") or 0, application=app)
        form = ReasonForm(request.POST)
        run: Any = lambda d: payments.write_off(who, claw, reason=d["reason"])  # noqa: E731
    elif action == "objection":
        form = ObjectionForm(request.POST)
        run = lambda d: actions.record_objection(who, app, text=d["text"])  # noqa: E731
    elif action == "payee":
        form = PayeeForm(request.POST)
        run = lambda d: payments.correct_payee(who, app, **d)  # noqa: E731
    elif action == "clawback":
        form = ReasonForm(request.POST)
        run = lambda d: payments.claw_back(who, app, reason=d["reason"])  # noqa: E731
    else:
        return False
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return False
    with refused(request) as outcome:
        run(form.cleaned_data)
    if outcome.ok:
        messages.success(request, _("Saved."))
    return outcome.ok


@require(MODULE, "view")
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_object_or_404(Application.objects.select_related("program", "rule", "created_by"), pk=pk)
    url = reverse("subsidy:application", args=[pk])
    if request.method == "POST":
        if request.POST.get("action"):
            _detail_post(request, app)
        else:
            workflow.post_step(actions.WORKFLOW, request, app, actions.take_step)
        return redirect(url)
    see_id = ids.may_see(request.user, MODULE)
    return render(
        request,
        "subsidy/application.html",
        {
            "a": app,
            "formula": app.formula(),
            "buyers": app.buyers.select_related("person").order_by("-main", "id"),
            "flags": queries.flags_of(app),
            "payments": app.payments.select_related("batch").order_by("batch__ordinal"),
            "clawbacks": app.clawbacks.all(),
            "wf": workflow.page(actions.WORKFLOW, app, request.user, step_url=url),
            "see_id": see_id,
            "may_handle": can(request.user, MODULE, "handle"),
            "may_approve": can(request.user, MODULE, "approve"),
            "reason_labels": rules.REASON_LABELS,
            "attachments": attachments.for_record(app),
            "document_kinds": [(k, k) for k in DOCUMENT_KINDS],
            "payee_form": PayeeForm(initial={"payee_name": app.payee_name, "payee_bank": app.payee_bank}),
            "tab": "applications",
        },
    )


DOCUMENT_KINDS = ["申请表", "身份证", "户口簿", "网签合同", "契税完税凭证", "不动产权证书", "银行卡", "其他"]


@require(MODULE, "handle")
def application_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a document (form, ID cards, contract, deed-tax voucher, title, bank card) to an application."""
    app = get_object_or_404(Application, pk=pk)
    upload = request.FILES.get("file")
    kind = request.POST.get("kind", "")
    if request.method != "POST" or upload is None or kind not in DOCUMENT_KINDS:
        messages.error(request, _("Choose a file and its kind."))
        return redirect("subsidy:application", pk)
    with refused(request) as outcome:
        attachments.attach(app, upload, module=MODULE, kind=kind, actor=actor(request))
    if outcome.ok:
        messages.success(request, _("Document attached."))
    return redirect("subsidy:application", pk)


# --- flags -----------------------------------------------------------------------------------------------


@require(MODULE, "view")
def flags(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Possible duplicates"),
        tab="flags",
        queryset=Flag.objects.select_related("application", "other", "cleared_by").order_by("-created", "-pk"),
        columns=[
            _app_link(_("Application number"), "application", "申请编号"),
            Column(_("Buyer's name"), lambda f: f.application.buyer_name, export_label="购房人姓名"),
            Column(_("Reason"), lambda f: label_of(f, "reason"), "reason", export_label="疑似重复原因"),
            _app_link(_("Other application"), "other", "相同的申请"),
            Column(_("Flagged on"), lambda f: f.created, "created", export_label="标记时间"),
            Column(
                _("Cleared by"), lambda f: f.cleared_by.full_name if f.cleared_by else Muted("—"), export_label="核查人"
            ),
            Column(_("Reason for clearing"), lambda f: f.clear_reason or Muted("—"), export_label="核查意见"),
        ],
        search=Search(["application__number__icontains", "application__buyer_name__icontains"], _("Number or buyer")),
        filters=[
            ChoiceFilter("reason", _("Reason"), Flag.Reason.choices),
            ChoiceFilter(
                "state",
                _("State"),
                [("open", _("Not cleared")), ("cleared", _("Cleared"))],
                apply=lambda qs, v: qs.filter(cleared_at__isnull=(v == "open")),
            ),
        ],
        filename="购房补贴疑似重复",
        empty=_("No possible duplicates."),
    )


@require(MODULE, "handle")
def flag_clear(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_object_or_404(Flag, pk=pk)
    if request.method == "POST":
        with refused(request) as outcome:
            actions.clear_flag(actor(request), flag, reason=request.POST.get("reason", ""))
        if outcome.ok:
            messages.success(request, _("The flag was cleared."))
    return redirect("subsidy:application", flag.application_id)


# --- batches ---------------------------------------------------------------------------------------------


@require(MODULE, "view")
def batches(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        title=_("Payment batches"),
        tab="batches",
        queryset=queries.batches().order_by("-formed_on", "-ordinal"),
        columns=[
            Column(
                _("Batch"),
                lambda b: Link(b.label, reverse("subsidy:batch", args=[b.pk])),
                "ordinal",
                export_label="批次",
                export_value=lambda b: b.label,
            ),
            Column(_("Subsidy program"), lambda b: b.program.name, export_label="补贴项目"),
            Column(_("Batch formed on"), lambda b: b.formed_on, "formed_on", export_label="形成日期"),
            Column(_("Payments"), lambda b: b.count, "count", total=True, export_label="户数"),
            Column(_("Total"), lambda b: b.total, "total", total=True, export_label="金额"),
            Column(_("Paid by the bank"), lambda b: b.paid, export_label="发放成功"),
            Column(_("Refused by the bank"), lambda b: b.failed, export_label="发放失败"),
            Column(_("State"), lambda b: Tag(label_of(b, "state"), b.state), "state", export_label="状态"),
        ],
        filename="购房补贴发放批次",
        actions=[Action(_("Import the bank's results"), reverse("subsidy:results_import"), "handle")],
        context={"batch_form": BatchForm(initial={"formed_on": timezone.localdate()})},
        template="subsidy/batches.html",
        empty=_("No batches yet."),
    )


@require(MODULE, "handle")
def batch_create(request: HttpRequest) -> HttpResponse:
    """A batch of the ticked applications (from the list), or of every approved application of a program
    without an open flag (from the batches page)."""
    if request.method != "POST":
        return redirect("subsidy:batches")
    ids_ = selected_ids(request)
    chosen: Any
    if ids_:
        chosen = list(Application.objects.filter(pk__in=ids_).select_related("program"))
        program = chosen[0].program
        on = timezone.localdate()
    else:
        form = BatchForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose a program and a date."))
            return redirect("subsidy:batches")
        program, on = form.cleaned_data["program"], form.cleaned_data["formed_on"]
        open_ = Flag.objects.filter(application=OuterRef("pk"), cleared_at__isnull=True)
        chosen = Application.objects.filter(program=program, status=Status.APPROVED).exclude(Exists(open_))
    with refused(request) as outcome:
        batch = payments.form_batch(actor(request), program, chosen, on=on)
    if not outcome.ok:
        return back_to_list(request, reverse("subsidy:batches"))
    messages.success(request, _("%(batch)s formed: %(count)s payments.") % {"batch": batch.label, "count": batch.count})
    return redirect("subsidy:batch", batch.pk)


@require(MODULE, "view")
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(Batch.objects.select_related("program"), pk=pk)
    return _list(
        request,
        title=batch.label,
        heading=f"{batch.program.name} {batch.label}",
        tab="batches",
        queryset=Payment.objects.filter(batch=batch).select_related("application").order_by("reference"),
        columns=[
            Column(_("Payment reference"), lambda p: p.reference, "reference", export_label="用途/附言"),
            _app_link(_("Application number"), "application", "申请编号"),
            Column(_("Payee"), lambda p: p.payee_name, export_label="收款人"),
            IdColumn(_("Payee account"), lambda p: p.payee_account, export_label="收款账号"),
            Column(_("Payee bank"), lambda p: p.payee_bank, export_label="开户行"),
            Column(_("Amount"), lambda p: p.amount, "amount", total=True, export_label="金额"),
            Column(_("State"), lambda p: Tag(label_of(p, "state"), p.state), "state", export_label="结果"),
            Column(_("Result dated"), lambda p: p.result_on or Muted("—"), "result_on", export_label="结果日期"),
        ],
        filters=[ChoiceFilter("state", _("State"), Payment.State.choices)],
        filename=f"购房补贴{batch.label}",
        actions=[
            Action(_("Payment file"), reverse("subsidy:batch_file", args=[pk]), "handle"),
            Action(_("Disbursement request"), reverse("subsidy:batch_request", args=[pk]), primary=False),
        ],
        crumbs=[
            (_("Home-purchase subsidies"), reverse("subsidy:home")),
            (_("Payment batches"), reverse("subsidy:batches")),
        ],
    )


@require(MODULE, "handle")
def batch_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The bank's payment file (the same bytes every time); the batch is frozen the first time."""
    check(request.user, MODULE, "export")
    batch = get_object_or_404(Batch, pk=pk)
    data = payments.export_payment_file(actor(request), batch)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.number}.csv"'
    return response


@require(MODULE, "view")
def batch_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The 拨付 request of a batch, to print (or as Word with `?format=docx`): count, total, total in capitals."""
    batch = get_object_or_404(Batch.objects.select_related("program"), pk=pk)
    if request.GET.get("format") == "docx":
        return documents.request_response(request, batch)
    return render(
        request,
        "subsidy/batch_request.html",
        {"r": payments.disbursement_request(batch), "batch": batch, "today": timezone.localdate(), "tab": "batches"},
    )


@require(MODULE, "view")
def programs(request: HttpRequest) -> HttpResponse:
    """The programs with their rule versions; a leader adds a program or a dated rule version (a new policy
    is data, never a code change; a version used by an application is never changed)."""
    program_form, rule_form = ProgramForm(), RuleForm()
    if request.method == "POST":
        check(request.user, MODULE, "approve")
        who = actor(request)
        if request.POST.get("action") == "rule":
            program = get_object_or_404(Program, pk=request.POST.get("program", "0") or 0)
            rule_form = RuleForm(request.POST)
            if rule_form.is_valid():
                d = rule_form.cleaned_data
                with refused(rule_form) as outcome:
                    actions.add_rule_version(
                        who, program, effective_from=d["effective_from"], kind=d["kind"],
                        rate=d["rate"] or Decimal(0), fixed=d["fixed"] or Decimal("0.00"), cap=d["cap"],
                        source=d["source"],
                    )  # fmt: skip
                if outcome.ok:
                    messages.success(request, _("Saved."))
                    return redirect("subsidy:programs")
        else:
            program_form = ProgramForm(request.POST)
            if program_form.is_valid():
                d = dict(program_form.cleaned_data)
                d["home_types"] = actions.split_ids(d["home_types"])
                with refused(program_form) as outcome:
                    actions.create_program(who, **d)
                if outcome.ok:
                    messages.success(request, _("Saved."))
                    return redirect("subsidy:programs")
    return render(
        request,
        "subsidy/programs.html",
        {
            "programs": queries.programs(),
            "program_form": program_form,
            "rule_form": rule_form,
            "may_approve": can(request.user, MODULE, "approve"),
            "tab": "programs",
        },
    )


@require(MODULE, "handle")
def clawback_recover(request: HttpRequest, pk: int) -> HttpResponse:
    claw = get_object_or_404(Clawback, pk=pk)
    form = RecoveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refused(request) as outcome:
            payments.record_recovery(actor(request), claw, amount=form.cleaned_data["amount"])
        if outcome.ok:
            messages.success(request, _("Saved."))
    return redirect("subsidy:application", claw.application_id)


def masked_name(name: str) -> str:
    """A name on a public list: the surname and, for three characters or more, the last one (张*、张*三)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@require(MODULE, "view")
def notice(request: HttpRequest) -> HttpResponse:
    """The public notice (公示) of the applications passed by the finance review: names and ID numbers
    masked for everyone, to print or publish; objections are recorded on each application."""
    rows = (
        Application.objects.filter(status=Status.NOTICE)
        .select_related("program")
        .order_by("program__code", "number")
        .only("number", "buyer_name", "buyer_id_number", "address", "amount", "notice_from", "program__name")
    )
    listed = [(a, masked_name(a.buyer_name), ids.shown(a.buyer_id_number, visible=False)) for a in rows]
    total = sum((a.amount for a, _n, _i in listed), Decimal("0.00"))
    return render(
        request,
        "subsidy/notice.html",
        {"rows": listed, "total": total, "today": timezone.localdate(), "tab": "notice"},
    )
