"""Run the real ``cradletrace`` command line (``cradletrace.cli:main``) in this process, and record
how many SQL statements it sent and how long the command took after the imports.

Usage: ``python ctwrap.py STATS.json capture FILE --database URL``; everything after the stats path
goes to cradletrace unchanged. The console script does nothing else, so this is ``cradletrace capture``
with a counter attached (a ``before_cursor_execute`` listener on every Engine).
"""

from __future__ import annotations

import json
import sys
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine

_count = [0]


@event.listens_for(Engine, "before_cursor_execute")
def _on_execute(*_args: object) -> None:
    _count[0] += 1


def main() -> int:
    stats_path, args = sys.argv[1], sys.argv[2:]
    imported = time.perf_counter()
    from cradletrace.cli import main as cradletrace

    start = time.perf_counter()
    status = 0
    try:
        cradletrace.main(args=args, prog_name="cradletrace", standalone_mode=True)
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        with open(stats_path, "w") as fp:
            json.dump({"statements": _count[0], "seconds": time.perf_counter() - start,
                       "import_seconds": start - imported}, fp)
    return status


if __name__ == "__main__":
    sys.exit(main())
