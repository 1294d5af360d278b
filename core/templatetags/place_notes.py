"""`{% place_notes geometry %}`: the notes that cover a place (core/place_notes.py), as a box."""

from django import template

from core.place_notes import place_notes as notes_of

register = template.Library()


@register.inclusion_tag("core/place_notes.html")
def place_notes(geometry, heading_level: int = 2):
    return {"notes": notes_of(geometry), "heading": f"h{heading_level}"}
