"""Public rental's first-run step (anju.core.setup): its rent standards."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.setup import Step


def _rent_rates_set() -> bool:
    from anju.rental.models import RentRate

    return RentRate.objects.exists()


STEPS = (Step(50, _("Set the rent standards"), "rental:rates", "rental", "handle", _rent_rates_set),)
