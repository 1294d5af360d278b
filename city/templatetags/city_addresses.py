"""{{ place.address|address }}: an address in the page's language (city.address_language)."""

from django import template

from city.address_language import address_in_language

register = template.Library()


@register.filter
def address(text):
    return address_in_language(str(text)) if text else text
