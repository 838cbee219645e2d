"""An order's page, where sales (who made it by accepting a quote) and finance (who bill it) meet: its lines
priced, the quote it came from, its shipments and invoices, and the units allocated to it, each linked
to its passport.

Routing only: the page is :func:`cradletrace.commerce.document_summary.summarise_order` (a fixed number of
statements).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from cradletrace.commerce.document_summary import summarise_order
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import ORDER_ROLES, register
from cradletrace.web.db import get_session

bp = Blueprint("orders", __name__, url_prefix="/sales/orders")
bp.record_once(register)


@bp.get("/<path:number>")
@login_required(*ORDER_ROLES)
def order(number: str) -> Any:
    """An order's page."""
    page = summarise_order(get_session(), number)
    return render_template("sales/order.html", page=page, doc=page.head, pricing=page.pricing)


__all__ = ["bp"]
