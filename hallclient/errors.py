"""Errors the client raises; UI code shows `message` (Chinese from the server)."""

from __future__ import annotations


class ClientError(Exception):
    """Base of client errors."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ServerUnreachable(ClientError):
    """The server did not answer (network down, server stopped, timeout)."""


class ApiError(ClientError):
    """The server answered with an error envelope."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"
