"""Dashboard: the manager dashboard web pages as static files.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens, audit,
appointments, materials, evaluations, tracking, applications, cases, alerts, stats,
ratepad, retention.
"""
