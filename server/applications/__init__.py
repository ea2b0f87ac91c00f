"""办件 (application cases): after the window, back-office approval, 出件/送达, and the rating
of an application (一事一评; the 电子证照 store itself is in materials).

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens, audit,
appointments, materials, evaluations, tracking.
"""
