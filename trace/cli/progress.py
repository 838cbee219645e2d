"""Progress bars for long CLI work (stderr, only at a terminal)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

from cradletrace.cli.options import progress_enabled


@contextmanager
def progress_bar(description: str, *, unit: str = "events", total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A callback ``update(done)`` that moves a bar to ``done`` units (a no-op when not at a terminal)."""
    if not progress_enabled():
        yield lambda _done: None
        return
    bar = tqdm(desc=description, unit=unit, total=total, leave=False, dynamic_ncols=True)

    def update(done: int) -> None:
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        bar.close()
