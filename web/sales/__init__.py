"""The sales pages (roles sales and sales_manager): quotes with their prices explained and their actions,
orders made from them, configurable products and configurations, contracts with their state and terms.

One blueprint per area, each listed in :data:`cradletrace.web.app.BLUEPRINTS`; what the areas share
(roles, action forms, filters, links to document pages) is :mod:`cradletrace.web.commercial`.
"""
