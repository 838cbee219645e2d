"""The configurable models as people and API clients read them: groups, options with their bill-of-materials
rows, base rows, rules and variants, with codes, GTINs and names (not row ids); and the latest saved
configurations.

:func:`describe_models` reads every model (or those asked for) in a fixed number of queries, whatever
their number and size, and :func:`describe_model` one by its code; :class:`ModelSummary` is plain data
whose ``to_dict()`` has the shape :func:`~cradletrace.configure.catalogue.define_model` takes (plus names),
so a definition read here can be given back to it. :func:`latest_configurations` lists the newest
configurations as :func:`~cradletrace.configure.configurations.describe_many` describes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cradletrace.configure.configurations import ConfigurationSummary, describe_many
from cradletrace.errors import NotFound
from cradletrace.models import (
    ConfigComponent,
    ConfigModel,
    ConfigOption,
    ConfigOptionGroup,
    ConfigRule,
    ConfigVariant,
    ConfigVariantOption,
    Configuration,
    Product,
)
from cradletrace.units import plain


@dataclass(frozen=True)
class Component:
    """A bill-of-materials row: the component's GTIN, name and quantity."""

    product: str
    name: str | None
    quantity: Decimal

    def to_dict(self) -> dict[str, Any]:
        """The row as plain data (the quantity as a decimal string)."""
        return {"product": self.product, "name": self.name, "quantity": plain(self.quantity)}


@dataclass(frozen=True)
class OptionSummary:
    """An option: its code, name and the rows it puts into the bill of materials."""

    code: str
    name: str
    components: tuple[Component, ...]


@dataclass(frozen=True)
class GroupSummary:
    """An option group in its place: required or not, one option or several."""

    code: str
    name: str
    required: bool
    multiple: bool
    options: tuple[OptionSummary, ...]


@dataclass(frozen=True)
class RuleSummary:
    """``option`` requires (or excludes) ``other``."""

    code: str
    kind: str
    option: str
    other: str
    message: str | None


@dataclass(frozen=True)
class VariantSummary:
    """The GTIN a configuration holding all ``options`` resolves to."""

    product: str
    name: str | None
    options: tuple[str, ...]


@dataclass(frozen=True)
class ModelSummary:
    """A configurable model: its base product, groups in order, base rows, rules and variants."""

    code: str
    name: str
    description: str | None
    product: str
    product_name: str | None
    created_at: datetime
    groups: tuple[GroupSummary, ...]
    components: tuple[Component, ...]
    rules: tuple[RuleSummary, ...]
    variants: tuple[VariantSummary, ...]
    configurations: int = 0
    """How many configurations of the model are saved (not part of a definition, so not in ``to_dict()``)."""

    def to_dict(self) -> dict[str, Any]:
        """The model as plain data in the shape ``define_model`` takes, with names (quantities as decimal strings)."""
        return {
            "code": self.code, "name": self.name, "description": self.description, "product": self.product,
            "product_name": self.product_name, "created_at": self.created_at,
            "groups": [{"code": g.code, "name": g.name, "required": g.required, "multiple": g.multiple,
                        "options": [{"code": o.code, "name": o.name, "components": [c.to_dict() for c in o.components]}
                                    for o in g.options]} for g in self.groups],
            "components": [c.to_dict() for c in self.components],
            "rules": [{"code": r.code, "kind": r.kind, "option": r.option, "other": r.other, "message": r.message}
                      for r in self.rules],
            "variants": [{"product": v.product, "name": v.name, "options": list(v.options)} for v in self.variants],
        }


def describe_models(session: Session, codes: Iterable[str] | None = None) -> list[ModelSummary]:
    """Every configurable model (or those of ``codes``) by code: six queries whatever their number.

    Examples
    --------
    >>> from cradletrace.db import create_db_engine
    >>> from cradletrace.migrate import upgrade
    >>> upgrade("sqlite:///doctest.db")
    >>> with Session(create_db_engine("sqlite:///doctest.db")) as session:
    ...     describe_models(session)
    []
    """
    saved = (select(func.count()).where(Configuration.model_id == ConfigModel.id)
             .correlate(ConfigModel).scalar_subquery())
    query = (select(ConfigModel, Product.gtin, Product.name, saved).join(Product, Product.id == ConfigModel.product_id)
             .order_by(ConfigModel.code))
    if codes is not None:
        query = query.where(ConfigModel.code.in_(list(codes)))
    models = session.execute(query).all()
    ids = [m.id for m, _g, _n, _c in models] or [-1]
    groups = session.execute(select(ConfigOptionGroup).where(ConfigOptionGroup.model_id.in_(ids))
                             .order_by(ConfigOptionGroup.position, ConfigOptionGroup.id)).scalars().all()
    options = session.execute(select(ConfigOption).where(ConfigOption.model_id.in_(ids))
                              .order_by(ConfigOption.position, ConfigOption.id)).scalars().all()
    code_of = {o.id: o.code for o in options}
    rows: dict[tuple[int, int | None], list[Component]] = {}
    for model_id, option_id, gtin, name, quantity in session.execute(
            select(ConfigComponent.model_id, ConfigComponent.option_id, Product.gtin, Product.name,
                   ConfigComponent.quantity).join(Product, Product.id == ConfigComponent.product_id)
            .where(ConfigComponent.model_id.in_(ids)).order_by(ConfigComponent.id)):
        rows.setdefault((model_id, option_id), []).append(Component(gtin, name, quantity))
    rules: dict[int, list[RuleSummary]] = {}
    for r in session.execute(select(ConfigRule).where(ConfigRule.model_id.in_(ids)).order_by(ConfigRule.id)).scalars():
        rules.setdefault(r.model_id, []).append(RuleSummary(r.code, r.kind.value, code_of[r.option_id],
                                                            code_of[r.other_option_id], r.message))
    variants: dict[int, dict[int, tuple[str, str | None, list[str]]]] = {}
    for model_id, variant_id, gtin, name, option_id in session.execute(
            select(ConfigVariant.model_id, ConfigVariant.id, Product.gtin, Product.name, ConfigVariantOption.option_id)
            .join(Product, Product.id == ConfigVariant.product_id)
            .outerjoin(ConfigVariantOption, ConfigVariantOption.variant_id == ConfigVariant.id)
            .where(ConfigVariant.model_id.in_(ids)).order_by(ConfigVariant.id)):
        held = variants.setdefault(model_id, {}).setdefault(variant_id, (gtin, name, []))[2]
        if option_id is not None:
            held.append(code_of[option_id])
    out = []
    for model, gtin, product_name, count in models:
        position = {o.code: i for i, o in enumerate(options)}
        mine = [GroupSummary(g.code, g.name, g.required, g.multiple,
                             tuple(OptionSummary(o.code, o.name, tuple(rows.get((model.id, o.id), ())))
                                   for o in options if o.group_id == g.id))
                for g in groups if g.model_id == model.id]
        out.append(ModelSummary(
            model.code, model.name, model.description, gtin, product_name, model.created_at, tuple(mine),
            tuple(rows.get((model.id, None), ())), tuple(rules.get(model.id, ())),
            tuple(VariantSummary(g, n, tuple(sorted(held, key=position.__getitem__)))
                  for g, n, held in variants.get(model.id, {}).values()), count))
    return out


def describe_model(session: Session, code: str) -> ModelSummary:
    """One configurable model by its code (:func:`describe_models` of one).

    Raises
    ------
    NotFound
        For a code that is no model.
    """
    found = describe_models(session, [code.strip()])
    if not found:
        raise NotFound(f"no configurable model {code!r} (define it with cradletrace.configure.define_model)",
                       where="model")
    return found[0]


def latest_configurations(session: Session, limit: int = 50) -> list[ConfigurationSummary]:
    """The newest saved configurations (at most ``limit``), newest first, described: four queries."""
    ids = session.execute(select(Configuration.id).order_by(Configuration.created_at.desc(), Configuration.id.desc())
                          .limit(limit)).scalars().all()
    return list(describe_many(session, ids).values())


__all__ = ["Component", "GroupSummary", "ModelSummary", "OptionSummary", "RuleSummary", "VariantSummary",
           "describe_model", "describe_models", "latest_configurations"]
