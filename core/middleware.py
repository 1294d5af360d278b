"""Language selection: Ukrainian unless the visitor chose English (cookie or ?lang=).

The machine doors (the REST API, OGC API, Open311) also honour Accept-Language, as HTTP
clients expect: QGIS or a phone app asking in English gets its errors in English; with no
header, or one naming no language of the portal, the answer is Ukrainian.

Responses that are the same in every language (vector tiles) set `language_independent`, so
that shared caches do not keep a copy per cookie."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import trans_real

# Path prefixes of the interfaces programs call (their error bodies follow Accept-Language).
MACHINE_DOORS = ("/api/", "/ogcapi/", "/open311/")


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        machine = request.path_info.startswith(MACHINE_DOORS)
        language = request.GET.get("lang") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages and machine:
            language = self._from_header(request.headers.get("Accept-Language", ""))
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if not getattr(response, "language_independent", False):
            patch_vary_headers(response, ("Cookie", "Accept-Language") if machine else ("Cookie",))
            response.headers.setdefault("Content-Language", language)
        return response

    def _from_header(self, header: str) -> str:
        """The portal's language the Accept-Language header prefers most (q-values respected)."""
        for code, _quality in trans_real.parse_accept_lang_header(header[:255]):
            if code == "*":
                break
            try:
                return translation.get_supported_language_variant(code)
            except LookupError:
                continue
        return settings.LANGUAGE_CODE
