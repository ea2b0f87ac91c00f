"""Ops: operational plumbing: middleware (security headers, body limits, input guard,
request ids, metrics), data-directory space, backups, the API docs pages.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices.
"""
