"""Hall-day simulator: generate a day (plan.py), replay it through the server (replay.py)."""
