"""A device app's start: which hall its token belongs to (the token decides, not a default)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hallclient.errors import ApiError, ClientError, ServerUnreachable
from hallclient.http import HallApi

log = logging.getLogger(__name__)
EXIT_BAD_SETUP = 2  # wrong token, wrong kind of device, or a hall that is not the token's
EXIT_UNREACHABLE = 3  # the server did not answer (a supervisor may start the app again)


class DeviceSetupError(ClientError):
    """The app cannot start with this token; `reason` names the string to show."""

    def __init__(self, reason: str, exit_code: int, **values: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code
        self.values = values


@dataclass(frozen=True)
class DeviceIdentity:
    """What the server says about a device token."""

    kind: str
    name: str
    hall: str
    window_id: int | None


def identify_device(api: HallApi, kind: str, hall: str | None = None) -> DeviceIdentity:
    """The token's device, checked to be a `kind` of `hall` (when one is configured)."""
    try:
        me = api.request("GET", "/api/v1/auth/me")
    except ApiError as exc:
        if exc.status in (401, 403):
            raise DeviceSetupError("token_rejected", EXIT_BAD_SETUP) from exc
        raise DeviceSetupError("server_error", EXIT_UNREACHABLE, detail=str(exc)) from exc
    except ServerUnreachable as exc:
        raise DeviceSetupError("server_unreachable", EXIT_UNREACHABLE,
                               server=api.base_url) from exc
    if me.get("kind") != "device" or me.get("role") != kind:
        raise DeviceSetupError("token_wrong_kind", EXIT_BAD_SETUP, expected=kind,
                               got=me.get("role") or me.get("kind"))
    if hall and hall != me["hall_code"]:
        raise DeviceSetupError("hall_mismatch", EXIT_BAD_SETUP, hall=hall,
                               token_hall=me["hall_code"])
    return DeviceIdentity(kind=kind, name=me.get("name") or "", hall=me["hall_code"],
                          window_id=me.get("window_id"))


def device_hall(server: str, token: str, kind: str, hall: str | None = None, *,
                timeout: float = 5.0) -> str:
    """The hall a device app runs for: its token's hall. When the server is down at start a
    configured hall is kept (the app retries anyway); without one the start fails."""
    api = HallApi(server, token, timeout=timeout)
    try:
        device = identify_device(api, kind, hall)
    except DeviceSetupError as exc:
        if exc.exit_code == EXIT_UNREACHABLE and hall:
            log.warning("server unreachable at start; using the configured hall %s", hall)
            return hall
        raise
    finally:
        api.close()
    log.info("%s %s of hall %s", kind, device.name, device.hall)
    return device.hall
