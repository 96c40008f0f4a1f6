"""JSON errors for the API: `{"error": {"code", "message"}}` with the matching HTTP status.

Every failure an API caller can meet goes through here, including Flask's own (404, 405, 413)
and the rate limiter's 429, so no caller ever has to parse an HTML error page.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# Machine-readable codes for Flask's own HTTP errors.
_HTTP_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    """An error answered as JSON with `status`."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify({"error": body})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = exc.description or exc.name
    if status == 429:
        message = f"rate limit exceeded ({exc.description}); slow down and retry later"
    headers = {}
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
    original = exc.get_response()
    if "Retry-After" in original.headers:
        headers["Retry-After"] = original.headers["Retry-After"]
    return error_response(status, _HTTP_CODES.get(status, "http_error"), str(message), headers)
