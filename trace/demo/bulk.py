"""Bulk production (placeholder)."""
from __future__ import annotations
import random
from collections.abc import Callable
from sqlalchemy.orm import Session


def build(session: Session, units: int, rng: random.Random, *, progress: Callable[[int], None] | None = None) -> None:
    return None
