"""A lower domain's hook that the domain above it installs when imported.

Layers only import downwards (docs/architecture.md). Where a lower domain needs one function of
a higher one (a ticket view showing its appointment, a poor rating opening its case), it
declares a Hook and the higher module installs its function into it at import.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Hook(Generic[T]):
    """One installed value; `get()` fails loudly when the installing module was never imported."""

    def __init__(self, installer: str, missing: str) -> None:
        """`installer`: the module that installs it; `missing`: what fails without it."""
        self._installer = installer
        self._missing = missing
        self._value: T | None = None

    def install(self, value: T) -> None:
        """Called once by the installing module when it is imported."""
        self._value = value

    def get(self) -> T:
        """The installed value."""
        if self._value is None:
            raise RuntimeError(f"{self._installer} is not imported: {self._missing}")
        return self._value
