"""The quote document (issue 15): one offer of a quote as a page to print, or a PDF.

Routes of the buyer blueprint (``api.py``), open to the buyer's company and the seller's
people; the use case answers 404 to anyone else (``negotiation/quotes/document.py``)."""
from __future__ import annotations

from flask import Response, current_app, request

from ... import negotiation as uc
from ...access import BUYER, MANAGER, REP, allow
from ...negotiation.shared.states import Role
from ..quote_document import document_html, document_pdf
from .api import _actor, _extension, api
from .quotes_schemas import QuoteDocumentQuerySchema

__all__ = ["DOCUMENT_CSP"]

_query = QuoteDocumentQuerySchema()
#: The page loads its own stylesheet and nothing else; nobody may frame it.
DOCUMENT_CSP = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_READERS = (BUYER, REP, MANAGER, Role.PRICING_MANAGER.value)


def _document(quote_id: str) -> uc.QuoteDocument:
    query = _query.load(request.args.to_dict())
    seller = current_app.config.get("COUNTEROFFER_SELLER_NAME") or ""
    return uc.quote_document(_extension().deps, _actor(), quote_id, query.get("offer"), seller=seller)


@api.get("/api/quotes/<quote_id>/document.html")
@allow(*_READERS)
def quote_document_html(quote_id: str) -> Response:
    return Response(document_html(_document(quote_id)), mimetype="text/html",
                    headers={"Content-Security-Policy": DOCUMENT_CSP})


@api.get("/api/quotes/<quote_id>/document.pdf")
@allow(*_READERS)
def quote_document_pdf(quote_id: str) -> Response:
    return Response(document_pdf(_document(quote_id)), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="quote-{quote_id}.pdf"'})
