"""Lifecycle services: every step of a unit's life, from material lot to recycling, as EPCIS 2.0 events.

Each service takes the session first, checks its business rules (raising
:class:`~cradletrace.errors.RuleViolation` before anything is written), builds
canonical events (:mod:`cradletrace.lifecycle.events`) and sends them through
:func:`cradletrace.log.capture.capture_events`, the only way data enters the log. The
services flush and never commit. Times (``when``, default now) keep their offset; a naive one is UTC.
Master data (:mod:`cradletrace.lifecycle.masterdata`) is written directly.
"""

from cradletrace.identifiers.own_vocabulary import CT_NS, DISPOSING, RECYCLING, REFURBISHING, ct
from cradletrace.lifecycle.common import lgtin, location, party, sgtin, sscc
from cradletrace.lifecycle.endoflife import collect, decommission, destroy, disassemble, dispose
from cradletrace.lifecycle.logistics import hold_for_recall, receive, release_recall_hold, sell, ship
from cradletrace.lifecycle.manufacturing import assemble, commission_units, inspect, manufacture, pack, unpack
from cradletrace.lifecycle.masterdata import add_location, add_party, add_product
from cradletrace.lifecycle.materials import recycle, register_lot
from cradletrace.lifecycle.service import install, refurbish, repair, replace_component, resell, return_unit

__all__ = [
    "CT_NS", "DISPOSING", "RECYCLING", "REFURBISHING", "add_location", "add_party", "add_product", "assemble",
    "collect", "commission_units", "ct", "decommission", "destroy", "disassemble", "dispose", "hold_for_recall",
    "inspect", "install", "lgtin", "location", "manufacture", "pack", "party", "receive", "recycle", "refurbish",
    "register_lot", "release_recall_hold", "repair", "replace_component", "resell", "return_unit", "sell", "sgtin",
    "ship", "sscc", "unpack",
]
