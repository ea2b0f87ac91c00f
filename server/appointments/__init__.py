"""Appointments: online booking (slots, rules), check-in at the kiosk, remote tickets,
reminders and no-shows (the online loop). The material checklist its views show is
installed by materials (`MaterialsSide`).

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens, audit.
"""
