"""Stats: hall statistics, the live view, a clerk's day and the CSV/XLSX exports.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens, audit,
appointments, materials, evaluations, tracking, applications, cases, alerts.
"""
