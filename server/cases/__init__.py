"""Cases: follow-up cases of poor ratings: assign, reply, close, overdue.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens, audit,
appointments, materials, evaluations, tracking, applications.
"""
