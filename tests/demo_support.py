"""The demo world for the demo tests, built once per backend on a database of its own (tests/conftest.py's
``demo_database`` fixture), and what they read back from it.

Not a test module: the demo tests import it by name (conftest puts this folder on the path). The
world is small: the stories' packs plus one bulk batch of :data:`BULK` packs, so the bulk path is
exercised too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.db import create_db_engine
from cradletrace.demo import STORY_UNITS, build, highlights
from cradletrace.models import Event

BULK = 30
UNITS = STORY_UNITS + BULK
SEED = 7
H = highlights()
"""The story's identifiers and documents by name (``H["swapped_pack"]``, ...)."""


def build_demo(url: str, *, units: int = UNITS, seed: int = SEED) -> str:
    """Build the demo into the (migrated, empty) database at ``url`` and commit; returns ``url``."""
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            build(session, units=units, seed=seed)
            session.commit()
    finally:
        engine.dispose()
    return url


@contextmanager
def reading(url: str) -> Iterator[Session]:
    """A session on the demo database that writes nothing (closed, so rolled back, at the end; what it
    loaded stays readable)."""
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def event_hashes(session: Session) -> list[str]:
    """Every event hash of the log, sorted (what a seed must reproduce)."""
    return sorted(session.scalars(select(Event.event_hash)))
