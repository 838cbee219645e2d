"""Configure: configurable products, their option groups, options and rules, the variant GTIN and bill of
materials a configuration resolves to, and the comparison of a unit's as-built composition with the
configuration it was sold with (docs/quote-to-cash.md).

:mod:`~cradletrace.configure.catalogue` defines and reads models; :mod:`~cradletrace.configure.rules`
(groups and rules), :mod:`~cradletrace.configure.variants` (variant resolution) and
:mod:`~cradletrace.configure.bom` (the bill of materials) are pure; :mod:`~cradletrace.configure.configurations`
saves and describes configurations; :mod:`~cradletrace.configure.overview` describes the models for pages
and the API; :mod:`~cradletrace.configure.as_sold` finds the configuration a unit was sold with and :mod:`~cradletrace.configure.as_built` counts the units built otherwise.
Services take the session first, flush and never commit.
"""

from cradletrace.configure.as_built import Mismatches, mismatches
from cradletrace.configure.as_sold import configuration_of_units
from cradletrace.configure.catalogue import catalogue, define_model, model_of
from cradletrace.configure.configurations import (
    ConfigurationSummary,
    configuration_of,
    configure,
    configured_products,
    describe,
    describe_many,
)
from cradletrace.configure.overview import ModelSummary, describe_models

__all__ = [
    "ConfigurationSummary", "Mismatches", "ModelSummary", "catalogue", "configuration_of", "configuration_of_units",
    "configure", "configured_products", "define_model", "describe", "describe_many", "describe_models", "mismatches",
    "model_of",
]
