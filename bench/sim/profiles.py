"""Day profiles: how busy a hall is, when, with which services, windows and people."""

from __future__ import annotations

from dataclasses import dataclass, field

# Demo hall services (server/demo.py) by index: expected minutes 12, 8, 10, 8, 15, 25, 20,
# 10, 12, 6. Windows 1-3 are 一窗受理 windows sharing several services at priorities.


@dataclass(frozen=True)
class Profile:
    """A kind of day; the seed draws the actual people, times and pauses."""

    name: str
    open_hour: float = 8.5
    close_hour: float = 17.0
    peak_per_hour: float = 60.0
    # (local hour, share of the peak rate), linear in between.
    shape: tuple[tuple[float, float], ...] = (
        (8.5, 0.5), (9.5, 1.0), (11.0, 0.9), (12.0, 0.35), (13.5, 0.4), (14.5, 0.9),
        (16.0, 0.6), (17.0, 0.2))
    mix: tuple[float, ...] = (12, 14, 14, 8, 12, 5, 5, 8, 12, 10)  # weight per service
    # True mean service time = expected minutes x a per-service factor drawn in this range.
    service_factor: tuple[float, float] = (0.7, 1.3)
    service_cv: float = 0.6
    green_share: float = 0.10
    appointment_share: float = 0.12
    no_show_share: float = 0.05
    transfer_share: float = 0.03
    windows: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
    late_windows: dict[int, float] = field(default_factory=dict)  # window → opening hour
    pauses_per_window: float = 1.0
    pause_minutes: tuple[float, float] = (5.0, 20.0)
    lunch_pause: tuple[int, ...] = ()  # windows paused 12:00-13:30
    arrivals_stop_before_close: float = 0.5  # hours


PROFILES: dict[str, Profile] = {
    # Tuning day: a normal busy weekday.
    "busy": Profile("busy"),
    # Held-out kinds of days.
    "peaky": Profile(
        "peaky", peak_per_hour=85.0,
        shape=((8.5, 1.0), (9.0, 1.0), (10.0, 0.7), (11.5, 0.3), (13.5, 0.3), (14.0, 1.0),
               (15.0, 0.5), (17.0, 0.1)), green_share=0.15),
    "understaffed": Profile(
        "understaffed", peak_per_hour=45.0, windows=(1, 2, 3, 4, 5, 7, 10),
        late_windows={2: 9.5, 5: 10.0}, pauses_per_window=2.0, lunch_pause=(1, 4)),
    "oneflow": Profile(
        "oneflow", peak_per_hour=55.0, mix=(30, 25, 10, 5, 8, 2, 2, 3, 10, 5),
        service_factor=(0.6, 1.6), service_cv=0.8, appointment_share=0.25,
        no_show_share=0.08, transfer_share=0.06),
    "quiet": Profile("quiet", peak_per_hour=30.0, pauses_per_window=0.5),
}
TUNING = [("busy", 1), ("busy", 2), ("busy", 3)]
HELD_OUT = [("busy", 101), ("peaky", 102), ("understaffed", 103), ("oneflow", 104),
            ("quiet", 105), ("peaky", 106)]
