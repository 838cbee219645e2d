"""QR, PDF and ZPL labels that carry each unit's GS1 Digital Link. Built on the core; the core never imports it.

Public API
----------
render
    ``render(session, identifiers, fmt, layout=..., dpi=...) -> bytes``: labels from the database
    as PNG, SVG, a PDF sheet or ZPL (what a web view calls; :func:`media_type` gives its
    Content-Type).
lot_units, serial_range
    The identifiers of a lot's units, or of a product's serials counted on from one.
fetch_labels, make_label, Label
    A batch of labels' content in one statement; one label from its parts.
render_labels
    Rendering alone, for labels already read.

See docs/labels.md.
"""

from cradletrace.labels.content import Label, fetch_labels, lot_units, make_label, serial_range
from cradletrace.labels.render import FORMATS, media_type, render, render_labels

__all__ = ["FORMATS", "Label", "fetch_labels", "lot_units", "make_label", "media_type", "render", "render_labels",
           "serial_range"]
