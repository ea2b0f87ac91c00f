"""Mandarin call announcements: phrases, voice packs, voices, audio sinks and the queue."""
