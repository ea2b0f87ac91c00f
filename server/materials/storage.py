"""Content-addressed file storage for materials; an object store can implement the same API."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 1 << 16


class TooLarge(Exception):
    """The stream was longer than the allowed size (nothing was stored)."""


@dataclass(frozen=True)
class Staged:
    """A fully written temporary file waiting to be committed under its sha256."""

    path: Path
    sha256: str
    size: int
    head: bytes


class Storage(Protocol):
    """What the materials service needs from a blob store."""

    def stage(self, stream: BinaryIO, *, max_bytes: int) -> Staged:
        """Copy a stream to a temporary object, hashing it; TooLarge past max_bytes."""

    def commit(self, staged: Staged) -> bool:
        """Publish a staged object under its sha256; False when it already existed."""

    def discard(self, staged: Staged) -> None:
        """Drop a staged object that will not be committed."""

    def open(self, sha256: str) -> bytes:
        """The bytes stored under a sha256."""

    def exists(self, sha256: str) -> bool:
        """Whether an object is stored under this sha256."""

    def delete(self, sha256: str) -> None:
        """Remove an object (used to undo a commit whose database write failed)."""


class LocalStorage:
    """Files under <data_dir>/materials/ab/abcdef… ; writes go to a temp file, fsync, rename."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / ".tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path_for(self, sha256: str) -> Path:
        """Where an object lives (two-character fan-out directory)."""
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256

    def stage(self, stream: BinaryIO, *, max_bytes: int) -> Staged:
        """Copy to a temp file in the same filesystem, hashing as it goes."""
        digest = hashlib.sha256()
        size = 0
        head = b""
        fd, name = tempfile.mkstemp(dir=self.tmp, prefix="up-")
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge
                    if len(head) < 2048:
                        head += chunk[: 2048 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return Staged(path, digest.hexdigest(), size, head)

    def commit(self, staged: Staged) -> bool:
        """Atomic rename into place (same directory tree, so a reader never sees half a file)."""
        target = self.path_for(staged.sha256)
        try:
            # Fresh mtime: the orphan sweep leaves the blob alone until our row is written.
            os.utime(target)
            staged.path.unlink(missing_ok=True)
            return False
        except FileNotFoundError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, target)
        return True

    def discard(self, staged: Staged) -> None:
        """Delete the temp file."""
        staged.path.unlink(missing_ok=True)

    def open(self, sha256: str) -> bytes:
        """Read an object."""
        return self.path_for(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        """Whether the object exists."""
        return self.path_for(sha256).is_file()

    def delete(self, sha256: str) -> None:
        """Remove an object if present."""
        self.path_for(sha256).unlink(missing_ok=True)

    def read_path(self, sha256: str) -> Path:
        """Local path of an object (for streaming responses)."""
        return self.path_for(sha256)

    def sweep(self, *, older_than: float, in_use: Callable[[list[str]], set[str]]) -> int:
        """Delete temp files and unused blobs untouched for `older_than` seconds.

        What an upload killed mid-way leaves behind: a temp file, or a blob renamed into place
        whose database row was never written. Recent files may belong to an upload in progress.
        """
        cutoff = time.time() - older_than
        removed = sum(_unlink_if_older(path, cutoff) for path in self.tmp.glob("up-*"))
        blobs = {path.name: path for path in self._blobs() if _older(path, cutoff)}
        used = in_use(sorted(blobs)) if blobs else set()
        for name, path in blobs.items():
            if name not in used:
                removed += _unlink_if_older(path, cutoff)  # again: an upload may have reused it
        return removed

    def _blobs(self) -> Iterator[Path]:
        for path in self.root.glob("??/*"):
            try:
                self.path_for(path.name)
            except ValueError:
                continue  # not ours
            if path.parent.name == path.name[:2]:
                yield path


def _older(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except FileNotFoundError:
        return False


def _unlink_if_older(path: Path, cutoff: float) -> int:
    if not _older(path, cutoff):
        return 0
    path.unlink(missing_ok=True)
    return 1
