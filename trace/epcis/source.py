"""Where an EPCIS document is read from: sources, the peeking :class:`Stream`, and :class:`ParsedDocument`.

The two readers (:mod:`~cradletrace.epcis.jsonld_reader`, :mod:`~cradletrace.epcis.xml_reader`)
read a :class:`Stream` and return a :class:`ParsedDocument`; :mod:`~cradletrace.epcis.document`
opens the source, detects the format and hands it to one of them. Keeping these types here lets
the dependencies run one way: document -> readers -> source.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from cradletrace.epcis.limits import document_error, resolve_limits
from cradletrace.errors import InvalidInput, TraceError
from cradletrace.settings import Limits

EventItem = tuple[int, dict[str, Any], list[TraceError]]
Source = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes]

_PEEK = 4096
_SPOOL_BYTES = 8 << 20  # non-seekable input is copied to a temporary file past this size


@dataclass
class ParsedDocument:
    """An EPCIS document whose header is read and whose events are read lazily.

    Attributes
    ----------
    name : str
        The document's name in messages (file name, or ``"document"``).
    format : {'json', 'xml'}
    kind : {'EPCISDocument', 'EPCISQueryDocument', 'EPCISMasterDataDocument'}
    header : dict
        ``schemaVersion``, ``creationDate``, ``namespaces`` ({prefix: namespace}),
        ``epcisHeader`` (master data, :mod:`cradletrace.epcis.masterdata`) and
        document-level extension fields under Clark keys. Fields that follow the event
        list in the document are added when iteration reaches them.
    events : iterator of (int, dict, list of TraceError)
        ``(index, event, errors)`` in document order: the validated, normalised event and no
        errors, or the best-effort parse and its faults. Read once; document-level faults
        met on the way raise :class:`~cradletrace.errors.InvalidInput`.
    """

    name: str
    format: str
    kind: str
    header: dict[str, Any]
    events: Iterator[EventItem] = field(repr=False)


class Stream:
    """A binary reader with the first bytes peeked, closing the underlying file if it owns it.

    ``read`` is all that ijson and lxml need; ``peek`` looks ahead without consuming.
    """

    def __init__(self, raw: IO[bytes], *, owned: bool, name: str, reopen: Any = None) -> None:
        self.raw = raw
        self.owned = owned
        self.name = name
        self.reopen = reopen  # callable giving a fresh binary reader over the same bytes, or None
        self._head = b""
        self._pos = 0

    def peek(self, size: int = _PEEK) -> bytes:
        """Up to ``size`` bytes from the current position, without consuming them."""
        while len(self._head) - self._pos < size:
            chunk = self.raw.read(size)
            if not chunk:
                break
            self._head = self._head[self._pos:] + chunk
            self._pos = 0
        return self._head[self._pos:self._pos + size]

    def read(self, size: int = -1) -> bytes:
        """Read like :meth:`io.RawIOBase.read`, serving peeked bytes first."""
        if self._pos < len(self._head):
            if size is None or size < 0:
                data = self._head[self._pos:] + self.raw.read()
                self._head, self._pos = b"", 0
                return data
            data = self._head[self._pos:self._pos + size]
            self._pos += len(data)
            if self._pos >= len(self._head):
                self._head, self._pos = b"", 0
                if len(data) < size:
                    data += self.raw.read(size - len(data))
            return data
        return self.raw.read(-1 if size is None else size)

    def close(self) -> None:
        """Close the underlying file if this stream opened it."""
        if self.owned:
            self.raw.close()


def open_source(source: Source, name: str | None = None, limits: Limits | None = None) -> Stream:
    """Open bytes, a path or a binary file object as a :class:`Stream`.

    A path is opened here (and closed when the events are read); a non-seekable file object
    is copied to a spooled temporary file so that a second pass (for a JSON ``@context`` that
    follows the events) stays possible without holding the document in memory.

    Raises :class:`~cradletrace.errors.LimitExceeded` for a document larger than
    ``limits.max_document_bytes`` (``CRADLETRACE_MAX_DOCUMENT_BYTES`` when ``limits`` is not given):
    known sizes are checked before anything is read, a pipe's as it is read.

    Examples
    --------
    >>> s = open_source(b'  {"a": 1}')
    >>> s.peek(3), s.read(4), s.name
    (b'  {', b'  {"', 'document')
    >>> open_source(b'  {"a": 1}', limits=Limits(max_document_bytes=8))
    Traceback (most recent call last):
    ...
    cradletrace.errors.LimitExceeded: document: the document is 10 bytes, larger than the limit of 8 bytes; CRADLETRACE_MAX_DOCUMENT_BYTES raises the limit
    """
    limits = resolve_limits(limits)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > limits.max_document_bytes:
            raise document_error(name or "document", limits, len(data))
        return Stream(io.BytesIO(data), owned=True, name=name or "document", reopen=lambda: io.BytesIO(data))
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        label = name or path.name
        try:
            raw = path.open("rb")
            status = os.fstat(raw.fileno())
        except OSError as exc:
            raise InvalidInput(f"cannot open: {exc.strerror or exc}", where=name or str(path)) from None
        if not stat.S_ISREG(status.st_mode):  # a pipe or a device: its size is only known once read
            return Stream(_Bounded(raw, limits, label), owned=True, name=label, reopen=lambda: path.open("rb"))
        if status.st_size > limits.max_document_bytes:
            raw.close()
            raise document_error(label, limits, status.st_size)
        return Stream(raw, owned=True, name=label, reopen=lambda: path.open("rb"))
    if not hasattr(source, "read"):
        raise InvalidInput(f"cannot read an EPCIS document from a {type(source).__name__}: "
                           "give bytes, a path or a binary file", where=name or "document")
    label = name or _file_name(source)
    try:
        seekable = source.seekable()
    except (AttributeError, ValueError):
        seekable = False
    if seekable:
        start = source.tell()
        size = source.seek(0, os.SEEK_END) - start
        source.seek(start)
        if size > limits.max_document_bytes:
            raise document_error(label, limits, size)

        def reopen() -> BinaryIO:
            # The second pass reads the same file object and puts the position back afterwards.
            return _Rewound(source, start)

        return Stream(source, owned=False, name=label, reopen=reopen)
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES)
    shutil.copyfileobj(_Bounded(source, limits, label), spool)
    spool.seek(0)
    return Stream(spool, owned=True, name=label, reopen=lambda: _Rewound(spool, 0))


class _Bounded:
    """Reads a file of unknown size, refusing it once it is larger than the document limit."""

    def __init__(self, raw: IO[bytes], limits: Limits, name: str) -> None:
        self.raw = raw
        self.limits = limits
        self.name = name
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        if self.count > self.limits.max_document_bytes:
            raise document_error(self.name, self.limits)
        return data

    def close(self) -> None:
        self.raw.close()


class _Rewound:
    """Reads a seekable file from ``start`` and restores its position when closed."""

    def __init__(self, raw: IO[bytes], start: int) -> None:
        self.raw = raw
        self.saved = raw.tell()
        raw.seek(start)

    def read(self, size: int = -1) -> bytes:
        return self.raw.read(size)

    def close(self) -> None:
        self.raw.seek(self.saved)


def _file_name(fp: Any) -> str:
    name = getattr(fp, "name", None)
    return Path(name).name if isinstance(name, str) else "document"
