"""WSGI entry point for production servers: `gunicorn anju.wsgi`."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anju.settings")
application = get_wsgi_application()

from anju.core.checks import refuse_to_start, warn_at_start  # noqa: E402 (needs the configured application)

refuse_to_start()
warn_at_start()
