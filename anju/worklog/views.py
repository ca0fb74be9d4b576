"""Work records' pages: the list (search, filters, a KPI's records, export), recording one, its page (figures,
attachments, the line records it concerns) and correcting it. Confidential kinds (talks, home visits) are shown
only to those who may read them (`worklog:see_id`, as names in full: the 办公室 and the leaders)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import attachments, related
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    HiddenFilter,
    ListPage,
    Muted,
    Search,
    YearFilter,
    label_of,
    link_column,
)
from anju.core.permissions import actor, can, require
from anju.worklog import actions, queries, rules
from anju.worklog.forms import KIND_CHOICES, CorrectForm, RecordForm
from anju.worklog.models import WorkRecord

MODULE = "worklog"
CONFIDENTIAL = "see_id"  # who reads talks and home visits (they name staff)


def _may_read_confidential(request: HttpRequest) -> bool:
    return can(request.user, MODULE, CONFIDENTIAL)


def _visible(request: HttpRequest) -> Any:
    return queries.visible(
        WorkRecord.objects.select_related("created_by"), confidential=_may_read_confidential(request)
    )


def _kpi(qs: Any, code: str) -> Any:
    measure = queries.MEASURES_BY_CODE.get(code)
    if measure is None:
        return qs.none()
    return qs.filter(category=measure.kind, **({"line": measure.line} if measure.line else {}),
                     **({"result": measure.result} if measure.result else {}))  # fmt: skip


def _figures(record: WorkRecord) -> str:
    kind = record.kind
    parts = []
    if kind is not None and kind.quantity:
        parts.append(f"{record.quantity}{kind.quantity}")
    if record.result and record.result != "排名":
        parts.append(record.result)
    if record.rank is not None:
        parts.append(f"第{record.rank}名（共{record.rank_of}个）")
    return "，".join(parts)


@require(MODULE, "view")
def record_list(request: HttpRequest) -> HttpResponse:
    return ListPage(
        module=MODULE,
        title=_("Work records"),
        queryset=_visible(request),
        columns=[
            Column(_("Date of the record"), lambda r: r.held_on, "held_on", export_label="日期"),
            Column(_("Work record category"), lambda r: label_of(r, "category"), "category", export_label="类别"),
            link_column(_("Title"), "title", "worklog:record", export_label="名称"),
            Column(_("Business line or topic"), lambda r: rules.topic_name(r.line), "line", export_label="业务或主题"),
            Column(_("Figures"), lambda r: _figures(r) or Muted("—"), export_label="数量或结果"),
            Column(_("Quantity"), lambda r: r.quantity, "quantity", export_label="数量", total=True),
            Column(_("Document number"), lambda r: r.document or Muted("—"), export_label="文号"),
        ],
        search=Search(
            ["title__icontains", "attendees__icontains", "minutes__icontains", "document__icontains"],
            _("Title, attendees, minutes or document number"),
        ),
        filters=[
            ChoiceFilter("category", _("Work record category"), KIND_CHOICES),
            YearFilter(apply=lambda qs, y: qs.filter(held_on__year=y)),
            HiddenFilter("kpi", _kpi, tag=lambda code: getattr(queries.MEASURES_BY_CODE.get(code), "name", code)),
            ChoiceFilter("line", _("Business line or topic"), list(rules.TOPICS.items())),
        ],
        actions=[
            Action(_("Record an activity"), reverse("worklog:create"), "handle"),
            Action(_("Import work records"), reverse("core:import", args=["worklog.records"]), "handle", primary=False),
        ],
        filename="工作记录",
        sheet="工作记录",
    ).render(request)


def _facts(d: dict[str, Any]) -> actions.Facts:
    return actions.Facts(quantity=d.get("quantity") or 0, result=d.get("result") or "", rank=d.get("rank"),
                         rank_of=d.get("rank_of"), document=d.get("document") or "")  # fmt: skip


@require(MODULE, "handle")
def record_create(request: HttpRequest) -> HttpResponse:
    form = RecordForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if rules.is_confidential(d["category"]) and not _may_read_confidential(request):
            raise PermissionDenied(f"{MODULE}:{CONFIDENTIAL}")
        with refused(form) as outcome:
            record = actions.record_activity(
                actor(request), category=d["category"], line=d["line"], held_on=d["held_on"], title=d["title"],
                attendees=d["attendees"], minutes=d["minutes"], facts=_facts(d),
            )  # fmt: skip
        if outcome.ok:
            return redirect(reverse("worklog:record", args=[record.pk]))
    return render(request, "worklog/form.html", {"form": form, "title": _("Record an activity")})


def _record(request: HttpRequest, pk: int) -> WorkRecord:
    record = get_object_or_404(WorkRecord.objects.select_related("created_by"), pk=pk)
    if record.confidential and not _may_read_confidential(request):
        raise Http404  # a confidential record is not shown to exist
    return record


@require(MODULE, "view")
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    links = [
        (link.content_type.name, link.object_id, _link_url(link.content_type.model_class(), link.object_id))
        for link in record.links.select_related("content_type")
    ]
    return render(request, "worklog/record.html", {
        "record": record, "topic": rules.topic_name(record.line), "figures": _figures(record), "links": links,
        "attachments": attachments.for_record(record), "related": related.related_to(record),
        "may_handle": can(request.user, MODULE, "handle"),
    })  # fmt: skip


def _link_url(model: Any, pk: int) -> str:
    if model is None:
        return ""
    obj = model._default_manager.filter(pk=pk).first()
    url = getattr(obj, "get_absolute_url", None)
    return url() if callable(url) else ""


@require(MODULE, "handle")
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    initial = {f: getattr(record, f) for f in ("line", "held_on", "title", "quantity", "result", "rank", "rank_of",
                                               "document", "attendees", "minutes")}  # fmt: skip
    form = CorrectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refused(form) as outcome:
            actions.correct_record(actor(request), record, held_on=d["held_on"], title=d["title"], line=d["line"],
                                   attendees=d["attendees"], minutes=d["minutes"], facts=_facts(d))  # fmt: skip
        if outcome.ok:
            return redirect(reverse("worklog:record", args=[record.pk]))
    title = _("Correct the work record")
    return render(request, "worklog/form.html", {"form": form, "title": title, "record": record})


@require(MODULE, "handle")
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """A record's documents: minutes, sign-in sheets, photos, the assessment's notice."""
    record = _record(request, pk)
    if request.method != "POST":
        raise PermissionDenied("POST")
    upload = request.FILES.get("file")
    if upload is not None:
        with refused(request):
            attachments.attach(record, upload, module=MODULE, kind="附件", actor=actor(request))
    return redirect(reverse("worklog:record", args=[record.pk]))
