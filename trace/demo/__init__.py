"""The demo world: a maker of e-bike battery packs, cradle to cradle, built only through the lifecycle and
commerce services, the compliance records and the capture path, the same for a given seed.

Public API
----------
build(session, units=200, seed=1, progress=None)
    Build the world of ``units`` packs (at least :data:`STORY_UNITS`, the packs of the stories; the
    rest is bulk production captured as EPCIS documents); flushes, never commits.
is_loaded(session), is_empty(session)
    Whether the demo is there, and whether the log holds any event at all (one query each).
highlights()
    The identifiers and documents each story is best seen from (``swapped_pack``, ``recalled_lot``, ...).

One module per story, in the order :func:`build` calls them: :mod:`~cradletrace.demo.catalogue`
(companies, sites, products), :mod:`~cradletrace.demo.suppliers` (lots, declarations, certificates),
:mod:`~cradletrace.demo.manufacturing` (two sites, boards fitted into packs, pallets),
:mod:`~cradletrace.demo.sales` (lead to cash), :mod:`~cradletrace.demo.configurations` (the configurable
pack, packs built to a configuration), :mod:`~cradletrace.demo.quotes` (price lists, quotes, approval),
:mod:`~cradletrace.demo.contracts` (contracts, service plans, entitlement, repairs),
:mod:`~cradletrace.demo.aftersale` (service, return, recall), :mod:`~cradletrace.demo.endoflife`
(collection, disassembly, recycling), :mod:`~cradletrace.demo.partners` (partners' EPCIS documents),
:mod:`~cradletrace.demo.bulk` (volume), orchestrated by :mod:`~cradletrace.demo.world`;
:mod:`~cradletrace.demo.clock` holds the fixed "today" every date counts back from and
:mod:`~cradletrace.demo.documents` writes and captures EPCIS documents. A new story is one more module
and one more step in :func:`cradletrace.demo.world.build`. docs/demo.md tells the stories.
"""

from cradletrace.demo.clock import TODAY
from cradletrace.demo.world import DEFAULT_UNITS, STORY_UNITS, World, build, highlights, is_empty, is_loaded

__all__ = ["DEFAULT_UNITS", "STORY_UNITS", "TODAY", "World", "build", "highlights", "is_empty", "is_loaded"]
