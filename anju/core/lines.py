"""A line's app config, declared as data: what the line registers with the kit when Django is ready.

A line's `apps.py` names its module (`navigation`: the menu entry and permission scope), its to-dos,
its KPI entries, its import specs, its background job kinds, its first-run steps and whether it has a
demo step, as dotted paths resolved in `ready()` (so `apps.py` imports no model, and no line's code
imports its demo package). `anju/rental/apps.py` is the example; `docs/architecture.md` says how to add a line.

The demo step is `<name>.demo.register_steps` (set `demo = False` for a line without one)."""

from __future__ import annotations

from typing import ClassVar

from django.apps import AppConfig
from django.utils.module_loading import import_string

from anju.core.modules import Module


class LineConfig(AppConfig):
    # Imported into each line's apps.py: not a candidate when Django looks there for the app's config
    # (its subclasses are, see __init_subclass__).
    default = False
    # The navigation entry and permission scope (not `module`: Django's AppConfig.module is the package).
    navigation: ClassVar[Module | None] = None
    todos: ClassVar[tuple[str, ...]] = ()
    kpis: ClassVar[str] = ""
    imports: ClassVar[tuple[str, ...]] = ()
    # Background job kinds and their handlers' dotted paths (anju.core.jobs).
    jobs: ClassVar[dict[str, str]] = {}
    # The first-run checklist's steps (anju.core.setup): the dotted path of a tuple of setup.Step.
    setup: ClassVar[str] = ""
    demo: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "default" not in cls.__dict__:
            cls.default = True

    def ready(self) -> None:
        from anju.core import imports, jobs, kpis, modules, setup, todos

        if self.navigation is not None:
            modules.register(self.navigation)
        for path in self.todos:
            todos.register(import_string(path))
        if self.kpis:
            kpis.register(*import_string(self.kpis)())
        if self.imports:
            imports.register(*(import_string(path) for path in self.imports))
        for kind, path in self.jobs.items():
            jobs.register(kind, import_string(path))
        if self.setup:
            setup.register(*import_string(self.setup))
        if self.demo:
            import_string(f"{self.name}.demo.register_steps")()
