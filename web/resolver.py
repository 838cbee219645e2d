"""The GS1 Digital Link resolver at the root (filled in below the skeleton)."""

from __future__ import annotations

from flask import Blueprint

from cradletrace.identifiers import parse

bp = Blueprint("resolver", __name__)


def canonical_path(value: str) -> str:
    """The path on this site of the canonical Digital Link of ``value`` (any accepted form)."""
    key = parse(value.strip()).key_uri
    return "/" + key.split("://", 1)[1].split("/", 1)[1]
