"""Settings read from the environment (``CRADLETRACE_*`` variables).

One frozen :class:`Settings` value is built from ``os.environ`` by
:func:`load_settings`; nothing else in the package reads the environment.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from cradletrace.errors import ConfigurationError

DEFAULT_RESOLVER_URL = "https://id.gs1.org"
_PREFIX_RE = re.compile(r"^\d{6,12}$")


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
    """

    database_url: str
    secret_key: str
    resolver_url: str = DEFAULT_RESOLVER_URL
    company_prefixes: tuple[str, ...] = field(default_factory=tuple)
    instance_path: Path = Path("instance")


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
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)  # type: ignore[arg-type]
