"""The quote document as a page (HTML with a print stylesheet) and as a PDF.

The PDF is written by fpdf2, a pure-Python writer: its built-in core fonts (Helvetica)
need no font files, and nothing it does calls a browser or a system program. The core
fonts are encoded as Windows-1252, so the euro and pound signs print; a character
outside it (a buyer's name in another script) prints as "?" rather than failing.

Money is written as the plugin writes it in its messages (``rules.messages.format_money``:
``$1,234.50``, ``¥1,200``), so the document says what the panel and the e-mails said.
"""
from __future__ import annotations

from datetime import datetime

from flask import render_template, url_for
from fpdf import FPDF

from ..negotiation import QuoteDocument
from ..rules.messages import format_money, format_quantity

__all__ = ["document_html", "document_pdf", "document_title", "STATE_WORDS"]

#: What the document says it is, by its offer's state.
STATE_WORDS = {
    "offer": "Quotation",
    "accepted": "Accepted quotation",
    "expired": "Quotation (expired)",
    "superseded": "Quotation (superseded)",
}
_ENCODING = "windows-1252"
_COLUMNS = (("SKU", 30), ("Product", 62), ("Quantity", 22), ("Unit price", 28), ("Line total", 32))


def document_title(document: QuoteDocument) -> str:
    return STATE_WORDS.get(document.state, "Quotation")


def _date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _facts(document: QuoteDocument) -> list[tuple[str, str]]:
    """The heading's facts, in the order both formats print them."""
    buyer = document.buyer_company
    if document.buyer_name:
        buyer += f", attn. {document.buyer_name}"
    facts = [("Seller", document.seller)] if document.seller else []
    facts += [("Buyer", buyer), ("Quote number", document.quote_id), ("Revision", str(document.revision)),
             ("Date", _date(document.issued_at)), ("Valid until", _date(document.valid_until))]
    if document.decided_by == "person":
        facts.append(("Decided by", f"{document.seller or 'the seller'}'s sales team"))
    if document.deal_code:
        facts.append(("Deal code", document.deal_code))
    if document.order_ref:
        facts.append(("Order", document.order_ref))
    return facts


def _rows(document: QuoteDocument) -> list[tuple[str, str, str, str, str]]:
    money = document.currency
    return [(line.sku, line.name, format_quantity(line.quantity), format_money(line.unit_price, money),
             format_money(line.line_total, money)) for line in document.lines]


def _totals(document: QuoteDocument) -> list[tuple[str, str]]:
    money = document.currency
    totals = [("Catalog price for these quantities", format_money(document.catalog_total, money))]
    if document.savings > 0:
        totals.append(("Your saving", format_money(document.savings, money)))
    totals.append((f"Total ({money})", format_money(document.total, money)))
    return totals


def document_html(document: QuoteDocument) -> str:
    return render_template(
        "counteroffer/quote_document.html", title=document_title(document), document=document,
        facts=_facts(document), rows=_rows(document), totals=_totals(document),
        css=url_for("counteroffer_widget.static", filename="counteroffer/quote_document.css"))


class _Pdf(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.core_fonts_encoding = _ENCODING
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(left=14, top=14, right=14)


def _printable(text: str) -> str:
    return text.encode(_ENCODING, errors="replace").decode(_ENCODING)


def document_pdf(document: QuoteDocument) -> bytes:
    pdf = _Pdf()
    pdf.set_title(_printable(f"{document_title(document)} {document.quote_id}"))
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, _printable(document_title(document)), new_x="LMARGIN", new_y="NEXT")
    _pdf_facts(pdf, _facts(document))
    _pdf_lines(pdf, _rows(document))
    _pdf_totals(pdf, _totals(document))
    _pdf_notes(pdf, document)
    return bytes(pdf.output())


def _pdf_facts(pdf: FPDF, facts: list[tuple[str, str]]) -> None:
    for label, value in facts:
        pdf.set_font("helvetica", "B", 9)
        pdf.cell(32, 5.5, _printable(label))
        pdf.set_font("helvetica", "", 9)
        pdf.multi_cell(0, 5.5, _printable(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _pdf_lines(pdf: FPDF, rows: list[tuple[str, str, str, str, str]]) -> None:
    widths = tuple(width for _, width in _COLUMNS)
    with pdf.table(col_widths=widths, text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT"),
                   line_height=6, first_row_as_headings=True) as table:
        pdf.set_font("helvetica", "", 9)
        heading = table.row()
        for name, _ in _COLUMNS:
            heading.cell(name)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(_printable(value))
    pdf.ln(3)


def _pdf_totals(pdf: FPDF, totals: list[tuple[str, str]]) -> None:
    for index, (label, value) in enumerate(totals):
        last = index == len(totals) - 1
        pdf.set_font("helvetica", "B" if last else "", 10 if last else 9)
        pdf.cell(142, 6, _printable(label), align="R")
        pdf.cell(32, 6, _printable(value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _pdf_notes(pdf: FPDF, document: QuoteDocument) -> None:
    pdf.set_font("helvetica", "B", 9)
    pdf.cell(0, 5.5, "Order terms", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 9)
    for term in document.terms or ("The shop's standard terms.",):
        pdf.multi_cell(0, 5, _printable(f"- {term}"), new_x="LMARGIN", new_y="NEXT")
    if document.message:
        pdf.ln(2)
        pdf.multi_cell(0, 5, _printable(document.message), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("helvetica", "I", 8)
    pdf.multi_cell(0, 4.5, _printable(_validity_note(document)), new_x="LMARGIN", new_y="NEXT")


def _validity_note(document: QuoteDocument) -> str:
    if document.state == "accepted" and document.order_ref:
        return f"Accepted, and used for order {document.order_ref}."
    if document.state == "accepted":
        return (f"Accepted. Check out with the deal code before {_date(document.valid_until)}; "
                "it buys one order at these prices.")
    if document.state == "offer":
        return f"This offer holds until {_date(document.valid_until)}; accept it in the shop before then."
    return "This offer is no longer valid; ask for a new quote in the shop."
