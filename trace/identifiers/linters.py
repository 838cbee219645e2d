"""Content checks ("linters") that the GS1 syntax dictionary names for AI value components.

Each linter takes the text of one component and returns ``None`` when it is fine, or a
short message saying what is wrong. :func:`lint` runs one by name. The algorithms follow the
GS1 General Specifications and the GS1 Barcode Syntax Tests; the code lists (ISO 3166,
ISO 4217, package types, media types) live in :mod:`cradletrace.identifiers.code_lists`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cradletrace.identifiers.checkdigit import check_digit, is_valid_check_pair
from cradletrace.identifiers.code_lists import (
    ISO3166_ALPHA2,
    ISO3166_NUMERIC,
    ISO4217_NUMERIC,
    MEDIA_TYPES,
    PACKAGE_TYPES,
)
from cradletrace.identifiers.coupons import lint_coupon_code, lint_coupon_positive_offer

Linter = Callable[[str], "str | None"]

GCP_MIN_LENGTH = 4


def _csum(value: str) -> str | None:
    expected = check_digit(value[:-1]) if len(value) > 1 else None
    return None if expected == value[-1] else f"check digit should be {expected}"


def _csumalpha(value: str) -> str | None:
    if len(value) < 2:
        return "too short to end with a check character pair"
    if not value[:-2].isascii() or not value[-2:].isalnum():
        return "check character pair must be two of 2-9, A-Z"
    return None if is_valid_check_pair(value) else "incorrect check character pair"


def _gcp_at(offset: int) -> Linter:
    def lint(value: str) -> str | None:
        prefix = value[offset:offset + GCP_MIN_LENGTH]
        if len(prefix) < GCP_MIN_LENGTH:
            return "too short to hold a GS1 Company Prefix"
        if not prefix.isdigit() or not prefix.isascii():
            return "does not start with a GS1 Company Prefix (digits)"
        return None
    return lint


def _date(value: str, *, century: bool, day_zero: bool) -> str | None:
    year = int(value[:4]) if century else 2000 + int(value[:2])
    month, day = int(value[-4:-2]), int(value[-2:])
    if not 1 <= month <= 12:
        return f"month {value[-4:-2]} is not 01-12"
    if day == 0 and day_zero:
        return None
    if not 1 <= day <= _days_in_month(year, month, two_digit_year=not century):
        return f"day {value[-2:]} does not exist in that month"
    return None


def _days_in_month(year: int, month: int, *, two_digit_year: bool) -> int:
    if month == 2:
        # With a two-digit year every year divisible by 4 counts as a leap year (50-year window rule aside).
        leap = year % 4 == 0 if two_digit_year else (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _range(name: str, low: int, high: int) -> Linter:
    def lint(value: str) -> str | None:
        return None if low <= int(value) <= high else f"{name} {value} is not {low:0{len(value)}}-{high}"
    return lint


def _hhmi(value: str) -> str | None:
    return _range("hour", 0, 23)(value[:2]) or _range("minute", 0, 59)(value[2:])


def _nonzero(value: str) -> str | None:
    return None if value.strip("0") else "must not be zero"


def _zero(value: str) -> str | None:
    return None if value == "0" else "must be 0"


def _yesno(value: str) -> str | None:
    return None if value in ("0", "1") else "must be 0 or 1"


def _nozeroprefix(value: str) -> str | None:
    return "must not start with 0" if len(value) > 1 and value[0] == "0" else None


def _hasnondigit(value: str) -> str | None:
    return None if not value.isdigit() else "must contain a non-digit character"


def _hyphen(value: str) -> str | None:
    return None if set(value) <= {"-"} else "must be hyphens only"


def _pieceoftotal(value: str) -> str | None:
    half = len(value) // 2
    piece, total = int(value[:half]), int(value[half:])
    if piece == 0:
        return "piece number must not be zero"
    if total == 0:
        return "total number of pieces must not be zero"
    return "piece number exceeds the total" if piece > total else None


_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def _pcenc(value: str) -> str | None:
    return "invalid percent-encoding" if _PERCENT.search(value) else None


def _winding(value: str) -> str | None:
    return None if value in ("0", "1", "9") else "winding direction must be 0, 1 or 9"


def _importeridx(value: str) -> str | None:
    return None if re.fullmatch(r"[0-9A-Za-z_-]", value) else "importer index must be one of 0-9 A-Z a-z - _"


def _latitude(value: str) -> str | None:
    return None if int(value) <= 1800000000 else "latitude out of range"


def _longitude(value: str) -> str | None:
    return None if int(value) <= 3600000000 else "longitude out of range"


def _posinseqslash(value: str) -> str | None:
    m = re.fullmatch(r"(\d+)/(\d+)", value)
    if not m:
        return "must be <position>/<end>"
    position, end = m.groups()
    if position.startswith("0") or end.startswith("0"):
        return "numbers must not start with 0"
    return "position exceeds the end" if int(position) > int(end) else None


def _iso5218(value: str) -> str | None:
    return None if value in ("0", "1", "2", "9") else "biological sex code must be 0, 1, 2 or 9"


def _iban(value: str) -> str | None:
    if len(value) < 4:
        return "IBAN too short"
    if value[:2] not in ISO3166_ALPHA2:
        return f"IBAN country code {value[:2]} is not an ISO 3166 alpha-2 code"
    if len(value) <= 10:
        return "IBAN too short"
    if not re.fullmatch(r"[0-9A-Z]+", value):
        return "IBAN may hold only 0-9 and A-Z"
    rearranged = value[4:] + value[:4]
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return None if number % 97 == 1 else "incorrect IBAN checksum"


def _member_of(codes: frozenset[str], what: str) -> Linter:
    def lint(value: str) -> str | None:
        return None if value in codes else f"{value!r} is not {what}"
    return lint


def _iso3166list(value: str) -> str | None:
    if len(value) % 3:
        return "must be a list of three-digit ISO 3166 country codes"
    bad = [value[i:i + 3] for i in range(0, len(value), 3) if value[i:i + 3] not in ISO3166_NUMERIC]
    return f"{bad[0]} is not an ISO 3166 country code" if bad else None


def _mmoptss(value: str) -> str | None:
    return _range("minute", 0, 59)(value[:2]) or (_range("second", 0, 59)(value[2:]) if len(value) > 2 else None)


LINTERS: dict[str, Linter] = {
    "csum": _csum,
    "csumalpha": _csumalpha,
    "key": _gcp_at(0),
    "keyoff1": _gcp_at(1),
    "gcppos1": _gcp_at(0),
    "gcppos2": _gcp_at(1),
    "yymmd0": lambda v: _date(v, century=False, day_zero=True),
    "yymmdd": lambda v: _date(v, century=False, day_zero=False),
    "yyyymmd0": lambda v: _date(v, century=True, day_zero=True),
    "yyyymmdd": lambda v: _date(v, century=True, day_zero=False),
    "yymmddhh": lambda v: _date(v[:6], century=False, day_zero=False) or _range("hour", 0, 23)(v[6:]),
    "hhmi": _hhmi,
    "hhmm": _hhmi,
    "hh": _range("hour", 0, 23),
    "mi": _range("minute", 0, 59),
    "mm": _range("minute", 0, 59),
    "ss": _range("second", 0, 59),
    "mmoptss": _mmoptss,
    "nonzero": _nonzero,
    "zero": _zero,
    "yesno": _yesno,
    "nozeroprefix": _nozeroprefix,
    "hasnondigit": _hasnondigit,
    "hyphen": _hyphen,
    "pieceoftotal": _pieceoftotal,
    "pcenc": _pcenc,
    "winding": _winding,
    "importeridx": _importeridx,
    "latitude": _latitude,
    "longitude": _longitude,
    "posinseqslash": _posinseqslash,
    "iso5218": _iso5218,
    "iban": _iban,
    "iso3166": _member_of(ISO3166_NUMERIC, "an ISO 3166 numeric country code"),
    "iso3166999": _member_of(ISO3166_NUMERIC | {"999"}, "an ISO 3166 numeric country code or 999"),
    "iso3166alpha2": _member_of(ISO3166_ALPHA2, "an ISO 3166 alpha-2 country code"),
    "iso3166list": _iso3166list,
    "iso4217": _member_of(ISO4217_NUMERIC, "an ISO 4217 numeric currency code"),
    "packagetype": _member_of(PACKAGE_TYPES, "a package type code (UN/ECE Rec 21)"),
    "mediatype": _member_of(MEDIA_TYPES, "a GS1 AIDC media type code"),
    "couponcode": lint_coupon_code,
    "couponposoffer": lint_coupon_positive_offer,
}


def lint(name: str, value: str) -> str | None:
    """Run the linter called ``name`` on ``value``: ``None`` if it passes, else what is wrong.

    Parameters
    ----------
    name : str
        A linter named in the syntax dictionary, for example ``"csum"`` or ``"yymmd0"``.
    value : str
        The component text (already checked for its character set and length).

    Raises
    ------
    KeyError
        For a linter this module does not know (a newer syntax dictionary).

    Examples
    --------
    >>> lint("csum", "09506000134352") is None
    True
    >>> lint("csum", "09506000134353")
    'check digit should be 2'
    >>> lint("yymmd0", "261300")
    'month 13 is not 01-12'
    """
    return LINTERS[name](value)
