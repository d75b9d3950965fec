"""A buyer's document (issue 16, item 6): the checks before anything would be stored.
Pure: negotiation/buying/documents.py. Type from content, not name; script in a PDF
(also hex-escaped or inside a compressed stream), polyglots, decompression bombs, names
with path parts and oversized files are each refused naming the field."""
from __future__ import annotations

import struct
import zlib

import pytest

from counteroffer.negotiation import InvalidRequestError
from counteroffer.negotiation.buying.documents import MAX_DOCUMENT_BYTES, check_document


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int = 800, height: int = 600, extra: bytes = b"", after: bytes = b"") -> bytes:
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    data = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + header + extra + data + chunk(b"IEND", b"") + after


def jpeg(width: int = 800, height: int = 600, comment: bytes = b"", after: bytes = b"") -> bytes:
    com = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment if comment else b""
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    return b"\xff\xd8" + b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + com + sof \
        + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x12\x34" + b"\xff\xd9" + after


def pdf(body: bytes = b"", after: bytes = b"") -> bytes:
    return (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + body + b">>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n" + after)


def flate_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    return b"3 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream\nendobj\n"


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("quote.pdf", pdf(), "application/pdf"),
    ("quote.png", png(), "image/png"),
    ("quote.jpg", jpeg(), "image/jpeg"),
    ("quote.pdf", png(), "image/png"),  # the name says PDF; the content is what counts
    ("Angebot März 2026.pdf", pdf(), "application/pdf"),
])
def test_plain_documents_pass_with_the_type_of_their_content(name, data, content_type):
    checked = check_document(name, data)
    assert (checked.filename, checked.content_type, checked.size) == (name, content_type, len(data))


def refused(name: str, data: bytes) -> tuple[str, str]:
    with pytest.raises(InvalidRequestError) as raised:
        check_document(name, data)
    [(field, [message])] = raised.value.fields.items()
    assert raised.value.status == 422
    return field, message


@pytest.mark.parametrize(("data", "says"), [
    (b"GIF89a" + b"\x00" * 20, "PDF, PNG or JPEG"),
    (b"<html><script>alert(1)</script></html>", "PDF, PNG or JPEG"),
    (b"", "empty"),
    (pdf(b"/OpenAction 4 0 R"), "script or actions"),
    (pdf(b"/Names << /JavaScript 5 0 R >>"), "script or actions"),
    (pdf(b"/AA << /O 6 0 R >>"), "script or actions"),
    (pdf(b"/J#61vaScript 5 0 R"), "script or actions"),  # a name with a hex escape
    (pdf(after=b"") .replace(b"trailer", flate_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>") + b"trailer"),
     "script or actions"),  # inside a compressed stream
    (pdf(after=b"PK\x03\x04 zip after the end"), "after its end"),
    (pdf(b"/Note (PK\x03\x04)"), "also another kind"),
    (png(after=b"%PDF-1.4 trailing"), "after its end"),
    (png(extra=chunk(b"tEXt", b"c\x00<script>alert(1)</script>")), "also another kind"),
    (png(extra=chunk(b"tEXt", b"c\x00%PDF-1.4")), "also another kind"),
    (png(100_000, 100_000), "100,000 x 100,000 pixels"),  # a decompression bomb, refused from the header
    (png(0, 10), "no size"),
    (jpeg(65_000, 65_000), "65,000 x 65,000 pixels"),
    (jpeg(comment=b"%PDF-1.4 1 0 obj"), "also another kind"),
    (jpeg(after=b"<html>"), "after its end"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "damaged"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "damaged"),
    (b"%PDF-1.4\n" + b"0" * (MAX_DOCUMENT_BYTES - 9) + b"\n%%EOF", "at most 5 MB"),
])
def test_bad_documents_are_refused_naming_the_document(data, says):
    field, message = refused("quote.pdf", data)
    assert field == "document" and says in message


@pytest.mark.parametrize("name", ["../quote.pdf", "a/b.pdf", "C:\\quotes\\q.pdf", ".htaccess", "..", "",
                                  " ", "q\x00.pdf", "q\n.pdf", "x" * 201])
def test_names_with_path_parts_or_control_characters_are_refused(name):
    field, _ = refused(name, pdf())
    assert field == "document.filename"


def test_a_pdf_stream_that_inflates_past_the_budget_is_refused():
    bomb = pdf().replace(b"trailer", flate_stream(b"\x00" * (30 * 1024 * 1024)) + b"trailer")
    assert len(bomb) < MAX_DOCUMENT_BYTES
    assert "too much" in refused("quote.pdf", bomb)[1]
