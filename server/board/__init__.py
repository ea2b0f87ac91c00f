"""Board: the wall board snapshot and the live load of each service.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets.
"""
