"""What an uploaded file really is, from its first bytes (never its name or the browser's word).

A short allow-list of the files people share (session materials, post attachments): PDF, common
images, and Office and OpenDocument files (ZIP archives, told apart by the parts they contain).
"""

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A recognised file type: its MIME type, the extension we give it, and a label."""

    mime: str
    extension: str
    label: str


PDF = Kind("application/pdf", "pdf", "PDF")
PNG = Kind("image/png", "png", "PNG image")
JPEG = Kind("image/jpeg", "jpg", "JPEG image")
GIF = Kind("image/gif", "gif", "GIF image")
WEBP = Kind("image/webp", "webp", "WebP image")
DOCX = Kind(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word document"
)
PPTX = Kind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "PowerPoint slides"
)
XLSX = Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel workbook")
ODF = {
    b"application/vnd.oasis.opendocument.text": Kind(
        "application/vnd.oasis.opendocument.text", "odt", "OpenDocument text"
    ),
    b"application/vnd.oasis.opendocument.presentation": Kind(
        "application/vnd.oasis.opendocument.presentation", "odp", "OpenDocument slides"
    ),
    b"application/vnd.oasis.opendocument.spreadsheet": Kind(
        "application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument spreadsheet"
    ),
}
ALLOWED_LABELS = "PDF, PNG, JPEG, GIF, WebP, Word, PowerPoint, Excel or OpenDocument"
_OOXML = (("word/", DOCX), ("ppt/", PPTX), ("xl/", XLSX))


def _zip_kind(data: bytes) -> Kind | None:
    if data[:4] != b"PK\x03\x04":
        return None
    # OpenDocument puts an uncompressed "mimetype" entry first: its bytes sit at a fixed offset.
    if data[30:38] == b"mimetype":
        for mime, kind in ODF.items():
            if data[38 : 38 + len(mime)] == mime:
                return kind
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()  # names only: nothing is extracted
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in _OOXML:
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def sniff(data: bytes) -> Kind | None:
    """The file's type from its content, or None when it isn't one we accept."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    return _zip_kind(data)
