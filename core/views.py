"""The personal account's API tokens page: make a token (shown once), see and revoke them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.api_tokens import TokenRefused, api_token_create, api_token_revoke, api_tokens_of
from core.models import ApiToken


def _page(request, *, created: str = "", error: str = "", name: str = "", status: int = 200):
    return render(
        request,
        "core/api_tokens.html",
        {
            "tokens": api_tokens_of(request.user),
            "created": created,
            "error": error,
            "name": name,
            "ogcapi_url": request.build_absolute_uri("/ogcapi/"),
        },
        status=status,
    )


@never_cache  # the page that shows a new token is never kept by a browser or proxy
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    if request.method == "GET":
        return _page(request)
    action = request.POST.get("action", "")
    if action == "create":
        name = request.POST.get("name", "")
        try:
            _row, token = api_token_create(user=request.user, name=name)
        except TokenRefused as exc:
            return _page(request, error=exc.message, name=name, status=400)
        # Rendered, not redirected: the token exists only in this response.
        return _page(request, created=token)
    if action == "revoke":
        raw = request.POST.get("token", "")
        if not raw.isdigit() or len(raw) > 18:
            return _page(request, error=_("Choose a token to revoke."), status=400)
        # Another person's token is "not found", like any token that does not exist.
        token = get_object_or_404(ApiToken, pk=int(raw), user=request.user)
        api_token_revoke(token=token, actor=request.user)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("api-tokens")
    return _page(request, error=_("Unknown action."), status=400)
