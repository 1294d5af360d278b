"""Small helpers for the history page."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def change_kind(kind: str) -> str:
    return {
        "created": _("created"),
        "changed": _("changed"),
        "deleted": _("deleted"),
        "restored": _("restored"),
    }.get(kind, kind)
