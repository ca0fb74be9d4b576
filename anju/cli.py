"""The `anju` console script: Django's management commands under Anju's settings."""

from __future__ import annotations

import os
import sys

from django.core.exceptions import ImproperlyConfigured


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
    from django.conf import settings
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (reads the settings now, to explain a missing one)
    except ImproperlyConfigured as exc:
        sys.stderr.write(
            f"anju: {exc}.\n"
            "Set it in the environment or in a .env file beside Anju (`make setup` writes one with a "
            "generated SECRET_KEY); README, Configuration, lists every setting.\n"
        )
        sys.exit(2)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
