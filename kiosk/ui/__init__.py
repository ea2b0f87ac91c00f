"""PyQt5 widgets of the kiosk: they render KioskState and forward input to KioskController."""
