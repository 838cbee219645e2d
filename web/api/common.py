"""What the views of ``/api`` share: JSON responses, reading query parameters and JSON bodies (each fault a 400
naming the parameter), and choosing between JSON and CSV."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import orjson
from flask import request
from flask.wrappers import Response

from cradletrace.errors import InvalidInput
from cradletrace.passport import parse_as_of
from cradletrace.timestamps import naive_utc, utc_now

CSV = "text/csv"
JSON = "application/json"


def json_response(value: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """JSON with datetimes as ISO 8601 UTC (``...Z``) and Decimals as strings."""
    body = orjson.dumps(value, default=str, option=orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z)
    return Response(body, status=status, mimetype=JSON, headers=dict(headers or {}))


def csv_response(text: str, filename: str) -> Response:
    """A CSV download."""
    response = Response(text, mimetype=CSV)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def wanted_format() -> str:
    """``json`` or ``csv``: the ``format`` parameter, else what the Accept header prefers (JSON by default)."""
    wanted = request.args.get("format") or ("csv" if request.accept_mimetypes.best_match([JSON, CSV]) == CSV
                                            else "json")
    if wanted not in ("json", "csv"):
        raise InvalidInput(f"{wanted!r} is not json or csv", where="query parameter format")
    return wanted


def identifier() -> str:
    """The ``id`` parameter: an identifier in any form."""
    value = request.args.get("id", "").strip()
    if not value:
        raise InvalidInput("give the identifier: ?id=... (Digital Link, element string, EPC URN or serial)",
                           where="query parameter id")
    return value


def text_arg(name: str) -> str | None:
    """An optional text parameter, stripped (``None`` when absent or empty)."""
    value = request.args.get(name, "").strip()
    return value or None


def int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    """An optional whole-number parameter between ``low`` and ``high``."""
    text = request.args.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a whole number", where=f"query parameter {name}") from None
    if not low <= value <= high:
        raise InvalidInput(f"must be between {low} and {high}", where=f"query parameter {name}")
    return value


def moment_arg(name: str) -> datetime | None:
    """An instant: a date (its start, UTC) or an ISO 8601 time (naive = UTC), as naive UTC; ``None`` if absent."""
    text = text_arg(name)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return naive_utc(parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc))
    except (ValueError, OverflowError):
        raise InvalidInput(f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 date-time",
                           where=f"query parameter {name}") from None


def at_arg(name: str = "at") -> datetime | None:
    """A moment asked about: a date (its end, UTC) or an ISO 8601 time, as the passport's ``as_of`` reads it."""
    try:
        return parse_as_of(request.args.get(name))
    except InvalidInput as error:
        raise InvalidInput(error.message, where=f"query parameter {name}") from None
    except OverflowError:
        raise InvalidInput(f"{request.args.get(name)!r} is out of range", where=f"query parameter {name}") from None


def period_args(default_start: Callable[[datetime], datetime]) -> tuple[datetime, datetime]:
    """``from`` (included) and ``to`` (excluded) as naive UTC: ``to`` now when absent, ``from``
    ``default_start(to)``."""
    end = moment_arg("to") or naive_utc(utc_now())
    start = moment_arg("from") or default_start(end)
    if start >= end:
        raise InvalidInput(f"from {start:%Y-%m-%d %H:%M} is not before to {end:%Y-%m-%d %H:%M}",
                           where="query parameter from")
    return start, end


def body() -> dict[str, Any]:
    """The request's JSON body, an object (an empty body is an empty object)."""
    if not request.get_data():
        return {}
    try:
        value = orjson.loads(request.get_data())
    except orjson.JSONDecodeError as error:
        raise InvalidInput(f"the body is not JSON: {error}", where="request body") from None
    if not isinstance(value, dict):
        raise InvalidInput("the body is a JSON object", where="request body")
    return value


def only(data: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """``data``, refused when it has a member not in ``names`` (a misspelt member would otherwise be ignored
    silently)."""
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise InvalidInput(f"the body has no member {unknown[0]!r} (it may have {', '.join(names)})",
                           where=f"request body {unknown[0]}")
    return data


def body_text(data: Mapping[str, Any], name: str, *, required: bool = False, limit: int = 500) -> str | None:
    """A text member of a JSON body (stripped; ``None`` when absent and not required)."""
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(f"give {name}", where=f"request body {name}")
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} is text", where=f"request body {name}")
    if len(value) > limit:
        raise InvalidInput(f"{name} is at most {limit} characters", where=f"request body {name}")
    return value.strip()


def this_month(end: datetime) -> datetime:
    """The start of ``end``'s month (the default start of a commercial report).

    Examples
    --------
    >>> this_month(datetime(2026, 5, 17, 12))
    datetime.datetime(2026, 5, 1, 0, 0)
    """
    return end.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def this_year(end: datetime) -> datetime:
    """The start of ``end``'s year (the default start of the revenue schedule).

    Examples
    --------
    >>> this_year(datetime(2026, 5, 17, 12))
    datetime.datetime(2026, 1, 1, 0, 0)
    """
    return datetime(end.year, 1, 1)
