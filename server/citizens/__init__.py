"""Citizens: citizen accounts (SMS one-time-password login), phone rules and the SMS
outbox.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board.
"""
