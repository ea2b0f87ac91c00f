"""Turning material bytes into page images (PIL), and the viewer's zoom/rotation state."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

PDF = "application/pdf"
IMAGES = ("image/png", "image/jpeg")
PDF_SCALE = 2.0  # 144 dpi: sharp enough to zoom in on a stamp or an ID number


class UnsupportedDocument(ValueError):
    """The bytes are not a PDF or an image we can show."""


def render_pages(content: bytes, content_type: str, *, max_pages: int = 50) -> list[Image.Image]:
    """Page images of a PDF (rendered with pdfium) or the single image of a PNG/JPEG."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype == PDF or content[:5] == b"%PDF-":
        try:
            pdf = pdfium.PdfDocument(content)
        except pdfium.PdfiumError as exc:
            raise UnsupportedDocument(str(exc)) from exc
        try:
            pages = []
            for i in range(min(len(pdf), max_pages)):
                page = pdf[i]
                pages.append(page.render(scale=PDF_SCALE).to_pil().convert("RGB"))
                page.close()
            return pages
        finally:
            pdf.close()
    if ctype in IMAGES or ctype.startswith("image/"):
        try:
            img = Image.open(io.BytesIO(content))
            img.load()
        except OSError as exc:
            raise UnsupportedDocument(str(exc)) from exc
        return [img.convert("RGB")]
    raise UnsupportedDocument(ctype)


ZOOM_STEPS = (0.25, 0.33, 0.5, 0.67, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)


@dataclass
class ViewerState:
    """Page, zoom and rotation of the material viewer (the widget only draws this)."""

    pages: int = 1
    page: int = 0
    zoom: float = 1.0
    rotation: int = 0

    def zoom_in(self) -> None:
        """Next zoom step up."""
        self.zoom = next((z for z in ZOOM_STEPS if z > self.zoom + 1e-9), ZOOM_STEPS[-1])

    def zoom_out(self) -> None:
        """Next zoom step down."""
        self.zoom = next((z for z in reversed(ZOOM_STEPS) if z < self.zoom - 1e-9),
                         ZOOM_STEPS[0])

    def fit(self, size: tuple[int, int], box: tuple[int, int]) -> None:
        """Zoom so a page of `size` (after rotation) fits in `box`."""
        w, h = size if self.rotation % 180 == 0 else (size[1], size[0])
        if w and h:
            self.zoom = max(ZOOM_STEPS[0], min(box[0] / w, box[1] / h, ZOOM_STEPS[-1]))

    def rotate(self) -> None:
        """Quarter turn clockwise."""
        self.rotation = (self.rotation + 90) % 360

    def next_page(self) -> None:
        """Following page, if any."""
        self.page = min(self.page + 1, self.pages - 1)

    def prev_page(self) -> None:
        """Previous page, if any."""
        self.page = max(self.page - 1, 0)
