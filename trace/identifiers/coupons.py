"""Structure checks of the North American coupon AIs (8110 coupon code, 8112 paperless positive offer).

Both are digit strings of fields, several prefixed by a one-digit "value length indicator"
(VLI). The layout follows the GS1 US "North American Coupon Application Guideline" as the
GS1 Barcode Syntax Tests check it. Each function returns ``None`` or what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


class CouponError(Exception):
    """A fault in the coupon data; the message names the field."""


def _valid_yymmdd(text: str) -> bool:
    month, day = int(text[2:4]), int(text[4:6])
    if not 1 <= month <= 12:
        return False
    if month == 2:
        days = 29 if int(text[:2]) % 4 == 0 else 28
    else:
        days = 30 if month in (4, 6, 9, 11) else 31
    return 1 <= day <= days


@dataclass
class _Reader:
    """A cursor over the coupon digits that raises :class:`CouponError` naming the field that is short or wrong."""

    data: str
    position: int = 0

    def more(self) -> bool:
        return self.position < len(self.data)

    def peek(self) -> str:
        return self.data[self.position] if self.more() else ""

    def digit(self, field: str, allowed: str | None = None) -> str:
        if not self.more():
            raise CouponError(f"missing {field}")
        value = self.data[self.position]
        if allowed is not None and value not in allowed:
            raise CouponError(f"invalid {field} {value!r}")
        self.position += 1
        return value

    def take(self, length: int, field: str) -> str:
        if len(self.data) - self.position < length:
            raise CouponError(f"truncated {field}")
        value = self.data[self.position:self.position + length]
        self.position += length
        return value

    def gcp(self, length: int, field: str) -> str:
        value = self.take(length, field)
        if len(value) < 4:
            raise CouponError(f"{field} is too short to hold a GS1 Company Prefix")
        return value

    def vli_field(self, field: str, allowed: str, extra: int = 0) -> str:
        vli = self.digit(f"{field} length indicator", allowed)
        return self.take(int(vli) + extra, field)


def _purchase(reader: _Reader, which: str) -> None:
    reader.vli_field(f"{which} purchase requirement", "12345")
    reader.digit(f"{which} purchase requirement code", "012349")
    reader.take(3, f"{which} purchase family code")


def _purchase_gcp(reader: _Reader, which: str) -> None:
    vli = reader.digit(f"{which} purchase company prefix length indicator", "01234569")
    if vli != "9":
        reader.gcp(int(vli) + 6, f"{which} purchase company prefix")


def _option_dates(reader: _Reader) -> None:
    expiry = None
    if reader.peek() == "3":
        reader.position += 1
        expiry = reader.take(6, "expiration date")
        if not _valid_yymmdd(expiry):
            raise CouponError(f"invalid expiration date {expiry}")
    if reader.peek() == "4":
        reader.position += 1
        start = reader.take(6, "start date")
        if not _valid_yymmdd(start):
            raise CouponError(f"invalid start date {start}")
        if expiry is not None and start > expiry:
            raise CouponError("expiration date is before the start date")


def _option_misc(reader: _Reader) -> None:
    reader.position += 1
    reader.digit("save value code", "01256")
    reader.digit("save value applies to item", "012")
    reader.digit("store coupon flag")
    reader.digit("don't multiply flag", "01")


def _coupon_code(reader: _Reader) -> None:
    reader.gcp(int(reader.digit("company prefix length indicator", "0123456")) + 6, "company prefix")
    reader.take(6, "offer code")
    reader.vli_field("save value", "12345")
    _purchase(reader, "1st")
    if reader.peek() == "1":
        reader.position += 1
        reader.digit("additional purchase rules code", "0123")
        _purchase(reader, "2nd")
        _purchase_gcp(reader, "2nd")
    if reader.peek() == "2":
        reader.position += 1
        _purchase(reader, "3rd")
        _purchase_gcp(reader, "3rd")
    _option_dates(reader)
    if reader.peek() == "5":
        reader.position += 1
        reader.vli_field("serial number", "0123456789", extra=6)
    if reader.peek() == "6":
        reader.position += 1
        reader.gcp(int(reader.digit("retailer company prefix or GLN length indicator", "1234567")) + 6,
                   "retailer company prefix or GLN")
    if reader.peek() == "9":
        _option_misc(reader)


def lint_coupon_code(value: str) -> str | None:
    """Check the structure of an AI (8110) coupon code; ``None`` if it is well formed.

    Examples
    --------
    >>> lint_coupon_code("012345612345611110123") is None
    True
    >>> lint_coupon_code("0123456123456")
    'missing save value length indicator'
    """
    return _run(value, _coupon_code)


def _positive_offer(reader: _Reader) -> None:
    reader.digit("format code", "01")
    reader.vli_field("funder", "0123456", extra=6)
    reader.take(6, "offer code")
    reader.vli_field("serial number", "0123456789", extra=6)


def lint_coupon_positive_offer(value: str) -> str | None:
    """Check the structure of an AI (8112) paperless coupon positive offer; ``None`` if it is well formed.

    Examples
    --------
    >>> lint_coupon_positive_offer("001234561234560123456") is None
    True
    >>> lint_coupon_positive_offer("201234561234560123456")
    "invalid format code '2'"
    """
    return _run(value, _positive_offer)


def _run(value: str, check: Callable[[_Reader], None]) -> str | None:
    if not value.isdigit() or not value.isascii():
        return "must be digits only"
    reader = _Reader(value)
    try:
        check(reader)
    except CouponError as error:
        return str(error)
    return None if not reader.more() else "excess data after the last field"
