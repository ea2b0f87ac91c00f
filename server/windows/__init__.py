"""Windows: the counters of a hall, the services each handles, open/pause/close and the
clerk holding them. What a window shows of its tickets is installed by tickets
(`TicketSide`).

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events.
"""
