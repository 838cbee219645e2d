"""Projections of the log: what one event means (:mod:`~cradletrace.projections.effects`), the writer that
applies a batch set-based (:mod:`~cradletrace.projections.writer`), and identifier -> node resolution
(:mod:`~cradletrace.projections.nodemap`). Capture and rebuild both project through them.
"""
