"""EPCIS event queries: the parameters of the EPCIS 2.0 REST binding over the log (:mod:`~cradletrace.query.events`)."""

from cradletrace.query.events import QueryPage, build_query, iter_events, masterdata_of_events, query_events

__all__ = ["QueryPage", "build_query", "iter_events", "masterdata_of_events", "query_events"]
