"""The checks a buyer's document (a competitor's quote: PDF, PNG or JPEG) must pass before
anything is stored (issue 16, item 6). Not wired to a route yet: docs/competing-offers.md.

The type comes from the content, never the name. Images are measured from their headers
(PNG's IHDR, JPEG's SOF marker), never decoded, so a decompression bomb is refused
before a pixel is made; no imaging library is needed. A PDF is refused if it could run
anything when opened (JavaScript, an open action, a launch), looking inside its
compressed streams too, with a cap on how much is inflated. Anything that is also
another format (a polyglot: an image carrying a PDF, HTML or a ZIP, bytes after the
image's or PDF's end) is refused.
"""
from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from typing import NoReturn

from ..shared.errors import InvalidRequestError

__all__ = ["CheckedDocument", "check_document", "MAX_DOCUMENT_BYTES", "MAX_PIXELS", "CONTENT_TYPES"]

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
#: 40 megapixels: a phone photo of a quote is 12; a bomb is billions.
MAX_PIXELS = 40_000_000
#: How much of a PDF's compressed streams is inflated, in all, to look for script.
MAX_INFLATED_BYTES = 20 * 1024 * 1024
MAX_NAME = 200
CONTENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}

_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_PDF = b"%PDF-"
_PDF_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|OpenAction|AA|Launch|EmbeddedFile|RichMedia|XFA|SubmitForm)(?![A-Za-z])")
_OTHER_FORMATS = re.compile(rb"%PDF-|PK\x03\x04|<\s*(?:script|html|svg|iframe)", re.IGNORECASE)
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# JPEG start-of-frame markers (C0-CF but for DHT C4, JPG C8 and DAC CC): they carry the size.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


@dataclass(frozen=True)
class CheckedDocument:
    filename: str
    content_type: str
    size: int


def check_document(filename: str, data: bytes) -> CheckedDocument:
    """The document as it may be stored, or InvalidRequestError naming the field."""
    name = _check_name(filename)
    if not data:
        _refuse("document", "The file is empty.")
    if len(data) > MAX_DOCUMENT_BYTES:
        _refuse("document", "Send a file of at most 5 MB.")
    if data.startswith(_PDF):
        _check_pdf(data)
        kind = "pdf"
    elif data.startswith(_PNG):
        _check_png(data)
        kind = "png"
    elif data.startswith(_JPEG):
        _check_jpeg(data)
        kind = "jpeg"
    else:
        _refuse("document", "Send a PDF, PNG or JPEG file.")
    return CheckedDocument(name, CONTENT_TYPES[kind], len(data))


def _refuse(field: str, message: str) -> NoReturn:
    raise InvalidRequestError(message, {field: [message]})


def _check_name(filename: str) -> str:
    name = filename.strip()
    if not name or len(name) > MAX_NAME:
        _refuse("document.filename", f"Give the file a name of 1 to {MAX_NAME} characters.")
    if any(part in name for part in ("/", "\\", "\x00")) or name in (".", "..") or name.startswith("."):
        _refuse("document.filename", "A file name without folders, such as quote.pdf.")
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        _refuse("document.filename", "A file name without control characters.")
    return name


def _check_pdf(data: bytes) -> None:
    end = data.rfind(b"%%EOF")
    if end < 0 or data[end + 5:].strip():
        _refuse("document", "This PDF has data after its end; send the quote as saved by its program.")
    if re.search(rb"PK\x03\x04|<\s*(?:script|html)", data, re.IGNORECASE):
        _refuse("document", "This PDF is also another kind of file; send a plain PDF.")
    budget = MAX_INFLATED_BYTES
    for part in [data, *_inflated_streams(data, budget)]:
        if _PDF_ACTIVE.search(_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), part)):
            _refuse("document", "This PDF contains script or actions; send a plain PDF, or a PNG or JPEG.")


def _inflated_streams(data: bytes, budget: int) -> list[bytes]:
    """Each Flate stream inflated, up to ``budget`` bytes in all (a bomb stops there)."""
    found = []
    for match in _STREAM.finditer(data):
        if budget <= 0:
            _refuse("document", "This PDF inflates to too much to check; send a smaller PDF.")
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue  # not Flate (an image's DCT data, say): scanned raw above
        budget -= len(chunk)
        if inflater.unconsumed_tail:
            _refuse("document", "This PDF inflates to too much to check; send a smaller PDF.")
        found.append(chunk)
    return found


def _check_pixels(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        _refuse("document", "This image has no size; send another.")
    if width * height > MAX_PIXELS:
        _refuse("document", f"This image is {width:,} x {height:,} pixels; send one of at most "
                            f"{MAX_PIXELS // 1_000_000} megapixels.")


def _check_png(data: bytes) -> None:
    if len(data) < 33 or data[12:16] != b"IHDR":
        _refuse("document", "This PNG is damaged; send another.")
    width, height = struct.unpack(">II", data[16:24])
    _check_pixels(width, height)
    end = data.rfind(b"IEND")
    if end < 0 or len(data) != end + 8:  # IEND, then its 4-byte CRC, then nothing
        _refuse("document", "This PNG has data after its end; send the image as saved.")
    if _OTHER_FORMATS.search(data):
        _refuse("document", "This image is also another kind of file; send a plain image.")


def _check_jpeg(data: bytes) -> None:
    width, height = _jpeg_size(data)
    _check_pixels(width, height)
    if not data.rstrip(b"\x00").endswith(b"\xff\xd9"):
        _refuse("document", "This JPEG has data after its end; send the image as saved.")
    if _OTHER_FORMATS.search(data):
        _refuse("document", "This image is also another kind of file; send a plain image.")


def _jpeg_size(data: bytes) -> tuple[int, int]:
    at = 2
    while at + 9 <= len(data):
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        length = struct.unpack(">H", data[at + 2:at + 4])[0]
        if marker in _SOF:
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        at += 2 + length
    _refuse("document", "This JPEG is damaged; send another.")
