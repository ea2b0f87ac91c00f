"""Materials: pre-submitted materials (网上预审), their files, review and read audit, and the
电子证照 reference store (licences).

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens, audit,
appointments.
"""
