"""Contracts: their lifecycle (draft, negotiation, approved, signed, active, renewed, expired, terminated),
versioned terms (price list, payment terms, warranty per product, service plans), renewal reminders,
the documents and units a contract covers, warranty and service entitlement of a unit on a date, and
the billing of repairs that no entitlement covers (docs/quote-to-cash.md).

Services take the session first, flush and never commit.
"""

from cradletrace.contracts.catalogue import define_service_plan
from cradletrace.contracts.control import ControlTransfer, control_passed
from cradletrace.contracts.entitlement import Coverage, Entitlement, entitlement
from cradletrace.contracts.lifecycle import (
    activate,
    advance_contracts,
    approve,
    change_terms,
    create_contract,
    expire,
    get_contract,
    history,
    renew,
    sign,
    terminate,
    terms_in_force,
)
from cradletrace.contracts.links import contract_of, covered_units, documents, link_documents
from cradletrace.contracts.reminders import RenewalDue, renewals_due
from cradletrace.contracts.service_billing import RepairRecord, record_repair
from cradletrace.contracts.terms import versions

__all__ = [
    "ControlTransfer", "Coverage", "Entitlement", "RenewalDue", "RepairRecord", "activate", "advance_contracts",
    "approve", "change_terms", "contract_of", "control_passed", "covered_units", "create_contract",
    "define_service_plan", "documents", "entitlement", "expire", "get_contract", "history", "link_documents",
    "record_repair", "renew", "renewals_due", "sign", "terminate", "terms_in_force", "versions",
]
