"""System checks of the housing registry."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register


@register()
def pdf_font_installed(app_configs=None, **kwargs):
    folder = Path(settings.MISTO_PDF_FONT_DIR)
    if (folder / "DejaVuSans.ttf").exists() and (folder / "DejaVuSans-Bold.ttf").exists():
        return []
    return [
        Warning(
            f"DejaVu Sans is not in {folder}: PDF reports of the housing registry cannot be made.",
            hint="Install the Debian package fonts-dejavu-core (scripts/setup.sh does) or set MISTO_PDF_FONT_DIR.",
            id="housing_registry.W001",
        )
    ]
