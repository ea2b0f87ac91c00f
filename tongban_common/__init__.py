"""Pure rules shared by the server and the Qt apps (standard library only, imports nothing of
the project): the one place a rule lives when both sides must apply it identically."""
