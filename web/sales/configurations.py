"""Configurable products and their configurations: the models (option groups and options with the bill of
materials each puts in, rules, variants), a form that configures a model and saves the configuration
(:func:`cradletrace.configure.configure`: a choice that breaks a rule is refused, naming the rule), and a
configuration's page: its options, variant and bill of materials, and the units sold with it, each
checked as built and as maintained against it (the ``configuration_mismatch`` finding).

Every page is a fixed number of statements: the catalogue of all models in six, a configuration in
five, its units' checks in the finding's three (:func:`cradletrace.findings.configuration.unit_checks`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from cradletrace.configure import ConfigurationSummary, configure, describe, model_of
from cradletrace.errors import InvalidInput, RuleViolation
from cradletrace.findings.configuration import UnitCheck, unit_checks
from cradletrace.models import (
    Allocation,
    ConfigComponent,
    ConfigModel,
    ConfigOption,
    ConfigOptionGroup,
    ConfigRule,
    ConfigVariant,
    ConfigVariantOption,
    Configuration,
    Document,
    Line,
    Node,
    Product,
)
from cradletrace.web.auth import login_required
from cradletrace.web.commercial import SALES_ROLES, register, user_name
from cradletrace.web.db import get_session

bp = Blueprint("configurations", __name__, url_prefix="/sales/configurations")
bp.record_once(register)

RECENT = 50
"""Configurations the overview lists (newest first)."""


@dataclass(frozen=True)
class Component:
    """A bill-of-materials row: the component's GTIN, name and quantity."""

    gtin: str
    name: str | None
    quantity: Decimal


@dataclass
class OptionView:
    """An option of a model, with the rows it puts into the bill of materials."""

    code: str
    name: str
    components: list[Component] = field(default_factory=list)


@dataclass
class GroupView:
    """An option group in order: required or not, one option or several."""

    code: str
    name: str
    required: bool
    multiple: bool
    options: list[OptionView] = field(default_factory=list)


@dataclass(frozen=True)
class RuleView:
    """A rule between two options."""

    code: str
    kind: str
    option: str
    other: str
    message: str | None


@dataclass(frozen=True)
class VariantView:
    """A variant: the GTIN a configuration holding all its options resolves to."""

    gtin: str
    name: str | None
    options: tuple[str, ...]


@dataclass
class ModelView:
    """A configurable model as its page shows it."""

    code: str
    name: str
    description: str | None
    base_gtin: str
    base_name: str | None
    groups: list[GroupView] = field(default_factory=list)
    components: list[Component] = field(default_factory=list)
    rules: list[RuleView] = field(default_factory=list)
    variants: list[VariantView] = field(default_factory=list)
    configurations: int = 0


@dataclass(frozen=True)
class ConfigurationRow:
    """A saved configuration in the overview."""

    id: int
    model: str
    gtin: str
    product: str | None
    created_at: datetime
    created_by: str | None


@dataclass(frozen=True)
class SoldUnit:
    """A unit sold with a configuration: its order line, and how it was checked against the configuration."""

    identifier: str
    order: str
    line_no: int
    check: UnitCheck | None

    @property
    def verdict(self) -> str:
        """``differs`` (a finding), ``as sold`` (built as configured, and kept so) or ``not built`` (no build
        recorded)."""
        if self.check is None or not self.check.built:
            return "not built"
        return "differs" if self.check.differs else "as sold"


@dataclass(frozen=True)
class ConfigurationPage:
    """A configuration's page: what it is, and the units sold with it."""

    summary: ConfigurationSummary
    units: tuple[SoldUnit, ...]
    names: dict[str, str]

    @property
    def mismatched(self) -> int:
        return sum(1 for u in self.units if u.verdict == "differs")


def models(session: Session, code: str | None = None) -> list[ModelView]:
    """Every configurable model (or the one of ``code``) with its groups, options, bill of materials, rules,
    variants and the number of configurations saved: six statements whatever their number."""
    base = aliased(Product)
    query = (select(ConfigModel, base.gtin, base.name).join(base, base.id == ConfigModel.product_id)
             .order_by(ConfigModel.code))
    if code is not None:
        query = query.where(ConfigModel.id == model_of(session, code).id)
    found = {m.id: ModelView(m.code, m.name, m.description, gtin, name) for m, gtin, name in session.execute(query)}
    if not found:
        return []
    ids = list(found)
    groups: dict[int, GroupView] = {}
    for g in session.execute(select(ConfigOptionGroup).where(ConfigOptionGroup.model_id.in_(ids))
                             .order_by(ConfigOptionGroup.position, ConfigOptionGroup.id)).scalars():
        groups[g.id] = GroupView(g.code, g.name, g.required, g.multiple)
        found[g.model_id].groups.append(groups[g.id])
    options: dict[int, OptionView] = {}
    codes: dict[int, str] = {}
    for o in session.execute(select(ConfigOption).where(ConfigOption.model_id.in_(ids))
                             .order_by(ConfigOption.position, ConfigOption.id)).scalars():
        options[o.id] = OptionView(o.code, o.name)
        codes[o.id] = o.code
        groups[o.group_id].options.append(options[o.id])
    for model_id, option_id, gtin, name, quantity in session.execute(
            select(ConfigComponent.model_id, ConfigComponent.option_id, Product.gtin, Product.name,
                   ConfigComponent.quantity).join(Product, Product.id == ConfigComponent.product_id)
            .where(ConfigComponent.model_id.in_(ids)).order_by(ConfigComponent.id)):
        row = Component(gtin, name, quantity)
        (found[model_id].components if option_id is None else options[option_id].components).append(row)
    for r in session.execute(select(ConfigRule).where(ConfigRule.model_id.in_(ids)).order_by(ConfigRule.id)).scalars():
        found[r.model_id].rules.append(RuleView(r.code, r.kind.value, codes[r.option_id], codes[r.other_option_id],
                                                r.message))
    variant_options: dict[int, list[str]] = defaultdict(list)
    variants: dict[int, tuple[int, str, str | None]] = {}
    for variant_id, model_id, gtin, name, option_id in session.execute(
            select(ConfigVariant.id, ConfigVariant.model_id, Product.gtin, Product.name, ConfigVariantOption.option_id)
            .join(Product, Product.id == ConfigVariant.product_id)
            .outerjoin(ConfigVariantOption, ConfigVariantOption.variant_id == ConfigVariant.id)
            .where(ConfigVariant.model_id.in_(ids)).order_by(ConfigVariant.id)):
        variants[variant_id] = (model_id, gtin, name)
        if option_id is not None:
            variant_options[variant_id].append(codes[option_id])
    for variant_id, (model_id, gtin, name) in variants.items():
        order = [c for c in codes.values() if c in variant_options[variant_id]]
        found[model_id].variants.append(VariantView(gtin, name, tuple(order)))
    for model_id, count in session.execute(select(Configuration.model_id, func.count()).where(
            Configuration.model_id.in_(ids)).group_by(Configuration.model_id)):
        found[model_id].configurations = count
    return list(found.values())


def recent_configurations(session: Session, limit: int = RECENT) -> list[ConfigurationRow]:
    """The latest saved configurations with their model and the product a line selling them is for: one statement."""
    sold = aliased(Product)
    return [ConfigurationRow(c.id, code, gtin, name, c.created_at, c.created_by) for c, code, gtin, name in
            session.execute(select(Configuration, ConfigModel.code, sold.gtin, sold.name)
                            .join(ConfigModel, ConfigModel.id == Configuration.model_id)
                            .join(sold, sold.id == func.coalesce(Configuration.variant_product_id,
                                                                 ConfigModel.product_id))
                            .order_by(Configuration.created_at.desc(), Configuration.id.desc()).limit(limit))]


def configuration_page(session: Session, configuration_id: int) -> ConfigurationPage:
    """A configuration (:func:`cradletrace.configure.describe`) and the units sold with it, each with the
    finding's check of it as built and as maintained."""
    summary = describe(session, configuration_id)
    sold = session.execute(
        select(Node.identifier, Document.number, Line.line_no).select_from(Allocation)
        .join(Line, Line.id == Allocation.line_id).join(Document, Document.id == Line.document_id)
        .join(Node, Node.id == Allocation.object_id)
        .where(Line.configuration_id == summary.id, Allocation.active, Allocation.serialized)
        .order_by(Node.identifier)).all()
    checks = {c.unit: c for c in unit_checks(session) if c.configuration_id == summary.id} if sold else {}
    gtins = {g for c in checks.values() for m in c.moments for g in (*m.differences, *m.actual)}
    names = {gtin: name for gtin, name in session.execute(
        select(Product.gtin, Product.name).where(Product.gtin.in_(gtins)))} if gtins else {}
    names.update({row.gtin: row.name for row in summary.bom if row.name})
    units = tuple(SoldUnit(identifier, order, line_no, checks.get(identifier)) for identifier, order, line_no in sold)
    return ConfigurationPage(summary, units, names)


@bp.get("")
@login_required(*SALES_ROLES)
def models_page() -> Any:
    """The configurable models and the latest configurations."""
    session = get_session()
    return render_template("sales/models.html", models=models(session), recent=recent_configurations(session),
                           limit=RECENT)


@bp.route("/models/<code>", methods=["GET", "POST"])
@login_required(*SALES_ROLES)
def model(code: str) -> Any:
    """A model's page with the configure form; posted, the configuration is saved (303 to its page) or refused
    (422, the form again with the rule it breaks)."""
    session = get_session()
    view = models(session, code)[0]
    chosen: list[str] = []
    error: RuleViolation | InvalidInput | None = None
    if request.method == "POST":
        chosen = [c for g in view.groups for c in request.form.getlist(f"group-{g.code}") if c]
        try:
            made = configure(session, view.code, chosen, by=user_name())
        except (RuleViolation, InvalidInput) as refused:
            session.rollback()
            error = refused
        else:
            return redirect(url_for("configurations.configuration", configuration_id=made.id), code=303)
    broken = error.where.removeprefix("rule ") if error is not None and (error.where or "").startswith("rule ") \
        else None
    return render_template("sales/model.html", model=view, chosen=chosen, error=error, broken=broken), (
        422 if error is not None else 200)


@bp.get("/<int:configuration_id>")
@login_required(*SALES_ROLES)
def configuration(configuration_id: int) -> Any:
    """A configuration's page: options, variant, bill of materials, and the units sold with it."""
    page = configuration_page(get_session(), configuration_id)
    return render_template("sales/configuration.html", page=page, c=page.summary)


__all__ = [
    "Component", "ConfigurationPage", "ConfigurationRow", "GroupView", "ModelView", "OptionView", "RuleView",
    "SoldUnit", "VariantView", "bp", "configuration_page", "models", "recent_configurations",
]
