"""Contracts: their lifecycle (draft, negotiation, approved, signed, active, renewed, expired, terminated),
versioned terms (price list, payment terms, warranty per product, service plans), renewal reminders,
the documents and units a contract covers, warranty and service entitlement of a unit on a date, and
the billing of repairs that no entitlement covers (docs/quote-to-cash.md).

Services take the session first, flush and never commit.
"""
