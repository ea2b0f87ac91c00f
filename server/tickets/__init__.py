"""Tickets: numbering, issuing, the calling rule, the ticket life cycle, wait estimates, a
window's queue and suspended tickets, and the day close loop.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows.
"""
