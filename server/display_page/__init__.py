"""Browser version of the wall display (for TVs with a browser)."""
