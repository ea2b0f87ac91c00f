"""Paging of the queue list (Qt-free): balanced pages, every item once, page kept in range."""

from __future__ import annotations

from display.paging import Pager, page_count, page_items


def test_pages_are_balanced_and_cover_every_item_once() -> None:
    for n in range(0, 41):
        items = list(range(n))
        pages = [page_items(items, 10, p) for p in range(page_count(n, 10))]
        assert [x for page in pages for x in page] == items
        assert all(len(page) <= 10 for page in pages)
        assert max(map(len, pages)) - min(map(len, pages)) <= 1
    assert [len(page_items(list(range(25)), 10, p)) for p in range(3)] == [9, 8, 8]
    assert [len(page_items(list(range(14)), 10, p)) for p in range(2)] == [7, 7]
    assert page_count(10, 10) == 1 and page_count(11, 10) == 2


def test_pager_wraps_and_stays_in_range_when_the_catalog_shrinks() -> None:
    pager = Pager(10)
    items = list(range(25))
    assert pager.show(items) == list(range(9)) and pager.total == 3
    pager.advance()
    pager.advance()
    assert pager.show(items) == list(range(17, 25))
    pager.advance()
    assert pager.page == 0
    pager.advance()
    pager.advance()
    assert pager.show(items[:12]) == list(range(6, 12))  # two pages now: the last one
    assert pager.show(items[:5]) == items[:5] and pager.page == 0
    pager.advance()
    assert pager.page == 0  # one page: nothing to turn
