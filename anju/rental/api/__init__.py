"""The rental JSON API: the workflows of the pages with the same permissions (rental `view` to read,
`handle` to change). Money is a string with two decimals (yuan); ID numbers are masked without
`see_id`. A refused action answers 400 {"detail": ...} with the reason in Chinese.

One router per entity, mounted on the one `router` that `anju/api.py` adds under /rental/."""

from __future__ import annotations

from ninja import Router

from anju.rental.api import draws, exits, figures, filings, households, leases, rent, repairs, reviews, units

router = Router(tags=["rental"])
for part in (figures, units, households, draws, leases, rent, reviews, exits, repairs, filings):
    for path_view in part.router.path_operations.values():
        for operation in path_view.operations:
            # The operation ids published before the split (module anju.rental.api), kept for API clients.
            operation.operation_id = operation.operation_id or f"anju_rental_api_{operation.view_func.__name__}"
    router.add_router("", part.router)
