"""Configure: configurable products, their option groups, options and rules, the variant GTIN and bill of
materials a configuration resolves to, and the comparison of a unit's as-built composition with the
configuration it was sold with (docs/quote-to-cash.md).

:mod:`~cradletrace.configure.catalogue` defines and reads models; :mod:`~cradletrace.configure.rules`
(groups and rules), :mod:`~cradletrace.configure.variants` (variant resolution) and
:mod:`~cradletrace.configure.bom` (the bill of materials) are pure; :mod:`~cradletrace.configure.configurations`
saves and describes configurations; :mod:`~cradletrace.configure.overview` describes the models (and the latest
configurations) for pages and the API; :mod:`~cradletrace.configure.as_sold` finds the configuration a unit was
sold with (and the units sold with a configuration, checked) and :mod:`~cradletrace.configure.as_built` counts
the units built otherwise.
Services take the session first, flush and never commit.
"""

from cradletrace.configure.as_built import Mismatches, mismatches
from cradletrace.configure.as_sold import UnitsSold, configuration_of_units, units_sold
from cradletrace.configure.catalogue import catalogue, define_model, model_of
from cradletrace.configure.configurations import (
    ConfigurationSummary,
    configuration_of,
    configure,
    configured_products,
    describe,
    describe_many,
)
from cradletrace.configure.overview import ModelSummary, describe_model, describe_models, latest_configurations

__all__ = [
    "ConfigurationSummary", "Mismatches", "ModelSummary", "UnitsSold", "catalogue", "configuration_of",
    "configuration_of_units", "configure", "configured_products", "define_model", "describe", "describe_many",
    "describe_model", "describe_models", "latest_configurations", "mismatches", "model_of", "units_sold",
]
