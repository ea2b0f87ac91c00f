"""A deterministic day plan from a profile and a seed (no server involved)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from bench.sim.profiles import Profile

N_SERVICES = 10


@dataclass(frozen=True)
class Arrival:
    """One citizen: when they take a number, for what, and how their visit will go."""

    index: int
    minute: float  # minutes after opening
    service: int  # demo service index
    priority: str  # normal / green / appointment
    slot_minute: float | None  # appointments: slot start, minutes after opening
    walk: float  # minutes from the call to the window
    service_minutes: float
    no_show: bool
    transfer_to: int | None
    transfer_after: float  # share of the service time before the transfer
    second_minutes: float  # service time after a transfer


@dataclass(frozen=True)
class WindowPlan:
    """When a window opens and when its clerk takes breaks."""

    number: int
    open_minute: float
    pauses: tuple[tuple[float, float], ...]  # (start minute, length)


@dataclass
class DayPlan:
    """Everything that will happen, decided up front."""

    profile: str
    seed: int
    minutes: float  # opening to closing
    arrivals: list[Arrival] = field(default_factory=list)
    windows: list[WindowPlan] = field(default_factory=list)
    service_means: list[float] = field(default_factory=list)
    gap: tuple[float, float] = (0.1, 0.4)  # clerk's pause between two tickets


EXPECTED = (12, 8, 10, 8, 15, 25, 20, 10, 12, 6)


def _rate(profile: Profile, hour: float) -> float:
    pts = profile.shape
    if hour <= pts[0][0]:
        return pts[0][1] * profile.peak_per_hour
    for (h0, v0), (h1, v1) in zip(pts, pts[1:], strict=False):
        if h0 <= hour <= h1:
            return (v0 + (v1 - v0) * (hour - h0) / (h1 - h0)) * profile.peak_per_hour
    return pts[-1][1] * profile.peak_per_hour


def _lognormal(rng: random.Random, mean: float, cv: float) -> float:
    sigma = math.sqrt(math.log(1 + cv * cv))
    mu = math.log(mean) - sigma * sigma / 2
    return rng.lognormvariate(mu, sigma)


def make_plan(profile: Profile, seed: int, *, scale: float = 1.0) -> DayPlan:
    """Draw a day; `scale` < 1 shortens it (same shape, fewer hours) for quick runs."""
    rng = random.Random(f"{profile.name}:{seed}")
    minutes = (profile.close_hour - profile.open_hour) * 60 * scale
    stop = minutes - profile.arrivals_stop_before_close * 60 * scale
    plan = DayPlan(profile.name, seed, minutes)
    plan.service_means = [e * rng.uniform(*profile.service_factor) for e in EXPECTED]
    weights = list(profile.mix)
    peak = profile.peak_per_hour / 60
    t = 0.0
    while True:  # thinning: a Poisson process with the profile's time-varying rate
        t += rng.expovariate(peak * 1.2)
        if t >= stop:
            break
        hour = profile.open_hour + t / 60 / scale
        if rng.random() > _rate(profile, hour) / 60 / (peak * 1.2):
            continue
        svc = rng.choices(range(N_SERVICES), weights)[0]
        u = rng.random()
        priority = ("appointment" if u < profile.appointment_share else
                    "green" if u < profile.appointment_share + profile.green_share else "normal")
        transfer = rng.random() < profile.transfer_share
        target = rng.choice([i for i in range(N_SERVICES) if i != svc]) if transfer else None
        plan.arrivals.append(Arrival(
            index=len(plan.arrivals), minute=round(t, 3), service=svc, priority=priority,
            slot_minute=round(t + rng.uniform(0, 15), 3) if priority == "appointment" else None,
            walk=rng.uniform(0.2, 1.2),
            service_minutes=_lognormal(rng, plan.service_means[svc], profile.service_cv),
            no_show=rng.random() < profile.no_show_share and not transfer,
            transfer_to=target, transfer_after=rng.uniform(0.2, 0.6),
            second_minutes=_lognormal(rng, plan.service_means[target], profile.service_cv)
            if target is not None else 0.0,
        ))
    for number in profile.windows:
        opens = (profile.late_windows.get(number, profile.open_hour) - profile.open_hour) * 60
        pauses = []
        n = int(profile.pauses_per_window) + (rng.random() < profile.pauses_per_window % 1)
        for _ in range(n):
            pauses.append((round(rng.uniform(opens + 30, minutes - 30), 3),
                           round(rng.uniform(*profile.pause_minutes), 3)))
        if number in profile.lunch_pause:
            pauses.append(((12 - profile.open_hour) * 60 * scale, 90 * scale))
        plan.windows.append(WindowPlan(number, opens * scale, tuple(sorted(pauses))))
    return plan
