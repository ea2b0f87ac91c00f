"""Tongban self-service kiosk: 取号, appointment check-in and ticket query (PyQt5)."""
