"""Create a reader from its config: a built-in name or a vendor "package.module:Class"."""

from __future__ import annotations

import importlib
from typing import Any

from kiosk.config import DeviceSpec, KioskConfigError
from kiosk.devices.base import InputDevice

BUILTIN = {
    "wedge": "kiosk.devices.wedge:KeyboardWedge",
    "serial": "kiosk.devices.serial_reader:SerialReader",
    "simulator": "kiosk.devices.simulator:SimulatedDevice",
}


def create_device(spec: DeviceSpec) -> InputDevice:
    """Instantiate the driver class with the spec's options as keyword arguments."""
    target = BUILTIN.get(spec.driver, spec.driver)
    module_name, sep, class_name = target.partition(":")
    if not sep or not module_name or not class_name:
        raise KioskConfigError(
            f"device driver {spec.driver!r}: use wedge, serial, simulator or 'module:Class'"
        )
    try:
        cls: Any = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as exc:
        raise KioskConfigError(f"cannot load device driver {target}: {exc}") from exc
    device = cls(**spec.options)
    if not isinstance(device, InputDevice):
        raise KioskConfigError(f"{target} has no start(callback)/stop() methods")
    return device
