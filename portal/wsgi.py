"""WSGI entry point (gunicorn). Refuses to start when a system check fails, e.g. the
default SECRET_KEY with DEBUG off: gunicorn does not run Django's checks by itself."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

application = get_wsgi_application()

from portal.checks import refuse_to_serve_if_misconfigured  # noqa: E402

refuse_to_serve_if_misconfigured()
