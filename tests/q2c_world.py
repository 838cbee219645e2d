"""A quote-to-cash month for the KPI report and the JSON API tests, every figure worked out by hand.

Not a test module: the tests import it by name (conftest puts this folder on the path).

It is :func:`configure_world.build` (the PACK model; SO-1 from Q-1 with units U1-U6, of which U2 and U4
are built otherwise than configured and U3 has its HV connector swapped on 20 March) and, in March 2026
unless said (``day(d, hour)``):

Prices (list PACK-2026, EUR, from 1 Jan 2026): PACK10L 4 000.00, PACK10 3 800.00; surcharges lfp 150.00,
hv 200.00. The discount approval threshold is the default 15 %.

Quotes:

* Q-1 (configure_world, Alpha): created 2 Mar 9:00, sent 10:00, accepted 3 Mar; order SO-1 on 3 Mar 10:00:
  5 configured PACK10L at a given 4 200.00 and 1 PACK10 at 4 000.00 (no list price: list = given price).
* Q-2 (Alpha), answering opportunity O-1 (opened 1 Mar 9:00): v1 on 5 Mar 9:00, 2 configured PACK10L
  (c10, lfp, hv) from the list, 20 % off the line: a discount approval requested then (by sam), approved by
  mia on 7 Mar 9:00; sent 7 Mar 10:00. v2 on 9 Mar 9:00 with 3 units (the approval covers it), sent 10 Mar
  9:00, accepted 12 Mar 9:00 into order SO-000001: 3 x (4 000 + 150 + 200) = 13 050.00 list, net 13 050 x 0.8
  = 10 440.00.
* Q-3 (Beta): 1 PACK10 from the list, created 6 Mar 9:00, sent 13:00, rejected 16 Mar.
* Q-4 (Beta): 1 PACK10 from the list, created and sent 20 Feb, valid until 10 Mar 9:00; expired on 11 Mar.
* Q-5 (Beta): 1 PACK10 at 30 % off, a draft of 25 Mar: its approval request stays pending.

Contracts:

* C-1 (Alpha): drafted 2 Mar 9:00, approved 5 Mar, signed 9 Mar 9:00, period 1 Mar to 31 Mar, active
  9 Mar, renewed on 20 Mar to 31 Mar 2027.
* C-2 (Beta): drafted 1 Feb 9:00, approved 5 Feb, signed 11 Feb 9:00, period 1 Feb to 15 Mar, active
  11 Feb, expired 16 Mar.
* C-3 (Beta): drafted 4 Mar 9:00, approved 10 Mar, signed 16 Mar 9:00, period 1 Mar to 25 Mar, active
  16 Mar, not decided since.

Revenue: U1 and U3 ship on 9 Mar (SH-1) and are invoiced then (INV-000001: 2 x 4 200.00); Alpha receives them
at its site on 10 Mar 9:00, when control passes: 8 400.00 recognised. SO-1's price of 25 000.00 is allocated
by the lines' prices (no standalone prices): 4 200.00 a PACK10L, 4 000.00 the PACK10. SO-000001 has no units
allocated: 10 440.00 is owed (deferred) from 12 Mar.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

import configure_world as cw
from cradletrace import commerce, contracts
from cradletrace.configure import configure
from cradletrace.lifecycle import add_location, add_party, receive

SELLER, ALPHA = cw.SELLER, cw.CUSTOMER
BETA = "https://id.gs1.org/417/9520999999976"
SITE = "https://id.gs1.org/414/9520999999938"
PACK10, PACK10L, U1, U3 = cw.PACK10, cw.PACK10L, cw.U1, cw.U3


def day(d: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2026, month, d, hour, tzinfo=timezone.utc)


def build(session: Session) -> dict[str, object]:
    """The month above; returns the configuration Q-2 sells (``conf``) and the events of configure_world."""
    events = cw.build(session)
    add_party(session, BETA, "Beta")
    add_location(session, SITE, "Alpha site", party=ALPHA)
    commerce.define_price_list(session, "PACK-2026", name="Packs 2026", currency="EUR",
                               valid_from=datetime(2026, 1, 1, tzinfo=timezone.utc),
                               items=[{"product": PACK10L, "unit_price": "4000.00"},
                                      {"product": PACK10, "unit_price": "3800.00"}],
                               surcharges=[{"model": "PACK", "option": "lfp", "amount": "150.00"},
                                           {"model": "PACK", "option": "hv", "amount": "200.00"}])
    conf = configure(session, "PACK", ["c10", "lfp", "hv"], by="sam", when=day(4))
    _quotes(session, conf.id)
    _contracts(session)
    commerce.ship_order(session, "SO-1", "SH-1", units=[U1, U3], from_party=SELLER, to_party=ALPHA,
                        from_location=cw.FACTORY, to_location=SITE, when=day(9))
    commerce.invoice_order(session, "SO-1", when=day(9, 12))
    receive(session, [U1, U3], location=SITE, by_party=ALPHA, from_party=SELLER, when=day(10))
    session.flush()
    return {"conf": conf, "events": events}


def _quotes(session: Session, conf: int) -> None:
    commerce.create_opportunity(session, "O-1", party=ALPHA, expected_value="10000", currency="EUR", when=day(1))
    line = {"configuration_id": conf, "discount": "0.2"}
    commerce.create_quote(session, "Q-2", party=ALPHA, currency="EUR", opportunity="O-1", by="sam", when=day(5),
                          lines=[{**line, "quantity": 2}])
    commerce.approve_discount(session, "Q-2", by="mia", roles=["sales_manager"], when=day(7))
    commerce.send_quote(session, "Q-2", when=day(7, 10))
    commerce.revise_quote(session, "Q-2", lines=[{**line, "quantity": 3}], by="sam", when=day(9))
    commerce.send_quote(session, "Q-2", when=day(10))
    commerce.accept_quote(session, "Q-2", when=day(12))
    pack = [{"product": PACK10, "quantity": 1}]
    commerce.create_quote(session, "Q-3", party=BETA, currency="EUR", lines=pack, when=day(6))
    commerce.send_quote(session, "Q-3", when=day(6, 13))
    commerce.reject_quote(session, "Q-3", reason="budget", when=day(16))
    commerce.create_quote(session, "Q-4", party=BETA, currency="EUR", lines=pack, when=day(20, month=2),
                          valid_until=day(10))
    commerce.send_quote(session, "Q-4", when=day(20, month=2))
    commerce.expire_quotes(session, at=day(11))
    commerce.create_quote(session, "Q-5", party=BETA, currency="EUR", by="sam", when=day(25),
                          lines=[{**pack[0], "discount": "0.3"}])


def _contracts(session: Session) -> None:
    def agree(number: str, customer: str, drafted: datetime, approved: datetime, signed: datetime,
              starts: datetime, ends: datetime) -> None:
        contracts.create_contract(session, number, customer=customer, currency="EUR", starts_at=starts, ends_at=ends,
                                  by="sam", when=drafted)
        contracts.approve(session, number, by="mia", when=approved)
        contracts.sign(session, number, by="carl", when=signed)
        contracts.activate(session, number, when=signed)

    agree("C-1", ALPHA, day(2), day(5), day(9), day(1, 0), day(31, 0))
    contracts.renew(session, "C-1", ends_at=datetime(2027, 3, 31, tzinfo=timezone.utc), by="sam", when=day(20))
    agree("C-2", BETA, day(1, month=2), day(5, month=2), day(11, month=2), day(1, 0, month=2), day(15, 0))
    contracts.expire(session, "C-2", when=day(16))
    agree("C-3", BETA, day(4), day(10), day(16), day(1, 0), day(25, 0))
