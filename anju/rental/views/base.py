"""What the rental pages share: the list page around a declared ListPage, form pages, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as dj_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from anju.core.errors import refused
from anju.core.links import reverse
from anju.core.listing import ChoiceFilter, ListPage
from anju.core.models import AuditEvent
from anju.rental.models import Kind

MODULE = "rental"


KIND_FILTER = ChoiceFilter("kind", _("Kind"), Kind.choices)


def list_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """A rental list: the module's breadcrumb and tabs around the declared list."""
    page = ListPage(
        module=MODULE, crumbs=[(_("Public rental housing"), reverse("rental:home"))], tabs="rental/_tabs.html", **kwargs
    )
    return page.render(request)


def param(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()


def events(obj: Any) -> Any:
    return (
        AuditEvent.objects.filter(model=obj._meta.label, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )


def form_page(
    request: HttpRequest,
    form: dj_forms.Form,
    *,
    title: Any,
    cancel: str,
    help: Any = "",
    submit: Any = "",
    errors: Any = None,
) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": cancel, "help": help, "errors": errors}
    if submit:
        context["submit"] = submit
    return render(request, "rental/form.html", context)


def run_form(form: dj_forms.Form, do: Callable[[dict[str, Any]], Any]) -> Any:
    """Run the action with the form's valid data; a refusal shows on the form (`core.errors.refused`).
    The action's result, or None when the form is invalid or the action refused."""
    if not form.is_valid():
        return None
    with refused(form):
        return do(form.cleaned_data)
    return None
