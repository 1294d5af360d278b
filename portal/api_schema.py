"""What /api/v1/schema/ says about every operation at once: the refusals each can answer.

Every door of the API can refuse a request the same ways (one error format, portal/api.py and
core/bad_input.py): 400 bad input, 401/403 not allowed, 404 unknown object, 413 a body too
large; writes may also meet 409 (changed meanwhile). Declaring them here, once, keeps the
document true for every view — the fuzz suite (tests/test_fuzz_apis.py) holds it to that.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "parameter": {"type": "string"},
                # A sentence, or DRF's per-field messages for an invalid body.
                "message": {},
                "fields": {"type": "object"},
                "current": {"type": "object"},
            },
        }
    },
}
REFUSALS = {
    "400": "The request is invalid: a parameter, a field or the body (see error.parameter).",
    "401": "Authentication is needed.",
    "403": "Not allowed for this account, or the CSRF token is missing.",
    "404": "No such object (or not visible to this account).",
    "413": "The request body is too large.",
}
WRITE_REFUSALS = {"409": "The object was changed meanwhile; error.current is its present state."}
# Pages of the housing registry answer a visitor without an account with the login page.
LOGIN_REDIRECT_PREFIXES = ("/registry/",)


def nullable_as_type(result, generator, request, public):
    """drf-spectacular postprocessing hook: the document is OpenAPI 3.1, where `nullable` is no
    keyword; a few schemas (DRF's pagination: next, previous) still carry it, so validators read
    them as "a string" and reject the null the API sends. Say it the 3.1 way: type [t, "null"]."""
    stack = [result]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("nullable") is True and isinstance(node.get("type"), str):
                node["type"] = [node["type"], "null"]
                del node["nullable"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return result


def add_refusals(result, generator, request, public):
    """drf-spectacular postprocessing hook: the shared error responses on every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            refusals = dict(REFUSALS)
            if method in ("post", "put", "patch", "delete"):
                refusals.update(WRITE_REFUSALS)
            for code, description in refusals.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
            if path.startswith(LOGIN_REDIRECT_PREFIXES):
                responses.setdefault("302", {"description": "Not logged in: to the login page."})
    return result
