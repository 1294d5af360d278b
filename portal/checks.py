"""System checks that keep an unsafe configuration from serving anyone."""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def check_secret_key(app_configs, **kwargs):
    """With DEBUG off (production) the shipped development secret is refused."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
        return [
            checks.Error(
                "SECRET_KEY is the development default while DEBUG is off.",
                hint="Set SECRET_KEY in the environment to a long random value "
                "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
                "or set DEBUG=1 for local development.",
                id="misto.E001",
            )
        ]
    return []


def refuse_to_serve_if_misconfigured() -> None:
    """Raise when any error-level system check fails (used by the WSGI entry point)."""
    errors = [m for m in checks.run_checks(include_deployment_checks=False) if m.is_serious()]
    if errors:
        raise ImproperlyConfigured("; ".join(f"{e.id}: {e.msg} {e.hint or ''}" for e in errors))
