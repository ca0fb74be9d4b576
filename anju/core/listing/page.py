"""One declarative list page: search, filters, sortable columns, page numbers with a page-size choice, a
合计 row for money columns, batch selection and the .xlsx export, all from one set of columns.

A view declares its list and renders it::

    return ListPage(
        module="rental", title=_("Leases"), queryset=Lease.objects.select_related(...).order_by("-start"),
        columns=[Column(_("Lease number"), lambda l: Link(l.number, url(l)), sort="number"),
                 Column(_("Monthly rent"), lambda l: l.monthly_rent, sort="monthly_rent", total=True)],
        search=Search(["number__istartswith"]), filters=[ChoiceFilter("status", _("Status"), choices)],
        filename="租赁合同",
    ).render(request)

The queryset's own ordering is the list's default order; `?sort=` replaces it with a declared column
key. The page and the export read the same column values, so they cannot disagree."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter, itemgetter
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Sum
from django.db.models.expressions import Combinable
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from anju.core import ids, kept
from anju.core.links import reverse
from anju.core.listing.cells import NUM, Link, export_value, html, total_html
from anju.core.listing.export import export_in_background, export_xlsx
from anju.core.listing.filters import RESERVED, Filter, Label, Search
from anju.core.permissions import can

PER_PAGE = 50
PAGE_SIZES = (20, 50, 100, 200)
EXPORT_CHUNK = 2000
# Pages shown either side of the current one before an ellipsis.
NEIGHBOURS = 2
# A list counts at most this many rows ("10,000+" beyond) and pages no further: neither its own count nor a
# page's OFFSET ever walks the whole of a table of millions (a list whose 合计 row sums the whole list counts
# its rows in that sum instead). A longer list is narrowed by its filters.
COUNT_CAP = 10_000
# The key of the list's row count among its totals' sums (`ListPage._sums`): no column's (those are c0, c1, …).
COUNTED = "rows"
NO_RECORDS = _("No records match.")


@dataclass(frozen=True)
class Column:
    """A column: its header, the row's value (see `cells`), and optionally a sort key, a total and how it
    differs in the export.

    sort: the field or annotation `?sort=` orders by (the URL shows this key).
    total: True sums the `sort` field over the whole filtered list in the 合计 row; a field name or an
        expression sums that instead (e.g. F("amount") - F("paid")).
    page / export: whether the column appears on the page and in the .xlsx.
    export_label, export_value: the .xlsx header and value where they differ from the page's.
    fields, from_fields: what the export reads instead of building each row's object. `fields` names the
        values the cell is made of (paths `values_list` reads: "project__code", an annotation, a
        `per_row` name); `from_fields(*values)` makes the cell of them (default: the one field's value).
        When every exported column names its fields, the export fetches those columns as tuples in
        chunks — no model objects, no prefetching — so a list of 250k rows is written at file speed.
    template: a template rendering the page cell (given `obj` and `value`), for cells holding a form.
    number_format: the .xlsx format of the column's numbers where their type's is not meant (a rate kept
        as a fraction: "0.00%"); by default money shows as #,##0.00, a total column's counts as #,##0,
        dates as yyyy-mm-dd. A total column is summed in the file's 合计 row too."""

    label: Label
    value: Callable[[Any], Any]
    sort: str | None = None
    total: bool | str | Combinable = False
    page: bool = True
    export: bool = True
    export_label: str | None = None
    export_value: Callable[[Any], Any] | None = None
    template: str | None = None
    number_format: str | None = None
    fields: Sequence[str] = ()
    from_fields: Callable[..., Any] | None = None

    def sum(self) -> Sum:
        target = self.sort if self.total is True else self.total
        if target is None or target is False:
            raise ValueError(f"column {self.label}: total=True needs a sort field")
        return Sum(target)  # type: ignore[arg-type]


@dataclass(frozen=True)
class IdColumn(Column):
    """A resident ID number: masked (first 3 and last 4 characters) on the page and in the export unless
    the user has `<module>:see_id`. `masks(obj)` says whether a row's value is a person's ID number at all
    (an enterprise owner's credit code is public and shown as it is); `masks_fields(*values)` says it
    from the column's `fields` when the export reads values."""

    masks: Callable[[Any], bool] | None = None
    masks_fields: Callable[..., bool] | None = None


def link_column(label: Label, field: str, url_name: str, *, key: str = "pk", **options: Any) -> Column:
    """A record's number, code or name linking to its page (`url_name` with the record's `key`), sorted by
    `field`; the export writes the text."""
    text, arg = attrgetter(field), attrgetter(key)
    return Column(label, lambda obj: Link(text(obj), reverse(url_name, args=[arg(obj)])), field, **options)


@dataclass(frozen=True)
class Action:
    """A button beside the filters (a new record, an import). `perm` is an action of the page's module
    ("handle") or "module:action"; without it the button is not shown."""

    label: Label
    url: str
    perm: str | None = None
    primary: bool = True


@dataclass(frozen=True)
class BatchAction:
    """A button posting the ticked rows' ids (`ids`) and the list's URL (`next`) to `url`; shown only
    with `perm`, which the receiving view checks again."""

    label: Label
    url: str
    perm: str = "handle"


@dataclass
class ListPage:
    """A list declared once per request by its view; `render` answers the page or its .xlsx."""

    module: str
    title: Label
    queryset: QuerySet[Any]
    columns: Sequence[Column]
    search: Search | None = None
    filters: Sequence[Filter] = ()
    # The .xlsx file name without ".xlsx" (None: the list has no export) and the sheet's title, which the
    # audit log records as the exported record type (default: the file name).
    filename: str | None = None
    sheet: str | None = None
    export_limit: int | None = None
    crumbs: Sequence[tuple[Label, str]] = ()
    tabs: str | None = None
    tab: str = ""
    heading: Label | None = None
    actions: Sequence[Action] = ()
    batch: Sequence[BatchAction] = ()
    note: Label = ""
    empty: Label = NO_RECORDS
    table_id: str = ""
    template: str = "core/list.html"
    context: dict[str, Any] = field(default_factory=dict)
    # Whose see_id shows ID numbers in full (default: the page's module).
    see_id: str | None = None
    # Appended to every ordering so that equal sort values never repeat a row on the next page; None for
    # a grouped `.values()` list, where the pk would split the groups.
    tiebreak: str | None = "pk"
    # A list over millions of rows may leave the 合计 row out.
    totals: bool = True
    # The tables the list and its total columns read: unfiltered, its 合计 row is kept per version of
    # them (`anju.core.kept`; each needs its version triggers) instead of summed over the whole table a view.
    kept_totals: Sequence[str] = ()
    # Set by `render`: no search and no filter narrows the list.
    unfiltered: bool = field(default=False, init=False)
    row_id: Callable[[Any], Any] = attrgetter("pk")
    # Per-row aggregates (name -> Count/Sum over related rows) computed for the shown page's rows only, in
    # one query over their ids, instead of grouping the whole table before the LIMIT. Sorting by one of
    # them (a column's `sort`) or exporting annotates the whole list, as the order or the file needs.
    per_row: dict[str, Any] = field(default_factory=dict)
    # Sets the `per_row` figures on the shown page's objects from figures kept per version of their tables
    # (`anju.core.kept`) instead of the grouped query; the same values `per_row` would give.
    per_row_kept: Callable[[Sequence[Any]], None] | None = None

    def __post_init__(self) -> None:
        taken = RESERVED & {f.name for f in self.filters}
        if taken:
            raise ValueError(f"filter names {sorted(taken)} are used by the list page itself")

    # --- the request --------------------------------------------------------------------------------

    def render(self, request: HttpRequest) -> HttpResponse:
        params = request.GET
        queryset, bound, q = self._filtered(params)
        self.unfiltered = not q and all(value is None for _f, _raw, value in bound)
        default = _ordering(queryset)
        sort, descending = self._sort(params)
        if params.get("export") == "xlsx" and self.filename is not None:
            queryset = queryset.annotate(**self.per_row) if self.per_row else queryset
            return self._export(request, self._ordered(queryset, default, sort, descending))
        if sort in self.per_row:
            queryset = queryset.annotate(**{sort: self.per_row[sort]})
        queryset = self._ordered(queryset, default, sort, descending)
        per = _per_page(params)
        columns = [c for c in self.columns if c.page]
        paginator = CappedPaginator(queryset, per)
        sums = self._sums(queryset, columns, sort)
        if sums is not None and COUNTED in sums:
            paginator.counted(sums[COUNTED])
        page = paginator.get_page(params.get("page"))
        see_id = self._see_id(request)
        objects = list(page.object_list)
        self._annotate_page(objects, skip=sort)
        rows = [self._row(obj, columns, see_id) for obj in objects]
        if sort is None and default and isinstance(default[0], str):
            # Unsorted, the header of the list's own first order field shows its direction.
            sort, descending = default[0].lstrip("-"), default[0].startswith("-")
        batch = [b for b in self.batch if self._can(request, b.perm)]
        context = {
            "listing": self,
            "title": self.title,
            "heading": self.heading or self.title,
            "q": q,
            "filters": [(f, raw, f.tag_text(value) if value is not None else "") for f, raw, value in bound],
            "keep": self._kept(params, bound),
            "headers": self._headers(params, columns, rows, sort, descending),
            "rows": rows,
            "colspan": len(columns) + (1 if batch else 0),
            "totals": self._totals(sums, columns, page),
            "page": page,
            "pager": _pager(params, page, per),
            "export_url": self._export_url(request),
            "actions": [a for a in self.actions if a.perm is None or self._can(request, a.perm)],
            "batch": batch,
            "next": request.get_full_path(),
            **self.context,
        }
        return render(request, self.template, context)

    def _filtered(self, params: QueryDict) -> tuple[QuerySet[Any], list[tuple[Filter, Any, Any]], str]:
        queryset = self.queryset
        q = params.get("q", "").strip() if self.search is not None else ""
        if q and self.search is not None:
            queryset = self.search.narrow(queryset, q)
        bound = []
        for f in self.filters:
            raw, value = f.bind(params)
            if value is not None:
                queryset = f.narrow(queryset, value)
            bound.append((f, raw, value))
        return queryset, bound, q

    # --- order --------------------------------------------------------------------------------------

    def _sort(self, params: QueryDict) -> tuple[str | None, bool]:
        raw = params.get("sort", "")
        key = raw[1:] if raw.startswith("-") else raw
        keys = {c.sort for c in self.columns if c.sort and c.page}
        return (key, raw.startswith("-")) if key in keys else (None, False)

    def _ordered(self, queryset: QuerySet[Any], default: list[Any], sort: str | None, desc: bool) -> QuerySet[Any]:
        fields = [f"-{sort}" if desc else sort] if sort else list(default)
        if self.tiebreak is not None and not _unique_order(queryset, fields, self.tiebreak):
            fields.append(f"-{self.tiebreak}" if desc else self.tiebreak)
        return queryset.order_by(*fields) if fields else queryset

    # --- rows ---------------------------------------------------------------------------------------

    def _annotate_page(self, objects: list[Any], *, skip: str | None) -> None:
        """Set the `per_row` aggregates on the page's objects: one grouped query over the shown ids, or the
        kept figures (`per_row_kept`)."""
        if self.per_row_kept is not None:
            self.per_row_kept(objects)
            return
        annotate_rows(objects, {name: expr for name, expr in self.per_row.items() if name != skip})

    def _see_id(self, request: HttpRequest) -> bool:
        return ids.may_see(request.user, self.see_id or self.module)

    def _can(self, request: HttpRequest, perm: str) -> bool:
        module, _sep, action = perm.rpartition(":")
        return can(request.user, module or self.module, action)

    def _value(self, column: Column, obj: Any, see_id: bool, *, export: bool = False) -> Any:
        get = column.export_value if export and column.export_value is not None else column.value
        value = get(obj)
        if isinstance(column, IdColumn) and isinstance(value, str) and (column.masks is None or column.masks(obj)):
            value = ids.shown(value, see_id)
        return value

    def _row(self, obj: Any, columns: Sequence[Column], see_id: bool) -> dict[str, Any]:
        """A row's cells; when no cell renders a template, also its `<td>`s as one string (`tds`): the
        template writes that once instead of resolving four variables a cell (most of a list's CPU)."""
        cells = []
        tds: list[str] | None = []
        for column in columns:
            value = self._value(column, obj, see_id)
            if column.template:
                cells.append({"template": column.template, "obj": obj, "value": value, "css": ""})
                tds = None
            else:
                text, css = html(value)
                cells.append({"template": None, "html": text, "css": css})
                if tds is not None:
                    # `css` is one of `cells`' own class names (NUM, NOWRAP), never a value's.
                    tds.append(f'<td class="{css}">{text}</td>' if css else f"<td>{text}</td>")
        return {
            "id": self.row_id(obj) if self.batch else None,
            "cells": cells,
            "tds": mark_safe("".join(tds)) if tds else "",  # each cell's html is escaped by `html`
        }

    def _headers(
        self, params: QueryDict, columns: Sequence[Column], rows: list[dict[str, Any]], sort: str | None, desc: bool
    ) -> list[dict[str, Any]]:
        headers = []
        for index, column in enumerate(columns):
            active = column.sort is not None and column.sort == sort
            url = ""
            if column.sort:
                url = _url(params, sort=f"-{column.sort}" if active and not desc else column.sort, page=None)
            headers.append(
                {
                    "label": column.label,
                    "url": url,
                    "arrow": ("▼" if desc else "▲") if active else "",
                    "num": any(row["cells"][index]["css"] == NUM for row in rows),
                }
            )
        return headers

    def _sums(self, queryset: QuerySet[Any], columns: Sequence[Column], sort: str | None) -> dict[str, Any] | None:
        """The total columns summed over the whole filtered list, with its rows counted in the same query
        (`COUNTED`, which the paginator takes instead of counting them in a pass of its own); None when the
        list shows no 合计 row. A list sorted by a per-row aggregate is grouped: its rows are counted apart."""
        wanted = self._total_columns(columns)
        if not (self.totals and wanted):
            return None
        whole = queryset.order_by()
        expressions: dict[str, Any] = {f"c{index}": column.sum() for index, column in wanted.items()}
        if sort not in self.per_row:
            expressions[COUNTED] = Count("pk")
        if self.kept_totals and self.unfiltered:
            # Keyed by the sums' SQL: another base queryset (another user's scope) is another figure.
            sql = str(whole.query), tuple(sorted((name, repr(e)) for name, e in expressions.items()))
            key = ("anju.core.listing.totals", sql)
            sums = kept.kept(key, self.kept_totals, lambda: whole.aggregate(**expressions))
        else:
            sums = whole.aggregate(**expressions)
        return sums

    @staticmethod
    def _total_columns(columns: Sequence[Column]) -> dict[int, Column]:
        return {index: column for index, column in enumerate(columns) if column.total is not False}

    def _totals(self, sums: dict[str, Any] | None, columns: Sequence[Column], page: Page) -> list[Any] | None:
        """The 合计 row from `_sums`: none for a list without total columns or without rows."""
        if sums is None or not page.paginator.count:
            return None
        wanted = self._total_columns(columns)
        cells: list[Any] = []
        for index in range(len(columns)):
            if index in wanted:
                cells.append({"html": total_html(sums[f"c{index}"]), "css": NUM})
            else:
                cells.append({"html": _("Total") if index == 0 else "", "css": ""})
        return cells

    # --- export -------------------------------------------------------------------------------------

    def _export_url(self, request: HttpRequest) -> str:
        if self.filename is None or not can(request.user, self.module, "export"):
            return ""
        return _url(request.GET, page=None, export="xlsx")

    def _export(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse:
        if not can(request.user, self.module, "export"):
            raise PermissionDenied(f"{self.module}:export")
        assert self.filename is not None
        columns = [c for c in self.columns if c.export]
        see_id = self._see_id(request)
        if self.export_limit is not None:
            queryset = queryset[: self.export_limit]
        progress = getattr(request, "job_progress", None)
        total = queryset.count()
        if progress is None and total > settings.BACKGROUND_ROWS:
            return export_in_background(request, self.sheet or self.filename, total)
        if all(c.fields for c in columns):
            records: Iterator[Any] = value_rows(queryset, columns, see_id)
        else:
            records = (
                [export_value(self._value(c, obj, see_id, export=True)) for c in columns]
                for obj in queryset.iterator(chunk_size=EXPORT_CHUNK)
            )

        def rows() -> Iterator[list[Any]]:
            for done, row in enumerate(records):
                if progress is not None and done % EXPORT_CHUNK == 0:
                    progress(done, total, "写入表格")
                yield row
            if progress is not None:
                progress(total, total, "保存文件")

        return export_xlsx(
            request,
            filename=f"{self.filename}.xlsx",
            title=self.sheet or self.filename,
            headers=[c.export_label or str(c.label) for c in columns],
            rows=rows(),
            totals=[self.totals and c.total is not False for c in columns],
            formats=[c.number_format for c in columns],
        )

    def _kept(self, params: QueryDict, bound: list[tuple[Filter, Any, Any]]) -> list[tuple[str, str]]:
        """Parameters the filter form carries: the order, the page size and filters without a control."""
        kept = [(name, params.get(name, "")) for name in ("sort", "per") if params.get(name)]
        for f, raw, _value in bound:
            kept.extend(f.hidden(raw))
        return kept


def value_rows(queryset: QuerySet[Any], columns: Sequence[Column], see_id: bool) -> Iterator[list[Any]]:
    """The export's rows read as values: one `values_list` of every column's `fields` (each read once),
    fetched in chunks, each cell made by its column's `from_fields` and masked as an `IdColumn` says."""
    fields: list[str] = []
    for column in columns:
        fields.extend(name for name in column.fields if name not in fields)
    cells = []
    for column in columns:
        cell = _cell_of(column, [fields.index(name) for name in column.fields], see_id)
        if column.from_fields is not None or not _reads_plain(queryset.model, column.fields[0]):
            cell = _exported(cell)  # a datetime to local time, a label or a tuple to its text
        cells.append(cell)
    values = queryset.prefetch_related(None).values_list(*fields)
    for record in values.iterator(chunk_size=EXPORT_CHUNK):
        yield [cell(record) for cell in cells]


# Model fields whose values are cells as they are (text, numbers, dates, flags): `export_value` would
# return them unchanged, so the export skips it for them (a datetime is made local time, a JSON value text).
PLAIN_FIELDS = frozenset(
    "AutoField BigAutoField SmallAutoField CharField TextField SlugField EmailField IntegerField BigIntegerField "
    "SmallIntegerField PositiveIntegerField PositiveBigIntegerField PositiveSmallIntegerField DecimalField "
    "DateField BooleanField".split()
)


def _reads_plain(model: Any, path: str) -> bool:
    """Whether the model field at `path` ("project__code") reads as a plain cell; False for anything
    else (an annotation, a filtered relation, a datetime, a JSON field)."""
    *relations, name = path.split("__")
    try:
        for relation in relations:
            model = model._meta.get_field(relation).related_model
        field = model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        return False
    return not field.is_relation and field.get_internal_type() in PLAIN_FIELDS


def _exported(cell: Callable[[tuple[Any, ...]], Any]) -> Callable[[tuple[Any, ...]], Any]:
    return lambda record: export_value(cell(record))


def _cell_of(column: Column, positions: list[int], see_id: bool) -> Callable[[tuple[Any, ...]], Any]:
    """A function of a `values_list` tuple giving the column's cell."""
    make = column.from_fields
    if make is None and len(positions) != 1:
        raise ValueError(f"column {column.label}: several fields need from_fields")
    if len(positions) == 1:
        one = itemgetter(positions[0])
        get: Callable[[tuple[Any, ...]], Any] = one if make is None else lambda record: make(one(record))
        parts: Callable[[tuple[Any, ...]], tuple[Any, ...]] = lambda record: (one(record),)  # noqa: E731
    else:
        parts = itemgetter(*positions)
        get = lambda record: make(*parts(record))  # type: ignore[misc]  # noqa: E731
    if not isinstance(column, IdColumn) or see_id:
        return get
    masks = column.masks_fields

    def masked(record: tuple[Any, ...]) -> Any:
        value = get(record)
        if isinstance(value, str) and (masks is None or masks(*parts(record))):
            return ids.shown(value, see_id)
        return value

    return masked


def annotate_rows(objects: Sequence[Any], per_row: dict[str, Any]) -> None:
    """Set aggregates over related rows (name -> Count/Sum ...) on a page of model objects, computed in one
    grouped query over their ids: the figure `queryset.annotate(**per_row)` gives each, without grouping
    the whole table before the LIMIT."""
    if not (per_row and objects):
        return
    model = type(objects[0])
    found = {
        row["pk"]: row
        for row in model._base_manager.filter(pk__in=[obj.pk for obj in objects])
        .order_by()
        .values("pk")
        .annotate(**per_row)
    }
    for obj in objects:
        row = found.get(obj.pk, {})
        for name in per_row:
            setattr(obj, name, row.get(name))


class CappedPaginator(Paginator):
    """A paginator whose count stops at `cap` rows (`capped` says there are more): one bounded COUNT over
    at most cap + 1 rows, unless the rows were counted already (`counted`), and no page beyond the cap, so
    `?page=` of any size clamps to a page whose OFFSET is bounded."""

    def __init__(self, object_list: Any, per_page: int, cap: int | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap if cap is not None else COUNT_CAP

    def counted(self, rows: int) -> None:
        """The list's rows, counted already (with its totals): no COUNT of its own."""
        self.__dict__["_counted"] = int(rows)

    @cached_property
    def _counted(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return int(self.object_list.order_by()[: self.cap + 1].count())
        return len(self.object_list)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap


def _unique_order(queryset: QuerySet[Any], fields: list[Any], tiebreak: str) -> bool:
    """Whether the ordering already tells every row apart: it has the pk or a unique field of the model."""
    names = {f.lstrip("-") for f in fields if isinstance(f, str)}
    if names & {"pk", "id", tiebreak.lstrip("-")}:
        return True
    unique = {f.name for f in queryset.model._meta.concrete_fields if f.unique}
    return bool(names & unique)


def _ordering(queryset: QuerySet[Any]) -> list[Any]:
    if queryset.query.order_by:
        return list(queryset.query.order_by)
    if queryset.query.default_ordering:
        return list(queryset.model._meta.ordering)
    return []


def _per_page(params: QueryDict) -> int:
    raw = params.get("per", "")
    return int(raw) if raw.isdigit() and int(raw) in PAGE_SIZES else PER_PAGE


def _url(params: QueryDict, **changes: str | None) -> str:
    """This list's URL with some parameters changed (None drops one); never with ?export."""
    query = params.copy()
    query.pop("export", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    return f"?{query.urlencode()}"


def _pager(params: QueryDict, page: Page, per: int) -> dict[str, Any]:
    return {
        "numbers": [(n, _url(params, page=str(n)) if n else "") for n in page_numbers(page)],
        "previous": _url(params, page=str(page.number - 1)) if page.has_previous() else "",
        "next": _url(params, page=str(page.number + 1)) if page.has_next() else "",
        "per": per,
        "sizes": [(n, _url(params, per=None if n == PER_PAGE else str(n), page=None)) for n in PAGE_SIZES],
    }


def page_numbers(page: Page) -> list[int | None]:
    """The first and last page and the current one's neighbours; None where pages are left out (…)."""
    last = page.paginator.num_pages
    shown = sorted({1, last, *range(max(1, page.number - NEIGHBOURS), min(last, page.number + NEIGHBOURS) + 1)})
    numbers: list[int | None] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


# --- the receiving end of a batch action -------------------------------------------------------------


def selected_ids(request: HttpRequest) -> list[int]:
    """The ids a batch action received, in order, without repeats; at most one page of the largest size."""
    ids: list[int] = []
    for raw in request.POST.getlist("ids"):
        if raw.isdigit() and int(raw) not in ids:
            ids.append(int(raw))
    return ids[: max(PAGE_SIZES)]


def back_to_list(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to the list the batch action was posted from (its filters and page), else to `default`."""
    url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        url = default
    return redirect(url)


# --- a paginated sub-list inside another page (a case's units) ----------------------------------------


def paginate(request: HttpRequest, queryset: QuerySet[Any] | Sequence[Any]) -> Page:
    """The requested page (`?page=`, `?per=`) of a sub-list; render it with `core/_pager.html` and `pager`."""
    return CappedPaginator(queryset, _per_page(request.GET)).get_page(request.GET.get("page"))


def pager(request: HttpRequest, page: Page) -> dict[str, Any]:
    """The links of `core/_pager.html` for a page of `paginate`."""
    return _pager(request.GET, page, int(page.paginator.per_page))
