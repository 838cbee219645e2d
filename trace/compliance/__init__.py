"""Compliance of units at any time, rolled up through their composition: RoHS, REACH SVHC, conflict minerals,
certificates and the chain-of-custody findings, each status with its reasons and the parts responsible.

Public API
----------
status(session, unit, at=None)
    ``compliant``, ``non_compliant`` or ``incomplete``, with the reasons (rule, part, message, evidence).
statuses(session, node_ids, at=None)
    The same for many units, set-based.
declare_substances, declare_minerals, add_exemption, add_certificate
    Record the evidence (services: flush, never commit).
"""

from cradletrace.compliance.declarations import add_certificate, add_exemption, declare_minerals, declare_substances
from cradletrace.compliance.reasons import COMPLIANT, INCOMPLETE, NON_COMPLIANT, NOTICE
from cradletrace.compliance.status import RULES, Status, status, statuses

__all__ = [
    "COMPLIANT", "INCOMPLETE", "NON_COMPLIANT", "NOTICE", "RULES", "Status", "add_certificate", "add_exemption",
    "declare_minerals", "declare_substances", "status", "statuses",
]
