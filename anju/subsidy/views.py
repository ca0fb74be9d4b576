from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from anju.core.permissions import require


@require("subsidy", "view")
def home(request: HttpRequest) -> HttpResponse:
    return redirect("subsidy:applications")


applications = application_create = application_detail = flags = flag_clear = home
batches = batch_detail = batch_file = batch_request = programs = home
