"""The JSON API (django-ninja): session or bearer-token auth, OpenAPI at /api/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from anju.core.api import router as core_router
from anju.core.api_auth import BearerTokenAuth, SessionAuth, docs_for_signed_in
from anju.core.apikit import document_errors, install_handlers, keep_schema
from anju.fund.api import router as fund_router
from anju.fund.arrears.api import router as arrears_router
from anju.fund.lifts.api import router as lifts_router
from anju.legacy.api import router as legacy_router
from anju.oversight.api import router as oversight_router
from anju.performance.api import router as performance_router
from anju.petitions.api import open311 as petitions_open311
from anju.petitions.api import router as petitions_router
from anju.registry.api import router as registry_router
from anju.rental.api import router as rental_router
from anju.subsidy.api import router as subsidy_router
from anju.termite.api import router as termite_router

api = NinjaAPI(
    title="Anju API",
    version="1",
    description=(
        "安居 JSON API. Authenticate with the session cookie (and the CSRF token in `X-CSRFToken` for "
        "unsafe methods) or `Authorization: Bearer <token>` (tokens: `anju create-api-token`). "
        'Errors are JSON `{"detail": ...}`: 401 unauthenticated, 403 permission denied, 404 not found, '
        '422 invalid parameters; a change the rules refuse is 400 `{"detail", "code"}` with a stable code '
        '(`<line>.<reason>`), and a refused file adds `"errors": [{"row", "column", "message"}]`. '
        "Each endpoint needs the same role permission as the matching page."
    ),
    auth=[BearerTokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_decorator=docs_for_signed_in,
)
install_handlers(api)
document_errors(api)
keep_schema(api)


api.add_router("/", core_router)
api.add_router("/registry/", registry_router)
api.add_router("/fund/arrears/", arrears_router)
api.add_router("/fund/lifts/", lifts_router)
api.add_router("/fund/", fund_router)
api.add_router("/rental/", rental_router)
api.add_router("/termite/", termite_router)
api.add_router("/petitions/open311/v2/", petitions_open311)
api.add_router("/petitions/", petitions_router)
api.add_router("/legacy/", legacy_router)
api.add_router("/oversight/", oversight_router)
api.add_router("/subsidy/", subsidy_router)
api.add_router("/performance/", performance_router)
