"""A loopback TCP proxy that injects network faults between a client and a live server."""

from __future__ import annotations

import contextlib
import socket
import threading


class FaultProxy:
    """Forwards 127.0.0.1:<port> to a server on 127.0.0.1 over real sockets.

    Faults: `cut()` drops every connection and refuses new ones (accept-then-close, like a dead
    link behind a NAT) until `restore()`; `lose_next_answer(marker)` drops the connection when
    the server answers the next request whose bytes contain `marker` (the server did the work,
    the client never hears about it: exactly the case idempotency keys exist for);
    `answer_next_with(marker, response)` answers such a request itself, like a gateway;
    `stall(marker)` freezes the open connections whose first bytes contain `marker`: they stay
    open and forward nothing (a NAT that silently dropped the flow) while new ones work.
    `stall_all()` keeps every connection open (and accepts new ones) but forwards no byte either
    way, like a partition the kernels have not noticed, until `resume()`.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self._marker: bytes | None = None
        self._refuse: tuple[bytes, bytes] | None = None
        self.lost = 0
        self.refused = 0
        self._lock = threading.Lock()
        self._socks: set[socket.socket] = set()
        # Per connection: an Event cleared while stalled, and the client's first bytes.
        self._links: list[tuple[threading.Event, bytearray]] = []
        self._up = threading.Event()
        self._up.set()
        self._flowing = threading.Event()
        self._flowing.set()
        self._held = threading.Condition()
        self.held_links: set[threading.Event] = set()  # links with bytes held by a stall
        self._stop = threading.Event()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True, name="fault-proxy").start()

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

    def stall(self, marker: bytes = b"") -> int:
        """Freeze open connections whose client sent `marker` first; returns how many."""
        with self._lock:
            links = [flowing for flowing, seen in self._links if marker in seen]
        for flowing in links:
            flowing.clear()
        return len(links)

    def unstall(self) -> None:
        """Let frozen connections forward again (what they held back is delivered)."""
        with self._lock:
            for flowing, _ in self._links:
                flowing.set()

    def cut(self) -> None:
        """Drop the link: close all live connections, refuse new ones."""
        self._up.clear()
        with self._lock:
            socks, self._socks = self._socks, set()
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def stall_all(self) -> None:
        """Stop forwarding bytes on every connection, new ones too; connections stay open."""
        self._flowing.clear()

    def resume(self) -> None:
        """Forward again (bytes held meanwhile go on, as after a healed partition)."""
        with self._held:
            self.held_links.clear()
        self._flowing.set()

    def wait_held(self, links: int, timeout: float = 30.0) -> bool:
        """Wait until bytes of at least `links` connections are held by a stall."""
        with self._held:
            return self._held.wait_for(lambda: len(self.held_links) >= links, timeout)

    def restore(self) -> None:
        """Bring the link back."""
        self._up.set()

    def close(self) -> None:
        """Stop accepting and close every connection."""
        self._stop.set()
        self._server.close()
        self.unstall()
        self.cut()
        self._flowing.set()  # pumps holding bytes of a stall find their sockets closed

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if not self._up.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), 5)
            except OSError:
                client.close()  # server down: the client sees a refused/closed connection
                continue
            upstream.settimeout(None)  # the 5 s were for connecting; idle links stay open
            link = (threading.Event(), bytearray())
            link[0].set()
            with self._lock:
                self._socks.update((client, upstream))
                self._links.append(link)
            doomed = threading.Event()
            threading.Thread(target=self._pump, args=(client, upstream, doomed, True, link),
                             daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, doomed, False, link),
                             daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, doomed: threading.Event,
              to_server: bool, link: tuple[threading.Event, bytearray]) -> None:
        flowing, seen = link
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                flowing.wait()  # stalled: hold the bytes, keep the connection open
                if to_server:
                    if len(seen) < 4096:
                        seen.extend(data[: 4096 - len(seen)])
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
                if not self._flowing.is_set():
                    with self._held:
                        self.held_links.add(doomed)  # one Event per link: its identity
                        self._held.notify_all()
                    self._flowing.wait()
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._links = [other for other in self._links if other is not link]
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
