"""ID card readers and QR scanners behind one small interface (see base.py)."""

from kiosk.devices.base import DeviceRead, InputDevice, ReadCallback, classify
from kiosk.devices.loader import create_device
from kiosk.devices.simulator import SimulatedDevice

__all__ = ["DeviceRead", "InputDevice", "ReadCallback", "SimulatedDevice", "classify",
           "create_device"]
