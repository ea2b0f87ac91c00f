"""Qt-free paging of the queue list: big halls rotate through pages of services that fit.

The calls (newest call, recent calls) are never paged; only the per-service waiting figures
are. Pages are balanced (14 services on 10-row pages → 7 + 7, 25 → 9 + 8 + 8) so no page is
a lonely leftover row, and the current page survives re-renders: a new event redraws the same
page instead of jumping back to page 1 (which would starve the last pages in a busy hall).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

DEFAULT_PAGE_SECONDS = 10.0
MIN_PAGE_SECONDS = 3.0  # faster than this nobody finishes reading a page


def page_count(n: int, capacity: int) -> int:
    """How many pages `n` items need at `capacity` per page (at least one)."""
    return max(1, math.ceil(n / max(1, capacity)))


def page_items(items: Sequence[T], capacity: int, page: int) -> list[T]:
    """The items of page `page` (0-based) when `items` are spread evenly over the pages."""
    pages = page_count(len(items), capacity)
    page = min(max(page, 0), pages - 1)
    base, extra = divmod(len(items), pages)
    start = page * base + min(page, extra)
    return list(items[start:start + base + (1 if page < extra else 0)])


@dataclass
class Pager:
    """Which page of the services a screen shows; advanced by the screen's rotation timer."""

    capacity: int
    page: int = 0
    total: int = 1

    def show(self, items: Sequence[T]) -> list[T]:
        """The current page of `items` (the page index is kept in range as the list changes)."""
        self.total = page_count(len(items), self.capacity)
        self.page = min(self.page, self.total - 1)
        return page_items(items, self.capacity, self.page)

    def advance(self) -> None:
        """Next page, wrapping round after the last."""
        self.page = (self.page + 1) % self.total if self.total > 1 else 0
