"""Evidence previews for reviewers: pixels only. A PDF page is rendered on the server with
pdfium (shipped with pdfplumber), so no PDF viewer or script runs in the reviewer's
browser; an image is sent as it is. Costs about 0.1 s a page; the browser caches it."""

from __future__ import annotations

import io

PREVIEWABLE = {"application/pdf", "image/png", "image/jpeg"}
MAX_PREVIEW_PAGES = 20


def preview_png(data: bytes, content_type: str, page: int = 1) -> bytes:
    """The bytes to show: an image file itself, or page `page` of a PDF as PNG (about
    1000 px wide). ValueError for a page that does not exist."""
    if content_type != "application/pdf":
        return data
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        if not 1 <= page <= min(len(document), MAX_PREVIEW_PAGES):
            raise ValueError("no such page")
        pdf_page = document[page - 1]
        width = pdf_page.get_width() or 595
        bitmap = pdf_page.render(scale=min(2.0, 1000 / width))
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
        return out.getvalue()
    finally:
        document.close()
