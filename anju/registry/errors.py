"""Refused changes of the registry (persons, enterprises, projects, buildings, units)."""

from __future__ import annotations

from anju.lib.errors import DomainError


class RegistryError(DomainError):
    prefix = "registry"
