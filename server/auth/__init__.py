"""Auth: staff accounts, who is calling (Principal, require), tokens and their cache, the
PrincipalDep dependency, login rate limits.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog.

Known debt: token resolution reads devices.models (device tokens).
"""
