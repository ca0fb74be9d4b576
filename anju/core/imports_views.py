"""The one upload page and the one template download of every import (`anju.core.imports`).

A line mounts `import_page` under its own URL with the spec's key (and the URL's objects, such as
the application whose votes are imported), or links to `core:import <key>`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anju.core import imports, jobs
from anju.core.client_address import client_ip
from anju.core.links import reverse
from anju.core.listing import xlsx_response
from anju.core.models import Job
from anju.core.permissions import actor, can, check
from anju.lib.errors import DomainError
from anju.lib.tabular import FILE_ROW, ImportRejected, RowError, count_rows

# Past this many rows the error table stops; the count says how many more there are, and the
# spec's command lists them all.
ERRORS_SHOWN = 100  # ImportRejected keeps no more (lib.tabular.MAX_ERRORS); the total is counted
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
        "error_count": rejected.count,
        "errors_hidden": max(0, rejected.count - len(rejected.errors[:ERRORS_SHOWN])),
    }


def options_form(
    spec: imports.ImportSpec, target: imports.Options, data: Any = None, initial: Any = None
) -> forms.Form:
    form_class = type("ImportOptionsForm", (forms.Form,), spec.form_fields(target))
    return form_class(data, initial=initial)


def chosen_options(target: imports.Options, form: forms.Form) -> imports.Options:
    """The URL's options and the form's filled-in ones (an empty field keeps the spec's default)."""
    return {**target, **{name: value for name, value in form.cleaned_data.items() if value not in ("", None)}}


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
        options = chosen_options(target, form)
        try:
            if upload is None:
                raise ImportRejected([RowError(FILE_ROW, "", _("Choose a file to import."))])
            content = upload.read()
            rows = count_rows(upload.name or "", content, settings.BACKGROUND_ROWS) - 1  # less the header
            if rows > settings.BACKGROUND_ROWS:
                return _in_background(request, spec, url_kwargs, upload.name or "", content, rows)
            result, options = imports.execute(
                spec, actor(request), upload.name or "", content, client_ip(request), options
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


def _in_background(
    request: HttpRequest, spec: imports.ImportSpec, url_kwargs: dict[str, Any], filename: str, content: bytes, rows: int
) -> HttpResponse:
    """A file of more than BACKGROUND_ROWS rows is imported by the worker (`run_import`); the job's page
    shows its steps and, at the end, the summary or the error table."""
    post = {name: request.POST.getlist(name) for name in request.POST if name != "csrfmiddlewaretoken"}
    job = jobs.submit(
        actor(request),
        IMPORT_JOB,
        f"{spec.title}：{filename}"[:200],
        files={filename: content},
        key=spec.key,
        url_kwargs=url_kwargs,
        post=post,
        filename=filename,
        ip=client_ip(request),
    )
    messages.info(request, _("The file has about %(rows)s rows: it is imported in the background.") % {"rows": rows})
    return redirect("core:job", job.pk)


IMPORT_JOB = "core.import"


def run_import(job: Job, progress: jobs.Progress) -> jobs.Output:
    """The worker's side of a background import: the same spec, options and steps as the page's, all or
    nothing; a refused file ends the job with its error table."""
    params = job.params
    spec = imports.get(params["key"])
    if job.owner is None or not can(job.owner, spec.module, spec.permission):
        raise DomainError("没有导入这份文件的权限", code="forbidden")
    target = spec.target(**params["url_kwargs"])
    data = QueryDict(mutable=True)
    for name, values in params["post"].items():
        data.setlist(name, values)
    form = options_form(spec, target, data)
    if not form.is_valid():
        raise DomainError("导入选项无效：" + "；".join(str(e) for errors in form.errors.values() for e in errors))
    options = chosen_options(target, form)
    filename = params["filename"]
    try:
        result, options = imports.execute(
            spec, job.owner, filename, jobs.input_file(job, filename), params["ip"], options, progress
        )
    except ImportRejected as rejected:
        count = rejected.count
        raise jobs.JobFailed(
            f"文件有{count}处错误，没有导入任何数据。请改正后重新上传整个文件。",
            {"errors": [e.as_dict() for e in rejected.errors[:ERRORS_SHOWN]], "error_count": count},
            code="import_rejected",
        ) from rejected
    summary = [[str(label), _plain(value)] for label, value in spec.summary(result)]
    links = [[str(label), url] for label, url in spec.links(result, options)]
    done = spec.done(result, options)
    if done is not None:
        summary.append([_("Result"), done.message])
        links.insert(0, [_("Continue"), done.url])
    return jobs.Output(result={"summary": summary, "links": links})


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | str) and not isinstance(value, bool) else str(value)


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
