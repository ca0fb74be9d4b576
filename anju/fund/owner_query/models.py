"""Attempts at the public owner balance query, for rate limiting.

Models of the fund app (app_label "fund"); `anju.fund.models` imports them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OwnerQueryAttempt(models.Model):
    """One use of the public owners' balance query, for its rate limit."""

    ip = models.GenericIPAddressField(_("IP address"), db_index=True)
    # A keyed hash of the ID number asked about (never the number itself): the limit per ID.
    id_key = models.CharField(_("ID number key"), max_length=64, blank=True, db_index=True)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    success = models.BooleanField(_("success"), default=False)

    class Meta:
        app_label = "fund"
        verbose_name = _("owner query attempt")
        verbose_name_plural = _("owner query attempts")

    def __str__(self) -> str:
        return f"{self.ip} {self.at:%Y-%m-%d %H:%M}"
