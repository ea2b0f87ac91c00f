"""Tracking: a citizen following a ticket by its token (GET and WS), and 到号提醒 SMS
reminders.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens, audit,
appointments, materials, evaluations.
"""
