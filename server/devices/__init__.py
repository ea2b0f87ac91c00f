"""Devices: kiosks, displays, counter clients and rating pads, their tokens, heartbeats and
status reports.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth.

Known debt: its router imports alerts (printer/help reports), its service windows.
"""
