"""评价器: the citizen-facing 好差评 rating pad at a window (PyQt5, small touch screen)."""
