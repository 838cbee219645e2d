"""The finance pages (role finance): invoices with their payments, credit notes and serials, payments with
their applications, and the revenue dashboard with its downloads.

One blueprint per area, each listed in :data:`cradletrace.web.app.BLUEPRINTS`; what the areas share
(roles, filters, links to document pages) is :mod:`cradletrace.web.commercial`.
"""
