"""EPC URNs (GS1 Tag Data Standard) to and from GS1 AI pairs.

URN to AIs is mechanical: join the company prefix and reference, add the check digit.
AIs to URN needs the length of the GS1 Company Prefix, which a key does not carry; the
caller gives the prefixes it knows (our own, configured) and the longest that matches wins.
Non-GS1 EPC schemes (``gid``, ``usdod``, ``adi``, ``bic``, ``imovn``) have no Digital Link;
they are validated with epcpy and kept as URNs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from epcpy.utils.common import ConvertException
from epcpy.utils.parsers import epc_pure_identity_to_scheme

from cradletrace.errors import InvalidIdentifier
from cradletrace.identifiers.ai_table import lookup
from cradletrace.identifiers.ai_values import validate_ai_value
from cradletrace.identifiers.checkdigit import check_digit

AIPairs = tuple[tuple[str, str], ...]

NON_GS1_SCHEMES = frozenset({"gid", "usdod", "adi", "bic", "imovn"})
_GS3A3 = re.compile(r"(?:[A-Za-z0-9!'()*+,\-.:;=_]|%[0-9A-Fa-f]{2})+")
_CPREF = re.compile(r"(?:[0-9A-Z-]|%2[Ff]|%23)*")
_DIGITS = re.compile(r"[0-9]*")
_SERIAL_NUMBER = re.compile(r"0|[1-9][0-9]*")
_VALID_GCP = re.compile(r"[0-9]{6,12}")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_NEEDS_ESCAPE = re.compile(r"[^A-Za-z0-9!'()*+,\-.:;=_]")


@dataclass(frozen=True, slots=True)
class _Scheme:
    """How one EPC scheme maps to AIs: its number of URN fields and the builder of the AI pairs."""

    fields: int
    build: Callable[[list[str]], list[tuple[str, str]]]
    class_build: Callable[[list[str]], list[tuple[str, str]]] | None = None


def _unescape(value: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def _escape(value: str) -> str:
    return _NEEDS_ESCAPE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), value)


def _need(condition: bool, message: str) -> None:
    if not condition:
        raise InvalidIdentifier(message, where="EPC URN")


def _gcp(fields: list[str]) -> str:
    gcp = fields[0]
    _need(bool(re.fullmatch(r"[0-9]{6,12}", gcp)), f"company prefix {gcp!r} must be 6 to 12 digits")
    return gcp


def _numeric(value: str, what: str, length: int | None = None, *, allow_empty: bool = True) -> str:
    _need(bool(_DIGITS.fullmatch(value)) and (allow_empty or value != ""), f"{what} {value!r} must be digits")
    if length is not None:
        _need(len(value) == length, f"{what} has {len(value)} digits; with the company prefix it needs {length}")
    return value


def _gs3a3(value: str, what: str) -> str:
    _need(bool(_GS3A3.fullmatch(value)), f"{what} {value!r} is empty or has characters a URN must %-escape")
    return _unescape(value)


def _with_cd(digits: str) -> str:
    return digits + check_digit(digits)


def _gtin(f: list[str]) -> str:
    gcp = _gcp(f)
    item = _numeric(f[1], "indicator and item reference", 13 - len(gcp), allow_empty=False)
    return _with_cd(item[0] + gcp + item[1:])


def _gln(f: list[str]) -> str:
    gcp = _gcp(f)
    return _with_cd(gcp + _numeric(f[1], "location reference", 12 - len(gcp)))


def _sgtin(f: list[str]) -> list[tuple[str, str]]:
    return [("01", _gtin(f)), ("21", _gs3a3(f[2], "serial"))]


def _lgtin(f: list[str]) -> list[tuple[str, str]]:
    return [("01", _gtin(f)), ("10", _gs3a3(f[2], "lot"))]


def _upui(f: list[str]) -> list[tuple[str, str]]:
    return [("01", _gtin(f)), ("235", _gs3a3(f[2], "third-party serial"))]


def _sscc(f: list[str]) -> list[tuple[str, str]]:
    gcp = _gcp(f)
    ref = _numeric(f[1], "extension and serial reference", 17 - len(gcp), allow_empty=False)
    return [("00", _with_cd(ref[0] + gcp + ref[1:]))]


def _sgln(f: list[str]) -> list[tuple[str, str]]:
    extension = _gs3a3(f[2], "extension")
    pairs = [("414", _gln(f))]
    return pairs if extension == "0" else pairs + [("254", extension)]


def _pgln(f: list[str]) -> list[tuple[str, str]]:
    return [("417", _gln(f))]


def _grai_key(f: list[str]) -> str:
    gcp = _gcp(f)
    return "0" + _with_cd(gcp + _numeric(f[1], "asset type", 12 - len(gcp)))


def _grai(f: list[str]) -> list[tuple[str, str]]:
    return [("8003", _grai_key(f) + _gs3a3(f[2], "serial"))]


def _gdti_key(f: list[str]) -> str:
    gcp = _gcp(f)
    return _with_cd(gcp + _numeric(f[1], "document type", 12 - len(gcp)))


def _gdti(f: list[str]) -> list[tuple[str, str]]:
    return [("253", _gdti_key(f) + _gs3a3(f[2], "serial"))]


def _sgcn(f: list[str]) -> list[tuple[str, str]]:
    return [("255", _gdti_key(f) + _numeric(f[2], "serial", allow_empty=False))]


def _giai(f: list[str]) -> list[tuple[str, str]]:
    return [("8004", _gcp(f) + _gs3a3(f[1], "asset reference"))]


def _ginc(f: list[str]) -> list[tuple[str, str]]:
    return [("401", _gcp(f) + _gs3a3(f[1], "consignment reference"))]


def _gsin(f: list[str]) -> list[tuple[str, str]]:
    gcp = _gcp(f)
    return [("402", _with_cd(gcp + _numeric(f[1], "shipper reference", 16 - len(gcp))))]


def _gsrn(ai: str) -> Callable[[list[str]], list[tuple[str, str]]]:
    def build(f: list[str]) -> list[tuple[str, str]]:
        gcp = _gcp(f)
        return [(ai, _with_cd(gcp + _numeric(f[1], "service reference", 17 - len(gcp))))]
    return build


def _cpi_key(f: list[str]) -> str:
    _need(bool(_CPREF.fullmatch(f[1])), f"part reference {f[1]!r} may hold only 0-9 A-Z - %23 %2F")
    return _gcp(f) + _unescape(f[1])


def _cpi(f: list[str]) -> list[tuple[str, str]]:
    _need(f[1] != "", "the CPI part reference is empty")
    _need(bool(_SERIAL_NUMBER.fullmatch(f[2])), f"CPI serial {f[2]!r} must be a number without leading zeros")
    return [("8010", _cpi_key(f)), ("8011", f[2])]


def _itip_key(f: list[str]) -> str:
    piece = _numeric(f[2], "piece number", 2)
    total = _numeric(f[3], "total count", 2)
    return _gtin(f) + piece + total


def _itip(f: list[str]) -> list[tuple[str, str]]:
    return [("8006", _itip_key(f)), ("21", _gs3a3(f[4], "serial"))]


SCHEMES: dict[str, _Scheme] = {
    "sgtin": _Scheme(3, _sgtin, lambda f: [("01", _gtin(f))]),
    "sscc": _Scheme(2, _sscc),
    "sgln": _Scheme(3, _sgln, lambda f: [("414", _gln(f))]),
    "pgln": _Scheme(2, _pgln),
    "grai": _Scheme(3, _grai, lambda f: [("8003", _grai_key(f))]),
    "giai": _Scheme(2, _giai),
    "gdti": _Scheme(3, _gdti, lambda f: [("253", _gdti_key(f))]),
    "sgcn": _Scheme(3, _sgcn, lambda f: [("255", _gdti_key(f))]),
    "cpi": _Scheme(3, _cpi, lambda f: [("8010", _cpi_key(f))]),
    "ginc": _Scheme(2, _ginc),
    "gsin": _Scheme(2, _gsin),
    "gsrn": _Scheme(2, _gsrn("8018")),
    "gsrnp": _Scheme(2, _gsrn("8017")),
    "itip": _Scheme(5, _itip, lambda f: [("8006", _itip_key(f))]),
    "upui": _Scheme(3, _upui, lambda f: [("01", _gtin(f))]),
}

_URN = re.compile(r"urn:epc:(id|class|idpat):([a-z]+):(.*)")


def is_epc_urn(text: str) -> bool:
    """Whether ``text`` claims to be an EPC URN (``urn:epc:id:``, ``urn:epc:class:`` or ``urn:epc:idpat:``).

    Examples
    --------
    >>> is_epc_urn("urn:epc:id:sgtin:9506000.013435.4711"), is_epc_urn("urn:uuid:1")
    (True, False)
    """
    return text.startswith(("urn:epc:id:", "urn:epc:class:", "urn:epc:idpat:"))


def urn_to_ai_pairs(urn: str) -> AIPairs | None:
    """The AI pairs of an EPC URN; ``None`` for a valid non-GS1 EPC (gid, usdod, adi, bic, imovn).

    Pure identities give the full key; ``urn:epc:class:lgtin`` gives GTIN + lot; an
    ``urn:epc:idpat:`` pattern whose last field is ``*`` gives the class-level key.

    Raises
    ------
    InvalidIdentifier
        Saying which field is wrong (company prefix, lengths, characters, missing serial).

    Examples
    --------
    >>> urn_to_ai_pairs("urn:epc:id:sgtin:9506000.013435.4711")
    (('01', '09506000134352'), ('21', '4711'))
    >>> urn_to_ai_pairs("urn:epc:id:sgln:4012345.00001.0")
    (('414', '4012345000016'),)
    >>> urn_to_ai_pairs("urn:epc:idpat:sgtin:9506000.013435.*")
    (('01', '09506000134352'),)
    """
    m = _URN.fullmatch(urn)
    if not m:
        raise InvalidIdentifier(f"{urn!r} is not an EPC URN (urn:epc:id|class|idpat:<scheme>:...)", where="EPC URN")
    level, scheme, body = m.groups()
    if level == "id" and scheme in NON_GS1_SCHEMES:
        _validate_with_epcpy(urn)
        return None
    spec = SCHEMES.get(scheme)
    fields = body.split(".", (spec.fields if spec else 3) - 1)
    pairs = _convert(level, scheme, fields)
    for ai, value in pairs:
        validate_ai_value(ai, value, where="EPC URN")
    return tuple(pairs)


def _convert(level: str, scheme: str, fields: list[str]) -> list[tuple[str, str]]:
    if level == "class":
        _need(scheme == "lgtin", f"unknown EPC class scheme {scheme!r} (only lgtin exists)")
        _need(len(fields) == 3, "urn:epc:class:lgtin needs company prefix, item reference and lot")
        return _lgtin(fields)
    spec = SCHEMES.get(scheme)
    _need(spec is not None, f"unknown EPC scheme {scheme!r}")
    assert spec is not None
    if level == "idpat":
        return _convert_pattern(scheme, spec, fields)
    _need(len(fields) == spec.fields, f"urn:epc:id:{scheme} needs {spec.fields} dot-separated fields, "
                                      f"got {len(fields)}")
    return spec.build(fields)


def _convert_pattern(scheme: str, spec: _Scheme, fields: list[str]) -> list[tuple[str, str]]:
    _need(len(fields) == spec.fields and fields[-1] == "*" and "*" not in fields[:-1],
          f"urn:epc:idpat:{scheme} must have {spec.fields} fields with only the last one '*'")
    _need(spec.class_build is not None, f"urn:epc:idpat:{scheme} has no class-level Digital Link")
    assert spec.class_build is not None
    return spec.class_build(fields)


def _validate_with_epcpy(urn: str) -> None:
    try:
        epc_pure_identity_to_scheme(urn)
    except (ConvertException, ValueError, IndexError, AttributeError) as error:
        raise InvalidIdentifier(f"{urn!r} is not a valid EPC: {error}", where="EPC URN") from None


_GCP_OFFSET = {"01": 1, "00": 1, "8006": 1, "8003": 1}


def company_prefix_of(pairs: AIPairs, prefixes: Iterable[str]) -> str | None:
    """The longest of ``prefixes`` (6-12 digits each) that is the company prefix of the key, or ``None``.

    Examples
    --------
    >>> company_prefix_of((("01", "09506000134352"),), ["950", "9506000", "4012345"])
    '9506000'
    """
    key_ai, key = pairs[0]
    offset = _GCP_OFFSET.get(key_ai, 0)
    matches = [p for p in prefixes if _VALID_GCP.fullmatch(p) and key.startswith(p, offset)]
    return max(matches, key=len) if matches else None


def ai_pairs_to_urn(pairs: AIPairs, prefixes: Iterable[str], *, class_level: bool = False) -> str:
    """The EPC URN of a key, splitting it with the longest of ``prefixes`` that matches.

    Parameters
    ----------
    pairs : tuple of (str, str)
        Primary key first, then its qualifiers (a parsed Digital Link path).
    prefixes : iterable of str
        GS1 Company Prefixes (6 to 12 digits) whose length is known.
    class_level : bool
        Render an ``idpat`` pattern (or ``class:lgtin``) for a key without serial.

    Raises
    ------
    InvalidIdentifier
        If no prefix matches, or the key has no EPC URN form.

    Examples
    --------
    >>> ai_pairs_to_urn((("01", "09506000134352"), ("21", "A/1")), ["9506000"])
    'urn:epc:id:sgtin:9506000.013435.A%2F1'
    >>> ai_pairs_to_urn((("414", "4012345000016"),), ["4012345"])
    'urn:epc:id:sgln:4012345.00001.0'
    """
    key_ai, key = pairs[0]
    render = _RENDERERS.get(key_ai)
    _need(render is not None, f"AI ({key_ai}) {lookup(key_ai).title} has no EPC URN form")
    assert render is not None
    gcp = company_prefix_of(pairs, prefixes)
    if gcp is None:
        raise InvalidIdentifier(f"no configured GS1 Company Prefix matches {key}: cannot build its EPC URN",
                                where="EPC URN")
    return render(key, gcp, dict(pairs), class_level)


def _urn(kind: str, scheme: str, *fields: str) -> str:
    return f"urn:epc:{kind}:{scheme}:" + ".".join(fields)


def _r_gtin(key: str, gcp: str, data: dict[str, str], class_level: bool) -> str:
    item = key[0] + key[1 + len(gcp):13]
    if "21" in data:
        return _urn("id", "sgtin", gcp, item, _escape(data["21"]))
    if "235" in data:
        return _urn("id", "upui", gcp, item, _escape(data["235"]))
    if "10" in data:
        return _urn("class", "lgtin", gcp, item, _escape(data["10"]))
    _need(class_level, "a GTIN without serial is a class: use the class-level URN")
    return _urn("idpat", "sgtin", gcp, item, "*")


def _r_sscc(key: str, gcp: str, data: dict[str, str], class_level: bool) -> str:
    return _urn("id", "sscc", gcp, key[0] + key[1 + len(gcp):17])


def _r_gln(scheme: str) -> Callable[[str, str, dict[str, str], bool], str]:
    def render(key: str, gcp: str, data: dict[str, str], class_level: bool) -> str:
        ref = key[len(gcp):12]
        if scheme == "pgln":
            return _urn("id", "pgln", gcp, ref)
        return _urn("id", "sgln", gcp, ref, _escape(data.get("254", "0")))
    return render


def _r_serialised(scheme: str, key_length: int, *, numeric_serial: bool = False
                  ) -> Callable[[str, str, dict[str, str], bool], str]:
    def render(key: str, gcp: str, data: dict[str, str], class_level: bool) -> str:
        start = 1 if scheme == "grai" else 0
        ref = key[start + len(gcp):start + key_length - 1]
        serial = key[start + key_length:]
        if not serial:
            _need(class_level, f"this {scheme.upper()} has no serial: use the class-level URN")
            return _urn("idpat", scheme, gcp, ref, "*")
        return _urn("id", scheme, gcp, ref, serial if numeric_serial else _escape(serial))
    return render


def _r_reference(scheme: str) -> Callable[[str, str, dict[str, str], bool], str]:
    def render(key: str, gcp: str, data: dict[str, str], class_level: bool) -> str:
        return _urn("id", scheme, gcp, _escape(key[len(gcp):]))
    return render


def _r_check_digit_key(scheme: str) -> Callable[[str, str, dict[str, str], bool], str]:
    def render(key: str, gcp: str, data: dict[str, str], class_level: bool) -> str:
        return _urn("id", scheme, gcp, key[len(gcp):-1])
    return render


def _r_cpi(key: str, gcp: str, data: dict[str, str], class_level: bool) -> str:
    ref = key[len(gcp):].replace("#", "%23").replace("/", "%2F")
    if "8011" not in data:
        _need(class_level, "a CPI without serial (8011) is a class: use the class-level URN")
        return _urn("idpat", "cpi", gcp, ref, "*")
    return _urn("id", "cpi", gcp, ref, data["8011"])


def _r_itip(key: str, gcp: str, data: dict[str, str], class_level: bool) -> str:
    item = key[0] + key[1 + len(gcp):13]
    piece, total = key[14:16], key[16:18]
    if "21" not in data:
        _need(class_level, "an ITIP without serial is a class: use the class-level URN")
        return _urn("idpat", "itip", gcp, item, piece, total, "*")
    return _urn("id", "itip", gcp, item, piece, total, _escape(data["21"]))


_RENDERERS: dict[str, Callable[[str, str, dict[str, str], bool], str]] = {
    "01": _r_gtin,
    "00": _r_sscc,
    "414": _r_gln("sgln"),
    "417": _r_gln("pgln"),
    "8003": _r_serialised("grai", 13),
    "253": _r_serialised("gdti", 13),
    "255": _r_serialised("sgcn", 13, numeric_serial=True),
    "8004": _r_reference("giai"),
    "401": _r_reference("ginc"),
    "402": _r_check_digit_key("gsin"),
    "8017": _r_check_digit_key("gsrnp"),
    "8018": _r_check_digit_key("gsrn"),
    "8010": _r_cpi,
    "8006": _r_itip,
}
