"""Renewal reminders: active contracts from their end less the notice, until renewed, expired or terminated."""

from __future__ import annotations

from sqlalchemy.orm import Session

from contracts_world import contract, day, in_force, naive, setup
from cradletrace.contracts import renew, renewals_due, terminate
from cradletrace.contracts.reminders import RenewalDue


def test_renewals_fall_due_at_the_end_less_the_notice(session: Session) -> None:
    setup(session)
    c1 = in_force(session, contract(session, "C-1"))  # ends 1 Jan 2027, 60 days' notice -> from 2 Nov 2026
    in_force(session, contract(session, "C-2", ends_at=day(2027, 3, 1, 0), renewal_notice_days=90))  # from 1 Dec 2026
    c3 = in_force(session, contract(session, "C-3", ends_at=day(2026, 12, 1, 0)))  # from 2 Oct 2026
    contract(session, "C-4", ends_at=day(2026, 11, 1, 0))  # a draft: never reminded
    assert renewals_due(session, day(2026, 10, 1)) == []
    # On 2 Nov 2026: C-3 (ends 1 Dec: 29 calendar days left) and C-1 (ends 1 Jan: 29 + 31 = 60 days left).
    assert renewals_due(session, day(2026, 11, 2)) == [
        RenewalDue("C-3", "Alpha", naive(2026, 12, 1, 0), naive(2026, 10, 2, 0), 29, 1),
        RenewalDue("C-1", "Alpha", naive(2027, 1, 1, 0), naive(2026, 11, 2, 0), 60, 1)]
    # Renewing C-1 takes it off; C-3 ends without a decision and stays on, a day overdue on 2 Dec; C-2 joins on
    # 1 Dec (1 Mar less 90 days), with 30 + 31 + 28 = 89 days left on 2 Dec (to 1 Jan, Feb, Mar).
    renew(session, c1, ends_at=day(2028, 1, 1, 0), when=day(2026, 11, 10))
    assert [(r.contract, r.days_left) for r in renewals_due(session, day(2026, 12, 2))] == [("C-3", -1), ("C-2", 89)]
    terminate(session, c3, reason="not renewed", when=day(2026, 12, 3))
    assert [r.contract for r in renewals_due(session, day(2026, 12, 4))] == ["C-2"]
