"""Screens of the 取号 flow: home, categories, services, ID prompt, ticket."""

from __future__ import annotations

from collections.abc import Callable

from PyQt5.QtCore import Qt
from PyQt5.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.controller import KioskController
from kiosk.state import KioskState
from kiosk.ui.base import KeypadScreen, ListScreen, ScreenWidget
from kiosk.ui.qr import qr_pixmap
from kiosk.ui.widgets import (
    ID_ROWS,
    Keypad,
    NumberLabel,
    RichButton,
    button,
    icon_row,
    id_field_text,
    label,
    restyle,
)


def wait_text(screen: ScreenWidget, svc: dict) -> str:
    """'等候 3 人 · 约 12 分钟' for a catalog entry; 暂停受理 (no estimate) when no window
    serves it."""
    parts = [screen.t("waiting_count", n=svc.get("waiting", 0))]
    minutes = svc.get("estimated_wait_minutes")
    if svc.get("accepting") is False:
        parts.append(screen.t("no_window"))
    elif minutes is None:
        parts.append(screen.t("wait_unknown"))
    else:
        parts.append(screen.t("wait_minutes", m=minutes))
    return " · ".join(parts)


def show_ticket_wait(screen: ScreenWidget, lab: QLabel, ticket: dict) -> None:
    """A waiting ticket's estimate, or 暂无窗口办理 in the warning colour (no estimate)."""
    minutes = ticket.get("estimated_wait_minutes")
    if ticket.get("accepting") is False:
        lab.setText(screen.t("no_window_ticket"))
    else:
        lab.setText(screen.t("est_wait", m=minutes) if minutes is not None
                    else screen.t("wait_unknown"))
    restyle(lab, "itemWarn" if ticket.get("accepting") is False else "itemWait")


def show_wait(screen: ScreenWidget, lab: QLabel, svc: dict) -> None:
    """The wait line of a service button, in the warning colour when nobody serves it."""
    lab.setText(wait_text(screen, svc))
    restyle(lab, "itemWarn" if svc.get("accepting") is False else "itemWait")


# home tiles: (key, pictogram, title, subtitle); the large-text tile's texts follow the mode
TILES = (("take", "ticket", "take_number", "take_number_sub"),
         ("checkin", "calendar", "checkin", "checkin_sub"),
         ("pickup", "box", "pickup", "pickup_sub"),
         ("query", "search", "query", "query_sub"),
         ("large", "large_text", "large_on", "large_tile_sub"))


class HomeScreen(ScreenWidget):
    """取号 as the biggest tile, then 预约签到, 取件, 查询 and the 大字版 tile."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait)
        # the printer cannot print: said before anyone starts (hidden while it can)
        self.banner = label("", "photoBox", align=Qt.AlignCenter)
        self.banner.hide()
        self.box.addWidget(self.banner)
        self.greeting = label("", "title", align=Qt.AlignCenter)
        self.box.addWidget(self.greeting)
        grid = QGridLayout()
        grid.setSpacing(20)
        actions = {"take": ctl.take_number, "checkin": ctl.open_checkin,
                   "pickup": ctl.open_pickup, "query": ctl.open_query,
                   "large": ctl.toggle_large}
        self.tiles: dict[str, RichButton] = {}
        for key, pictogram, _, _ in TILES:
            big = key == "take"
            # landscape: the small tiles put the pictogram beside the words (height is short)
            tile = RichButton("", "", icon_name=pictogram,
                              icon_px=(130 if portrait else 200) if big else 100, vertical=big)
            tile.clicked.connect(lambda _=False, fn=actions[key]: fn())
            self.tiles[key] = tile
        # portrait: 取号 across the top, the others in rows below; landscape: 取号 on the left
        places = ({"take": (0, 0, 2, 1), "checkin": (2, 0, 1, 1), "pickup": (3, 0, 1, 1),
                   "query": (4, 0, 1, 1), "large": (5, 0, 1, 1)} if portrait else
                  {"take": (0, 0, 2, 1), "checkin": (0, 1, 1, 1), "pickup": (0, 2, 1, 1),
                   "query": (1, 1, 1, 1), "large": (1, 2, 1, 1)})
        for key, (row, col, rows, cols) in places.items():
            grid.addWidget(self.tiles[key], row, col, rows, cols)
        for i in range(grid.rowCount()):
            grid.setRowStretch(i, 1)
        for i in range(grid.columnCount()):
            grid.setColumnStretch(i, 1)
        self.box.addLayout(grid, 1)
        self.notice = label("", "hint", align=Qt.AlignCenter)
        help_row = QHBoxLayout()
        help_row.setSpacing(24)
        self.help_btn = button("", ctl.call_staff, icon_name="people")
        self.help_label = label("", "hintGood")
        help_row.addWidget(self.help_btn)
        help_row.addWidget(self.help_label, 1)
        help_row.addWidget(self.notice, 2)  # the green-channel notice shares the help row
        self.box.addLayout(help_row)

    def render(self, state: KioskState) -> None:
        """Texts in the current language, the printer banner, the call-staff answer."""
        self.banner.setVisible(state.printer_banner_key is not None)
        if state.printer_banner_key:
            self.banner.setText(self.t(state.printer_banner_key))
        self.help_btn.setText(self.t("call_staff"))
        self.help_label.setText(self.t(state.help_key) if state.help_key else "")
        restyle(self.help_label, "hintBad" if state.help_key == "help_failed" else "hintGood")
        self.greeting.setText(self.t("title"))
        self.greeting.setVisible(not state.large)  # 大字版: the room goes to the tiles
        for key, _, title, sub in TILES:
            if key == "large" and state.large:
                title, sub = "large_off", "normal_tile_sub"
            self.tiles[key].title_label.setText(self.t(title))
            self.tiles[key].sub_label.setText(self.t(sub))
            self.tiles[key].sub_label.show()
        self.notice.setText(self.t("green_hint"))


class CategoriesScreen(ListScreen):
    """Grid of 办事类别."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, QGridLayout(), spacing=24)

    def render(self, state: KioskState) -> None:
        """One button per category."""
        if state.services_loaded:
            self.title.setText(self.t("choose_category"))
        elif state.last_http == "fail":  # still retrying in the background
            self.title.setText(self.t("server_down") + "，" + self.t("conn_connecting"))
        else:
            self.title.setText(self.t("loading_services"))
        if not self.needs_rebuild((state.lang, tuple(state.categories()))):
            return
        cols = 2 if self.portrait else 4
        for i, (cat, count) in enumerate(state.categories()):
            btn = RichButton(cat, self.t("category_count", n=count),
                             title_name="itemTitle", sub_name="itemSub")
            btn.setObjectName("listItem")
            btn.clicked.connect(lambda _=False, c=cat: self.ctl.choose_category(c))
            self.items.addWidget(btn, i // cols, i % cols)


class ServicesScreen(ListScreen):
    """Services of the chosen category with live waiting counts."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, QGridLayout(), spacing=20)
        self.buttons: dict[str, RichButton] = {}

    def render(self, state: KioskState) -> None:
        """Counts update in place (a button under a finger is never replaced)."""
        self.title.setText(f"{state.category or ''} · {self.t('choose_service')}")
        services = state.services_in(state.category)
        if not self.needs_rebuild((state.lang, state.category,
                                   tuple(s["code"] for s in services))):
            for svc in services:
                show_wait(self, self.buttons[svc["code"]].extra_label, svc)
            return
        self.buttons = {}
        cols = 1 if self.portrait else 2
        for i, svc in enumerate(services):
            btn = RichButton(f"{svc['prefix']}  {svc['name']}", svc.get("department", ""),
                             vertical=False, icon_name="people", icon_px=72,
                             extra=wait_text(self, svc), title_name="itemTitle",
                             sub_name="itemSub")
            btn.setObjectName("listItem")
            show_wait(self, btn.extra_label, svc)
            btn.clicked.connect(lambda _=False, c=svc["code"]: self.ctl.choose_service(c))
            self.items.addWidget(btn, i // cols, i % cols)
            self.buttons[svc["code"]] = btn


def id_entry(screen: ScreenWidget,
             on_key: Callable[[str], None]) -> tuple[QLabel, QLabel, Keypad]:
    """The ID number field, its live hint and the keypad."""
    field = label("", "field", wrap=False, align=Qt.AlignCenter)
    hint = label("", "hint", align=Qt.AlignCenter)
    pad = Keypad(ID_ROWS)
    pad.pressed.connect(on_key)
    return field, hint, pad


def render_id_entry(screen: ScreenWidget, state: KioskState, field: QLabel, hint: QLabel,
                    pad: Keypad) -> None:
    """Field text, hint colour by validity, key labels."""
    field.setText(id_field_text(state.id_text))
    hint.setText(screen.ctl.id_hint())
    name = {"valid": "hintGood", "invalid": "hintBad"}.get(state.id_check.state, "hint")
    if hint.objectName() != name:
        hint.setObjectName(name)
        hint.style().unpolish(hint)
        hint.style().polish(hint)
    pad.set_labels({Keypad.DELETE: screen.t("kp_back"), Keypad.CLEAR: screen.t("kp_clear")})


def forward_id_key(ctl: KioskController, value: str) -> None:
    """Keypad value → controller."""
    if value == Keypad.DELETE:
        ctl.id_delete()
    elif value == Keypad.CLEAR:
        ctl.id_clear()
    else:
        ctl.id_key(value)


class IdPromptScreen(KeypadScreen):
    """Optional ID card / number before the ticket (green channel for 60+)."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait, titles_above=True)
        self.card_hint = label("", "strong")
        self.left.addLayout(icon_row("idcard", 110 if portrait else 80, self.card_hint))
        self.field, self.hint, self.pad = id_entry(self, lambda v: forward_id_key(ctl, v))
        self.left.addWidget(self.field)
        self.left.addWidget(self.hint)
        self.confirm = button("", ctl.confirm_id, primary=True, icon_name="ticket")
        self.skip = button("", ctl.skip_id)
        actions = QHBoxLayout()
        actions.setSpacing(20)
        actions.addWidget(self.skip, 1)
        actions.addWidget(self.confirm, 1)
        self.left.addLayout(actions)
        self.place_keypad(self.pad)

    def render(self, state: KioskState) -> None:
        """Field, hint and button state."""
        svc = state.service or {}
        self.title.setText(self.t("id_prompt_title"))
        self.sub.setText(f"{svc.get('name', '')} — {self.t('id_prompt_sub')}")
        self.card_hint.setText(self.t("card_hint"))
        render_id_entry(self, state, self.field, self.hint, self.pad)
        self.confirm.setText(self.t("confirm_take"))
        self.confirm.setEnabled(state.id_check.ok)
        self.skip.setText(self.t("skip"))


class IdLookupScreen(KeypadScreen):
    """Tap the ID card (or type the number), then look something up (取件, 办件进度)."""

    KEYS = ("title", "sub", "go")  # string keys of the subclass, in this order
    MESSAGE = ""  # the KioskState field with the last answer's string key

    def __init__(self, ctl: KioskController, portrait: bool, go: Callable[[], None],
                 **icon: str) -> None:
        super().__init__(ctl, portrait, titles_above=True)
        self.card_hint = label("", "strong")
        self.left.addLayout(icon_row("idcard", 110 if portrait else 80, self.card_hint))
        self.field, self.hint, self.pad = id_entry(self, lambda v: forward_id_key(ctl, v))
        self.message = label("", "hintBad", align=Qt.AlignCenter)
        self.go = button("", go, primary=True, **icon)
        for w in (self.field, self.hint, self.message, self.go):
            self.left.addWidget(w)
        self.place_keypad(self.pad)

    def render(self, state: KioskState) -> None:
        """Field, hint, the last answer (nothing found) and the button."""
        title, sub, go = self.KEYS
        self.title.setText(self.t(title))
        self.sub.setText(self.t(sub))
        self.card_hint.setText(self.t("card_hint"))
        render_id_entry(self, state, self.field, self.hint, self.pad)
        key = getattr(state, self.MESSAGE)
        self.message.setVisible(bool(key))
        self.message.setText(self.t(key) if key else "")
        self.go.setText(self.t(go))
        self.go.setEnabled(state.id_check.ok)


class TicketScreen(ScreenWidget):
    """The issued number, wait, QR and print outcome (photo message when printing failed)."""

    def __init__(self, ctl: KioskController, portrait: bool) -> None:
        super().__init__(ctl, portrait)
        body = QVBoxLayout() if portrait else QHBoxLayout()
        body.setSpacing(36)
        card = QWidget()
        card.setObjectName("card")
        info = QVBoxLayout(card)
        self.info = info  # the 取件 screen adds what the number collects
        info.setContentsMargins(36, 24, 36, 24)
        info.setSpacing(10)
        self.caption = label("", "subtitle", align=Qt.AlignCenter)
        self.number = NumberLabel("bigNumber")
        self.service = label("", "strong", align=Qt.AlignCenter)
        self.badge = label("", "badgeGreen", wrap=False, align=Qt.AlignCenter)
        self.ahead = label("", "strong", align=Qt.AlignCenter)
        self.wait = label("", "itemWait", align=Qt.AlignCenter)
        self.window = label("", "hint", align=Qt.AlignCenter)
        self.appt = label("", "hint", align=Qt.AlignCenter)
        for w in (self.caption, self.number, self.service):
            info.addWidget(w)
        info.addWidget(self.badge, 0, Qt.AlignCenter)
        for w in (self.ahead, self.wait, self.window, self.appt):
            info.addWidget(w)
        body.addWidget(card, 3)
        side = QVBoxLayout()
        self.side = side  # the 取件 screen lists what the number collects here (landscape)
        self.qr_px = 300 if portrait else 330
        side.setSpacing(16)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignCenter)
        self.qr_caption = label("", "hint", align=Qt.AlignCenter)
        self.status = label("", "okBox", align=Qt.AlignCenter)
        if portrait:  # the QR beside its caption: the number keeps its height
            row = QHBoxLayout()
            row.setSpacing(24)
            row.addWidget(self.qr)
            row.addWidget(self.qr_caption, 1)
            side.addLayout(row)
            side.addWidget(self.status)
        else:
            side.addWidget(self.qr)
            side.addWidget(self.qr_caption)
            side.addWidget(self.status)
        side.addStretch(1)
        self.reprint = button("", ctl.print_ticket, icon_name="printer")
        self.done = button("", ctl.go_home, primary=True, icon_name="check")
        self.home_button = self.done
        actions = QHBoxLayout()
        actions.setSpacing(20)
        actions.addWidget(self.reprint, 1)
        actions.addWidget(self.done, 1)
        side.addLayout(actions)
        body.addLayout(side, 2)
        self.box.addLayout(body, 1)
        self._qr_for: tuple[str, int] = ("", 0)

    def render(self, state: KioskState) -> None:
        """Everything from the ticket JSON."""
        tk = state.ticket
        if tk is None:
            return
        self.caption.setText(self.t("your_number"))
        self.number.setText(tk["number"])
        self.service.setText(tk.get("service_name", ""))
        badge = self.ctl.priority_label(tk)
        self.badge.setVisible(bool(badge))
        self.badge.setText(badge or "")
        self.badge.setObjectName("badgeGreen" if tk.get("priority_class") == "green"
                                 else "badgeBlue")
        self.badge.style().polish(self.badge)
        ahead = tk.get("people_ahead")
        self.ahead.setText(self.t("people_ahead", n=ahead if ahead is not None else 0))
        show_ticket_wait(self, self.wait, tk)
        hint = tk.get("window_hint")
        self.window.setVisible(bool(hint))
        self.window.setText(self.t("window_hint", w=hint) if hint else "")
        reason = (tk.get("appointment") or {}).get("reason")
        lines = [x for x in (state.appointment_line, self.t("late_reason", r=reason)
                             if reason else None) if x]
        self.appt.setVisible(bool(lines))
        self.appt.setText("\n".join(lines))
        qr_px = round(self.qr_px * (0.55 if state.large else 1.0))  # room for larger text
        if (state.ticket_link, qr_px) != self._qr_for:
            self.qr.setPixmap(qr_pixmap(state.ticket_link, qr_px))
            self._qr_for = (state.ticket_link, qr_px)
        self.qr_caption.setText(self.t("scan_to_track"))
        if state.print_state == "failed":
            self.status.setObjectName("photoBox")
            self.status.setText(self.t("photo_keep") + "\n" + self.t(
                "print_failed", reason=self.t(state.print_error_key or "printer_other")))
        elif state.print_state == "printed":
            self.status.setObjectName("okBox")
            self.status.setText(self.t("printed"))
        else:
            self.status.setObjectName("okBox")
            self.status.setText(self.t("printing"))
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.reprint.setVisible(state.print_state == "failed")
        self.reprint.setText(self.t("reprint"))
        self.done.setText(self.t("done"))


