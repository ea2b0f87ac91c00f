"""Alerts: 电子监察 rules, their evaluation loop and the alerts managers see.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens, audit,
appointments, materials, evaluations, tracking, applications, cases.
"""
