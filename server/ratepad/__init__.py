"""评价器: the citizen-facing rating pad at a window (API and browser page).

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens, audit,
appointments, materials, evaluations, tracking, applications, cases, alerts, stats.
"""
