"""Evaluations: 好差评 ratings of tickets on every channel. The follow-up case of a poor
rating is opened by the opener cases install.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops, events, windows, tickets, board, citizens, audit,
appointments, materials.
"""
