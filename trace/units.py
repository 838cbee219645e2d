"""Units of measure: the mass units of UN/CEFACT Recommendation 20 and conversion to kilograms; exact quantities.

EPCIS quantities carry a Rec. 20 code (``uom``). Lineage edges, lot balances and
the mass-balance finding compare masses, so every mass unit converts to
kilograms (``KGM``); any other unit (``EA``, ``LTR``, ...) is counted in its own
unit. The factors are the exact SI and international-avoirdupois definitions
(1 lb = 0.45359237 kg); the test suite checks them against pint's registry, which is
not loaded here because building it costs about a second of start-up for five numbers.

Examples
--------
>>> mass_kg(2500, "GRM"), amount_unit("TNE"), in_amount_unit(2, "TNE")
(2.5, 'KGM', 2000.0)
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from cradletrace.errors import InvalidInput

KG_PER_UOM: dict[str, float] = {
    "KGM": 1.0,  # kilogram
    "GRM": 0.001,  # gram
    "MGM": 0.000001,  # milligram
    "TNE": 1000.0,  # tonne (metric ton)
    "LBR": 0.45359237,  # pound (avoirdupois)
}
"""Rec. 20 mass unit code -> kilograms per unit."""


def mass_kg(quantity: float | None, uom: str | None) -> float | None:
    """The mass in kilograms of a quantity in a mass unit, else ``None``.

    Examples
    --------
    >>> mass_kg(2500, "GRM")
    2.5
    >>> mass_kg(3, "EA") is None
    True
    """
    if quantity is None or uom not in KG_PER_UOM:
        return None
    return quantity * KG_PER_UOM[uom]


def amount_unit(uom: str | None) -> str | None:
    """The unit amounts of ``uom`` are added up in: ``'KGM'`` for every mass unit, else ``uom`` itself.

    Examples
    --------
    >>> amount_unit("LBR"), amount_unit("EA"), amount_unit(None)
    ('KGM', 'EA', None)
    """
    return "KGM" if uom in KG_PER_UOM else uom


def in_amount_unit(quantity: float, uom: str | None) -> float:
    """``quantity`` in :func:`amount_unit` of ``uom``: kilograms for a mass unit, else unchanged.

    Examples
    --------
    >>> in_amount_unit(500, "GRM"), in_amount_unit(3, "EA")
    (0.5, 3)
    """
    return quantity * KG_PER_UOM[uom] if uom in KG_PER_UOM else quantity


def decimal(value: Any, *, where: str = "value") -> Decimal:
    """A Decimal from a Decimal, an int or a numeric string; floats are refused (money and bills of materials
    must be exact, and a float is a binary approximation).

    Examples
    --------
    >>> decimal("2.50"), decimal(3)
    (Decimal('2.50'), Decimal('3'))
    >>> decimal(0.1, where="quantity")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidInput: quantity: give a string or Decimal, not a float (0.1)
    """
    if isinstance(value, float):
        raise InvalidInput(f"give a string or Decimal, not a float ({value!r})", where=where)
    try:
        result = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise InvalidInput(f"not a number: {value!r}", where=where) from None
    if not result.is_finite():
        raise InvalidInput(f"not a finite number: {value!r}", where=where)
    return result


def plain(quantity: Decimal) -> str:
    """An exact quantity as the shortest plain decimal string (no exponent, no trailing zeros), as JSON keeps it.

    Examples
    --------
    >>> plain(Decimal("2.000000")), plain(Decimal("10")), plain(Decimal("0.350"))
    ('2', '10', '0.35')
    """
    return f"{quantity.normalize():f}"
