"""Device registration, tokens and heartbeats."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.auth.cache import AUTH_NEUTRAL
from server.auth.models import Device
from server.core.clock import utcnow
from server.core.db import Database
from server.core.errors import Invalid
from server.core.security import new_token, token_digest
from server.windows.service import get_window
from tongban_common.wire import DEVICE_KINDS, WINDOW_DEVICES, DeviceKind, ErrorCode

_seen_lock = threading.Lock()
_last_touch: dict[int, float] = {}
TOUCH_EVERY_SECONDS = 30.0


def create_device(
    s: Session, *, hall_id: int, kind: str, name: str, token: str | None = None,
    window_id: int | None = None,
) -> tuple[Device, str]:
    """Register a device and return it with its bearer token (shown once)."""
    if kind not in DEVICE_KINDS:
        raise Invalid("设备类型必须是 kiosk、display、counter 或 ratepad",
                      code=ErrorCode.INVALID_KIND)
    # Checked here: the foreign key alone would only fail at flush, as an internal error.
    window = get_window(s, window_id) if window_id is not None else None
    if window is not None and window.hall_id != hall_id:
        raise Invalid(f"窗口 {window_id} 不属于该大厅", code=ErrorCode.WINDOW_OTHER_HALL)
    if kind in WINDOW_DEVICES and window is None:
        raise Invalid("评价器必须绑定本大厅的一个窗口", code=ErrorCode.WINDOW_REQUIRED)
    token = token or new_token()
    device = Device(hall_id=hall_id, kind=kind, name=name, token_digest=token_digest(token),
                    window_id=window_id)
    s.add(device)
    s.flush()
    return device, token


def window_has_ratepad(s: Session, window_id: int | None) -> bool:
    """Whether a rating pad (not revoked) is bound to this window."""
    if window_id is None:
        return False
    return s.scalar(select(Device.id).where(
        Device.window_id == window_id, Device.kind == DeviceKind.RATEPAD,
        Device.revoked_at.is_(None)).limit(1)) is not None


def touch_device(db: Database, device_id: int, *, force: bool = False) -> None:
    """Record a heartbeat, at most every 30 s per device (so it stays cheap)."""
    now = time.monotonic()
    with _seen_lock:
        if not force and now - _last_touch.get(device_id, 0.0) < TOUCH_EVERY_SECONDS:
            return
        _last_touch[device_id] = now
    db.write(
        lambda s: s.execute(
            update(Device).where(Device.id == device_id).values(last_seen_at=utcnow()),
            execution_options={AUTH_NEUTRAL: True},  # a heartbeat leaves cached tokens valid
        )
    )
