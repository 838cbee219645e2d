"""The exception hierarchy of cradletrace, and the one place errors map to HTTP statuses.

Every error the core raises on purpose derives from :class:`TraceError`. Its
message says what was wrong and where (document, event index, field), so a CLI
can print it as one line and a web view can return it as JSON.
"""

from __future__ import annotations

import re
from typing import Any


class TraceError(Exception):
    """Root of every deliberate cradletrace error.

    Parameters
    ----------
    message : str
        What was wrong, and where.
    where : str, optional
        The location of the fault, for example ``"event[3].bizStep"``.

    Examples
    --------
    >>> str(TraceError("unknown bizStep 'shiping'", where="event[3].bizStep"))
    "event[3].bizStep: unknown bizStep 'shiping'"
    """

    http_status = 500

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross a process boundary (capture's reader process); keep ``where`` and the class.
        return (_restore, (type(self), self.message, self.where))


def _restore(cls: type[TraceError], message: str, where: str | None) -> TraceError:
    error = cls.__new__(cls)
    TraceError.__init__(error, message, where=where)
    return error


class InvalidInput(TraceError):
    """Input that cannot be parsed or breaks a syntax or schema rule (identifier, document, parameter)."""

    http_status = 400


class InvalidIdentifier(InvalidInput):
    """A GS1 key, Digital Link URI, element string or EPC URN that is not valid."""


class LimitExceeded(InvalidInput):
    """A document beyond a reader limit (nesting, value length, events, size); the message names the setting that raises it."""

    http_status = 413


class ValidationFailed(InvalidInput):
    """A document with one or more invalid events; ``errors`` lists every fault found.

    Parameters
    ----------
    errors : list of TraceError
        The individual faults, each naming its event index and field.
    document : str, optional
        Name of the document (file name or capture ID).
    """

    def __init__(self, errors: list[TraceError], *, document: str | None = None) -> None:
        self.errors = list(errors)
        self.document = document
        first = self.errors[0] if self.errors else TraceError("no detail")
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"{first}{more}", where=document)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errors,), {"document": self.document})

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(self.errors, document=state["document"])  # type: ignore[misc]


class NotFound(TraceError):
    """A unit, lot, event or document that does not exist."""

    http_status = 404


class Conflict(TraceError):
    """A request that clashes with what is already recorded (for example a duplicate event)."""

    http_status = 409


class EventConflict(Conflict):
    """An eventID already taken by an event with different content (earlier in the document, or in the log).

    One fault of a rejected capture, like an invalid field. The same event sent again
    (same eventID, same event hash) is a duplicate, not a conflict.

    Examples
    --------
    >>> error = EventConflict("eventID 'urn:uuid:1' is event[0] of this document, with different content",
    ...                       where="event[2].eventID")
    >>> error.code, error.http_status
    ('conflict', 409)
    """

    code = "conflict"


class DocumentConflict(ValidationFailed):
    """A capture rejected only because of :class:`EventConflict` faults: answered with 409, not 400."""

    http_status = 409


class BrokenChain(TraceError):
    """The log does not verify (``audit verify``): an entry was edited, inserted or deleted.

    ``entry`` is the log position of the first entry that does not hold (``None`` when the
    fault is the chain head).
    """

    http_status = 500

    def __init__(self, message: str, *, entry: int | None = None, where: str | None = None) -> None:
        self.entry = entry
        super().__init__(message, where=where)


class RuleViolation(TraceError):
    """A business rule that forbids the requested lifecycle step (recall hold, destroyed unit, ...)."""

    http_status = 422


class ConfigurationError(TraceError):
    """A setting that is missing or malformed."""

    http_status = 500


def http_status(error: BaseException) -> int:
    """The HTTP status code that answers ``error``.

    Examples
    --------
    >>> http_status(NotFound("no unit 'x'"))
    404
    >>> http_status(ValueError("boom"))
    500
    """
    return getattr(error, "http_status", 500) if isinstance(error, TraceError) else 500


_EVENT_WHERE = re.compile(r"^event\[(\d+)\](?:\.(.+))?$")


def fault(error: TraceError) -> dict[str, Any]:
    """One fault as data: the event index and field when the error names them, and the reason.

    Examples
    --------
    >>> fault(InvalidInput("'FLY' is not an action", where="event[3].action"))
    {'index': 3, 'field': 'action', 'where': 'event[3].action', 'reason': "'FLY' is not an action"}
    >>> fault(InvalidInput("malformed JSON: unexpected end", where="d.json line 4 column 2"))["index"] is None
    True
    """
    match = _EVENT_WHERE.match(error.where or "")
    return {"index": int(match.group(1)) if match else None, "field": match.group(2) if match else None,
            "where": error.where, "reason": error.message}


def faults(error: TraceError) -> list[dict[str, Any]]:
    """Every fault of a rejection: each of a :class:`ValidationFailed`'s errors, else the error itself."""
    if isinstance(error, ValidationFailed):
        return [fault(e) for e in error.errors]
    return [fault(error)]
