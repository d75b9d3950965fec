"""A buyer's document: uploaded (checked first, documents.py), cited once with a competing
offer of the same company (a line request's or a quote's), and read back only by staff,
never by a buyer or another company."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ...db import transaction
from ...db.models import Document
from ..approvals.staff import require_staff
from ..shared.actors import Actor, require_buyer
from ..shared.deps import Deps
from ..shared.errors import GoneError, InvalidRequestError, NotFoundError
from ..shared.records import new_id
from .documents import check_document

__all__ = ["DocumentView", "DocumentFile", "upload_document", "claim_document", "staff_document"]


@dataclass(frozen=True)
class DocumentView:
    id: str
    filename: str
    content_type: str
    size: int


@dataclass(frozen=True)
class DocumentFile:
    filename: str
    content_type: str
    data: bytes


def document_view(document: Document) -> DocumentView:
    return DocumentView(document.id, document.filename, document.content_type, document.size)


def upload_document(deps: Deps, actor: Actor, filename: str, data: bytes) -> DocumentView:
    """Checked before anything is written; kept for the buyer's company to cite once."""
    company_id = require_buyer(actor)
    checked = check_document(filename, data)
    with transaction(deps.session_factory) as session:
        document = Document(id=new_id(), company_id=company_id, filename=checked.filename,
                            content_type=checked.content_type, size=checked.size, data=data,
                            created_at=deps.clock())
        session.add(document)
        return document_view(document)


def claim_document(session: Session, company_id: str, document_id: str | None) -> Document | None:
    """The company's document not yet cited, for a citation in this transaction; else a 422
    naming the field (another company's or a cited one is never confirmed to exist)."""
    if document_id is None:
        return None
    document = session.get(Document, document_id, with_for_update=True)
    if document is None or document.company_id != company_id or _cited(document):
        message = "No document of yours with this id waits to be cited; upload it first."
        raise InvalidRequestError(message, {"competing_offer.document_id": [message]})
    return document


def staff_document(deps: Deps, actor: Actor, document_id: str) -> DocumentFile:
    """For reps and managers (like the audit trail): the file as it was uploaded; a 410
    saying when once its negotiation's or quote's retention deleted it (retention.py)."""
    require_staff(actor)
    with transaction(deps.session_factory) as session:
        document = session.get(Document, document_id)
        if document is None or not _cited(document):
            raise NotFoundError("No such document.")
        if document.purged_at is not None or document.data is None:
            raise GoneError(deleted_message(document))
        return DocumentFile(document.filename, document.content_type, bytes(document.data))


def _cited(document: Document) -> bool:
    return document.negotiation_id is not None or document.quote_id is not None


def deleted_message(document: Document) -> str:
    day = f" on {document.purged_at:%Y-%m-%d}" if document.purged_at is not None else ""
    return (f"The document {document.filename} was deleted{day} under the shop's document retention "
            "(COUNTEROFFER_DOCUMENT_RETENTION_DAYS after its negotiation or quote closed); "
            "the citation itself is kept.")
