"""Each line's app config declares what it registers; Django picks the line's config, and ready()
registers exactly the declared module, to-dos, KPIs, imports and demo step."""

from __future__ import annotations

from django.apps import apps
from django.utils.module_loading import import_string

from anju.core import imports, jobs, kpis, modules, todos
from anju.core.demokit import steps
from anju.core.lines import LineConfig

LINES = {
    *("registry", "fund", "arrears", "lifts", "rental", "termite", "subsidy", "petitions", "legacy", "oversight"),
    "performance",
    "worklog",
}


def _lines() -> list[LineConfig]:
    return [config for config in apps.get_app_configs() if isinstance(config, LineConfig)]


def test_django_takes_each_lines_own_config_not_the_imported_base() -> None:
    assert {config.label for config in _lines()} == LINES
    assert all(type(config) is not LineConfig for config in _lines())


def test_ready_registered_what_each_line_declares() -> None:
    codes = {module.code for module in modules.all_modules()}
    for config in _lines():
        if config.navigation is not None:
            assert config.navigation.code in codes, config.label
        for path in config.imports:
            spec = import_string(path)
            assert imports.get(spec.key) is spec, path
        for kind, path in config.jobs.items():
            assert jobs._handlers[kind] is import_string(path), kind
        for path in config.todos:
            assert import_string(path) in todos._sources, path
        if config.kpis:
            declared = [kpi.code for kpi in import_string(config.kpis)()]
            assert declared and all(kpis.get(code) for code in declared), config.label
    demo_modules = {step.run.__module__.split(".demo")[0] for step in steps()}
    assert {config.name for config in _lines() if config.demo} <= demo_modules


def test_a_line_without_a_navigation_entry_or_demo_registers_only_what_it_names() -> None:
    class Probe(LineConfig):
        name = "anju.rental"
        label = "probe"
        demo = False
        kpis = "anju.fund.lifts.queries.registry_entries"

    assert Probe.default is True and LineConfig.default is False
    before = (len(modules.all_modules()), len(steps()), len(todos._sources))
    Probe("anju.rental", import_string("anju.rental")).ready()
    assert (len(modules.all_modules()), len(steps()), len(todos._sources)) == before
