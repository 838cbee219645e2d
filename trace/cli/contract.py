"""``cradletrace contract show NUMBER`` and ``contract reminders [--at DATE]``: a contract's terms, history,
documents and units; the contracts due for renewal."""

from __future__ import annotations

import click

from cradletrace.cli.entitlement import parse_at, when
from cradletrace.cli.options import database_option, format_option, print_json, session_scope


@click.group("contract")
def contract_group() -> None:
    """Contracts: show one, list those due for renewal."""


@contract_group.command("show")
@click.argument("number")
@click.option("--at", "at", metavar="DATE", help="Show the terms in force at this date (default now).")
@format_option("text", "json")
@database_option
def show_command(number: str, at: str | None, fmt: str, database: str | None) -> None:
    """Print contract NUMBER: its state, terms (every version), history, documents and covered units."""
    from cradletrace.contracts.summary import summarise

    moment = parse_at(at)
    with session_scope(database, commit=False) as session:
        summary = summarise(session, number, moment)
    if fmt == "json":
        print_json(summary.to_dict())
        return
    click.echo(f"contract {summary.number}  ({summary.status})  customer {summary.customer}  {summary.currency}")
    terms = summary.current
    label = "in force" if summary.in_force is not None else "latest, not in force"
    click.echo(f"terms v{terms.version} ({label}): {when(terms.starts_at)} to {when(terms.ends_at)}, "
               f"payment {terms.payment_terms_days} days, renewal notice {terms.renewal_notice_days} days, "
               f"price list {terms.price_list or '-'}")
    for w in terms.warranties:
        click.echo(f"  warranty {w.gtin} {w.product}: {w.months} months from delivery")
    for p in terms.plans:
        product = f"{p.product} {p.product_name}" if p.product else "all products"
        start = when(p.starts_at) if p.starts_at else "delivery"
        click.echo(f"  plan {p.code} {p.name}: {product}, {p.months} months from {start}, covers {', '.join(p.coverage)}")
    click.echo("versions:")
    for t in summary.terms:
        click.echo(f"  v{t.version} {when(t.changed_at)} by {t.changed_by or '-'}: {t.note or '-'}")
    click.echo("history:")
    for c in summary.history:
        click.echo(f"  {when(c.at)} {c.state} (v{c.version}) by {c.by or '-'}{': ' + c.note if c.note else ''}")
    click.echo("documents:" + ("" if summary.documents else " none"))
    for d in summary.documents:
        amount = f" {d.amount} {d.currency}" if d.amount is not None else ""
        click.echo(f"  {d.kind} {d.number}{f' v{d.version}' if d.version > 1 else ''} ({d.status}){amount}")
    click.echo(f"units covered: {len(summary.units)}")
    for u in summary.units:
        click.echo(f"  {u.identifier}  {u.product or ''}")


@contract_group.command("reminders")
@click.option("--at", "at", metavar="DATE", help="The date to look from (default now).")
@format_option("text", "json")
@database_option
def reminders_command(at: str | None, fmt: str, database: str | None) -> None:
    """List the active contracts due for renewal: their end is within their notice period."""
    from cradletrace.contracts import renewals_due

    moment = parse_at(at)
    with session_scope(database, commit=False) as session:
        due = renewals_due(session, moment)
    if fmt == "json":
        print_json([r.to_dict() for r in due])
        return
    if not due:
        click.echo("no renewals due")
        return
    for r in due:
        left = f"{r.days_left} days left" if r.days_left >= 0 else f"ended {-r.days_left} days ago"
        click.echo(f"{r.contract}  {r.customer or '-'}  ends {when(r.ends_at)} ({left}), due since "
                   f"{when(r.remind_from)}")
