"""The event log: capture (the one way in), preparation and the reader process, the hash chain, audit and rebuild.

Every event enters through :mod:`cradletrace.log.capture`; :mod:`cradletrace.log.chain`
links each entry to the one before it, :mod:`cradletrace.log.audit` walks that chain, and
:mod:`cradletrace.log.rebuild` recomputes the projections from the log.
"""
