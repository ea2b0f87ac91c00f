"""Material viewer: page images with zoom, rotation and paging; the verify button."""

from __future__ import annotations

from typing import Any

from PIL import Image
from PyQt5.QtCore import Qt
from PyQt5.QtGui import QTransform
from PyQt5.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
)

from counter_client.controller import CounterSession
from counter_client.documents import ViewerState
from counter_client.ui.common import label, pil_to_pixmap


class MaterialViewer(QDialog):
    """Shows one material; `show_pages` is called when rendering finished."""

    def __init__(self, session: CounterSession, material: dict[str, Any],
                 parent: Any = None) -> None:
        super().__init__(parent)
        self.session = session
        self.material = material
        s = session.s
        self.setWindowTitle(s("viewer_title", name=material.get("name", ""),
                              filename=material.get("filename", "")))
        self.resize(960, 720)
        self.state = ViewerState()
        self.pixmaps: list[Any] = []
        self.sizes: list[tuple[int, int]] = []
        self.image = QLabel(s("loading"))
        self.image.setAlignment(Qt.AlignCenter)
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.image)
        self.scroll.setWidgetResizable(False)
        self.scroll.setAlignment(Qt.AlignCenter)
        self.scroll.viewport().setStyleSheet("background: #4a5568;")  # not the scroll bars
        self.info = label("")
        self.info.setMinimumWidth(170)
        self.info.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key in ("prev_page", "next_page", "zoom_out", "zoom_in", "rotate", "fit"):
            button = QPushButton(s(key))
            button.clicked.connect(lambda _=False, k=key: self._change(k))
            bar.addWidget(button)
            self.buttons[key] = button
        bar.addStretch(1)
        bar.addWidget(self.info)
        self.verify = QPushButton(s("verify"))
        self.verify.setObjectName("action")
        self.verify.setMinimumHeight(32)
        self.verify.clicked.connect(self._verify)
        bar.addWidget(self.verify)
        layout = QVBoxLayout(self)
        layout.addWidget(label(s("viewer_title", name=material.get("name", ""),
                                 filename=material.get("filename", "")), "sectionTitle"))
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        self._update_verify()

    def show_pages(self, pages: list[Image.Image]) -> None:
        """Rendering finished: show page one fitted to the window."""
        self.pixmaps = [pil_to_pixmap(p) for p in pages]
        self.sizes = [p.size for p in pages]
        self.state = ViewerState(pages=len(pages))
        self._fit()
        self._draw()

    def show_error(self, message: str) -> None:
        """Rendering or download failed."""
        self.image.setText(message)
        self.image.adjustSize()

    def _fit(self) -> None:
        if self.sizes:
            vp = self.scroll.viewport().size()
            self.state.fit(self.sizes[self.state.page], (vp.width() - 8, vp.height() - 8))

    def _change(self, key: str) -> None:
        if key == "fit":
            self._fit()
        else:
            getattr(self.state, key)()  # the state is replaced when pages arrive
        self._draw()

    def _draw(self) -> None:
        if not self.pixmaps:
            return
        st = self.state
        pix = self.pixmaps[st.page]
        if st.rotation:
            pix = pix.transformed(QTransform().rotate(st.rotation), Qt.SmoothTransformation)
        w, h = max(1, int(pix.width() * st.zoom)), max(1, int(pix.height() * st.zoom))
        self.image.setPixmap(pix.scaled(w, h, Qt.KeepAspectRatio, Qt.SmoothTransformation))
        self.image.resize(w, h)
        self.info.setText(self.session.s("page_of", page=st.page + 1, pages=st.pages,
                                         zoom=round(st.zoom * 100)))
        self.buttons["prev_page"].setEnabled(st.page > 0)
        self.buttons["next_page"].setEnabled(st.page < st.pages - 1)

    def _verify(self) -> None:
        if self.session.verify_material(self.material["id"]):
            self.verify.setEnabled(False)

    def refresh_material(self) -> None:
        """The session's material list changed (e.g. verified)."""
        fresh = next((m for m in self.session.materials if m["id"] == self.material["id"]), None)
        if fresh:
            self.material = fresh
        self._update_verify()

    def _update_verify(self) -> None:
        s = self.session.s
        done = bool(self.material.get("verified"))
        self.verify.setText(s("verified_yes") if done else s("verify"))
        self.verify.setEnabled(not done and not self.session.verifying(self.material["id"]))
