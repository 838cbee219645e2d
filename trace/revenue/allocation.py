"""Money split to the cent with nothing left over: in proportion to weights, and pro rata over a whole.

Two rules, each exact (the parts add up to the whole, to the cent) and deterministic:

* :func:`allocate` splits an amount in proportion to weights (a transaction price over performance
  obligations by their standalone selling prices) by the largest-remainder method: every part gets the
  whole cents of its exact share, and the cents left over go one each to the parts with the largest
  fractions, ties to the earlier part.
* :func:`prorate` is the share of ``done`` out of ``whole`` of an amount, rounded half up to the cent:
  the running total of a split into equal steps (a line's identical units, a service plan's months).
  The step from ``done - 1`` to ``done`` is the part of that step, so the first k parts together are
  always the exact share of k rounded, a part never changes when more parts follow, and the parts of
  the whole sum to the amount.

Pure functions on :class:`~decimal.Decimal`; exact arithmetic in :class:`~fractions.Fraction`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

from cradletrace.errors import InvalidInput

CENT = Decimal("0.01")


def _cents(amount: Decimal, where: str) -> int:
    if not isinstance(amount, Decimal):
        raise InvalidInput(f"give money as a Decimal, not {type(amount).__name__} ({amount!r})", where=where)
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise InvalidInput(f"{amount} is not a whole number of cents", where=where)
    return int(cents)


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``total`` in proportion to ``weights``, to the cent, so that the parts add up to ``total`` exactly.

    Largest remainder: each part is the whole cents of its exact share ``total x weight / sum of
    weights``; the cents left over go one each to the parts with the largest fractions of a cent, a
    tie to the earlier part. So no part is a cent or more away from its exact share, a larger weight
    never gets less, and the result depends only on the weights and their order. When every weight is
    zero the parts are equal (as if every weight were one).

    Parameters
    ----------
    total : Decimal
        A whole number of cents, not negative.
    weights : sequence of Decimal
        Not negative (standalone selling prices, say); at least one.

    Examples
    --------
    A price of 100.00 over three obligations of standalone prices 1, 1 and 1: 33.333... each, and the
    cent left over goes to the first.

    >>> allocate(Decimal("100.00"), [Decimal(1), Decimal(1), Decimal(1)])
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]

    9 600.00 in proportion to 1 200 and 540: 6 620.689... and 2 979.310...; the cent left over goes
    to the larger fraction (.689 > .310).

    >>> allocate(Decimal("9600.00"), [Decimal(1200), Decimal(540)])
    [Decimal('6620.69'), Decimal('2979.31')]
    >>> allocate(Decimal("0.05"), [Decimal(0), Decimal(0)])
    [Decimal('0.03'), Decimal('0.02')]
    """
    cents = _cents(total, "total")
    if cents < 0:
        raise InvalidInput(f"cannot allocate a negative amount ({total})", where="total")
    if not weights:
        raise InvalidInput("nothing to allocate to: give at least one weight", where="weights")
    exact_weights = []
    for i, w in enumerate(weights):
        if not isinstance(w, (Decimal, int)) or isinstance(w, bool):
            raise InvalidInput(f"give a weight as a Decimal, not {type(w).__name__} ({w!r})", where=f"weights[{i}]")
        if w < 0:
            raise InvalidInput(f"a weight cannot be negative ({w})", where=f"weights[{i}]")
        exact_weights.append(Fraction(w))
    whole = sum(exact_weights)
    if whole == 0:
        exact_weights, whole = [Fraction(1)] * len(weights), Fraction(len(weights))
    shares = [cents * w / whole for w in exact_weights]
    parts = [s.numerator // s.denominator for s in shares]
    left = cents - sum(parts)
    # The largest fractions first; among equal fractions the earlier part (a stable sort keeps the order).
    by_fraction = sorted(range(len(shares)), key=lambda i: shares[i] - parts[i], reverse=True)
    for i in sorted(by_fraction[:left]):
        parts[i] += 1
    return [Decimal(p).scaleb(-2) for p in parts]


def prorate(amount: Decimal, done: Decimal | int, whole: Decimal | int) -> Decimal:
    """The share ``done / whole`` of ``amount``, rounded half up to the cent (``amount`` itself once done).

    Parameters
    ----------
    amount : Decimal
        A whole number of cents.
    done, whole : Decimal or int
        How much of the whole is done (units delivered, months elapsed), from 0 to ``whole``; ``whole``
        positive.

    Examples
    --------
    A plan of 1 000.00 over 36 months: after one month 27.78, after two 55.56; the second month's part is
    the difference, 27.78; after 36 months all of it.

    >>> prorate(Decimal("1000.00"), 1, 36), prorate(Decimal("1000.00"), 2, 36), prorate(Decimal("1000.00"), 36, 36)
    (Decimal('27.78'), Decimal('55.56'), Decimal('1000.00'))
    >>> [prorate(Decimal("0.10"), k, 3) - prorate(Decimal("0.10"), k - 1, 3) for k in (1, 2, 3)]
    [Decimal('0.03'), Decimal('0.04'), Decimal('0.03')]
    """
    if whole <= 0:
        raise InvalidInput(f"the whole must be positive, got {whole}", where="whole")
    if not 0 <= done <= whole:
        raise InvalidInput(f"done must be from 0 to {whole}, got {done}", where="done")
    cents = _cents(amount, "amount")
    if isinstance(done, int) and isinstance(whole, int):
        top, bottom = cents * done, whole  # months, units: plain integers, no fractions needed
    else:
        exact = cents * Fraction(done) / Fraction(whole)
        top, bottom = exact.numerator, exact.denominator
    # Half up (away from zero), in whole cents: exact integer arithmetic, no decimal context in between.
    rounded = (2 * abs(top) + bottom) // (2 * bottom)
    return Decimal(rounded if top >= 0 else -rounded).scaleb(-2)

__all__ = ["CENT", "allocate", "prorate"]
