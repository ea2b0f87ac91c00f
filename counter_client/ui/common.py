"""Shared look: fonts, colours, and image conversion for the counter widgets."""

from __future__ import annotations

import qrcode
from PIL import Image
from PyQt5.QtGui import QFont, QImage, QPixmap
from PyQt5.QtWidgets import QApplication, QLabel

from hallclient.fonts import ui_family

COLORS = {
    "ok": "#1a7f37", "amber": "#b7791f", "red": "#c53030", "info": "#2d3748",
    "warn": "#b7791f", "error": "#c53030", "connected": "#1a7f37",
    "reconnecting": "#d69e2e", "disconnected": "#c53030", "brand": "#1f4e8c",
}
STATE_COLORS = {"open": "#1a7f37", "paused": "#d69e2e", "closed": "#718096"}
STYLE = """
QWidget { font-size: 14px; color: #1a202c; }
QMainWindow, #body { background: #eef2f7; }
#topbar { background: #1f4e8c; }
#topbar QLabel { color: white; }
#appTitle { font-size: 18px; font-weight: bold; }
#card, #panel { background: white; border: 1px solid #cbd5e0; border-radius: 6px; }
#number { font-size: 46px; font-weight: bold; color: #1f4e8c; }
#statusBadge { font-size: 15px; font-weight: bold; padding: 2px 10px; border-radius: 10px;
               color: white; background: #4a5568; }
#serviceName { font-size: 18px; font-weight: bold; }
#fieldName { color: #718096; }
#fieldValue { font-weight: bold; }
#sectionTitle { font-size: 15px; font-weight: bold; color: #1f4e8c; }
#statValue { font-size: 22px; font-weight: bold; color: #1f4e8c; }
#statName { color: #718096; }
QPushButton#action { font-size: 16px; font-weight: bold; padding: 4px; border-radius: 6px;
    background: #1f4e8c; color: white; border: none; }
QPushButton#action:disabled { background: #cbd5e0; color: #718096; }
QPushButton#action:hover:!disabled { background: #2b6cb0; }
QTableWidget { gridline-color: #e2e8f0; selection-background-color: #bee3f8;
               selection-color: #1a202c; }
QHeaderView::section { background: #edf2f7; border: none; padding: 4px;
                       font-weight: bold; }
"""


def setup_app(app: QApplication) -> None:
    """Chinese-capable font (with a real bold face) and the shared style sheet."""
    app.setFont(QFont(ui_family(), 11))
    app.setStyleSheet(f'QWidget {{ font-family: "{ui_family()}"; }}\n' + STYLE)


def pil_to_pixmap(img: Image.Image) -> QPixmap:
    """PIL image → QPixmap (copies the pixels)."""
    rgb = img.convert("RGB")
    data = rgb.tobytes()
    qimg = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format_RGB888)
    return QPixmap.fromImage(qimg.copy())


def qr_pixmap(text: str, size: int) -> QPixmap:
    """A QR code of `text`, about `size` pixels square."""
    code = qrcode.QRCode(box_size=8, border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    img = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    return pil_to_pixmap(img.resize((size, size), Image.NEAREST))


def label(text: str = "", name: str | None = None, *, wrap: bool = False) -> QLabel:
    """A QLabel with an object name for the style sheet."""
    lab = QLabel(text)
    if name:
        lab.setObjectName(name)
    lab.setWordWrap(wrap)
    return lab
