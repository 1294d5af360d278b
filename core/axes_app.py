"""django-axes (the login throttle) as the admin names it, in the page's language. Its own module:
Django takes an app's configuration from its apps.py only when that holds exactly one, and
core/apps.py holds CoreConfig."""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AppConfig):
    verbose_name = _("Login protection")
