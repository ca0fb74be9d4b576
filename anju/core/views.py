from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from anju.core import actions, audit, calendar, ids, modules, organisation, setup, todos
from anju.core.client_address import client_ip
from anju.core.errors import refused
from anju.core.forms import (
    ApiTokenForm,
    CalendarDayForm,
    CalendarImportForm,
    CalendarYearForm,
    LoginForm,
    OrganisationForm,
    PasswordChangeForm,
    UserForm,
)
from anju.core.links import reverse
from anju.core.listing import (
    Action,
    ChoiceFilter,
    Column,
    DateRangeFilter,
    FlagFilter,
    ListPage,
    Search,
    Tag,
    label_of,
    link_column,
    xlsx_response,
)
from anju.core.models import ApiToken, Attachment, AuditEvent, CalendarDay, CalendarYear, Role, RoleGrant, User
from anju.core.permissions import actor, can, check, login_required, require
from anju.lib.dates import count_working_days
from anju.lib.tabular import ImportRejected


@login_not_required
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        result = actions.attempt_login(
            request, form.cleaned_data["username"], form.cleaned_data["password"], client_ip(request)
        )
        if result.user is not None:
            login(request, result.user)
            return redirect(next_url or "core:home")
        error = result.error
    return render(request, "core/login.html", {"form": form, "error": error, "next": next_url})


# Public: a page left open past the idle timeout still logs out instead of sending to the login page
# with next=/logout/ (a GET there after logging in would be refused).
@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(request.user, AuditEvent.Action.LOGOUT, request.user, ip=client_ip(request))  # type: ignore[arg-type]
    logout(request)
    return redirect("core:login")


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(user, form.cleaned_data["new_password1"], client_ip(request))
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("core:home")
    return render(request, "core/password_change.html", {"form": form})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    shortcuts = [
        m
        for m in modules.all_modules()
        if user.can(m.code, modules.VIEW) and m.code not in {"audit", "users", "calendar"}
    ]
    context = {"todos": todos.for_user(user), "shortcuts": shortcuts, "checklist": setup.checklist(user)}
    return render(request, "core/home.html", context)


def record_type_name(label: str) -> str:
    """A model label's verbose name ("fund.Account" → 账户); other record types as they were logged."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


AUDIT_HEADERS = ["时间", "操作人", "操作", "记录类型", "记录编号", "记录", "IP", "备注", "变更前", "变更后"]


# Keys the audit log writes that are no field of the record (a batch's count, a step's name), in Chinese.
AUDIT_KEYS = {
    "count": _l("Count"),
    "numbers": _l("Numbers"),
    "step": _l("Step"),
    "total": _l("Total"),
    "scale": _l("Scale"),
    "units": _l("Units"),
    "persons": _l("Persons"),
    "rate": _l("Rate"),
    "entries": _l("Journal entries"),
    "lines": _l("Lines"),
    "failed": _l("Failed"),
    "version": _l("Version"),
    "year": _l("Year"),
    # Counts and markers a batch or a line's action logs (the demo, the imports, the chain's span).
    "first_seq": "起始链序号",
    "last_seq": "结束链序号",
    "created": "新建数",
    "existing": "已有数",
    "credited": "入账数",
    "imported": "导入数",
    "skipped": "跳过数",
    "paid": "已支付数",
    "cleared": "已解除数",
    "first": "起始编号",
    "last": "结束编号",
    "records": "记录数",
    "items": "条目数",
    "cases": "案件数",
    "tasks": "任务数",
    "findings": "问题数",
    "votes": "表决数",
    "revisits": "回访数",
    "termites_found": "发现白蚁数",
    "contracts": "合同数",
    "reminders": "催缴数",
    "payments": "缴款数",
    "recoveries": "追缴入库数",
    "lifts": "电梯数",
    "states": "状态数",
    "households": "户数",
    "members": "家庭成员数",
    "leases": "租赁合同数",
    "exits": "退出数",
    "exit_events": "退出事件数",
    "project": "项目",
    "years": "年限",
    "reached_on": "到达日期",
}


def _model(label: str) -> type[Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_label(model: type[Model] | None, key: str) -> str:
    """A changed field's name as people read it: the field's verbose name, else a known key's label."""
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            field = None
        if field is not None and hasattr(field, "verbose_name"):
            return str(field.verbose_name)
    # A key no field or known key names: a neutral label, the key itself stays in the tooltip.
    return str(AUDIT_KEYS.get(key, "其他"))


def _value_label(model: type[Model] | None, key: str, value: Any) -> Any:
    """A logged value as people read it: a choice's label, 是/否 for a yes/no."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    # A model may say how its logged codes read (`AUDIT_VALUES`: key → {code: label} or a function), for a
    # value no field's choices name: a workflow step, a bound KPI, a source document's reference.
    labels = getattr(model, "AUDIT_VALUES", {}).get(key) if model is not None else None
    if labels is not None and isinstance(value, str):
        return labels.get(value, value) if isinstance(labels, dict) else labels(value)
    if model is not None and isinstance(value, str):
        try:
            choices = dict(model._meta.get_field(key).flatchoices)  # type: ignore[union-attr]
        except (FieldDoesNotExist, AttributeError):
            choices = {}
        if value in choices:
            return str(choices[value])
    return value


class _NamedAuditEvents(QuerySet[AuditEvent]):
    """Audit events that, once fetched, know the names of the records their changed foreign keys point
    to (`event.ref_names[key]`): one query per kind of related record on the page, not one per event."""

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()
        if fresh and self._result_cache:
            _name_references([e for e in self._result_cache if isinstance(e, AuditEvent)])


def _foreign_key(model: type[Model] | None, key: str) -> type[Model] | None:
    """The model a changed key points to when the key is a foreign key of the event's record."""
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    related = field.related_model if field.many_to_one or field.one_to_one else None
    return related if isinstance(related, type) else None


def _name_references(events: list[AuditEvent]) -> None:
    wanted: dict[type[Model], set[Any]] = {}
    for event in events:
        model = _model(event.model)
        for key, before, after in event.changed_fields():
            related = _foreign_key(model, key)
            if related is not None:
                wanted.setdefault(related, set()).update(v for v in (before, after) if v is not None)
    names: dict[tuple[type[Model], str], str] = {}
    for related, pks in wanted.items():
        try:
            found = related._default_manager.in_bulk(list(pks))
        except (ValueError, TypeError):
            continue
        names.update({(related, str(pk)): str(obj) for pk, obj in found.items()})
    for event in events:
        model = _model(event.model)
        event.ref_names = {}  # type: ignore[attr-defined]
        for key, before, after in event.changed_fields():
            related = _foreign_key(model, key)
            if related is not None:
                for value in (before, after):
                    if value is not None:
                        # A record deleted since: its kind, never its internal number.
                        event.ref_names[(key, str(value))] = names.get(  # type: ignore[attr-defined]
                            (related, str(value)), f"（已删除的{related._meta.verbose_name}）"
                        )


def _changes(event: AuditEvent, see_id: bool) -> SafeString:
    """The changed fields as a list (before struck through → after), ID numbers masked without see_id;
    field names and values as people read them, the field's code in the tooltip."""
    model = _model(event.model)

    refs: dict[tuple[str, str], str] = getattr(event, "ref_names", {})

    def shown(key: str, value: Any) -> Any:
        if ids.is_id_key(key) and isinstance(value, str):
            return ids.shown(value, see_id)
        if (key, str(value)) in refs:
            return refs[(key, str(value))]
        return _value_label(model, key, value)

    # The record's own internal number is not shown (the record column names it).
    changes = [change for change in event.changed_fields() if change[0] != "id"]
    if not changes:
        return SafeString("")
    items = format_html_join(
        "",
        '<li><b title="{}">{}</b>: {}{}</li>',
        (
            (
                key,
                _field_label(model, key),
                format_html("<del>{}</del> → ", shown(key, before)) if before is not None else "",
                "∅" if after is None else shown(key, after),
            )
            for key, before, after in changes
        ),
    )
    return format_html('<ul class="changes">{}</ul>', items)


def _record(event: AuditEvent) -> SafeString:
    """The record an event is about: its kind in Chinese and its name or number as logged; the stored
    reference (record type and id) in the tooltip (issue 19)."""
    if not event.model and not event.object_repr:
        return SafeString("")
    ref = f"{event.model} {event.object_id}".strip()
    return format_html(
        '<span title="{}">{}</span><br><small>{}</small>', ref, record_type_name(event.model), event.object_repr
    )


def _actor(event: AuditEvent) -> SafeString | str:
    """Who acted, by real name (the account's, when it still exists); the login name in the tooltip."""
    full = event.actor.full_name if event.actor is not None else ""
    shown = audit.shown_name(event.actor_name, full)
    return shown if shown == event.actor_name else format_html('<span title="{}">{}</span>', event.actor_name, shown)


def _note(event: AuditEvent) -> str:
    """An event's note; a refused request's ("GET /path module:action") names the permission it lacked in
    Chinese, the way the 403 page does."""
    if event.action != AuditEvent.Action.DENIED:
        return event.note
    from anju.core.roles_views import ACTION_LABELS  # the roles page names the actions

    request, _sep, permission = event.note.rpartition(" ")
    module, _sep, action = permission.partition(":")
    wanted = [str(ACTION_LABELS[a]) for a in action.split("/") if a in ACTION_LABELS]
    if not request or not module or not wanted:
        return event.note
    try:
        module_name = str(modules.get(module).name)
    except KeyError:
        module_name = "其他模块"
    method, _sep, path = request.partition(" ")
    verb = {"GET": "访问", "HEAD": "访问", "POST": "提交"}.get(method, "请求")
    return f"{verb} {path}（缺少权限：{module_name}·{'或'.join(wanted)}）"


@require("audit", "view")
def audit_log(request: HttpRequest) -> HttpResponse:
    see_id = ids.may_see(request.user, "registry")
    labels = AuditEvent.objects.exclude(model="").values_list("model", flat=True).distinct().order_by("model")
    headers = iter(AUDIT_HEADERS)
    return ListPage(
        module="audit",
        see_id="registry",
        title=_("Audit log"),
        queryset=_NamedAuditEvents(AuditEvent).select_related("actor"),
        columns=[
            Column(
                _("Time"),
                lambda e: format_html(
                    '<span class="nowrap">{}</span>', f"{timezone.localtime(e.at):%Y-%m-%d %H:%M:%S}"
                ),
                "at",
                export_label=next(headers),
                export_value=lambda e: e.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            ),
            Column(_("User"), _actor, "actor_name", export_label=next(headers), export_value=lambda e: e.actor_name),
            Column(
                _("Action"),
                lambda e: Tag(label_of(e, "action"), e.action),
                "action",
                export_label=next(headers),
                export_value=lambda e: label_of(e, "action"),
            ),
            Column(
                _("Record"),
                _record,
                "model",
                export=False,
            ),
            Column("", lambda e: e.model, page=False, export_label=next(headers)),
            Column("", lambda e: e.object_id, page=False, export_label=next(headers)),
            Column("", lambda e: e.object_repr, page=False, export_label=next(headers)),
            Column(_("Changes"), lambda e: _changes(e, see_id), export=False),
            Column("IP", lambda e: e.ip or "", "ip", export_label=next(headers)),
            Column(_("Note"), _note, export_label=next(headers), export_value=lambda e: e.note),
            Column("", lambda e: str(ids.masked_data(e.before, see_id) or ""), page=False, export_label=next(headers)),
            Column("", lambda e: str(ids.masked_data(e.after, see_id) or ""), page=False, export_label=next(headers)),
        ],
        search=Search(
            ["actor_name__icontains", "object_repr__icontains", "object_id", "note__icontains"],
            _("User, record or note"),
        ),
        filters=[
            ChoiceFilter("action", _("Action"), AuditEvent.Action.choices, everything=_("All actions")),
            ChoiceFilter(
                "model",
                _("Record type"),
                [(label, record_type_name(label)) for label in labels],
                everything=_("All record types"),
            ),
            DateRangeFilter("at__date"),
        ],
        filename="审计日志",
        export_limit=100000,
        empty=_("No events match."),
    ).render(request)


def _user_status(user: User) -> Tag:
    if not user.is_active:
        return Tag(_("Disabled"), "delete")
    if user.is_locked():
        assert user.locked_until is not None
        return Tag(_("Locked until %(t)s") % {"t": f"{timezone.localtime(user.locked_until):%H:%M}"}, "locked")
    return Tag(_("Active"), "create")


@require("users", "view")
def user_list(request: HttpRequest) -> HttpResponse:
    return ListPage(
        module="users",
        title=_("Users"),
        queryset=User.objects.prefetch_related("roles").order_by("username"),
        columns=[
            # The account's page edits it: a link for those who may (the others read the name).
            link_column(_("User name"), "username", "core:user_edit")
            if can(request.user, "users", "handle")
            else Column(_("User name"), lambda u: u.username, "username"),
            Column(_("Full name"), lambda u: u.full_name, "full_name"),
            Column(_("Roles"), lambda u: tuple(Tag(r.name) for r in u.roles.all())),
            Column(_("Status"), _user_status, "is_active"),
            Column(_("Last login"), lambda u: u.last_login or "—", "last_login"),
            Column("", lambda u: u.pk, template="core/_user_unlock.html"),
        ],
        search=Search(["username__icontains", "full_name__icontains"], _("User name or full name")),
        filters=[
            ChoiceFilter(
                "role",
                _("Role"),
                list(Role.objects.values_list("code", "name")),
                "roles__code",
                everything=_("All roles"),
            ),
            FlagFilter("locked", _("Locked only"), apply=lambda qs, _v: qs.filter(locked_until__gt=timezone.now())),
        ],
        actions=[
            Action(_("New user"), reverse("core:user_create"), "handle"),
            Action(_("Roles"), reverse("core:roles"), "view", primary=False),
            Action(_("Approver roles to confirm"), reverse("core:role_grants"), "handle", primary=False),
            Action(_("Organisation"), reverse("core:organisation"), "handle", primary=False),
        ],
        empty=_("No users match."),
    ).render(request)


@require("users", "handle")
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        user = actions.create_user(
            request.user,  # type: ignore[arg-type]
            username=d["username"],
            full_name=d["full_name"],
            email=d["email"],
            password=d["password"],
            roles=d["roles"],
        )
        messages.success(request, _("User %(name)s created.") % {"name": user.username})
        _pending_note(request, user)
        return redirect("core:users")
    return render(request, "core/user_form.html", {"form": form, "target": None})


@require("users", "handle")
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    initial = {
        "username": target.username,
        "full_name": target.full_name,
        "email": target.email,
        "is_active": target.is_active,
        "roles": list(target.roles.all()),
    }
    form = UserForm(request.POST or None, instance=target, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refused(form) as outcome, transaction.atomic():
            actions.update_user(
                actor(request),
                target,
                full_name=d["full_name"],
                email=d["email"],
                is_active=d["is_active"],
                roles=d["roles"],
            )
            if d["password"]:
                actions.reset_password(actor(request), target, d["password"])
        if outcome.ok:
            messages.success(request, _("User %(name)s saved.") % {"name": target.username})
            _pending_note(request, target)
            return redirect("core:users")
    return render(request, "core/user_form.html", {"form": form, "target": target})


def _pending_note(request: HttpRequest, user: User) -> None:
    waiting = RoleGrant.objects.filter(user=user, status=RoleGrant.Status.PENDING).select_related("role")
    if waiting:
        messages.warning(
            request,
            _("%(roles)s: an approver role is given once a second administrator confirms it.")
            % {"roles": "、".join(g.role.name for g in waiting)},
        )


@require("users", "handle")
def role_grants(request: HttpRequest) -> HttpResponse:
    """Approver roles given to users: those waiting for a second administrator first, then the decided ones."""
    grants = RoleGrant.objects.select_related("user", "role", "requested_by", "decided_by").order_by(
        "status", "-requested_at"
    )[:200]
    return render(request, "core/role_grants.html", {"grants": grants, "me": request.user.pk})


@require_POST
@require("users", "handle")
def role_grant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(RoleGrant, pk=pk)
    with refused(request) as outcome:
        actions.decide_role_grant(actor(request), grant, confirm=request.POST.get("decision") == "confirm")
    if outcome.ok:
        messages.success(request, _("Saved."))
    return redirect("core:role_grants")


@require_POST
@require("users", "handle")
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User, pk=pk)
    actions.unlock_user(request.user, target)  # type: ignore[arg-type]
    messages.success(request, _("User %(name)s unlocked.") % {"name": target.username})
    return redirect("core:users")


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST or None)
    new_key = ""
    if request.method == "POST" and form.is_valid():
        new_key = actions.create_api_token(user, user, form.cleaned_data["name"])
        form = ApiTokenForm()
    admin = can(user, "users", "handle")  # administrators see and revoke everyone's tokens
    tokens = (ApiToken.objects.select_related("user") if admin else ApiToken.objects.filter(user=user)).order_by(
        "-created"
    )
    context = {"form": form, "tokens": tokens, "new_key": new_key, "admin": admin, "now": timezone.now()}
    return render(request, "core/api_tokens.html", context)


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    mine = {} if can(request.user, "users", "handle") else {"user": request.user}
    token = get_object_or_404(ApiToken, pk=pk, **mine)
    actions.revoke_api_token(request.user, token)  # type: ignore[arg-type]
    messages.success(request, _("Token revoked."))
    return redirect("core:api_tokens")


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an attached file to a user who may view its module."""
    attachment = get_object_or_404(Attachment, pk=pk)
    check(request.user, attachment.module, modules.VIEW)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


# --- holiday calendar --------------------------------------------------------------------------------

CALENDAR_YEARS = (2000, 2100)


def _calendar_year(value: str | None, default: int) -> int:
    try:
        year = int(value or default)
    except ValueError:
        return default
    return year if CALENDAR_YEARS[0] <= year <= CALENDAR_YEARS[1] else default


def _calendar_url(year: int) -> str:
    return f"{reverse('core:calendar')}?year={year}"


def _calendar_page(
    request: HttpRequest,
    year: int,
    *,
    day_form: CalendarDayForm | None = None,
    year_form: CalendarYearForm | None = None,
) -> HttpResponse:
    days = list(CalendarDay.objects.filter(date__year=year))
    completed = {row.year: row for row in CalendarYear.objects.all()}
    year_row = completed.get(year)
    this_year = timezone.localdate().year
    seen = {d.year for d in CalendarDay.objects.dates("date", "year")}
    working_days = None
    if year_row is not None:
        working_days = count_working_days(
            dt.date(year - 1, 12, 31), dt.date(year, 12, 31), calendar.year_calendar(year, days, complete=True)
        )
    return render(
        request,
        "core/calendar.html",
        {
            "year": year,
            "years": [(y, y in completed) for y in sorted(seen | set(completed) | {year, this_year, this_year + 1})],
            "year_row": year_row,
            "rows": [(d, calendar.weekday_name(d.date)) for d in days],
            "holidays": sum(d.kind == CalendarDay.Kind.HOLIDAY for d in days),
            "workdays": sum(d.kind == CalendarDay.Kind.WORKDAY for d in days),
            "working_days": working_days,
            "day_form": day_form or CalendarDayForm(initial={"kind": CalendarDay.Kind.HOLIDAY}),
            "year_form": year_form or CalendarYearForm(),
        },
        status=400 if (day_form or year_form) else 200,
    )


@require("calendar", "view")
def calendar_days(request: HttpRequest) -> HttpResponse:
    """A year's rest days and 调休 working days, whether the year is complete, and its working days."""
    return _calendar_page(request, _calendar_year(request.GET.get("year"), timezone.localdate().year))


@require_POST
@require("calendar", "handle")
def calendar_day_add(request: HttpRequest) -> HttpResponse:
    form = CalendarDayForm(request.POST)
    year = _calendar_year(request.POST.get("year"), timezone.localdate().year)
    if form.is_valid():
        d = form.cleaned_data
        with refused(form) as outcome:
            day = calendar.add_calendar_day(
                actor(request), date=d["date"], kind=d["kind"], name=d["name"], source=d["source"]
            )
        if outcome.ok:
            messages.success(request, _("%(day)s added.") % {"day": day})
            return redirect(_calendar_url(day.date.year))
    return _calendar_page(request, year, day_form=form)


@require_POST
@require("calendar", "handle")
def calendar_day_remove(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(CalendarDay, pk=pk)
    calendar.remove_calendar_day(actor(request), day)
    messages.success(request, _("%(day)s removed.") % {"day": day})
    return redirect(_calendar_url(day.date.year))


@require_POST
@require("calendar", "handle")
def calendar_year_complete(request: HttpRequest, year: int) -> HttpResponse:
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        with refused(form) as outcome:
            calendar.mark_calendar_year_complete(actor(request), year, source=form.cleaned_data["source"])
        if outcome.ok:
            messages.success(request, _("The year %(year)d is marked complete.") % {"year": year})
            return redirect(_calendar_url(year))
    return _calendar_page(request, year, year_form=form)


@require_POST
@require("calendar", "handle")
def calendar_year_reopen(request: HttpRequest, year: int) -> HttpResponse:
    row = get_object_or_404(CalendarYear, year=year)
    calendar.reopen_calendar_year(actor(request), row)
    messages.success(request, _("The year %(year)d is no longer marked complete.") % {"year": year})
    return redirect(_calendar_url(year))


@require("calendar", "handle")
def calendar_import(request: HttpRequest) -> HttpResponse:
    """Replace a year's days from an .xlsx or .csv file (日期, 类型, 名称), all or nothing."""
    year = _calendar_year(request.GET.get("year"), timezone.localdate().year + 1)
    form = CalendarImportForm(request.POST or None, request.FILES or None, initial={"year": year})
    context: dict[str, Any] = {"form": form, "headers": calendar.HEADERS, "max_rows": calendar.MAX_ROWS}
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            summary = calendar.import_calendar_year(
                actor(request),
                d["year"],
                d["file"].name or "",
                d["file"].read(),
                source=d["source"],
                complete=d["complete"],
                ip=client_ip(request),
            )
        except ImportRejected as rejected:
            context.update(errors=rejected.errors, error_count=rejected.count)
        else:
            messages.success(
                request,
                _("%(year)d: %(holidays)d holidays and %(workdays)d working weekend days imported.")
                % {"year": summary.year, "holidays": summary.holidays, "workdays": summary.workdays},
            )
            return redirect(_calendar_url(summary.year))
    return render(request, "core/calendar_import.html", context)


@require("calendar", "handle")
def calendar_import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response("节假日安排导入模板.xlsx", calendar.template_bytes())


@require("users", "handle")
def organisation_edit(request: HttpRequest) -> HttpResponse:
    """The center's name, city and service station as every printed document names them."""
    stored = organisation.current() if organisation.is_set() else None
    initial = {name: getattr(stored, name) for name in organisation.FIELDS} if stored else None
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with refused(form) as outcome:
            organisation.set_organisation(actor(request), **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("The organisation is saved; printed documents use it from now on."))
            return redirect("core:organisation")
    return render(request, "core/organisation_form.html", {"form": form, "stored": stored})
