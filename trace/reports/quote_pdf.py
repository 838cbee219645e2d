"""The quote as a PDF for the customer (reportlab): seller and customer, number, version, date, validity,
the lines with the configuration of each configured one, the totals, and the discount approval.

:func:`quote_sheet` gathers what the page shows: the quote as
:func:`cradletrace.commerce.quote_summary.summarise_quote` reads it (what the sales page shows too, so the
customer's PDF and the page are one reading) and the parties' blocks, in a fixed number of statements
whatever the number of lines; :func:`render` draws it; :func:`quote_pdf` does both. The amounts are the
quote's own, as :func:`cradletrace.commerce.pricing.explain` tells them: a line's amount is quantity x unit
price less its discount; their subtotal less the quote's discount is the net; net plus tax the total.
The PDF is reproducible: the same quote gives the same bytes (no timestamp, no random ID).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from cradletrace.commerce.pricing import Pricing, amount_text, number_text, percent
from cradletrace.commerce.quote_summary import QuoteSummary, summarise_quote
from cradletrace.configure import ConfigurationSummary
from cradletrace.errors import NotFound
from cradletrace.lifecycle.common import party_identifier
from cradletrace.models import Document, Node, Party
from cradletrace.settings import load_settings


@dataclass(frozen=True)
class PartyBlock:
    """A party as the page names it."""

    name: str
    identifier: str
    country: str | None = None


@dataclass(frozen=True)
class QuoteSheet:
    """Everything the quote's page shows: the quote (:class:`~cradletrace.commerce.quote_summary.QuoteSummary`)
    and the parties."""

    quote: QuoteSummary
    customer: PartyBlock | None
    seller: PartyBlock | None

    @property
    def number(self) -> str:
        return self.quote.number

    @property
    def version(self) -> int:
        return self.quote.version

    @property
    def status(self) -> str:
        return self.quote.status

    @property
    def date(self) -> datetime:
        return self.quote.created_at

    @property
    def valid_until(self) -> datetime | None:
        return self.quote.valid_until

    @property
    def pricing(self) -> Pricing:
        return self.quote.pricing

    @property
    def configurations(self) -> dict[int, ConfigurationSummary]:
        return self.quote.configurations

    @property
    def approval(self) -> str | None:
        """The approval that covers the quote's discount, in words (none when the discount needed none)."""
        a = self.quote.covering_approval
        if a is None or a.decided_at is None:
            return None
        return f"Discount of up to {percent(a.discount)} approved by {a.decided_by} on {a.decided_at:%Y-%m-%d}"


def quote_pdf(session: Session, quote: str | Document, *, version: int | None = None,
              seller: str | None = None) -> bytes:
    """The PDF of a quote's version (the latest when none is given) for the customer.

    ``seller`` is the selling party (GLN, Digital Link or URI; default ``CRADLETRACE_SELLER``).
    """
    return render(quote_sheet(session, quote, version=version, seller=seller))


def quote_sheet(session: Session, quote: str | Document, *, version: int | None = None,
                seller: str | None = None) -> QuoteSheet:
    """What the page of a quote's version shows, read in a fixed number of statements."""
    summary = summarise_quote(session, quote, version)
    seller = seller if seller is not None else load_settings().seller
    parties = _parties(session, summary.customer_id, seller)
    return QuoteSheet(summary, parties.get("customer"), parties.get("seller"))


def _parties(session: Session, customer: str | None, seller: str | None) -> dict[str, PartyBlock]:
    """The customer's (by identifier) and the seller's blocks: one statement."""
    seller_node = party_identifier(seller) if seller else None
    wanted = [i for i in (customer, seller_node) if i]
    if not wanted:
        return {}
    found = {}
    for name, identifier, country in session.execute(
            select(Party.name, Node.identifier, Party.country).join(Node, Node.id == Party.node_id)
            .where(Node.identifier.in_(wanted))):
        block = PartyBlock(name, identifier, country)
        if identifier == customer:
            found["customer"] = block
        if identifier == seller_node:
            found["seller"] = block
    if seller_node and "seller" not in found:
        raise NotFound(f"no party {seller!r} (the seller; add it with cradletrace.lifecycle.add_party)",
                       where="seller")
    return found


def file_name(number: str, version: int) -> str:
    """The file name of a quote version's PDF (what is not a letter, digit, ``-``, ``.`` or ``_`` becomes ``_``).

    Examples
    --------
    >>> file_name("Q 2026/17", 2)
    'quote-Q_2026_17-v2.pdf'
    """
    safe = "".join(c if c.isalnum() or c in "-._" else "_" for c in number)
    return f"quote-{safe}-v{version}.pdf"


def render(sheet: QuoteSheet) -> bytes:
    """Draw a quote's page(s) on A4: a header, the parties, the lines (a table that runs over pages), the totals."""
    out = io.BytesIO()
    title = f"Quote {sheet.number} version {sheet.version}"
    doc = SimpleDocTemplate(out, pagesize=A4, invariant=1, title=title, author="cradletrace", creator="cradletrace",
                            leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm)
    styles = _styles()
    story = [Paragraph(escape(title), styles["title"])]
    story += [_header(sheet, styles), Spacer(1, 6 * mm), _lines(sheet, styles), Spacer(1, 4 * mm)]
    # The totals, the approval and the terms stay together: none is left alone at the top of a page.
    tail: list[object] = [_totals(sheet)]
    if sheet.approval:
        tail += [Spacer(1, 4 * mm), Paragraph(escape(sheet.approval), styles["small"])]
    terms = f"Prices in {sheet.pricing.currency}"
    terms += f" from price list {sheet.pricing.price_list}." if sheet.pricing.price_list else "."
    terms += f" This quote is valid until {sheet.valid_until:%Y-%m-%d}." if sheet.valid_until else ""
    tail += [Spacer(1, 4 * mm), Paragraph(escape(terms), styles["small"])]
    story.append(KeepTogether(tail))

    def footer(canvas, document) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"{title} - page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("quote-title", parent=base["Title"], fontName="Helvetica-Bold", fontSize=18,
                                alignment=0, spaceAfter=4 * mm),
        "body": ParagraphStyle("quote-body", parent=base["Normal"], fontName="Helvetica", fontSize=9, leading=11.5),
        "bold": ParagraphStyle("quote-bold", parent=base["Normal"], fontName="Helvetica-Bold", fontSize=9,
                               leading=11.5),
        "small": ParagraphStyle("quote-small", parent=base["Normal"], fontName="Helvetica", fontSize=8, leading=10,
                                textColor=colors.HexColor("#444444")),
        "right": ParagraphStyle("quote-right", parent=base["Normal"], fontName="Helvetica", fontSize=9,
                                leading=11.5, alignment=TA_RIGHT),
    }


def _party(label: str, party: PartyBlock | None, styles: dict[str, ParagraphStyle]) -> list[Paragraph]:
    if party is None:
        return [Paragraph(label, styles["bold"])]
    lines = [escape(party.name), escape(party.identifier)] + ([escape(party.country)] if party.country else [])
    return [Paragraph(label, styles["bold"]), Paragraph("<br/>".join(lines), styles["body"])]


def _header(sheet: QuoteSheet, styles: dict[str, ParagraphStyle]) -> Table:
    facts = [("Quote", sheet.number), ("Version", str(sheet.version)), ("Date", f"{sheet.date:%Y-%m-%d}"),
             ("Valid until", f"{sheet.valid_until:%Y-%m-%d}" if sheet.valid_until else "-"),
             ("Currency", sheet.pricing.currency)]
    fact_text = "<br/>".join(f"<b>{escape(k)}:</b> {escape(v)}" for k, v in facts)
    table = Table([[_party("Seller", sheet.seller, styles), _party("Customer", sheet.customer, styles),
                    Paragraph(fact_text, styles["body"])]], colWidths=["36%", "36%", "28%"])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return table


def _lines(sheet: QuoteSheet, styles: dict[str, ParagraphStyle]) -> Table:
    body, right = styles["body"], styles["right"]
    rows: list[list[object]] = [[Paragraph(f"<b>{h}</b>", right if i > 1 else body) for i, h in
                                 enumerate(("#", "Product", "Quantity", "Unit price", "Discount", "Amount"))]]
    spans = []
    for ln in sheet.pricing.lines:
        t = ln.terms
        product = escape(f"{t.product_name or ''} ({t.product})" if t.product else "-")
        rows.append([Paragraph(str(t.line_no), body), Paragraph(product, body),
                     Paragraph(number_text(t.quantity), right),
                     Paragraph(amount_text(ln.unit_price, grouped=True), right),
                     Paragraph(percent(t.discount) if t.discount else "-", right),
                     Paragraph(amount_text(ln.gross - ln.line_discount_amount, grouped=True), right)])
        details = _line_details(sheet, ln.terms.configuration_id, ln)
        if details:
            rows.append(["", Paragraph(details, styles["small"]), "", "", "", ""])
            spans.append(("SPAN", (1, len(rows) - 1), (-1, len(rows) - 1)))
    table = Table(rows, colWidths=[8 * mm, None, 20 * mm, 26 * mm, 20 * mm, 28 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
        ("LINEBELOW", (0, -1), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 1), (-1, -1), 2), ("BOTTOMPADDING", (0, 1), (-1, -1), 2),
        *spans,
    ]))
    return table


def _line_details(sheet: QuoteSheet, configuration_id: int | None, line) -> str:  # type: ignore[no-untyped-def]
    """The configuration of a configured line, and how its unit price was made from the list."""
    parts = []
    config = sheet.configurations.get(configuration_id) if configuration_id is not None else None
    if config is not None:
        parts.append(f"Configuration: {escape(config.model_name)} ({escape(config.model_code)})"
                     + (f", variant {escape(config.variant_name or '')} ({config.variant_gtin})"
                        if config.variant_gtin else ""))
        parts += [f"{escape(o.group)}: {escape(o.name)} ({escape(o.code)})" for o in config.options]
    t = line.terms
    if t.list_price is not None and t.surcharges and not line.price_given:
        extras = " + ".join(f"{escape(s.option)} {amount_text(s.amount, grouped=True)}" for s in t.surcharges
                            if s.amount)
        parts.append(f"Unit price: list {amount_text(t.list_price, grouped=True)}"
                     + (f" + {extras}" if extras else ""))
    return "<br/>".join(parts)


def _totals(sheet: QuoteSheet) -> Table:
    p = sheet.pricing
    currency = p.currency
    subtotal = p.gross - p.line_discounts
    rows = [("Subtotal", subtotal)]
    if p.document_discount:
        rows.append((f"Quote discount {percent(p.document_discount)}", -p.document_discounts))
    rows += [("Net", p.net), ("Tax", p.tax), (f"Total {currency}", p.total)]
    table = Table([[label, _signed(value)] for label, value in rows], colWidths=[45 * mm, 30 * mm], hAlign="RIGHT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), "Helvetica"), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, colors.black),
    ]))
    return table


def _signed(value: Decimal) -> str:
    return ("-" if value < 0 else "") + amount_text(abs(value), grouped=True)


__all__ = ["PartyBlock", "QuoteSheet", "file_name", "quote_pdf", "quote_sheet", "render"]
