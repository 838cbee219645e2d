"""The sustainability report: per product and period, units produced, footprint by stage with its spread,
recycled content, recovery, lifespans, and the materials and suppliers that contribute most.

Set-based: the units of the period are one SELECT; their compositions, nodes, events and
locations a few statements per 5,000 units (:func:`cradletrace.metrics.gather`); the
explanation rows of every unit go into one DataFrame and every figure is a pandas groupby over
it. The footprint is taken at the end of the period (``--to``, else now).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.bulk import chunks
from cradletrace.identifiers import gtin14
from cradletrace.metrics import FACTOR_SET, STAGES, footprint_rows, gather, lifespans
from cradletrace.metrics.materials import material_rows, recovery_rows
from cradletrace.models import Node, Product, Unit, UnitState
from cradletrace.reports.output import Report, chart_png
from cradletrace.timestamps import naive_utc, utc_now

Progress = Callable[[int], None]


def units_of(session: Session, product: str | None, since: datetime | None, until: datetime | None) -> pd.DataFrame:
    """The units commissioned in ``[since, until)`` (of ``product``): node id, identifier, GTIN, product name."""
    u, n, st, p = Unit.__table__, Node.__table__, UnitState.__table__, Product.__table__
    query = (select(u.c.node_id, n.c.identifier.label("unit"), u.c.gtin, p.c.name.label("product"),
                    st.c.commissioned_at)
             .select_from(u.join(n, n.c.id == u.c.node_id).join(st, st.c.node_id == u.c.node_id)
                          .outerjoin(p, p.c.gtin == u.c.gtin))
             .where(st.c.commissioned_at.is_not(None)).order_by(n.c.identifier))
    if product:
        query = query.where(u.c.gtin == gtin14(product, where="--product"))
    if since is not None:
        query = query.where(st.c.commissioned_at >= naive_utc(since))
    if until is not None:
        query = query.where(st.c.commissioned_at < naive_utc(until))
    rows = session.execute(query).all()
    return pd.DataFrame(rows, columns=["node_id", "unit", "gtin", "product", "commissioned_at"])


def collect(session: Session, node_ids: list[int], at: datetime, progress: Progress | None = None
            ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The footprint, material and recovery rows of every unit, as three DataFrames (5,000 units a step)."""
    fp: list[dict[str, Any]] = []
    mats: list[dict[str, Any]] = []
    rec: list[dict[str, Any]] = []
    done = 0
    for chunk in chunks(node_ids):
        world = gather(session, list(chunk), at)
        fp += footprint_rows(world)
        mats += material_rows(world)
        rec += recovery_rows(world)
        done += len(chunk)
        if progress:
            progress(done)
    fp_columns = ["unit", "stage", "module", "subject", "via", "event_id", "activity", "activity_unit", "factor_key",
                  "factor", "factor_unit", "factor_source", "factor_year", "factor_license", "factor_set", "kg_co2e",
                  "method", "missing"]
    return (pd.DataFrame(fp, columns=fp_columns + ["_unit_mass"]).drop(columns="_unit_mass"),
            pd.DataFrame(mats, columns=["unit", "gtin", "lot", "material", "supplier", "mass_kg", "recycled_fraction",
                                        "recycled_pre", "recycled_post", "event_id"]),
            pd.DataFrame(rec, columns=["unit", "gtin", "mass_kg", "recovered_kg"]))


def sustainability_report(session: Session, *, product: str | None = None, since: datetime | None = None,
                          until: datetime | None = None, progress: Progress | None = None,
                          charts: bool = True) -> Report:
    """The sustainability report of the units commissioned in ``[since, until)``, of one product or all.

    Tables: ``footprint`` (per product and stage: units, total, mean, median, min, max,
    standard deviation, in kg CO2e per unit), ``units`` (per unit and stage), ``materials``
    (mass, recycled mass and kg CO2e by material), ``suppliers``, ``recovery``, ``lifespans``
    and ``gaps`` (what could not be computed, and how often).
    """
    at = naive_utc(until) or utc_now()
    units = units_of(session, product, since, until)
    fp, mats, rec = collect(session, units["node_id"].tolist(), at, progress)
    report = Report("sustainability", "Sustainability report", period=(since, until),
                    filters={"product": product, "factor_set": FACTOR_SET, "footprint_at": at})
    report.figures["units_produced"] = int(len(units))
    products = units[["unit", "gtin", "product"]]

    computed = fp[fp["kg_co2e"].notna()]
    per_unit = (computed.groupby(["unit", "stage"])["kg_co2e"].sum().unstack("stage")
                .reindex(index=units["unit"], columns=[*STAGES, "credits"]).fillna(0.0))
    per_unit["total"] = per_unit[list(STAGES)].sum(axis=1)
    per_unit = per_unit.reset_index().rename(columns={"index": "unit"}).merge(products, on="unit", how="left")
    long = per_unit.melt(id_vars=["unit", "gtin", "product"], value_vars=[*STAGES, "total", "credits"],
                         var_name="stage", value_name="kg_co2e")
    spread = (long.groupby(["gtin", "product", "stage"], sort=False, dropna=False)["kg_co2e"]
              .agg(units="count", total="sum", mean="mean", median="median", min="min", max="max", std="std")
              .reset_index())
    report.tables["footprint"] = spread
    report.tables["units"] = per_unit
    report.figures["footprint_total_kg_co2e"] = float(per_unit["total"].sum())
    report.figures["footprint_mean_kg_co2e_per_unit"] = float(per_unit["total"].mean()) if len(per_unit) else None
    report.figures["credits_kg_co2e (D, not in the total)"] = float(per_unit["credits"].sum())

    mats = mats.assign(recycled_kg=mats["mass_kg"] * mats["recycled_fraction"].fillna(0.0))
    total_mass = float(mats["mass_kg"].sum())
    report.figures["recycled_content"] = float(mats["recycled_kg"].sum()) / total_mass if total_mass else None
    report.figures["lots_without_recycled_content_declared"] = int(mats.loc[mats["recycled_fraction"].isna(), "lot"]
                                                                   .nunique())
    materials_fp = computed[computed["stage"].isin(["materials", "service"]) & (computed["module"] == "A1")]
    by_lot = materials_fp.groupby("subject")["kg_co2e"].sum().rename("kg_co2e")
    lots = mats.groupby(["lot", "material", "supplier"], dropna=False)[["mass_kg", "recycled_kg"]].sum().reset_index()
    lots = lots.merge(by_lot, left_on="lot", right_index=True, how="left")
    report.tables["materials"] = (lots.groupby("material", dropna=False)[["mass_kg", "recycled_kg", "kg_co2e"]].sum()
                                  .sort_values("kg_co2e", ascending=False).reset_index())
    report.tables["suppliers"] = (lots.groupby("supplier", dropna=False)[["mass_kg", "kg_co2e"]].sum()
                                  .sort_values("kg_co2e", ascending=False).reset_index())

    ended = rec[rec["recovered_kg"].notna()]
    recovery = ended.groupby("gtin", dropna=False)[["mass_kg", "recovered_kg"]].sum().reset_index()
    recovery["recovery_rate"] = recovery["recovered_kg"] / recovery["mass_kg"]
    report.tables["recovery"] = recovery
    report.figures["recovery_rate"] = (float(ended["recovered_kg"].sum() / ended["mass_kg"].sum())
                                       if len(ended) and ended["mass_kg"].sum() else None)

    spans = pd.DataFrame([s.to_dict() for s in lifespans(session, at=at, units=units["node_id"].tolist())],
                         columns=["unit", "gtin", "commissioned_at", "installed_at", "ended_at", "route", "services",
                                  "lifespan_days", "in_service_days", "mtbs_days"])
    report.tables["lifespans"] = lifespan_table(spans)

    gaps = fp[fp["kg_co2e"].isna()]
    report.tables["gaps"] = (gaps.groupby(["stage", "missing"]).agg(units=("unit", "nunique"), rows=("unit", "size"))
                             .reset_index())
    report.figures["units_with_gaps"] = int(gaps["unit"].nunique())
    if charts and len(spread):
        report.charts["mean footprint by stage (kg CO2e per unit)"] = _stage_chart(spread)
    report.notes.append("Footprint stages follow EN 15804 (A1 materials, A3 manufacturing, A2/A4/B2/C2 transport, "
                        "B6 use, B4 service, C3/C4 end of life); D credits are reported apart and never netted. "
                        "A gap is missing data, never a zero.")
    return report


def lifespan_table(spans: pd.DataFrame) -> pd.DataFrame:
    """Per product: units, ended, median lifespan of the ended (the rest are censored), time in service, MTBS,
    services, and the disposal routes."""
    if spans.empty:
        return pd.DataFrame(columns=["gtin", "units", "ended", "censored", "median_lifespan_days",
                                     "mean_in_service_days", "mean_mtbs_days", "services", "routes"])
    grouped = spans.groupby("gtin", dropna=False)
    table = grouped.agg(units=("unit", "size"), ended=("ended_at", "count"),
                        median_lifespan_days=("lifespan_days", "median"),
                        mean_in_service_days=("in_service_days", "mean"), mean_mtbs_days=("mtbs_days", "mean"),
                        services=("services", "sum")).reset_index()
    table.insert(3, "censored", table["units"] - table["ended"])
    routes = (spans.dropna(subset=["route"]).groupby(["gtin", "route"]).size().rename("n").reset_index()
              .assign(text=lambda f: f["route"] + ": " + f["n"].astype(str)).groupby("gtin")["text"]
              .agg(", ".join))
    table["routes"] = table["gtin"].map(routes).fillna("")
    return table


def _stage_chart(spread: pd.DataFrame) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    data = spread[spread["stage"].isin(STAGES)].pivot_table(index="product", columns="stage", values="mean",
                                                             aggfunc="sum", dropna=False)
    data = data.reindex(columns=[s for s in STAGES if s in data.columns])
    fig, ax = plt.subplots(figsize=(7, 3.5))
    data.plot(kind="barh", stacked=True, ax=ax)
    ax.set_xlabel("kg CO2e per unit (mean)")
    ax.set_ylabel("")
    return chart_png(fig)
