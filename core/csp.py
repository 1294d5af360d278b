"""The Content-Security-Policy middleware, with the Django admin's one allowance.

The portal's own pages follow settings.CONTENT_SECURITY_POLICY strictly. GeoDjango's admin map
widget (OSMWidget) loads OpenLayers from a CDN, draws OpenStreetMap tiles and starts with an
inline script rendered without the request (so it cannot carry the nonce). Under /admin/ only,
and only for staff behind a login, those sources and inline scripts are allowed, so geometry
fields stay editable; admin templates never read the nonce, so 'unsafe-inline' takes effect.
"""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.urls import reverse

OPENLAYERS_CDN = "https://cdn.jsdelivr.net"
ADMIN_ALLOWANCES = {
    "script-src": [OPENLAYERS_CDN, UNSAFE_INLINE],
    "style-src": [OPENLAYERS_CDN],
    "style-src-elem": [OPENLAYERS_CDN],
    "img-src": ["https://tile.openstreetmap.org"],
}


class MistoCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(reverse("admin:index")):
            update = dict(parts.update or {})
            for directive, sources in ADMIN_ALLOWANCES.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts
