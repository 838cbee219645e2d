"""The recall report is the lineage recall's rows, summarised, in every report format."""

from __future__ import annotations

from sqlalchemy.orm import Session

from cradletrace.lineage import recall
from cradletrace.reports.output import write_report
from cradletrace.reports.recall import recall_report
from metrics_world import AL, G_BOARD, P1, PCB, build


def test_recall_report_matches_the_recall(session: Session) -> None:
    build(session)
    report = recall_report(session, PCB)
    assert sorted(report.tables["units"]["identifier"]) == sorted(r.identifier for r in recall(session, PCB))
    assert report.figures["units_affected"] == 3, "both boards, and the pack that holds one"
    assert report.figures["in_service"] == 3
    only_boards = recall_report(session, PCB, product=G_BOARD)
    assert only_boards.figures["units_affected"] == 2
    assert P1 in write_report(recall_report(session, AL), "csv")


def test_recall_figures_split_by_our_party(session: Session) -> None:
    import recall_world as rw

    rw.build(session)
    report = recall_report(session, rw.CELLS, seller="9520222222222")
    # P1 at Fleet Co, P3 ours on hold (both in service), P2 recycled
    assert report.figures == {"units_affected": 3, "in_service": 2, "at_our_sites": 1, "at_customers": 1,
                              "on_hold": 1, "recycled": 1, "destroyed": 0}
    assert list(report.tables["units"]["on_hold"]) == [False, False, True]
    assert recall_report(session, rw.CELLS, seller=rw.CUSTOMER).figures["at_our_sites"] == 1, "Fleet Co's P1"
