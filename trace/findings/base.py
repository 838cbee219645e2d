"""What the findings checks share: the :class:`Finding` record and the SQL pieces the checks are built from.

The underscored helpers are for the check modules of this package, not for callers: the
event, object and node tables, the filter for live events (neither retracted nor an error
declaration), a time difference in seconds in the session's dialect, what counts as
commissioning, and the object roles and node kinds the checks look at.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_
from sqlalchemy.orm import Session

from cradletrace.models import Action, Event, EventObject, EventType, Node, NodeKind, ObjectRole

_OBJECT_ROLES = (ObjectRole.EPC, ObjectRole.CHILD, ObjectRole.PARENT)
_CLASS_KINDS = (NodeKind.LOT, NodeKind.PRODUCT)


@dataclass
class Finding:
    """One chain-of-custody anomaly.

    Attributes
    ----------
    kind : str
        What was found (``shipped_not_received``, ``two_parents``, ...).
    check_id : str
        The METRICS §4 check (``CC-06``, ...).
    severity : str
        ``error``, ``warn`` or ``info``.
    identifiers : list of str
        The units, lots or places involved.
    event_ids : list of str
        eventIDs of the events involved.
    message : str
        One sentence for people; a place with a master-data name reads ``NAME (identifier)``.
    places : dict of str to str
        The master-data name of each place among ``identifiers`` that has one.
    """

    kind: str
    check_id: str
    severity: str
    identifiers: list[str]
    event_ids: list[str]
    message: str
    detail: dict[str, Any] = field(default_factory=dict)
    places: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The finding as plain data (for JSON)."""
        return asdict(self)


Check = Callable[[Session, float], list[Finding]]
"""A check: the session (read only) and the clock-skew tolerance in seconds, to its findings."""


def _seconds(session: Session, later: Any, earlier: Any) -> ColumnElement[float]:
    """``later - earlier`` in seconds, in the session's dialect (naive UTC DateTime columns)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _live(events: Any) -> ColumnElement[bool]:
    return and_(events.c.retracted_by.is_(None), events.c.declares_error.is_(False))


def _aliases() -> tuple[Any, Any, Any]:
    return Event.__table__, EventObject.__table__, Node.__table__


def _commissioning(events: Any, objects: Any) -> ColumnElement[bool]:
    return or_(objects.c.role == ObjectRole.OUTPUT,
               and_(events.c.event_type == EventType.OBJECT, events.c.action == Action.ADD,
                    objects.c.role == ObjectRole.EPC))


def grouped(pairs: Iterable[tuple[Hashable, Any]]) -> dict[Any, list[Any]]:
    """``(key, value)`` rows as ``{key: [values]}``, in row order, each value once, ``None`` left out.

    The checks read one row per (finding, event or identifier) and report one finding per key.

    Examples
    --------
    >>> grouped([("u1", "e1"), ("u2", "e2"), ("u1", "e3"), ("u1", "e1"), ("u3", None)])
    {'u1': ['e1', 'e3'], 'u2': ['e2'], 'u3': []}
    """
    found: dict[Any, dict[Any, None]] = {}
    for key, value in pairs:
        values = found.setdefault(key, {})
        if value is not None:
            values[value] = None
    return {key: list(values) for key, values in found.items()}
