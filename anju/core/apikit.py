"""The API kit every line's `api.py` uses: paging and page schemas, the money type, the error schemas,
and the handlers that turn a refused change into a JSON error.

A line never writes its own paging, money formatting or ``except`` block: it declares
``paging: Query[Paging]``, returns ``paginate(queryset, paging, item)``, types money fields as `Money`,
and lets a `DomainError` (including a rejected import) propagate to `install_handlers`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language
from ninja import Field, NinjaAPI, Schema
from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema, create_model

from anju.core.audit import audit_denied
from anju.lib.errors import DomainError

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_OFFSET = 10**9  # past any list's end, within every database's integers

T = TypeVar("T")


def money_text(value: Decimal | int | None) -> str:
    """元 as a string with two decimals; no amount is 0.00."""
    return f"{Decimal(value or 0):.2f}"


# 元 as a string with two decimals ("1234.50"), so clients never parse money as a float. An output type:
# no amount (None) is 0.00.
Money = Annotated[
    Decimal,
    BeforeValidator(lambda v: Decimal(0) if v is None else v),
    PlainSerializer(money_text, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "元, two decimals"}),
]
# The same, where the amount may be missing (null).
OptionalMoney = Annotated[
    Decimal | None,
    PlainSerializer(lambda v: None if v is None else money_text(v), return_type=str | None, when_used="always"),
    WithJsonSchema({"type": ["string", "null"], "pattern": r"^-?\d+\.\d{2}$", "description": "元, two decimals"}),
]
# m² as a string with two decimals, like money.
Area = Annotated[
    Decimal,
    BeforeValidator(lambda v: Decimal(0) if v is None else v),
    PlainSerializer(money_text, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "pattern": r"^\d+\.\d{2}$", "description": "m², two decimals"}),
]
# Any other figure with two decimals (a rate in %, a score), as a string; None stays null.
Decimal2 = Annotated[
    Decimal,
    PlainSerializer(money_text, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "two decimals"}),
]
OptionalDecimal2 = Annotated[
    Decimal | None,
    PlainSerializer(lambda v: None if v is None else money_text(v), return_type=str | None, when_used="always"),
    WithJsonSchema({"type": ["string", "null"], "pattern": r"^-?\d+\.\d{2}$", "description": "two decimals"}),
]
# An amount sent to the API (元, at most two decimals, under 100 亿): anything else is refused with 422.
MoneyIn = Annotated[Decimal, Field(max_digits=12, decimal_places=2, description="元, at most two decimals.")]
# A year asked for in a query (2000–2100): any other is refused with 422, never a server error.
YEARS = (2000, 2100)
Year = Annotated[int, Field(ge=YEARS[0], le=YEARS[1], description="A year, 2000–2100.", examples=[2023])]
# A calendar month, YYYY-MM.
Month = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="A month, YYYY-MM.", examples=["2023-03"])]
Date = dt.date


class Paging(Schema):
    """`?limit=&offset=`; a value out of range (limit 1–500, offset 0–10⁹) is refused with 422."""

    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Items per page (1–{MAX_LIMIT}).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description=f"Items to skip (0–{MAX_OFFSET:,}).")

    def bounds(self) -> tuple[int, int]:
        """(offset, stop) of this page in the whole list."""
        return self.offset, self.offset + self.limit


def paginate(
    queryset: QuerySet[Any] | Sequence[Any],
    paging: Paging,
    item: Callable[[Any], Any] | None = None,
    *,
    per_row: dict[str, Any] | None = None,
    count: int | None = None,
) -> dict[str, Any]:
    """`{"count": all matching, "items": this page}`; `item` turns a record into its output schema.
    `per_row`: aggregates over related rows (name -> Count/Sum) computed for this page's records only.
    `count`: the number of all matching, when the caller knows it without counting them.

    A window past the last of them (none match, or an offset beyond the count) is not asked for: the
    database would walk the whole ordered list to find no row (a name search matching nobody read all
    246k persons in the names' order, 0.5 s on SQLite)."""
    from anju.core.listing.page import annotate_rows

    start, stop = paging.bounds()
    if count is None:
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    rows = list(queryset[start:stop]) if start < count else []
    annotate_rows(rows, per_row or {})
    return {"count": count, "items": [item(row) for row in rows] if item else rows}


_page_schemas: dict[str, type[Schema]] = {}


def page_schema(item: type[Schema], name: str = "") -> type[Schema]:
    """The schema of one page of `item`: `{count, items}`, named `<Item without Out>Page` unless given.

    The same name always gives the same class, so OpenAPI never documents two shapes under one name."""
    name = name or item.__name__.removesuffix("Out") + "Page"
    existing = _page_schemas.get(name)
    if existing is not None:
        if existing.model_fields["items"].annotation != list[item]:  # type: ignore[valid-type]
            raise TypeError(f"page schema {name} already describes another item")
        return existing
    schema = create_model(
        name,
        __base__=Schema,
        count=(int, Field(description="Items matching the query, on all pages.")),
        items=(list[item], ...),  # type: ignore[valid-type]
    )
    _page_schemas[name] = schema
    return schema


class ErrorOut(Schema):
    """A refused request: the reason in Chinese and a stable code (`<line>.<reason>`)."""

    detail: str
    code: str = Field("", description="Stable code of the reason, e.g. `arrears.case_exists`.")
    field: str | None = Field(None, description="The input the reason is about, when there is one.")


class RowErrorOut(Schema):
    row: int = Field(description="Spreadsheet row (1 is the header row; 0 is the file as a whole).")
    column: str
    message: str


class ImportErrorOut(ErrorOut):
    """A file refused whole: every bad row, nothing written."""

    errors: list[RowErrorOut]


def install_handlers(api: NinjaAPI) -> None:
    """One handler for every refused change (DomainError, a rejected import is one) and for a missing
    permission, so no endpoint catches them itself."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_dict(), status=exc.status)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        audit_denied(request, exc)
        detail = f"Permission denied: {exc}" if str(exc) else "Permission denied"
        return api.create_response(request, {"detail": detail}, status=403)


# The errors any operation may answer, documented on every one (the schema says what a client can get):
# 400 a refused change or input (a NUL character), 401 not signed in, 403 without the permission,
# 404 nothing there, 413 an upload over the limit, 422 parameters that fail validation.
ERROR_RESPONSES = {
    "400": "A change the rules refuse, or input that cannot be processed",
    "401": "Not signed in",
    "403": "Permission denied",
    "404": "Not found",
    "413": "The upload is over the size limit",
    "422": "Invalid parameters",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {}, "code": {"type": "string"}, "errors": {"type": "array"}},
    "required": ["detail"],
}


def document_errors(api: NinjaAPI) -> None:
    """Adds ERROR_RESPONSES to every operation of the API's OpenAPI schema where it documents none."""
    build = api.get_openapi_schema

    def with_errors(*args: Any, **kwargs: Any) -> Any:
        schema = build(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                documented = {str(code) for code in responses}  # ninja keys them as ints
                for code, description in ERROR_RESPONSES.items():
                    if code not in documented:
                        content = {"application/json": {"schema": ERROR_SCHEMA}}
                        responses[code] = {"description": description, "content": content}
        return schema

    api.get_openapi_schema = with_errors  # type: ignore[method-assign]


def keep_schema(api: NinjaAPI) -> None:
    """Builds the API's OpenAPI schema once for each path prefix and language, not on every request to
    /api/openapi.json: pydantic's schema of every operation took 190–260 ms a request on the demo city's
    machine (`bench/sweep.py`), and the operations are fixed once the URLconf is loaded. Without a path prefix
    ninja reverses the API's root, so the script prefix and the URLconf in use are part of the key too. The
    schema is shared: ninja's view only serializes it; a caller that would change it takes a copy."""
    build = api.get_openapi_schema
    kept: dict[tuple[Any, ...], Any] = {}

    def kept_schema(path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        where = (get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
        key = (path_prefix, tuple(sorted((path_params or {}).items())), get_language(), *where)
        if key not in kept:
            kept[key] = build(path_prefix=path_prefix, path_params=path_params)
        return kept[key]

    api.get_openapi_schema = kept_schema  # type: ignore[method-assign]


def refused(*codes: int) -> dict[int, type[Schema]]:
    """The documented error responses of a changing endpoint: `{400: ErrorOut}` by default."""
    return {code: ErrorOut for code in codes or (400,)}
