"""The browser rating pad in Chromium (Playwright) against a real server, under the pages' CSP:
idle clerk card, the prompt after the clerk's 办结, reasons, thanks, back to idle."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Browser, ConsoleMessage, expect

from tests.ratepad.conftest import Clerk
from tests.support.live import LiveServer

TOKEN = "demo-ratepad-token-2"  # window 2 (the Qt tests use windows 1 and 3)
# Records CSP violations inside the page (Playwright's init scripts bypass the CSP).
WATCH = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""


def test_page_refuses_other_tokens(live: LiveServer) -> None:
    for query, status in (("", 401), ("?token=demo-display-token", 403),
                          ("?token=demo-counter-token", 403), ("?token=nope", 401)):
        r = httpx.get(f"{live.url}/ratepad/{query}")
        assert r.status_code == status, query
        assert r.json()["error"]["code"]


def test_browser_pad_prompt_reasons_thanks_idle(live: LiveServer, browser: Browser,
                                                pad_artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if _refused(m) else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    response = page.goto(f"{live.url}/ratepad/?token={TOKEN}&thanks_seconds=1")
    assert response is not None and "script-src 'self'" in response.headers[
        "content-security-policy"]
    page.wait_for_function("() => window.tongbanPad.connection === 'connected'")
    expect(page.locator("#idle-name")).to_have_text("本窗口暂无工作人员")

    clerk = Clerk(live.url, 2)
    expect(page.locator("#idle-name")).to_have_text("李娜")
    expect(page.locator("#idle-staff")).to_have_text("工号：clerk2")
    expect(page.locator("#window")).to_contain_text("2号窗口")
    page.screenshot(path=str(pad_artifacts / "page-idle.png"))

    ticket = clerk.finish_one()
    expect(page.locator("#p-ticket")).to_have_text(f"您的号码 {ticket['number']}")
    expect(page.locator("#p-name")).to_have_text("李娜")
    expect(page.locator(".level span")).to_have_text(
        ["非常满意", "满意", "基本满意", "不满意", "非常不满意"])
    page.screenshot(path=str(pad_artifacts / "page-prompt.png"))

    page.locator(".lv1").click()
    expect(page.locator("#reasons")).to_be_visible()
    expect(page.locator("#submit")).to_be_disabled()
    page.locator(".chip[data-code=not_done]").click()
    page.locator(".chip[data-code=long_wait]").click()
    expect(page.locator(".chip.picked")).to_have_count(2)
    page.screenshot(path=str(pad_artifacts / "page-reasons.png"))

    page.locator("#submit").click()
    expect(page.locator("#t-level")).to_have_text("您的评价：非常不满意")
    page.screenshot(path=str(pad_artifacts / "page-thanks.png"))
    page.wait_for_function("() => window.tongbanPad.model.screen === 'idle'")  # thanks_seconds
    expect(page.locator("#idle-name")).to_have_text("李娜")

    case = clerk.case_of(ticket["id"])
    assert case is not None and case["channel"] == "pad" and case["window_number"] == 2
    assert case["comment"] == "等候时间过长、事情没有办成"
    assert page.evaluate("() => window.__csp") == [] and problems == []
    context.close()


def _refused(msg: ConsoleMessage) -> bool:
    return "Refused to" in msg.text or "Content Security Policy" in msg.text
