"""Who is calling: staff, device or citizen, and the checks every endpoint uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from server.core.errors import Forbidden, Unauthorized
from tongban_common.wire import ErrorCode, StaffRole

Kind = Literal["staff", "device", "citizen"]


@dataclass(frozen=True)
class Principal:
    """An authenticated caller.

    `role` is clerk/reviewer/manager/admin (staff), kiosk/display/counter (devices) or citizen.
    """

    kind: Kind
    id: int
    role: str
    hall_id: int | None
    name: str = ""
    window_id: int | None = None
    department: str = ""  # a reviewer's department (后台审批科室)

    @property
    def is_admin(self) -> bool:
        """Platform administrator (any hall)."""
        return self.kind == "staff" and self.role == StaffRole.ADMIN

    @property
    def sees_personal_data(self) -> bool:
        """Staff may see masked personal data; devices and the public never."""
        return self.kind == "staff"

    def can_access_hall(self, hall_id: int) -> bool:
        """Admins reach every hall; everyone else only their own."""
        return self.is_admin or self.hall_id == hall_id


def require(
    principal: Principal | None,
    *,
    staff: tuple[str, ...] = (),
    devices: tuple[str, ...] = (),
    citizen: bool = False,
    hall_id: int | None = None,
) -> Principal:
    """Raise 401/403 unless the principal has one of the allowed roles (and the hall)."""
    if principal is None:
        raise Unauthorized("请先登录或提供有效令牌", code=ErrorCode.UNAUTHENTICATED)
    allowed = (
        (principal.kind == "staff" and (principal.role in staff or principal.is_admin and staff))
        or (principal.kind == "device" and principal.role in devices)
        or (principal.kind == "citizen" and citizen)
    )
    if not allowed:
        raise Forbidden("当前身份无权执行此操作", code=ErrorCode.FORBIDDEN_ROLE)
    hall_bound = principal.kind != "citizen"
    if hall_id is not None and hall_bound and not principal.can_access_hall(hall_id):
        raise Forbidden("无权操作其他大厅的数据", code=ErrorCode.FORBIDDEN_HALL)
    return principal
