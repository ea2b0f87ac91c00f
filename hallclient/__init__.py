"""Qt-free client for the Tongban server (HTTP + WebSocket), shared by the Qt apps."""

from hallclient.errors import ApiError, ServerUnreachable
from hallclient.events import EventStream
from hallclient.http import HallApi

__all__ = ["ApiError", "EventStream", "HallApi", "ServerUnreachable"]
