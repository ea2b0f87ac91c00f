"""The pad's rules without Qt or a server: which screen follows which event or touch."""

from __future__ import annotations

from typing import Any

from ratepad.controller import IDLE, PROMPT, REASONS, THANKS, PadModel

CLERK = {"name": "王芳", "staff_no": "clerk1"}


def _state(prompt: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"hall": {"code": "demo", "name": "示范政务服务大厅"},
            "window": {"id": 11, "number": 1, "name": "综合受理一窗", "state": "open"},
            "clerk": CLERK, "bad_max": 2, "prompt": prompt,
            "levels": [{"rating": r, "label": str(r)} for r in (5, 4, 3, 2, 1)],
            "reasons": [{"code": "attitude", "label": "服务态度不好", "label_en": "Unfriendly"}]}


def _prompt(ticket_id: int, window_id: int = 11) -> dict[str, Any]:
    return {"ticket_id": ticket_id, "number": f"A{ticket_id:03d}", "window_id": window_id,
            "window_number": 1, "clerk": CLERK}


def _event(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"seq": 1, "type": kind, "data": data}


def test_prompt_levels_reasons_and_outcomes() -> None:
    m = PadModel()
    m.apply_state(_state())
    assert m.screen == IDLE
    assert m.apply_event(_event("ticket.rating_requested", _prompt(7, window_id=12))) is False
    assert m.screen == IDLE  # another window's 办结
    m.apply_event(_event("ticket.rating_requested", _prompt(7)))
    assert m.screen == PROMPT and m.prompt is not None and m.prompt.number == "A007"
    assert m.choose(2) is False and m.screen == REASONS and not m.can_submit
    m.toggle("attitude")
    assert m.can_submit
    assert m.submission() == {"ticket_id": 7, "rating": 2, "reasons": ["attitude"]}
    assert not m.can_submit  # in flight: a second touch cannot send twice
    m.failed("already_rated")
    assert m.screen == THANKS and m.message == "already" and m.thanked_level is None
    m.to_idle()
    m.apply_event(_event("ticket.rating_requested", _prompt(8)))
    assert m.choose(4) is True  # good levels go at once
    m.failed("unreachable")
    assert m.screen == PROMPT and m.message == "failed" and not m.sending
    assert m.apply_event(_event("window.paused", {"window_id": 11})) is True


def test_rated_by_qr_meanwhile_and_no_second_offer_after_timeout() -> None:
    m = PadModel()
    m.apply_state(_state(_prompt(9)))  # a 办结 just before the pad started
    assert m.screen == PROMPT
    m.apply_event(_event("evaluation.received", {"ticket_id": 9, "rating": 5, "window_id": 11}))
    assert m.screen == THANKS and m.thanked_level == 5
    m.to_idle()
    m.apply_state(_state(_prompt(9)))  # the server still lists it for a short while
    assert m.screen == IDLE
    m.apply_event(_event("ticket.rating_requested", _prompt(10)))
    m.to_idle()  # nobody touched it
    m.apply_state(_state(_prompt(10)))
    assert m.screen == IDLE
