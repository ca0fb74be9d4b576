"""The one upload page and the one template download of every import (`anju.core.imports`).

A line mounts `import_page` under its own URL with the spec's key (and the URL's objects, such as
the application whose votes are imported), or links to `core:import <key>`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from anju.core import imports
from anju.core.listing import client_ip, xlsx_response
from anju.core.permissions import actor, check
from anju.lib.tabular import FILE_ROW, ImportRejected, RowError

# Past this many rows the error table stops; the count says how many more there are, and the
# spec's command lists them all.
ERRORS_SHOWN = 1000
ACCEPT = ".xlsx,.xls,.csv"


def _spec(key: str) -> imports.ImportSpec:
    try:
        return imports.get(key)
    except KeyError as exc:
        raise Http404(key) from exc


def error_context(rejected: ImportRejected) -> dict[str, Any]:
    """The error table's rows (the first ERRORS_SHOWN) and counts, for `includes/import_errors.html`."""
    return {
        "errors": rejected.errors[:ERRORS_SHOWN],
        "error_count": len(rejected.errors),
        "errors_hidden": max(0, len(rejected.errors) - ERRORS_SHOWN),
    }


def options_form(
    spec: imports.ImportSpec, target: imports.Options, data: Any = None, initial: Any = None
) -> forms.Form:
    form_class = type("ImportOptionsForm", (forms.Form,), spec.form_fields(target))
    return form_class(data, initial=initial)


def template_url(spec: imports.ImportSpec) -> str:
    """The line's own template URL where it kept one, else core's."""
    if spec.template_url_name:
        return reverse(spec.template_url_name)
    return reverse("core:import_template", args=[spec.key])


def import_page(request: HttpRequest, key: str, **url_kwargs: Any) -> HttpResponse:
    """The upload form (file and the spec's options), the error table on a refused file, the summary
    on a good one (or the spec's page to go on to)."""
    spec = _spec(key)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    check(request.user, spec.module, spec.permission)
    try:
        target = spec.target(**url_kwargs)
    except KeyError as missing:  # an import of one record's rows reached without the record
        raise Http404 from missing
    if request.method == "POST":
        form = options_form(spec, target, request.POST)
    else:
        form = options_form(spec, target, initial=request.GET.dict())
    context: dict[str, Any] = {
        "spec": spec,
        "form": form,
        "target": target,
        "crumbs": spec.page_crumbs(target),
        "rules": spec.rules(),
        "accept": ACCEPT,
        "template_url": template_url(spec),
        "max_rows": settings.IMPORT_MAX_ROWS,
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        if not form.is_valid():  # a bad option (an inactive profile) is shown, never replaced by the default
            return render(request, "core/import.html", context)
        options = {**target, **{name: value for name, value in form.cleaned_data.items() if value not in ("", None)}}
        try:
            if upload is None:
                raise ImportRejected([RowError(FILE_ROW, "", _("Choose a file to import."))])
            result, options = imports.execute(
                spec, actor(request), upload.name or "", upload.read(), client_ip(request), options
            )
        except ImportRejected as rejected:
            context.update(error_context(rejected))
        else:
            done = spec.done(result, options)
            if done is not None:
                level = messages.SUCCESS if done.level == "success" else messages.WARNING
                messages.add_message(request, level, done.message)
                return redirect(done.url)
            context.update(
                result=result,
                summary=spec.summary(result),
                links=spec.links(result, options),
                filename=upload.name,
            )
    return render(request, "core/import.html", context)


def import_template(request: HttpRequest, key: str) -> HttpResponse:
    """The spec's template; reading it needs the module's view permission (it holds no data)."""
    spec = _spec(key)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    check(request.user, spec.module, "view")
    return template_response(spec)


def template_response(spec: imports.ImportSpec) -> HttpResponse:
    return xlsx_response(f"{spec.title}模板.xlsx", spec.template())


def legacy_template(key: str, action: str = "handle") -> Any:
    """A line's own template URL kept from before the kit, with the permission it had."""

    def view(request: HttpRequest) -> HttpResponse:
        spec = _spec(key)
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        check(request.user, spec.module, action)
        return template_response(spec)

    return view
