"""cradletrace: cradle-to-grave traceability of serialized products on GS1 EPCIS 2.0.

The core package (folder ``trace/``, import name ``cradletrace``). It holds the
models, identifiers, EPCIS capture and query, lineage, lifecycle services and the
CLI. It never imports Flask, ``cradletrace.web`` or ``cradletrace.labels``.
"""

__version__ = "0.1.0"
