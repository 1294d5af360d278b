"""Language selection: Ukrainian unless the visitor chose English (cookie or ?lang=).

Responses that are the same in every language (vector tiles) set `language_independent`, so
that shared caches do not keep a copy per cookie."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.GET.get("lang") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if not getattr(response, "language_independent", False):
            patch_vary_headers(response, ("Cookie",))
            response.headers.setdefault("Content-Language", language)
        return response
