"""Records of other lines related to one record, without the page's line importing them: a line registers a
provider in its `ready()` (a function of a record giving the related items it holds), and a page asks
`related_to(record)` (e.g. the petitions linked to a legacy project). Providers read by content type."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Related:
    kind: str  # the kind of record, Chinese: 信访件
    label: str
    url: str
    on: dt.date | None = None
    status: str = ""


Provider = Callable[[models.Model], list[Related]]
_providers: dict[str, Provider] = {}


def register(name: str, provider: Provider) -> None:
    _providers[name] = provider


def related_to(record: models.Model) -> list[Related]:
    """Every registered line's records related to `record`, by provider name then as given."""
    return [item for name in sorted(_providers) for item in _providers[name](record)]
