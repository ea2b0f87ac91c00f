"""What a file really is, judged by its content (magic bytes + a structural check)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from server.core.errors import Invalid
from tongban_common.wire import ErrorCode

log = logging.getLogger(__name__)

ALLOWED = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


def sniff(head: bytes) -> str | None:
    """MIME type from the first bytes, for the three accepted formats only."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def describe(head: bytes) -> str:
    """A short human name for common refused formats (for the error message)."""
    if head.startswith(b"MZ"):
        return "Windows 可执行程序"
    if head.startswith(b"\x7fELF"):
        return "可执行程序"
    if head.startswith(b"PK\x03\x04"):
        return "压缩包或 Office 文档"
    if head.startswith(b"GIF8"):
        return "GIF 图片"
    return "未知格式"


def check_content(path: Path, head: bytes, size: int) -> str:
    """The content type of an acceptable file, or 422 with a clear message."""
    if size == 0:
        raise Invalid("文件为空，请重新选择", code=ErrorCode.EMPTY_FILE)
    kind = sniff(head)
    if kind is None:
        raise Invalid(f"文件内容为{describe(head)}，只接受 PDF、JPEG、PNG 格式（按文件内容判断，"
                      "与扩展名无关）", code=ErrorCode.UNSUPPORTED_TYPE)
    if kind == "application/pdf":
        _check_pdf(path)
    else:
        _check_image(path, kind)
    return kind


def _check_pdf(path: Path) -> None:
    # Imported here on purpose: the PDF engine is heavy and only an uploaded PDF needs it.
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(str(path))
        pages = len(pdf)
        pdf.close()
    except Exception as exc:  # noqa: BLE001 - any parser failure means a broken file
        log.info("refused PDF: %s", exc)
        raise Invalid("PDF 文件已损坏或已加密，无法打开", code=ErrorCode.CORRUPT_FILE) from None
    if pages == 0:
        raise Invalid("PDF 文件没有页面", code=ErrorCode.CORRUPT_FILE)


def _check_image(path: Path, kind: str) -> None:
    # Imported here on purpose: Pillow is only needed when an image is uploaded.
    from PIL import Image

    try:
        with Image.open(io.BytesIO(path.read_bytes())) as img:
            img.verify()
            fmt = img.format
    except Exception:  # noqa: BLE001 - any decoder failure means a broken file
        raise Invalid("图片文件已损坏，无法打开", code=ErrorCode.CORRUPT_FILE) from None
    if ALLOWED.get(kind) != fmt:
        raise Invalid("图片内容与格式不符", code=ErrorCode.CORRUPT_FILE)
