"""The roles page (岗位角色): each role's permissions per module, and the form that creates a role or
changes one. Who may manage users manages roles; nobody changes a role they hold (`actions.update_role`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anju.core import actions, modules
from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import Action, Column, ListPage, Search, label_of, link_column
from anju.core.models import Role
from anju.core.permissions import actor, can, require

ACTION_LABELS = {
    modules.VIEW: gettext_lazy("view"),
    modules.HANDLE: gettext_lazy("handle"),
    modules.REVIEW: gettext_lazy("review"),
    modules.APPROVE: gettext_lazy("approve"),
    modules.EXPORT: gettext_lazy("export"),
    modules.SEE_ID: gettext_lazy("see ID numbers"),
}


def module_names() -> dict[str, Any]:
    """Every module a permission may name: the registered ones, then those the roles already mention
    (lines granted ahead of their pages), `*` (every module) last."""
    names: dict[str, Any] = {m.code: m.name for m in modules.all_modules()}
    for permissions in Role.objects.values_list("permissions", flat=True):
        for permission in permissions:
            code = permission.partition(":")[0]
            if code != "*":
                names.setdefault(code, code)
    names["*"] = gettext_lazy("every module")
    return names


def _granted(role: Role, module: str) -> str:
    actions_ = [a for a in modules.ACTIONS if f"{module}:{a}" in role.permissions]
    return "、".join(str(ACTION_LABELS[a]) for a in actions_) or "—"


def _granted_in(module: str) -> Callable[[Role], str]:
    return lambda role: _granted(role, module)


@require("users", "view")
def role_list(request: HttpRequest) -> HttpResponse:
    names = module_names()
    return ListPage(
        module="users",
        title=_("Roles"),
        crumbs=[(_("Users"), reverse("core:users"))],
        queryset=Role.objects.annotate(user_count=Count("users")).order_by("id"),
        columns=[
            link_column(_("Role"), "name", "core:role_edit", export_label="角色")
            if can(request.user, "users", "handle")
            else Column(_("Role"), lambda r: r.name, "name", export_label="角色"),
            Column(_("Kind"), lambda r: label_of(r, "kind"), "kind", export_label="类型"),
            Column(_("Users"), lambda r: r.user_count, "user_count", export_label="用户数"),
            *(Column(name, _granted_in(code), export_label=str(name)) for code, name in names.items()),
        ],
        search=Search(["name__icontains", "code__icontains"], _("Role name or code")),
        actions=[Action(_("New role"), reverse("core:role_create"), "handle")],
        filename="岗位角色与权限",
        empty=_("No roles match."),
    ).render(request)


class RoleForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("Code"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=60)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Role.Kind.choices)
    permissions = forms.MultipleChoiceField(
        label=gettext_lazy("Permissions"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, role: Role | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        permissions = self.fields["permissions"]
        assert isinstance(permissions, forms.MultipleChoiceField)
        permissions.choices = [
            (f"{code}:{action}", f"{name} · {ACTION_LABELS[action]}")
            for code, name in module_names().items()
            for action in modules.ACTIONS
        ]
        if role is not None:
            self.fields["code"].disabled = True


@require("users", "handle")
def role_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    role = get_object_or_404(Role, pk=pk) if pk is not None else None
    initial = (
        {"code": role.code, "name": role.name, "kind": role.kind, "permissions": role.permissions} if role else None
    )
    form = RoleForm(request.POST or None, initial=initial, role=role)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with refused(form) as outcome:
            if role is None:
                role = actions.create_role(
                    actor(request), code=d["code"], name=d["name"], kind=d["kind"], permissions=d["permissions"]
                )
            else:
                actions.update_role(actor(request), role, name=d["name"], kind=d["kind"], permissions=d["permissions"])
        if outcome.ok:
            messages.success(request, _("Role %(name)s saved.") % {"name": d["name"]})
            return redirect("core:roles")
    return render(request, "core/role_form.html", {"form": form, "role": role})
