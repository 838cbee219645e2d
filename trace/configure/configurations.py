"""Saved configurations: checked and saved with their options, variant and bill-of-materials snapshot; described.

:func:`configure` checks a choice of options against its model (:mod:`~cradletrace.configure.rules`),
resolves the variant GTIN (:mod:`~cradletrace.configure.variants`), works out the bill of
materials (:mod:`~cradletrace.configure.bom`) and saves all three: the snapshot is what was sold, and
stays as it is when the model is redefined later. A quote or order line sells it by
``configuration_id``; the line's product is the configuration's (:func:`configured_products`:
the variant's GTIN, or the model's base product when no variant matches). :func:`describe` is what
the quote PDF and the web pages print.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.configure.bom import bill_of_materials, snapshot
from cradletrace.configure.catalogue import catalogue
from cradletrace.configure.rules import check
from cradletrace.configure.variants import resolve
from cradletrace.errors import InvalidInput, NotFound
from cradletrace.findings.configuration import bom_quantities
from cradletrace.models import ConfigModel, ConfigOption, ConfigOptionGroup, Configuration, ConfigurationOption, Product
from cradletrace.timestamps import aware, naive_utc
from cradletrace.units import plain


@dataclass(frozen=True)
class ChosenOption:
    """An option of a configuration: its group's name, its code and name."""

    group: str
    code: str
    name: str


@dataclass(frozen=True)
class BomRow:
    """A row of a configuration's bill of materials: the component's GTIN, product name and quantity."""

    gtin: str
    name: str | None
    quantity: Decimal


@dataclass(frozen=True)
class ConfigurationSummary:
    """A configuration as people read it: model, variant (or base product), options in group order, bill of materials."""

    id: int
    model_code: str
    model_name: str
    base_gtin: str
    base_name: str
    variant_gtin: str | None
    variant_name: str | None
    options: tuple[ChosenOption, ...]
    bom: tuple[BomRow, ...]
    created_at: datetime
    created_by: str | None

    @property
    def gtin(self) -> str:
        """The GTIN a line selling this configuration is for: the variant's, else the base product's."""
        return self.variant_gtin or self.base_gtin

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain data (quantities as decimal strings, for JSON)."""
        data = asdict(self)
        data["gtin"] = self.gtin
        data["bom"] = [{**row, "quantity": plain(row["quantity"])} for row in data["bom"]]
        return data


def configure(session: Session, model: str | ConfigModel, options: Iterable[str], *, by: str | None = None,
              when: datetime | None = None) -> Configuration:
    """Check a choice of options against the model and save it as a configuration; flush.

    Parameters
    ----------
    model : str or ConfigModel
        The model, or its code.
    options : iterable of str
        The option codes chosen.
    by : str, optional
        Who configured it.

    Raises
    ------
    RuleViolation
        The choice is not a valid configuration: ``where`` is ``rule CODE`` for a broken rule (the
        message says the rule and its own message), ``group CODE`` for a required group without a
        choice or a single-choice group with two, ``option CODE`` for an option the model does not have.
    NotFound
        For a model code that is no model.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> from cradletrace.lifecycle import add_product
    >>> from cradletrace.configure.catalogue import define_model
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> for gtin, title in [("09506000134352", "Pack"), ("09506000134376", "Module"), ("09506000134383", "Pack 10")]:
    ...     _ = add_product(session, gtin, title)
    >>> _ = define_model(session, "PACK", name="Battery pack", product="09506000134352",
    ...                  groups=[{"code": "cap", "name": "Capacity", "options": [
    ...                      {"code": "c5", "components": [{"product": "09506000134376", "quantity": 1}]},
    ...                      {"code": "c10", "components": [{"product": "09506000134376", "quantity": 2}]}]}],
    ...                  variants=[{"product": "09506000134383", "options": ["c10"]}])
    >>> c = configure(session, "PACK", ["c10"], by="sam")
    >>> c.bom, describe(session, c).gtin
    ([{'gtin': '09506000134376', 'quantity': '2'}], '09506000134383')
    >>> configure(session, "PACK", [])
    Traceback (most recent call last):
    ...
    cradletrace.errors.RuleViolation: group cap: Capacity needs a choice: one of c5, c10
    >>> session.rollback()
    """
    if isinstance(options, str):
        raise InvalidInput("options is a list of option codes, not one string", where="options")
    cat = catalogue(session, model)
    chosen = check(cat.definition, [str(o).strip() for o in options])
    variant = resolve(cat.variants, chosen)
    in_order = [code for code in cat.option_ids if code in chosen]
    rows = bill_of_materials(cat.base, cat.by_option, in_order)
    made = Configuration(model_id=cat.model.id, variant_product_id=cat.product_ids[variant.product] if variant else None,
                         bom=snapshot(rows), created_at=naive_utc(aware(when)), created_by=by)
    session.add(made)
    session.flush()
    session.add_all([ConfigurationOption(configuration_id=made.id, option_id=cat.option_ids[code]) for code in in_order])
    session.flush()
    return made


def configuration_of(session: Session, configuration: int | Configuration) -> Configuration:
    """A configuration by id (or the configuration itself).

    Raises
    ------
    NotFound
        For an id that is no configuration.
    """
    if isinstance(configuration, Configuration):
        return configuration
    found = session.get(Configuration, configuration)
    if found is None:
        raise NotFound(f"no configuration {configuration!r}", where="configuration")
    return found


def describe(session: Session, configuration: int | Configuration) -> ConfigurationSummary:
    """What a configuration is, for people: three queries (:func:`describe_many` of one).

    Raises
    ------
    NotFound
        For an id that is no configuration.
    """
    conf = configuration_of(session, configuration)
    return describe_many(session, [conf.id])[conf.id]


def describe_many(session: Session, configurations: Iterable[int]) -> dict[int, ConfigurationSummary]:
    """:func:`describe` for many configurations at once, by id: three queries whatever their number.

    Raises
    ------
    NotFound
        For an id that is no configuration.
    """
    wanted = list(dict.fromkeys(configurations))
    if not wanted:
        return {}
    confs = session.execute(select(Configuration, ConfigModel)
                            .join(ConfigModel, ConfigModel.id == Configuration.model_id)
                            .where(Configuration.id.in_(wanted))).all()
    _all_found(wanted, {conf.id for conf, _m in confs}, "configuration")
    chosen: dict[int, list[ChosenOption]] = {}
    for conf_id, group, code, name in session.execute(
            select(ConfigurationOption.configuration_id, ConfigOptionGroup.name, ConfigOption.code, ConfigOption.name)
            .join(ConfigOption, ConfigOption.id == ConfigurationOption.option_id)
            .join(ConfigOptionGroup, ConfigOptionGroup.id == ConfigOption.group_id)
            .where(ConfigurationOption.configuration_id.in_(wanted))
            .order_by(ConfigOptionGroup.position, ConfigOption.position, ConfigOption.code)):
        chosen.setdefault(conf_id, []).append(ChosenOption(group, code, name))
    quantities = {conf.id: bom_quantities(conf.bom) for conf, _m in confs}
    gtins = {gtin for q in quantities.values() for gtin in q}
    product_ids = {m.product_id for _c, m in confs} | {c.variant_product_id for c, _m in confs if c.variant_product_id}
    products = session.execute(select(Product.id, Product.gtin, Product.name).where(
        Product.gtin.in_(sorted(gtins)) | Product.id.in_(sorted(product_ids)))).all()
    by_id = {pid: (gtin, name) for pid, gtin, name in products}
    names = {gtin: name for _pid, gtin, name in products}
    out = {}
    for conf, model in confs:
        base_gtin, base_name = by_id[model.product_id]
        variant_gtin, variant_name = by_id[conf.variant_product_id] if conf.variant_product_id else (None, None)
        out[conf.id] = ConfigurationSummary(
            conf.id, model.code, model.name, base_gtin, base_name, variant_gtin, variant_name,
            tuple(chosen.get(conf.id, ())),
            tuple(BomRow(gtin, names.get(gtin), q) for gtin, q in quantities[conf.id].items()),
            conf.created_at, conf.created_by)
    return {c: out[c] for c in wanted}


def configured_products(session: Session, configurations: Iterable[int]) -> dict[int, int]:
    """``{configuration id: products.id}`` of what a line selling each configuration is for: one query.

    The variant's product, else the model's base product.

    Raises
    ------
    NotFound
        For an id that is no configuration.
    """
    wanted = list(dict.fromkeys(configurations))
    if not wanted:
        return {}
    found = dict(session.execute(
        select(Configuration.id, func.coalesce(Configuration.variant_product_id, ConfigModel.product_id))
        .join(ConfigModel, ConfigModel.id == Configuration.model_id).where(Configuration.id.in_(wanted))).all())
    _all_found(wanted, set(found), "configuration_id")
    return found


def _all_found(wanted: Iterable[int], found: set[int], where: str) -> None:
    """Refuse the first configuration id asked for that was not found."""
    missing = [c for c in wanted if c not in found]
    if missing:
        raise NotFound(f"no configuration {missing[0]!r}", where=where)
