"""Lead-to-cash and order-to-cash, linked to the units they sell (docs/commerce.md).

Documents (lead, opportunity, quote, order, shipment, invoice, payment, RMA, credit note,
write-off) are rows of ``commerce_documents`` and nodes of the lineage graph. The services take
the session first, flush and never commit; money is Decimal with its currency. Each step that
involves units captures an EPCIS event naming its document, and the services write ``follows``
edges between documents, so :func:`cradletrace.commerce.chain.for_unit` walks from a serial to its
payment and :func:`cradletrace.commerce.chain.covered_serials` from an invoice to its serials.
"""

from cradletrace.commerce.chain import covered_serials, for_unit
from cradletrace.commerce.credit import exposure, release_hold, set_account
from cradletrace.commerce.fulfilment import allocate, deliver, ship_order
from cradletrace.commerce.invoices import balance, invoice_order, next_number
from cradletrace.commerce.leads import (
    create_lead,
    create_opportunity,
    disqualify_lead,
    lose_opportunity,
    qualify_lead,
    win_opportunity,
)
from cradletrace.commerce.orders import cancel_order, create_order
from cradletrace.commerce.payments import apply_payment, receive_payment, unapplied, write_off
from cradletrace.commerce.approvals import approve_discount, reject_discount
from cradletrace.commerce.pricing import define_price_list, price_lines, set_standalone_price
from cradletrace.commerce.quotes import (
    accept_quote,
    create_quote,
    expire_quotes,
    reject_quote,
    revise_quote,
    send_quote,
    update_quote,
)
from cradletrace.commerce.returns import credit_note, receive_return

__all__ = [
    "accept_quote", "allocate", "apply_payment", "balance", "cancel_order", "covered_serials", "create_lead",
    "create_opportunity", "create_order", "create_quote", "credit_note", "deliver", "disqualify_lead", "exposure",
    "for_unit", "invoice_order", "lose_opportunity", "next_number", "qualify_lead", "receive_payment",
    "receive_return", "reject_quote", "release_hold", "revise_quote", "send_quote", "set_account", "ship_order",
    "unapplied", "win_opportunity", "write_off",
    # quote-to-cash: price and quote
    "approve_discount", "define_price_list", "expire_quotes", "price_lines", "reject_discount",
    "set_standalone_price", "update_quote",
]
