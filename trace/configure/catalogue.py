"""The catalogue of configurable products: defining a model, and reading one back as the plain data the checks use.

:func:`define_model` takes a whole definition (option groups and their options, the bill-of-materials
rows each option puts in, base rows in every configuration, rules, variants), checks it, and writes
it; given the code of an existing model it redefines that model in place: groups and options are
kept by code (an option that a saved configuration holds, or a price list surcharges, cannot be removed), and the bill of
materials, rules and variants are replaced. Configurations saved before keep their own snapshot.
:func:`catalogue` reads a model back (a fixed number of queries) for :mod:`~cradletrace.configure.configurations`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, aliased

from cradletrace.configure.bom import Row
from cradletrace.configure.rules import RULE_KINDS, REQUIRES, Definition, Group, Rule
from cradletrace.configure.variants import Variant, ambiguities
from cradletrace.errors import Conflict, InvalidInput, NotFound
from cradletrace.lifecycle.masterdata import product_ids
from cradletrace.models import (
    ConfigComponent,
    ConfigModel,
    ConfigOption,
    ConfigOptionGroup,
    ConfigRule,
    ConfigRuleKind,
    ConfigVariant,
    ConfigVariantOption,
    ConfigurationOption,
    PriceList,
    PriceSurcharge,
    Product,
)
from cradletrace.timestamps import aware, naive_utc
from cradletrace.units import decimal


@dataclass(frozen=True)
class Catalogue:
    """A model as plain data: its definition (groups, rules), variants, bill-of-materials rows and row ids."""

    model: ConfigModel
    definition: Definition
    variants: tuple[Variant, ...]
    base: tuple[Row, ...]
    """Bill-of-materials rows of every configuration."""
    by_option: dict[str, tuple[Row, ...]]
    """Bill-of-materials rows each option puts in."""
    option_ids: dict[str, int]
    """``config_options.id`` by option code, in group order."""
    product_ids: dict[str, int]
    """``products.id`` of the variants' GTINs."""


@dataclass(frozen=True)
class _Parsed:
    definition: Definition
    base: list[tuple[str, Decimal]]
    by_option: dict[str, list[tuple[str, Decimal]]]
    option_names: dict[str, str]
    variants: list[Variant]


# -- reading ------------------------------------------------------------------------------------------

def model_of(session: Session, model: str | ConfigModel) -> ConfigModel:
    """A model by its code (or the model itself).

    Raises
    ------
    NotFound
        For a code that is no model.
    """
    if isinstance(model, ConfigModel):
        return model
    found = session.scalar(select(ConfigModel).where(ConfigModel.code == str(model).strip()))
    if found is None:
        raise NotFound(f"no configurable model {model!r} (define it with cradletrace.configure.define_model)",
                       where="model")
    return found


def catalogue(session: Session, model: str | ConfigModel) -> Catalogue:
    """Read a model back as plain data: six queries whatever its size."""
    m = model_of(session, model)
    groups = session.execute(select(ConfigOptionGroup).where(ConfigOptionGroup.model_id == m.id)
                             .order_by(ConfigOptionGroup.position, ConfigOptionGroup.id)).scalars().all()
    options = session.execute(select(ConfigOption.id, ConfigOption.code, ConfigOption.group_id)
                              .where(ConfigOption.model_id == m.id)
                              .order_by(ConfigOption.position, ConfigOption.id)).all()
    by_group: dict[int, list[str]] = {}
    for _id, code, group_id in options:
        by_group.setdefault(group_id, []).append(code)
    code_of = {option_id: code for option_id, code, _g in options}
    rows = session.execute(select(ConfigComponent.option_id, Product.gtin, ConfigComponent.quantity)
                           .join(Product, Product.id == ConfigComponent.product_id)
                           .where(ConfigComponent.model_id == m.id).order_by(ConfigComponent.id)).all()
    base = tuple((gtin, quantity) for option_id, gtin, quantity in rows if option_id is None)
    by_option: dict[str, tuple[Row, ...]] = {}
    for option_id, gtin, quantity in rows:
        if option_id is not None:
            by_option[code_of[option_id]] = (*by_option.get(code_of[option_id], ()), (gtin, quantity))
    rules = tuple(Rule(code, kind.value, code_of[option], code_of[other], message) for code, kind, option, other, message
                  in session.execute(select(ConfigRule.code, ConfigRule.kind, ConfigRule.option_id,
                                            ConfigRule.other_option_id, ConfigRule.message)
                                     .where(ConfigRule.model_id == m.id).order_by(ConfigRule.id)))
    variant_rows = session.execute(
        select(ConfigVariant.id, Product.id, Product.gtin, ConfigVariantOption.option_id)
        .join(Product, Product.id == ConfigVariant.product_id)
        .outerjoin(ConfigVariantOption, ConfigVariantOption.variant_id == ConfigVariant.id)
        .where(ConfigVariant.model_id == m.id).order_by(ConfigVariant.id)).all()
    variant_options: dict[int, tuple[str, set[str]]] = {}
    ids: dict[str, int] = {}
    for variant_id, product_id, gtin, option_id in variant_rows:
        ids[gtin] = product_id
        held = variant_options.setdefault(variant_id, (gtin, set()))[1]
        if option_id is not None:
            held.add(code_of[option_id])
    definition = Definition(m.code, tuple(Group(g.code, g.name, tuple(by_group.get(g.id, ())), g.required, g.multiple)
                                          for g in groups), rules)
    order = [code for g in definition.groups for code in g.options]
    option_ids = {code: option_id for option_id, code in code_of.items()}
    return Catalogue(m, definition, tuple(Variant(gtin, frozenset(held)) for gtin, held in variant_options.values()),
                     base, by_option, {code: option_ids[code] for code in order}, ids)


# -- defining -----------------------------------------------------------------------------------------

def define_model(
    session: Session,
    code: str,
    *,
    name: str,
    product: str | int,
    groups: Sequence[Mapping[str, Any]],
    components: Sequence[Mapping[str, Any]] = (),
    rules: Sequence[Mapping[str, Any]] = (),
    variants: Sequence[Mapping[str, Any]] = (),
    description: str | None = None,
    when: datetime | None = None,
) -> ConfigModel:
    """Define a configurable product, or redefine the model of that code; flush.

    Parameters
    ----------
    code, name : str
        The model's code (unique; rules, variants and errors name it) and name.
    product : str or int
        The base product (GTIN in any form, or ``products.id``) that a configuration matching no
        variant is sold as.
    groups : sequence of mapping
        In order: ``{"code", "name", "required": True, "multiple": False, "options": [{"code", "name",
        "components": [{"product": GTIN, "quantity": Decimal or str}]}]}``. Option codes are unique in
        the model.
    components : sequence of mapping
        Base bill-of-materials rows ``{"product", "quantity"}``, in every configuration.
    rules : sequence of mapping
        ``{"code", "kind": "requires" | "excludes", "option", "other", "message"}``.
    variants : sequence of mapping
        ``{"product": GTIN, "options": [codes]}``: the GTIN a configuration holding all those
        options resolves to (the most specific match; :mod:`~cradletrace.configure.variants`).

    Raises
    ------
    InvalidInput
        A malformed definition: a missing or repeated code, an unknown option in a rule or variant,
        a quantity that is not a positive exact number, a ``requires`` rule inside a single-choice
        group, or two variants that could match one configuration with neither more specific.
    NotFound
        A product that is not in master data.
    Conflict
        A variant GTIN that is another model's variant; removing an option that a configuration holds or
        that has a surcharge on a price list.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> from cradletrace.lifecycle import add_product
    >>> upgrade("sqlite:///doctest.db")
    >>> session = Session(create_db_engine("sqlite:///doctest.db"))
    >>> for gtin, title in [("09506000134352", "Pack"), ("09506000134376", "Module 5 kWh")]:
    ...     _ = add_product(session, gtin, title)
    >>> m = define_model(session, "PACK", name="Battery pack", product="09506000134352",
    ...                  groups=[{"code": "cap", "name": "Capacity", "options": [
    ...                      {"code": "c5", "name": "5 kWh",
    ...                       "components": [{"product": "09506000134376", "quantity": 1}]},
    ...                      {"code": "c10", "name": "10 kWh",
    ...                       "components": [{"product": "09506000134376", "quantity": 2}]}]}])
    >>> m.code, m.name
    ('PACK', 'Battery pack')
    >>> session.rollback()
    """
    model_code = _text(code, "model", 40)
    where = f"model {model_code}"
    title = _text(name, f"{where}.name", 200)
    parsed = _parse(model_code, groups, components, rules, variants)
    refs: list[str | int] = [product, *(p for p, _q in parsed.base),
                             *(p for rows in parsed.by_option.values() for p, _q in rows),
                             *(v.product for v in parsed.variants)]
    ids = product_ids(session, refs)
    model = session.scalar(select(ConfigModel).where(ConfigModel.code == model_code))
    # Every check before the first write: a refused definition leaves the model as it was.
    _check_variant_products(session, model_code, [ids[v.product] for v in parsed.variants], where)
    groups_now, options_now = _current(session, model, parsed, where)
    if model is None:
        model = ConfigModel(code=model_code, created_at=naive_utc(aware(when)))
        session.add(model)
    model.name, model.product_id, model.description = title, ids[product], description
    session.flush()
    option_ids = _save_choices(session, model, parsed, groups_now, options_now)
    session.add_all([ConfigComponent(model_id=model.id, option_id=None if option is None else option_ids[option],
                                     product_id=ids[ref], quantity=quantity)
                     for option, rows in [(None, parsed.base), *parsed.by_option.items()] for ref, quantity in rows])
    session.add_all([ConfigRule(model_id=model.id, code=r.code, kind=ConfigRuleKind(r.kind),
                                option_id=option_ids[r.option], other_option_id=option_ids[r.other], message=r.message)
                     for r in parsed.definition.rules])
    made = [ConfigVariant(model_id=model.id, product_id=ids[v.product]) for v in parsed.variants]
    session.add_all(made)
    session.flush()
    session.add_all([ConfigVariantOption(variant_id=row.id, option_id=option_ids[o])
                     for row, v in zip(made, parsed.variants) for o in sorted(v.options)])
    session.flush()
    return model


def _current(session: Session, model: ConfigModel | None, parsed: _Parsed, where: str
             ) -> tuple[dict[str, ConfigOptionGroup], dict[str, ConfigOption]]:
    """The model's groups and options by code (none for a new model); refuses to remove an option that was sold."""
    if model is None:
        return {}, {}
    groups = {g.code: g for g in session.execute(select(ConfigOptionGroup)
                                                 .where(ConfigOptionGroup.model_id == model.id)).scalars()}
    options = {o.code: o for o in session.execute(select(ConfigOption)
                                                  .where(ConfigOption.model_id == model.id)).scalars()}
    gone = [o.id for code, o in options.items() if code not in parsed.definition.group_of]
    held = session.execute(select(ConfigOption.code, ConfigurationOption.configuration_id)
                           .join(ConfigurationOption, ConfigurationOption.option_id == ConfigOption.id)
                           .where(ConfigOption.id.in_(gone or [-1])).limit(1)).first()
    if held:
        raise Conflict(f"option {held[0]} is in configuration {held[1]}: an option that was sold stays in the model",
                       where=f"{where}.groups")
    priced = session.execute(select(ConfigOption.code, PriceList.code)
                             .join(PriceSurcharge, PriceSurcharge.option_id == ConfigOption.id)
                             .join(PriceList, PriceList.id == PriceSurcharge.price_list_id)
                             .where(ConfigOption.id.in_(gone or [-1])).limit(1)).first()
    if priced:
        raise Conflict(f"option {priced[0]} has a surcharge on price list {priced[1]}: take it off the list first",
                       where=f"{where}.groups")
    return groups, options


def _save_choices(session: Session, model: ConfigModel, parsed: _Parsed, groups: dict[str, ConfigOptionGroup],
                  options: dict[str, ConfigOption]) -> dict[str, int]:
    """Write the groups and options (kept by code) and clear the rows that are replaced; option ids by code."""
    wanted = parsed.definition.group_of
    variant_ids = select(ConfigVariant.id).where(ConfigVariant.model_id == model.id)
    session.execute(delete(ConfigVariantOption).where(ConfigVariantOption.variant_id.in_(variant_ids)))
    for table in (ConfigVariant, ConfigRule, ConfigComponent):
        session.execute(delete(table).where(table.model_id == model.id))
    session.execute(delete(ConfigOption).where(ConfigOption.id.in_([o.id for c, o in options.items()
                                                                     if c not in wanted] or [-1])))
    for position, g in enumerate(parsed.definition.groups):
        row = groups.get(g.code) or ConfigOptionGroup(model_id=model.id, code=g.code)
        row.name, row.required, row.multiple, row.position = g.name, g.required, g.multiple, position
        groups[g.code] = row
        session.add(row)
    session.flush()
    for g in parsed.definition.groups:
        for position, code in enumerate(g.options):
            row = options.get(code) or ConfigOption(model_id=model.id, code=code)
            row.group_id, row.name, row.position = groups[g.code].id, parsed.option_names[code], position
            options[code] = row
            session.add(row)
    session.flush()
    # Last, once no option is left in them (an option may have moved to another group).
    session.execute(delete(ConfigOptionGroup).where(ConfigOptionGroup.model_id == model.id,
                                                    ConfigOptionGroup.code.not_in([g.code for g in
                                                                                   parsed.definition.groups])))
    return {code: options[code].id for code in wanted}


def _check_variant_products(session: Session, model: str, products: list[int], where: str) -> None:
    taken = session.execute(select(Product.gtin, ConfigModel.code).select_from(ConfigVariant)
                            .join(Product, Product.id == ConfigVariant.product_id)
                            .join(ConfigModel, ConfigModel.id == ConfigVariant.model_id)
                            .where(ConfigVariant.product_id.in_(products or [-1]), ConfigModel.code != model)
                            .limit(1)).first()
    if taken:
        raise Conflict(f"GTIN {taken[0]} is already a variant of model {taken[1]}", where=f"{where}.variants")


# -- parsing the definition (pure) -------------------------------------------------------------------

def _parse(model: str, groups: Sequence[Mapping[str, Any]], components: Sequence[Mapping[str, Any]],
           rules: Sequence[Mapping[str, Any]], variants: Sequence[Mapping[str, Any]]) -> _Parsed:
    where = f"model {model}"
    made: list[Group] = []
    names: dict[str, str] = {}
    by_option: dict[str, list[tuple[str, Decimal]]] = {}
    for i, g in enumerate(_records(groups, f"{where}.groups")):
        at = f"{where}.groups[{i}]"
        code = _unique(_text(g.get("code"), f"{at}.code", 40), [x.code for x in made], "group", f"{at}.code")
        codes = []
        for j, o in enumerate(_records(g.get("options"), f"{at}.options", empty=False)):
            oat = f"{at}.options[{j}]"
            option = _unique(_text(o.get("code"), f"{oat}.code", 40), names, "option", f"{oat}.code")
            names[option] = _text(o.get("name") or option, f"{oat}.name", 200)
            by_option[option] = _rows(o.get("components"), f"{oat}.components")
            codes.append(option)
        made.append(Group(code, _text(g.get("name") or code, f"{at}.name", 200), tuple(codes),
                          bool(g.get("required", True)), bool(g.get("multiple", False))))
    definition = Definition(model, tuple(made))
    parsed_rules = [_rule(definition, r, f"{where}.rules[{i}]") for i, r in enumerate(_records(rules, f"{where}.rules"))]
    for i, r in enumerate(parsed_rules):
        _unique(r.code, [x.code for x in parsed_rules[:i]], "rule", f"{where}.rules[{i}].code")
    definition = Definition(model, definition.groups, tuple(parsed_rules))
    parsed_variants = []
    for i, v in enumerate(_records(variants, f"{where}.variants")):
        at = f"{where}.variants[{i}]"
        if v.get("product") is None:
            raise InvalidInput("a variant needs a product (its GTIN)", where=f"{at}.product")
        chosen = v.get("options") or []
        if isinstance(chosen, str):
            raise InvalidInput("options is a list of option codes", where=f"{at}.options")
        parsed_variants.append(Variant(v["product"], frozenset(_option(definition, o, f"{at}.options") for o in chosen)))
    for a, b in ambiguities(definition, parsed_variants):
        both = ", ".join(sorted(a.options | b.options)) or "none"
        raise InvalidInput(f"variants {a.product} and {b.product} could both match one configuration, neither more "
                           f"specific: add a variant with options {both}, or keep them apart with an excludes rule",
                           where=f"{where}.variants")
    return _Parsed(definition, _rows(components, f"{where}.components"), by_option, names, parsed_variants)


def _rule(definition: Definition, r: Mapping[str, Any], at: str) -> Rule:
    code = _text(r.get("code"), f"{at}.code", 60)
    kind = str(r.get("kind") or "").strip().lower()
    if kind not in RULE_KINDS:
        raise InvalidInput(f"a rule's kind is requires or excludes, not {r.get('kind')!r}", where=f"{at}.kind")
    option = _option(definition, r.get("option"), f"{at}.option")
    other = _option(definition, r.get("other"), f"{at}.other")
    if option == other:
        raise InvalidInput(f"a rule ties two options, not {option} to itself", where=f"{at}.other")
    group = definition.group_of[option]
    if kind == REQUIRES and group is definition.group_of[other] and not group.multiple:
        raise InvalidInput(f"{option} can never be chosen: it requires {other}, of the same single-choice group "
                           f"{group.code}", where=at)
    message = r.get("message")
    return Rule(code, kind, option, other, _text(message, f"{at}.message", 500) if message else None)


def _option(definition: Definition, value: Any, where: str) -> str:
    code = str(value or "").strip()
    if code not in definition.group_of:
        raise InvalidInput(f"model {definition.model} has no option {value!r}", where=where)
    return code


def _rows(rows: Any, where: str) -> list[tuple[str, Decimal]]:
    out = []
    for i, row in enumerate(_records(rows, where)):
        if row.get("product") is None:
            raise InvalidInput("a bill-of-materials row needs a product (its GTIN)", where=f"{where}[{i}].product")
        quantity = decimal(row.get("quantity", 1), where=f"{where}[{i}].quantity")
        if quantity <= 0:
            raise InvalidInput(f"quantity must be positive, got {quantity}", where=f"{where}[{i}].quantity")
        out.append((row["product"], quantity))
    return out


def _records(values: Any, where: str, *, empty: bool = True) -> list[Mapping[str, Any]]:
    items = list(values or [])
    if not items and not empty:
        raise InvalidInput("needs at least one entry", where=where)
    for i, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise InvalidInput(f"each entry is a mapping, got {type(item).__name__}", where=f"{where}[{i}]")
    return items


def _text(value: Any, where: str, limit: int) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise InvalidInput("must not be empty", where=where)
    if len(text) > limit:
        raise InvalidInput(f"is {len(text)} characters, at most {limit} allowed", where=where)
    return text


def _unique(code: str, seen: Iterable[str], what: str, where: str) -> str:
    if code in seen:
        raise InvalidInput(f"{what} code {code!r} is used twice (codes are unique in a model)", where=where)
    return code


__all__ = ["Catalogue", "catalogue", "define_model", "model_of"]
