"""The list page kit: every list of Anju is a `ListPage` of `Column`s (see `page`), its cells are plain
values or the small types of `cells`, its search and filter bar come from `filters`, and its .xlsx goes
through `export_xlsx` (audited)."""

from __future__ import annotations

from anju.core.listing.cells import Link, Muted, Tag, choice_label, label_of
from anju.core.listing.export import XLSX_TYPE, export_xlsx, xlsx_response
from anju.core.listing.filters import (
    ChoiceFilter,
    DateRangeFilter,
    Filter,
    FlagFilter,
    HiddenFilter,
    Narrow,
    Search,
    TextFilter,
    YearFilter,
    valid_date,
    valid_int,
    valid_month,
)
from anju.core.listing.page import (
    PAGE_SIZES,
    PER_PAGE,
    Action,
    BatchAction,
    Column,
    IdColumn,
    ListPage,
    back_to_list,
    link_column,
    pager,
    paginate,
    selected_ids,
)

__all__ = [
    "PAGE_SIZES",
    "PER_PAGE",
    "XLSX_TYPE",
    "Action",
    "BatchAction",
    "ChoiceFilter",
    "Column",
    "DateRangeFilter",
    "Filter",
    "FlagFilter",
    "HiddenFilter",
    "IdColumn",
    "Link",
    "ListPage",
    "Muted",
    "Narrow",
    "Search",
    "Tag",
    "TextFilter",
    "YearFilter",
    "back_to_list",
    "choice_label",
    "export_xlsx",
    "label_of",
    "link_column",
    "pager",
    "paginate",
    "selected_ids",
    "valid_date",
    "valid_int",
    "valid_month",
    "xlsx_response",
]
