"""Catalog: halls, their service items with the materials each needs, and the hall calendar
(closed days, working days).

May import: the layers below it in docs/architecture.md (checked by lint-imports): core.

Known debt: its router imports auth (access checks) and board (service load).
"""
