"""Open311 apps: staff issue an api_key to an app; the app files requests with it."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.utils import timezone

from citizen_requests.models import ApiClient
from citizen_requests.throttling import throttle_hit


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_key_new() -> tuple[str, str, str]:
    """A fresh api_key with its prefix (to find the app) and hash (to check the key)."""
    key = f"{secrets.token_hex(4)}.{secrets.token_urlsafe(24)}"
    return key, key.split(".", 1)[0], _hash(key)


def api_client_issue(
    *, name: str, contact_email: str = "", requests_per_minute: int = 30, key: str | None = None
) -> tuple[ApiClient, str]:
    """Register an app and return it with its new api_key (`<prefix>.<secret>`), which is
    shown once: only its hash is kept. `key` lets a script choose it (the benchmark does)."""
    if key is None:
        key = api_key_new()[0]
    prefix = key.split(".", 1)[0][:12]
    client = ApiClient.objects.create(
        name=name,
        contact_email=contact_email,
        key_prefix=prefix,
        key_hash=_hash(key),
        requests_per_minute=requests_per_minute,
    )
    return client, key


def api_client_rekey(*, client: ApiClient) -> str:
    """A new api_key for the app (the old one stops working)."""
    key, client.key_prefix, client.key_hash = api_key_new()
    client.save(update_fields=["key_prefix", "key_hash"])
    return key


def api_client_authenticate(key: str) -> ApiClient | None:
    """The active app holding `key`, or None."""
    if not key or "." not in key:
        return None
    client = ApiClient.objects.filter(key_prefix=key.split(".", 1)[0][:12], is_active=True).first()
    if client is None or not hmac.compare_digest(client.key_hash, _hash(key)):
        return None
    if client.last_used_at is None or (timezone.now() - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client


def api_client_throttle(client: ApiClient) -> bool:
    """Count one filing of the app; False once over its per-minute limit (0: unlimited)."""
    return throttle_hit(scope="open311", key=str(client.pk), limit=client.requests_per_minute, window=60)
