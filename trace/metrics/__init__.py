"""Environmental metrics of units, recomputed from the lineage graph at any time, every figure explained.

Public API
----------
footprint(session, unit, at=None)
    The carbon footprint of a unit by stage (materials, manufacturing, transport, use, service,
    end of life; recovery credits apart), with the explanation rows behind every figure.
materials(session, unit, at=None)
    Mass by material, recycled content (overall, pre/post-consumer, battery metals), recovery rate.
lifespans(session, gtin=None)
    Per unit: commissioning, installation, end of use, time in service, services, disposal route.
factor, factor_set
    The shipped, versioned factor set (METRICS §2), every value with its source, year and licence.

The set-based forms (:func:`~cradletrace.metrics.graph.gather` and
:func:`~cradletrace.metrics.footprint.footprint_rows`) serve reports over many units.
Functions take the session first and only read.
"""

from cradletrace.metrics.factors import FACTOR_SET, VERSION, Factor, factor, factor_set
from cradletrace.metrics.footprint import CREDITS, GHG_STAGES, STAGES, Footprint, footprint, footprint_rows
from cradletrace.metrics.graph import gather
from cradletrace.metrics.lifespan import Lifespan, lifespans
from cradletrace.metrics.materials import MaterialMetrics, material_rows, materials

__all__ = [
    "CREDITS", "FACTOR_SET", "GHG_STAGES", "STAGES", "VERSION", "Factor", "Footprint", "Lifespan", "MaterialMetrics",
    "factor", "factor_set", "footprint", "footprint_rows", "gather", "lifespans", "material_rows", "materials",
]
