"""GS1 check digits: the mod-10 digit of numeric keys and the alphanumeric check pair of the GMN (AI 8013)."""

from __future__ import annotations

import re

from biip.checksums import gs1_standard_check_digit

from cradletrace.errors import InvalidIdentifier

_ASCII_DIGITS = re.compile(r"[0-9]+")

# GS1 General Specifications 7.9.5: the 82 characters of CSET 82 in their value order,
# and the 32 characters that the two check characters are drawn from.
_CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
_CHECK_PAIR_CHARS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_CSET82_VALUE = {c: i for i, c in enumerate(_CSET82)}


def check_digit(digits: str) -> str:
    """The GS1 mod-10 check digit of ``digits`` (the data digits, without a check digit).

    Weights 3, 1, 3, ... run from the rightmost data digit; the check digit makes the
    weighted sum a multiple of 10.

    Parameters
    ----------
    digits : str
        ASCII digits, at least one.

    Returns
    -------
    str
        One digit.

    Raises
    ------
    InvalidIdentifier
        If ``digits`` is empty or holds anything but ASCII digits.

    Examples
    --------
    >>> check_digit("0950600013435")
    '2'
    >>> check_digit("401234500001")  # GLN 4012345000016
    '6'
    """
    if not _ASCII_DIGITS.fullmatch(digits):
        raise InvalidIdentifier(f"cannot compute a check digit of {digits!r}: only the digits 0-9 are allowed")
    return str(gs1_standard_check_digit(digits))


def is_valid_check_digit(key: str) -> bool:
    """Whether the last digit of ``key`` is the GS1 mod-10 check digit of the digits before it.

    Parameters
    ----------
    key : str
        A numeric GS1 key including its check digit (GTIN, SSCC, GLN, ...).

    Returns
    -------
    bool
        ``False`` also for anything that is not at least two ASCII digits.

    Examples
    --------
    >>> is_valid_check_digit("09506000134352")
    True
    >>> is_valid_check_digit("09506000134353")
    False
    >>> is_valid_check_digit("0950600013435X")
    False
    """
    if len(key) < 2 or not _ASCII_DIGITS.fullmatch(key):
        return False
    return str(gs1_standard_check_digit(key[:-1])) == key[-1]


def require_check_digit(key: str, what: str, *, where: str | None = None) -> None:
    """Raise unless the last digit of the numeric ``key`` is its GS1 check digit.

    Parameters
    ----------
    key : str
        A numeric key including its check digit.
    what : str
        The name of the key for the message, for example ``"GTIN"``.
    where : str, optional
        Location of the key, passed on to the error.

    Raises
    ------
    InvalidIdentifier
        Naming the key and the check digit it should have.

    Examples
    --------
    >>> require_check_digit("09506000134352", "GTIN")
    >>> require_check_digit("09506000134353", "GTIN")
    Traceback (most recent call last):
    ...
    cradletrace.errors.InvalidIdentifier: check digit of GTIN 09506000134353 should be 2
    """
    if not _ASCII_DIGITS.fullmatch(key) or len(key) < 2:
        raise InvalidIdentifier(f"{what} {key!r} must be digits only", where=where)
    expected = check_digit(key[:-1])
    if expected != key[-1]:
        raise InvalidIdentifier(f"check digit of {what} {key} should be {expected}", where=where)


def check_pair(data: str) -> str:
    """The two check characters (GS1 General Specifications 7.9.5) that end a GMN (AI 8013).

    Parameters
    ----------
    data : str
        The CSET 82 characters of the GMN before its check pair.

    Returns
    -------
    str
        Two characters from ``23456789ABCDEFGHJKLMNPQRSTUVWXYZ``.

    Raises
    ------
    InvalidIdentifier
        If ``data`` holds a character outside CSET 82.

    Examples
    --------
    >>> check_pair("1987654Ad4X4bL5ttr2310c")
    '2K'
    """
    try:
        values = [_CSET82_VALUE[c] for c in data]
    except KeyError as missing:
        raise InvalidIdentifier(f"{missing.args[0]!r} is not a CSET 82 character") from None
    weights = _prime_weights(len(values))
    total = sum(v * w for v, w in zip(values, weights, strict=True)) % 1021
    return _CHECK_PAIR_CHARS[total >> 5] + _CHECK_PAIR_CHARS[total & 31]


def is_valid_check_pair(value: str) -> bool:
    """Whether the last two characters of a GMN are its check pair.

    Examples
    --------
    >>> is_valid_check_pair("1987654Ad4X4bL5ttr2310c2K")
    True
    >>> is_valid_check_pair("1987654Ad4X4bL5ttr2310cXX")
    False
    """
    if len(value) < 3:
        return False
    try:
        return check_pair(value[:-2]) == value[-2:]
    except InvalidIdentifier:
        return False


_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83,
           89, 97, 101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181,
           191, 193, 197, 199, 211)


def _prime_weights(count: int) -> list[int]:
    """Weights of the check-pair sum: the primes 2, 3, 5, ... from the rightmost character leftwards."""
    if count > len(_PRIMES):
        raise InvalidIdentifier(f"a GMN of {count} characters before its check pair is too long")
    return list(reversed(_PRIMES[:count]))
