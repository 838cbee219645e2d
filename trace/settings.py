"""Settings read from the environment (``CRADLETRACE_*`` variables).

One frozen :class:`Settings` value is built from ``os.environ`` by
:func:`load_settings`; the document readers' :class:`Limits` come from
:func:`load_limits` (part of the settings too). Nothing else in the package reads the environment.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Mapping

from cradletrace.errors import ConfigurationError

DEFAULT_RESOLVER_URL = "https://id.gs1.org"
DEFAULT_DISCOUNT_APPROVAL_THRESHOLD = Decimal("0.15")
"""A quote whose discount is above this fraction needs a sales manager's approval before it is sent."""
_PREFIX_RE = re.compile(r"^\d{6,12}$")
MAX_NESTING_CEILING = 120
"""The highest nesting limit that can be set: stored events are serialised by orjson, which stops at
255 levels, and an XML event's canonical form can take up to two levels per element."""


@dataclass(frozen=True)
class Limits:
    """What the document readers accept; far above real EPCIS documents, so only hostile input meets them.

    Attributes
    ----------
    max_nesting : int
        Levels of JSON objects and arrays, or of XML elements, within one event, the event
        itself being level 1 (``CRADLETRACE_MAX_NESTING``, at most :data:`MAX_NESTING_CEILING`).
    max_value_bytes : int
        UTF-8 bytes of one value: a JSON string or key, an XML text or attribute
        (``CRADLETRACE_MAX_VALUE_BYTES``).
    max_events : int
        Events in one document (``CRADLETRACE_MAX_EVENTS``).
    max_document_bytes : int
        Bytes of one document (``CRADLETRACE_MAX_DOCUMENT_BYTES``).

    Examples
    --------
    >>> Limits().max_nesting, Limits(max_events=5).max_events
    (64, 5)
    """

    max_nesting: int = 64
    max_value_bytes: int = 1 << 20
    max_events: int = 10_000_000
    max_document_bytes: int = 2 << 30

    def __post_init__(self) -> None:
        for attribute, variable in LIMIT_VARIABLES.items():
            value = getattr(self, attribute)
            if not isinstance(value, int) or value < 1:
                raise ConfigurationError(f"{value!r} is not a limit: give a positive whole number", where=variable)
        if not 2 <= self.max_nesting <= MAX_NESTING_CEILING:
            raise ConfigurationError(f"{self.max_nesting} is not a nesting limit: give 2 to {MAX_NESTING_CEILING} "
                                     "(stored events are serialised by orjson, which stops at 255 levels)",
                                     where=LIMIT_VARIABLES["max_nesting"])


LIMIT_VARIABLES = {
    "max_nesting": "CRADLETRACE_MAX_NESTING",
    "max_value_bytes": "CRADLETRACE_MAX_VALUE_BYTES",
    "max_events": "CRADLETRACE_MAX_EVENTS",
    "max_document_bytes": "CRADLETRACE_MAX_DOCUMENT_BYTES",
}
"""The environment variable of each :class:`Limits` field (messages name it as the way to raise a limit)."""


@dataclass(frozen=True)
class Settings:
    """The deployment's configuration.

    Attributes
    ----------
    database_url : str
        SQLAlchemy URL of the database (``CRADLETRACE_DATABASE_URL``).
    secret_key : str
        Key that signs sessions and tokens (``CRADLETRACE_SECRET_KEY``).
    resolver_url : str
        Base URL that labels and links point to (``CRADLETRACE_RESOLVER_URL``).
    company_prefixes : tuple of str
        GS1 company prefixes whose length is known, so EPC URNs can be rendered
        for their keys (``CRADLETRACE_COMPANY_PREFIXES``, comma separated).
    instance_path : Path
        Folder for the embedded database and generated files.
    limits : Limits
        What the document readers accept (``CRADLETRACE_MAX_*``).
    discount_approval_threshold : Decimal
        The discount (a fraction) above which a quote needs a sales manager's approval before it is
        sent (``CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD``; :mod:`cradletrace.commerce.approvals`).
    seller : str or None
        The party that sells: its GLN, Digital Link or URI (``CRADLETRACE_SELLER``), printed on quotes.
    """

    database_url: str
    secret_key: str
    resolver_url: str = DEFAULT_RESOLVER_URL
    company_prefixes: tuple[str, ...] = field(default_factory=tuple)
    instance_path: Path = Path("instance")
    limits: Limits = field(default_factory=Limits)
    discount_approval_threshold: Decimal = DEFAULT_DISCOUNT_APPROVAL_THRESHOLD
    seller: str | None = None


def default_instance_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the instance folder is: ``CRADLETRACE_INSTANCE_PATH``, else the checkout's ``instance/``.

    Outside a source checkout (an installed package) it follows Flask's rule for
    installed packages: ``{sys.prefix}/var/cradletrace-instance``.

    Examples
    --------
    >>> default_instance_path({"CRADLETRACE_INSTANCE_PATH": "/srv/ct"})
    PosixPath('/srv/ct')
    """
    environ = os.environ if environ is None else environ
    if environ.get("CRADLETRACE_INSTANCE_PATH"):
        return Path(environ["CRADLETRACE_INSTANCE_PATH"])
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "setup.cfg").is_file() and (checkout / "trace").is_dir():
        return checkout / "instance"
    return Path(sys.prefix) / "var" / "cradletrace-instance"


def parse_company_prefixes(text: str) -> tuple[str, ...]:
    """Parse a comma-separated list of GS1 company prefixes (6 to 12 digits each).

    Examples
    --------
    >>> parse_company_prefixes("0614141, 4012345")
    ('0614141', '4012345')
    >>> parse_company_prefixes("12ab")
    Traceback (most recent call last):
    ...
    cradletrace.errors.ConfigurationError: CRADLETRACE_COMPANY_PREFIXES: '12ab' is not a GS1 company prefix (6 to 12 digits)
    """
    prefixes = tuple(p.strip() for p in text.split(",") if p.strip())
    for prefix in prefixes:
        if not _PREFIX_RE.match(prefix):
            raise ConfigurationError(
                f"{prefix!r} is not a GS1 company prefix (6 to 12 digits)",
                where="CRADLETRACE_COMPANY_PREFIXES",
            )
    return prefixes


def load_limits(environ: Mapping[str, str] | None = None) -> Limits:
    """The readers' :class:`Limits`: each ``CRADLETRACE_MAX_*`` variable that is set, else the default.

    Values are whole numbers (``_`` may group digits).

    Examples
    --------
    >>> load_limits({"CRADLETRACE_MAX_EVENTS": "1_000"}).max_events
    1000
    >>> load_limits({"CRADLETRACE_MAX_NESTING": "500"})
    Traceback (most recent call last):
    ...
    cradletrace.errors.ConfigurationError: CRADLETRACE_MAX_NESTING: 500 is not a nesting limit: give 2 to 120 (stored events are serialised by orjson, which stops at 255 levels)
    """
    environ = os.environ if environ is None else environ
    values: dict[str, int] = {}
    for attribute, variable in LIMIT_VARIABLES.items():
        text = environ.get(variable, "").strip()
        if not text:
            continue
        try:
            values[attribute] = int(text)
        except ValueError:
            raise ConfigurationError(f"{text!r} is not a whole number", where=variable) from None
    return Limits(**values)


def load_discount_threshold(environ: Mapping[str, str] | None = None) -> Decimal:
    """The discount approval threshold: ``CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD`` (a fraction from 0 to 1),
    else :data:`DEFAULT_DISCOUNT_APPROVAL_THRESHOLD`.

    Examples
    --------
    >>> load_discount_threshold({}), load_discount_threshold({"CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD": "0.2"})
    (Decimal('0.15'), Decimal('0.2'))
    >>> load_discount_threshold({"CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD": "15%"})
    Traceback (most recent call last):
    ...
    cradletrace.errors.ConfigurationError: CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD: '15%' is not a fraction from 0 to 1 (0.15 is 15 %)
    """
    environ = os.environ if environ is None else environ
    variable = "CRADLETRACE_DISCOUNT_APPROVAL_THRESHOLD"
    text = environ.get(variable, "").strip()
    if not text:
        return DEFAULT_DISCOUNT_APPROVAL_THRESHOLD
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 <= value <= 1:
        raise ConfigurationError(f"{text!r} is not a fraction from 0 to 1 (0.15 is 15 %)", where=variable)
    return value


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build :class:`Settings` from the environment; keyword arguments win over it.

    Examples
    --------
    >>> s = load_settings({"CRADLETRACE_INSTANCE_PATH": "/tmp/ct"})
    >>> s.database_url
    'sqlite:////tmp/ct/cradletrace.db'
    >>> load_settings({}, database_url="sqlite://").database_url
    'sqlite://'
    """
    environ = os.environ if environ is None else environ
    instance = default_instance_path(environ)
    values: dict[str, object] = {
        "database_url": environ.get("CRADLETRACE_DATABASE_URL") or f"sqlite:///{instance / 'cradletrace.db'}",
        "secret_key": environ.get("CRADLETRACE_SECRET_KEY") or "dev-only-insecure-key",
        "resolver_url": (environ.get("CRADLETRACE_RESOLVER_URL") or DEFAULT_RESOLVER_URL).rstrip("/"),
        "company_prefixes": parse_company_prefixes(environ.get("CRADLETRACE_COMPANY_PREFIXES", "")),
        "instance_path": instance,
        "limits": load_limits(environ),
        "discount_approval_threshold": load_discount_threshold(environ),
        "seller": environ.get("CRADLETRACE_SELLER", "").strip() or None,
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)  # type: ignore[arg-type]
