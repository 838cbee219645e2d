"""Contracts in the demo: negotiated over two versions and active, due for renewal, renewed, terminated; the units a
contract covers and their entitlement on given dates; a warranty repair not billed and one after the warranty
billed; a return under contract reversing one pack's revenue; a revenue schedule with real months."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from cradletrace.contracts import covered_units, entitlement, history, renewals_due, terms_in_force, versions
from cradletrace.contracts.lifecycle import get_contract
from cradletrace.demo import configurations, contracts
from cradletrace.demo.catalogue import P48
from cradletrace.demo.clock import TODAY, ago
from cradletrace.demo.manufacturing import PACKS_A
from cradletrace.models import Document, DocumentKind, DocumentStatus, Edge, EdgeKind
from cradletrace.revenue import recognise, revenue_schedule
from demo_support import H, reading

pytestmark = pytest.mark.xdist_group("demo")


def states(session, number: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [change.state for change in history(session, number)]


def test_the_contracts_are_in_every_state_the_story_tells(demo_database: str) -> None:
    with reading(demo_database) as session:
        fleet = get_contract(session, H["contract"])
        v1, v2 = versions(session, fleet)
        in_force = terms_in_force(session, fleet, TODAY)
        seen = {n: states(session, n) for n in (H["contract"], H["renewal_due_contract"], H["renewed_contract"],
                                                H["terminated_contract"])}
        renewed = terms_in_force(session, H["renewed_contract"], TODAY)
        terminated = get_contract(session, H["terminated_contract"])
        due = renewals_due(session, TODAY)
    # negotiated: v1 24 months' warranty and 30 days to pay, v2 36 months and 45 days; v2 was signed
    assert (v1.warranty_months(P48.gtin), v1.payment_terms_days) == (24, 30)
    assert (v2.warranty_months(P48.gtin), v2.payment_terms_days, in_force.version) == (36, 45, 2)
    assert [p.code for p in v2.plans] == [contracts.FLEETCARE]
    assert seen == {
        "CT-0001": ["draft", "negotiation", "approved", "signed", "active"],
        "CT-0002": ["draft", "approved", "signed", "active"],
        "CT-0003": ["draft", "approved", "signed", "active", "renewed", "active"],
        "CT-0004": ["draft", "approved", "signed", "active", "terminated"]}
    # the renewal's period, 15 Sep 2026 to 15 Sep 2027, is the one in force
    assert (renewed.version, renewed.starts_at, renewed.ends_at) == (2, datetime(2026, 9, 15), datetime(2027, 9, 15))
    assert terminated.status is DocumentStatus.TERMINATED and "insolvent" in terminated.reason
    # Cargobike's ends on 15 Jan 2027 with 60 days' notice: due since 16 Nov; 30 Nov to 15 Jan is 46 days
    assert [(d.contract, d.days_left) for d in due] == [(H["renewal_due_contract"], 46)]


def test_the_fleet_contract_covers_the_packs_delivered_under_it(demo_database: str) -> None:
    with reading(demo_database) as session:
        units = [u.identifier for u in covered_units(session, H["contract"])]
    assert sorted(units) == sorted(configurations.PACKS_D)


def test_entitlement_on_given_dates(demo_database: str) -> None:
    with reading(demo_database) as session:
        covered = entitlement(session, H["covered_pack"], TODAY)
        before_delivery = entitlement(session, H["covered_pack"], ago(300))
        billed_in_warranty, billed_after = (entitlement(session, H["billed_repair_pack"], at)
                                            for at in (ago(100), ago(30)))
        trail = entitlement(session, PACKS_A[18], TODAY)
    # delivered on 22 Mar 2026: 36 months' warranty and FleetCare 36 from then
    assert covered.covered and covered.under_warranty and [p.code for p in covered.plans if p.active] == [
        contracts.FLEETCARE]
    assert covered.warranty.starts_at == datetime(2026, 3, 22, 9) and covered.warranty.ends_at == datetime(
        2029, 3, 22, 9)
    assert not before_delivery.covered, "control had not passed yet"
    # Urban Bikes received 25A0017 on 30 Sep 2025: 12 months' warranty, to 30 Sep 2026
    assert billed_in_warranty.under_warranty and not billed_after.covered
    # Trail Sports' contract was terminated: the warranty runs on, the inspection plan ended then
    assert trail.under_warranty and trail.contract_status == "terminated"
    assert [(p.code, p.active, p.ends_at) for p in trail.plans] == [(contracts.CHECK, False, datetime(2026, 5, 14, 10))]


def test_a_warranty_repair_is_not_billed_and_one_after_the_warranty_is(demo_database: str) -> None:
    with reading(demo_database) as session:
        orders = {d.attributes["unit"]: d for d in session.scalars(
            select(Document).where(Document.kind == DocumentKind.SERVICE_ORDER))}
        billed = {d.id: d for d in session.scalars(select(Document).where(Document.kind == DocumentKind.INVOICE))}
        follows = {(e.src, e.dst) for e in session.scalars(select(Edge).where(Edge.kind == EdgeKind.FOLLOWS))}
        free, paid = orders[H["warranty_repair_pack"]], orders[H["billed_repair_pack"]]
        invoices = [d for d in billed.values() if (free.node_id, d.node_id) in follows
                    or (paid.node_id, d.node_id) in follows]
    # under warranty: a service order of 0.00 that keeps the 180.00 it would have cost, and no invoice
    assert (free.amount, free.attributes["covered"], free.attributes["charge"]) == (Decimal("0.00"), True, "180.00")
    assert free.reason.startswith("under warranty until 2029-03-22")
    # after the warranty: 145.00 + 19 % VAT (27.55) = 172.55, on an invoice that follows the service order
    (invoice,) = invoices
    assert (paid.amount, paid.attributes["covered"], invoice.amount) == (Decimal("172.55"), False, Decimal("172.55"))
    assert "warranty ended on 2026-09-30" in paid.reason


def test_the_return_under_contract_reverses_its_pack_and_revenue_has_a_schedule(demo_database: str) -> None:
    with reading(demo_database) as session:
        note = session.scalars(select(Document).where(Document.kind == DocumentKind.CREDIT_NOTE,
                                                      Document.number == "CN-000002")).one()
        revenue = recognise(session)
        rows, _ = revenue_schedule(session, ago(274, 0), ago(0, 0), "month")  # March to November 2026
    fleet = next(c for c in revenue.contracts if c.number == H["contract"])
    units = [o for o in fleet.obligations if o.kind == "unit"]
    plans = [o for o in fleet.obligations if o.kind == "plan"]
    # 16 x 505.00 x 0.95 x 0.97 = 7,445.72 over packs (16 x 560.00 = 8,960.00) and plans (16 x 96.00 = 1,536.00):
    # 7,445.72 x 8,960 / 10,496 = 6,356.1024 -> 6,356.10; x 1,536 / 10,496 = 1,089.6176 -> 1,089.61 + the cent left
    assert (fleet.price, sum(o.allocated for o in units), sum(o.allocated for o in plans)) == (
        Decimal("7445.72"), Decimal("6356.10"), Decimal("1089.62"))
    mine = [e for e in revenue.entries if e.contract == f"contract {H['contract']}" and e.revenue_class == "product"]
    by_month: dict[str, Decimal] = {}
    for e in mine:
        by_month[f"{e.at:%Y-%m}"] = by_month.get(f"{e.at:%Y-%m}", Decimal(0)) + e.amount
    # running totals of 6,356.10 over 16 packs: 6 -> 2,383.54 (March), 10 -> 3,972.56 (April: 1,589.02),
    # 16 -> 6,356.10 (May: 2,383.54); the returned pack's 397.25 reversed in August with CN-000002
    assert by_month == {"2026-03": Decimal("2383.54"), "2026-04": Decimal("1589.02"), "2026-05": Decimal("2383.54"),
                        "2026-08": Decimal("-397.25")}
    # the credit note refunds the pack's invoiced price: 505.00 x 0.95 x 0.97 = 465.36 + 20 % (93.07) = 558.43
    assert note.amount == Decimal("558.43")
    # service revenue in every month (the plans run monthly), and revenue still deferred at the end (the plans)
    assert [r.period for r in rows] == [f"2026-{m:02d}" for m in range(3, 12)]
    assert all(r.services > 0 for r in rows) and rows[-1].deferred > 0


def test_a_pack_returned_and_credited_is_no_longer_covered(demo_database: str) -> None:
    with reading(demo_database) as session:
        note = session.scalars(select(Document).where(Document.kind == DocumentKind.CREDIT_NOTE,
                                                      Document.number == "CN-000002")).one()
        before = entitlement(session, contracts.RETURNED, note.created_at.replace(day=1))
        after = entitlement(session, contracts.RETURNED, TODAY)
    assert before.covered and before.under_warranty
    # Its warranty and FleetCare plan end on the credit note's date, the day revenue reverses the sale.
    assert not after.covered
    assert after.warranty is not None and after.warranty.ends_at == note.created_at
    assert all(p.ends_at == note.created_at for p in after.plans)
    assert any("returned and credited (credit note CN-000002)" in r for r in after.reasons)
