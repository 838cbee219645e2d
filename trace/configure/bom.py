"""The bill of materials of a configuration: the base components and those of each chosen option (pure).

Quantities are exact Decimals. A product that several sources put in (the base and an option, or
two options) is one row with the sum, at the place of its first appearance: base components in
their order, then the options in group order. The saved snapshot
(``configurations.bom``) writes quantities as plain decimal strings (``"2"``, ``"0.35"``) so that
JSON keeps them exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from cradletrace.units import plain

Row = tuple[str, Decimal]
"""One bill-of-materials row: the component's GTIN and its quantity."""


def bill_of_materials(base: Sequence[Row], by_option: Mapping[str, Sequence[Row]], chosen: Iterable[str]) -> list[Row]:
    """The base rows, then the rows of each chosen option in the order given, summed per GTIN.

    Examples
    --------
    >>> base = [("09506000134376", Decimal(1))]
    >>> options = {"c10": [("09506000134383", Decimal(16))], "mount": [("09506000134376", Decimal(1))]}
    >>> bill_of_materials(base, options, ["c10", "mount", "red"])
    [('09506000134376', Decimal('2')), ('09506000134383', Decimal('16'))]
    """
    total: dict[str, Decimal] = {}
    for rows in (base, *(by_option.get(option, ()) for option in chosen)):
        for gtin, quantity in rows:
            total[gtin] = total.get(gtin, Decimal(0)) + quantity
    return list(total.items())


def snapshot(rows: Iterable[Row]) -> list[dict[str, str]]:
    """The rows as the JSON a saved configuration keeps.

    Examples
    --------
    >>> snapshot([("09506000134376", Decimal("2.000000"))])
    [{'gtin': '09506000134376', 'quantity': '2'}]
    """
    return [{"gtin": gtin, "quantity": plain(quantity)} for gtin, quantity in rows]
