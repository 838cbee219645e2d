"""Configure: configurable products, their option groups, options and rules, the variant GTIN and bill of
materials a configuration resolves to, and the comparison of a unit's as-built composition with the
configuration it was sold with (docs/quote-to-cash.md).

Services take the session first, flush and never commit.
"""
