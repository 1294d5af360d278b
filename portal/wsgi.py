"""WSGI entry point (gunicorn). Refuses to start when a system check fails, e.g. the
default SECRET_KEY with DEBUG off: gunicorn does not run Django's checks by itself.
Public vector tiles take a lean path in front of Django (gis_layers/fast_tiles.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from core.db_router import ReplicaRouting, replica_configured  # noqa: E402
from gis_layers.fast_tiles import FastTiles  # noqa: E402
from portal.checks import refuse_to_serve_if_misconfigured  # noqa: E402

application = FastTiles(get_wsgi_application())
if replica_configured():  # public reads to the read replica (core/db_router.py)
    application = ReplicaRouting(application)

refuse_to_serve_if_misconfigured()
