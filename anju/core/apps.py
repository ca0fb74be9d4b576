from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anju.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from anju.core import calendar, checks, demo, jobs, middleware, modules, setup, todos  # noqa: F401 (checks registers)
        from anju.core.imports_views import IMPORT_JOB, run_import
        from anju.core.listing.export import EXPORT_JOB, run_export
        from anju.lib import dates

        modules.register(
            modules.Module(
                code="audit",
                name=_("Audit log"),
                url_name="core:audit",
                icon="审",
                order=90,
            )
        )
        modules.register(modules.Module(code="users", name=_("Users"), url_name="core:users", icon="用", order=95))
        modules.register(
            modules.Module(code="calendar", name=_("Holiday calendar"), url_name="core:calendar", icon="历", order=96)
        )
        dates.set_default_calendar_provider(calendar.stored_calendar)
        todos.register(todos.password_change_todo)
        todos.register(todos.locked_accounts_todo)
        todos.register(todos.role_grants_todo)
        todos.register(calendar.calendar_todo)
        setup.register(*setup.CORE_STEPS)
        demo.register_steps()
        user_logged_in.connect(middleware.mark_session_refreshed, dispatch_uid="anju.session_refreshed")
        jobs.register(EXPORT_JOB, run_export)
        jobs.register(IMPORT_JOB, run_import)
