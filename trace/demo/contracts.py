"""Contracts and service: VeloFleet's fleet contract (negotiated over two versions, signed, active, with a
three-year service plan and a warranty per product), the packs delivered under it, Cargobike's framework
contract now due for renewal, Urban Bikes' dealer agreement renewed, Trail Sports' terminated when it
went insolvent; then a return under contract, a warranty repair (not billed; the technician fits the
wrong board) and a repair after the warranty ended (billed).

All through :mod:`cradletrace.contracts` (lifecycle, terms, links, :func:`~cradletrace.contracts.record_repair`)
and :mod:`cradletrace.commerce`; the packs reach the customer through
:func:`cradletrace.demo.sales.fulfil`, whose :func:`~cradletrace.commerce.deliver` at the customer's site
is the moment control passes: the start of each pack's warranty and plan, and when its revenue is
recognised.

* CT-0001, VeloFleet, 1 Feb 2026 to 1 Feb 2029: v1 24 months' warranty on the P48 and 30 days to pay, v2
  36 months and 45 days; FleetCare 36 on every P48. Active, covering SO-0008's 16 packs.
* CT-0002, Cargobike, 15 Jan 2026 to 15 Jan 2027 with 60 days' notice: 24 months on every pack, a yearly
  inspection. Active, its renewal due (46 days left at the demo's today); SO-0009 is under it.
* CT-0003, Urban Bikes, 15 Sep 2025 to 15 Sep 2026: 12 months on P48 and P36. Renewed to 15 Sep 2027, then
  active again; covers SO-0003 and SO-0006.
* CT-0004, Trail Sports, 1 Oct 2025 to 1 Oct 2026: 24 months on P48 and a yearly inspection. Terminated on
  14 May 2026 (insolvent); the warranty of its packs runs on, the inspection plan ended.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from cradletrace import commerce
from cradletrace.commerce.documents import get, identifier_of
from cradletrace.contracts import (
    activate, approve, change_terms, create_contract, define_service_plan, link_documents, record_repair, renew,
    sign, terminate,
)
from cradletrace.contracts.periods import add_months
from cradletrace.demo.catalogue import (
    CARGOBIKE, LEIPZIG, MAKER, P36, P36L, P48, SERVICE, TRAILSPORTS, URBANBIKES, VELOFLEET,
)
from cradletrace.demo.clock import ago
from cradletrace.demo.configurations import BOARDS_D, BOARDS_LFP, PACKS_D
from cradletrace.demo.manufacturing import PACKS_A
from cradletrace.demo.quotes import FLEET_ORDER, FLEET_QUOTE, SALES_MANAGER, SALES_USER, VELOFLEET_LIST
from cradletrace.demo.sales import VAT, fulfil, pay, site_of
from cradletrace.lifecycle import inspect, install, replace_component
from cradletrace.models import Document, DocumentKind

FLEET, FRAMEWORK, DEALER, TERMINATED = "CT-0001", "CT-0002", "CT-0003", "CT-0004"
FLEETCARE, CHECK = "FLEETCARE-36", "CHECK-12"
DELIVERIES = (("SH-0008", PACKS_D[:6], 255, "PAY-0008"), ("SH-0009", PACKS_D[6:10], 225, "PAY-0009"),
              ("SH-0010", PACKS_D[10:], 195, "PAY-0010"))
"""SO-0008's deliveries from Leipzig: shipment, packs, days before today it ships, the payment of its invoice."""
RETURN = "RMA-0002"
RETURNED = PACKS_D[9]
"""A fleet pack sent back under the contract (RMA-0002, credit note CN-000002)."""
WRONG_BOARD_PACK, WRONG_BOARD = PACKS_D[2], BOARDS_LFP[4]
"""The fleet pack whose failed BMS-13 was replaced under warranty by a BMS-12L (an LFP board) from the van."""
BILLED_PACK = PACKS_A[16]
"""Urban Bikes' P48 repaired after its 12 months' warranty ended: a service order and an invoice."""
COVERED_PACK = PACKS_D[0]
"""A fleet pack under warranty and FleetCare 36."""


def negotiate(session: Session) -> None:
    """The service plans; Cargobike's framework contract (signed as drafted); VeloFleet's fleet contract, drafted
    with its quote, changed once at VeloFleet's request, approved, signed and started on 1 February."""
    define_service_plan(session, FLEETCARE, name="FleetCare 36: repairs, parts, labour and a yearly check",
                        coverage=["repair", "parts", "labour", "inspection"], months=36, standalone_price="96.00",
                        currency="EUR")
    define_service_plan(session, CHECK, name="Yearly inspection", coverage=["inspection"], months=12,
                        standalone_price="35.00", currency="EUR")

    create_contract(session, FRAMEWORK, customer=CARGOBIKE.party, currency="EUR", starts_at=ago(319, 0),
                    ends_at=ago(-46, 0), payment_terms_days=14, warranties={P48.gtin: 24, P36.gtin: 24, P36L.gtin: 24},
                    plans=[{"plan": CHECK}], renewal_notice_days=60, by=SALES_USER,
                    note="framework agreement 2026", when=ago(335))
    approve(session, FRAMEWORK, by=SALES_MANAGER, when=ago(330))
    sign(session, FRAMEWORK, by=SALES_MANAGER, note="countersigned by Cargobike's managing director", when=ago(325))
    activate(session, FRAMEWORK, when=ago(319))

    start = ago(302, 0)  # 1 February 2026
    create_contract(session, FLEET, customer=VELOFLEET.party, currency="EUR", starts_at=start,
                    ends_at=add_months(start, 36), price_list=VELOFLEET_LIST, payment_terms_days=30,
                    warranties={P48.gtin: 24}, plans=[{"plan": FLEETCARE, "product": P48.gtin}],
                    renewal_notice_days=90, by=SALES_USER, note="Lyon fleet 2026", when=ago(318))
    link_documents(session, FLEET, [get(session, DocumentKind.QUOTE, FLEET_QUOTE)], when=ago(318))
    change_terms(session, FLEET, warranties={P48.gtin: 36}, payment_terms_days=45, by=SALES_USER,
                 note="VeloFleet asks for 36 months' warranty on the packs and 45 days to pay", when=ago(310))
    approve(session, FLEET, by=SALES_MANAGER, when=ago(307))
    sign(session, FLEET, by=SALES_MANAGER, note="countersigned by VeloFleet's fleet director", when=ago(305))
    activate(session, FLEET, when=ago(302))


def dealer_agreements(session: Session) -> None:
    """The dealers' one-year agreements behind orders already made: Urban Bikes' (12 months' warranty), Trail
    Sports' (24 months and a yearly inspection), terminated when Trail Sports went insolvent."""
    create_contract(session, DEALER, customer=URBANBIKES.party, currency="EUR", starts_at=ago(441, 0),
                    ends_at=ago(76, 0), warranties={P48.gtin: 12, P36.gtin: 12}, by=SALES_USER,
                    note="dealer agreement 2025/26", when=ago(455))
    approve(session, DEALER, by=SALES_MANAGER, when=ago(450))
    sign(session, DEALER, by=SALES_MANAGER, when=ago(446))
    activate(session, DEALER, when=ago(441))
    link_documents(session, DEALER, [get(session, DocumentKind.ORDER, "SO-0003")], when=ago(430))
    link_documents(session, DEALER, [get(session, DocumentKind.ORDER, "SO-0006")], when=ago(245))

    create_contract(session, TERMINATED, customer=TRAILSPORTS.party, currency="EUR", starts_at=ago(425, 0),
                    ends_at=ago(60, 0), warranties={P48.gtin: 24}, plans=[{"plan": CHECK, "product": P48.gtin}],
                    by=SALES_USER, note="dealer agreement 2025/26", when=ago(432))
    approve(session, TERMINATED, by=SALES_MANAGER, when=ago(429))
    sign(session, TERMINATED, by=SALES_MANAGER, when=ago(427))
    activate(session, TERMINATED, when=ago(425))
    link_documents(session, TERMINATED, [get(session, DocumentKind.ORDER, "SO-0004")], when=ago(420))
    terminate(session, TERMINATED, reason="customer insolvent (Landesgericht Innsbruck, case 12 S 31/26)",
              by=SALES_MANAGER, when=ago(200, 10))


def fleet_deliveries(session: Session) -> list[Document]:
    """SO-0008 in three deliveries straight from Leipzig (March, April, May), installed in the fleet, paid."""
    order = get(session, DocumentKind.ORDER, FLEET_ORDER)
    invoices = []
    for shipment, packs, days, payment in DELIVERIES:
        sale = fulfil(session, order, shipment, VELOFLEET, packs, when=ago(days), origin=LEIPZIG)
        install(session, packs, location=site_of(VELOFLEET), owner=VELOFLEET.party, when=ago(days - 3))
        pay(session, payment, VELOFLEET, sale.invoice, ago(days - 25))
        invoices.append(sale.invoice)
    return invoices


def service(session: Session) -> None:
    """After the sale: a fleet pack returned under the contract and credited; Urban Bikes' agreement renewed;
    a warranty repair at VeloFleet in which the wrong board is fitted; a billed repair at Urban Bikes."""
    rma = commerce.receive_return(session, RETURN, [RETURNED], location=SERVICE, by_party=MAKER.party,
                                  from_party=VELOFLEET.party,
                                  reason="surplus: the Part-Dieu station closed (the contract's return clause)",
                                  when=ago(100))
    commerce.credit_note(session, rma, when=ago(98))

    renew(session, DEALER, ends_at=ago(-289, 0), by=SALES_USER, note="renewed for a year on the same terms",
          when=ago(90))
    activate(session, DEALER, when=ago(76))

    depot = site_of(VELOFLEET)
    visit = ago(45, 10)
    done = record_repair(session, WRONG_BOARD_PACK, description="BMS fault E12 (cell balancing): board replaced",
                         amount="180.00", currency="EUR", tax_rate=VAT[VELOFLEET.country], location=depot, when=visit)
    replace_component(session, WRONG_BOARD_PACK, BOARDS_D[2], WRONG_BOARD, reason="BMS fault E12: a spare from the van",
                      service_order=identifier_of(session, done.service_order), location=depot,
                      when=visit + timedelta(minutes=20))
    inspect(session, [BOARDS_D[2]], passed=False, test="BMS diagnostic", results={"faultCode": "E12"},
            location=depot, when=visit + timedelta(hours=1))

    record_repair(session, BILLED_PACK, description="discharge port corroded: port and seal replaced",
                  amount="145.00", currency="EUR", tax_rate=VAT[URBANBIKES.country], location=site_of(URBANBIKES),
                  when=ago(30, 14))
