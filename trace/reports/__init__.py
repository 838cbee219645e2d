"""Reports: tables and KPIs computed set-based with pandas, written as text, CSV, XLSX, JSON or HTML.

The only package that imports pandas (an import contract holds it). A report is built by a module
of its area (``commerce`` for order-to-cash and lead-to-cash, ``sustainability``, ``compliance``,
``recall``) as a :class:`~cradletrace.reports.output.Report` and written by
:func:`~cradletrace.reports.output.write_report`, so every report has the same formats.
"""
