"""我的任务: a user's background jobs with their progress and the files they produced; one job's page,
which polls its progress while it runs; and the download of a finished job's file (its owner only;
administrators see every job, not their files)."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from anju.core import jobs
from anju.core.links import reverse
from anju.core.listing import ChoiceFilter, Column, Link, ListPage, Muted, Tag, label_of
from anju.core.models import Job
from anju.core.permissions import login_required


def _job(request: HttpRequest, pk: int) -> Job:
    return get_object_or_404(jobs.visible_to(request.user), pk=pk)


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs.mark_stale()
    jobs.prune()
    return ListPage(
        module="users",
        title=_("My jobs"),
        queryset=jobs.visible_to(request.user).order_by("-created", "-pk"),
        columns=[
            Column(_("Job"), lambda j: Link(j.title, reverse("core:job", args=[j.pk])), "title"),
            Column(_("Requested by"), lambda j: j.owner.full_name if j.owner else Muted("—")),
            Column(_("Status"), lambda j: Tag(label_of(j, "status"), j.status), "status"),
            Column(_("Progress"), lambda j: f"{j.percent}%"),
            Column(_("Started"), lambda j: j.created, "created"),
            Column(_("Finished"), lambda j: j.finished or Muted("—"), "finished"),
            Column(
                _("File"),
                lambda j: Link(j.file_name, reverse("core:job_file", args=[j.pk])) if j.file else Muted("—"),
            ),
        ],
        filters=[ChoiceFilter("status", _("Status"), Job.Status.choices, "status", everything=_("All statuses"))],
        empty=_("No background jobs yet."),
    ).render(request)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    jobs.mark_stale()
    job = _job(request, pk)
    template = "core/_job.html" if request.headers.get("HX-Request") else "core/job.html"
    return render(request, template, {"job": job, "active": job.status in jobs.ACTIVE})


@login_required
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    # The file (an export may hold full ID numbers) is its owner's alone; administrators see the job only.
    if job.owner_id != request.user.pk:
        raise PermissionDenied
    path = Path(job.file) if job.file else None
    if path is None or not path.is_file():
        raise Http404(_("The file is no longer kept."))
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.file_name)
