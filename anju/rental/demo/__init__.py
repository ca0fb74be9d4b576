"""The demo city's public rental housing (`build`), planned in `plan`, its year's records in `records`."""

from anju.rental.demo.build import build_rental, register_steps
from anju.rental.demo.plan import _term_end

__all__ = ["_term_end", "build_rental", "register_steps"]
