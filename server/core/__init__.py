"""Core: settings, the database engine and transactions, clock and business day, errors and
their HTTP mapping, ID-number rules, hashing, the bearer token and the XLSX look.

May import: the standard library and third-party packages only, never a domain (checked
by lint-imports, .importlinter).
"""
