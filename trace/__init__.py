"""cradletrace: cradle-to-grave traceability of serialized products on GS1 EPCIS 2.0.

The core package (folder ``trace/``, import name ``cradletrace``), in layers: each
package imports only those below it (setup.cfg's import contracts, checked by
``scripts/lint-imports`` and the test suite).

* :mod:`cradletrace.cli`: the ``cradletrace`` command.
* :mod:`cradletrace.demo`: the demo world, built through the services below (the ``demo`` command
  is the web layer's, which adds the logins and the label sheet).
* ``cradletrace.reports`` (to come): reports and exports, the only pandas user; below it
  ``cradletrace.commerce``, ``cradletrace.metrics`` and ``cradletrace.compliance`` (to come).
* :mod:`cradletrace.lifecycle`: the lifecycle services and master data.
* :mod:`cradletrace.query` (EPCIS event queries), :mod:`cradletrace.lineage` (lineage
  questions in recursive SQL) and :mod:`cradletrace.findings` (chain-of-custody findings),
  independent of each other.
* :mod:`cradletrace.log`: the hash-chained event log: capture, audit, rebuild.
* :mod:`cradletrace.projections`: what events mean for unit state and lineage edges.
* :mod:`cradletrace.epcis`: EPCIS 2.0 documents: readers, writers, rules, the event hash.
* :mod:`cradletrace.identifiers`: GS1 keys and canonical Digital Links; CBV 2.0 and
  cradletrace's own vocabulary.
* The foundation: :mod:`cradletrace.models`, :mod:`cradletrace.errors`,
  :mod:`cradletrace.settings`, :mod:`cradletrace.db`, :mod:`cradletrace.bulk`,
  :mod:`cradletrace.timestamps`, :mod:`cradletrace.migrate`, :mod:`cradletrace.units`.

It never imports Flask, ``cradletrace.web`` or ``cradletrace.labels``, which are built on it.
"""

__version__ = "0.1.0"
