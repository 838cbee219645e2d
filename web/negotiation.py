"""Who is asking: a browser (HTML) or an API client (JSON), decided in one place."""

from __future__ import annotations

from flask import request

API_PREFIXES = ("/api", "/epcis")
JSON_TYPES = ("application/json", "application/problem+json", "application/ld+json", "application/linkset+json")


def is_api_request() -> bool:
    """True for an API client: a path under /api or /epcis, an Authorization header, or an Accept that prefers JSON."""
    if request.path.startswith(API_PREFIXES) or "Authorization" in request.headers:
        return True
    return prefers_json()


def prefers_json() -> bool:
    """True when the Accept header ranks a JSON type above HTML."""
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", *JSON_TYPES])
    return best is not None and best != "text/html" and accept[best] > accept["text/html"]
