"""A loopback TCP proxy whose link can be cut and restored: a real network drop for tests."""

from __future__ import annotations

import contextlib
import socket
import threading

from tests.support.live import free_port


class CuttableProxy:
    """Forwards 127.0.0.1:<port> to a target port; `cut()` drops every connection and refuses
    new ones (accept-then-close, like a dead link behind a NAT) until `restore()`."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._up = threading.Event()
        self._up.set()
        self._lock = threading.Lock()
        self._socks: set[socket.socket] = set()
        self._server = socket.create_server(("127.0.0.1", self.port))
        self._stop = False
        threading.Thread(target=self._accept, daemon=True, name="netcut").start()

    def cut(self) -> None:
        """Drop the link: close all live connections, refuse new ones."""
        self._up.clear()
        with self._lock:
            socks, self._socks = self._socks, set()
        for s in socks:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def restore(self) -> None:
        """Bring the link back."""
        self._up.set()

    def close(self) -> None:
        """Stop the proxy."""
        self._stop = True
        self.cut()
        self._server.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self._up.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._socks.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
