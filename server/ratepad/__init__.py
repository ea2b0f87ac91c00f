"""评价器: the citizen-facing rating pad at a window (API and browser page)."""
