"""Floors: the same work done with nothing but the raw driver (sqlite3 / psycopg) or hashlib.

* :func:`raw_copy`: every row a capture wrote (captures, nodes, units, lots, events,
  event_objects, biz_transactions, edges, unit_states, log_head) is read back from the
  captured database, then written into a fresh database of the same schema with one
  ``executemany`` per table in one transaction, with no parsing, validation or hashing.
  Only the writing is timed.
* :func:`hash_floor`: the chain hash (sha256 over previous hash + event hash + payload) over
  the same bytes, from memory.
* raw recursive CTEs for the lineage questions live in ``lineage_bench.RawQueries``.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from common import raw_connect

# Parents before children (foreign keys are on).
TABLES = ["captures", "nodes", "units", "lots", "events", "event_objects", "biz_transactions", "edges", "unit_states"]


def _param(url: str) -> str:
    return "?" if url.startswith("sqlite") else "%s"


def read_rows(url: str) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every row of the captured tables, with their column names, and the log head."""
    conn = raw_connect(url)
    try:
        data: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table in TABLES + ["log_head"]:
            cur = conn.cursor()
            cur.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cur.description]
            fetched = cur.fetchall()
            if not url.startswith("sqlite"):
                # JSON columns come back as dicts; wrap them for psycopg (done here, outside the timing).
                from psycopg.types.json import Json

                fetched = [tuple(Json(v) if isinstance(v, (dict, list)) else v for v in r) for r in fetched]
            data[table] = (columns, [tuple(r) for r in fetched])
        return data
    finally:
        conn.close()


def raw_copy(rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]], dst_url: str) -> float:
    """Write ``rows`` into the empty migrated database at ``dst_url``; returns the seconds it took."""
    mark = _param(dst_url)
    conn = raw_connect(dst_url)
    sqlite = dst_url.startswith("sqlite")
    try:
        start = time.perf_counter()
        cur = conn.cursor()
        if sqlite:
            cur.execute("BEGIN")
        for table in TABLES:
            columns, values = rows[table]
            if not values:
                continue
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
            cur.executemany(sql, values)
        columns, values = rows["log_head"]
        head = dict(zip(columns, values[0]))
        cur.execute(f"UPDATE log_head SET last_seq = {mark}, chain_hash = {mark} WHERE id = 1",
                    (head["last_seq"], head["chain_hash"]))
        if sqlite:
            cur.execute("COMMIT")
        else:
            conn.commit()
        return time.perf_counter() - start
    finally:
        conn.close()


def counts(rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]) -> dict[str, int]:
    return {table: len(values) for table, (_c, values) in rows.items()}


def chain_inputs(url: str) -> list[tuple[bytes, bytes]]:
    """(event_hash, payload) bytes of every log entry in log order."""
    conn = raw_connect(url)
    try:
        cur = conn.cursor()
        cur.execute("SELECT event_hash, payload FROM events ORDER BY id")
        return [(h.encode("ascii"), p.encode("utf-8")) for h, p in cur.fetchall()]
    finally:
        conn.close()


def hash_floor(entries: list[tuple[bytes, bytes]], repeat: int = 3) -> float:
    """Best seconds of hashing the chain over ``entries`` with hashlib alone."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        previous = b"0" * 64
        sha = hashlib.sha256
        for event_hash, payload in entries:
            digest = sha(previous)
            digest.update(event_hash)
            digest.update(payload)
            previous = digest.hexdigest().encode("ascii")
        best = min(best, time.perf_counter() - start)
    return best
