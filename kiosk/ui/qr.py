"""QR codes drawn with the `qrcode` library's matrix into a QPixmap."""

from __future__ import annotations

import qrcode
from PyQt5.QtCore import QRect, Qt
from PyQt5.QtGui import QColor, QPainter, QPixmap


def qr_pixmap(data: str, size: int) -> QPixmap:
    """A square QR pixmap about `size` pixels wide, with a white quiet zone."""
    code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    cells = len(matrix)
    module = max(1, size // cells)
    side = module * cells
    pm = QPixmap(side, side)
    pm.fill(Qt.white)
    p = QPainter(pm)
    black = QColor("black")
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                p.fillRect(QRect(x * module, y * module, module, module), black)
    p.end()
    return pm
