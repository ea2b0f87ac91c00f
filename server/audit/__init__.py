"""Audit: a hall manager's configuration (services, windows, staff, devices, notice,
settings) and its audit log.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens.
"""
