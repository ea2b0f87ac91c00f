"""A TCP proxy on 127.0.0.1 that can lose the server's answer to one request (real sockets)."""

from __future__ import annotations

import contextlib
import socket
import threading


class FaultProxy:
    """Forwards bytes both ways; `lose_next_answer(marker)` drops the connection when the
    server answers the next request whose bytes contain `marker` (the server did the work,
    the client never hears about it: exactly the case idempotency keys exist for)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self._marker: bytes | None = None
        self._refuse: tuple[bytes, bytes] | None = None
        self.lost = 0
        self.refused = 0
        self._lock = threading.Lock()
        self._server = socket.socket()
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(16)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._socks: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        """Base URL clients use instead of the server's."""
        return f"http://127.0.0.1:{self.port}"

    def lose_next_answer(self, marker: bytes) -> None:
        """Arm the fault for the next request containing `marker`."""
        with self._lock:
            self._marker = marker

    def answer_next_with(self, marker: bytes, response: bytes) -> None:
        """Answer the next request containing `marker` ourselves (e.g. a 503 from a gateway);
        the server never sees it."""
        with self._lock:
            self._refuse = (marker, response)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), 5)
            except OSError:
                client.close()  # server down: the client sees a refused/closed connection
                continue
            self._socks += [client, upstream]
            doomed = threading.Event()
            threading.Thread(target=self._pump, args=(client, upstream, doomed, True),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, doomed, False),
                             daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, doomed: threading.Event,
              to_server: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if to_server:
                    with self._lock:
                        refuse = self._refuse
                        if refuse and refuse[0] in data:
                            self._refuse = None
                            self.refused += 1
                            src.sendall(refuse[1])
                            break  # the gateway answered and closed: nothing reaches the server
                        if self._marker and self._marker in data:
                            self._marker = None
                            doomed.set()
                elif doomed.is_set():
                    self.lost += 1
                    break  # swallow the answer and cut both sides
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def close(self) -> None:
        """Stop accepting and close every connection."""
        self._stop.set()
        self._server.close()
        for sock in self._socks:
            with contextlib.suppress(OSError):
                sock.close()
