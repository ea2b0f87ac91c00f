"""All user-visible ticket strings, zh-CN with an English alternative."""

from __future__ import annotations

from typing import Final

DEFAULT_LANG: Final = "zh"

_STRINGS: Final[dict[str, dict[str, str]]] = {
    "zh": {
        "your_number": "您的号码",
        "window": "请到：{hint}",
        "people_ahead": "您前面还有 {n} 人",
        "no_one_ahead": "您前面没有人，请留意叫号",
        "estimated_wait": "预计等待约 {m} 分钟（仅供参考）",
        "issued_at": "取号时间：{time}",
        "appointment": "预约：{line}",
        "name": "姓名：{name}",
        "scan_hint": "扫码查看排队进度",
        "default_notice": "请留意叫号，过号请重新取号。",
        "priority": "【{label}】",
        "no_window": "【暂停受理】暂无窗口办理",
        "no_window_note": "窗口开放后按顺序叫号，请留意大屏",
    },
    "en": {
        "your_number": "Your number",
        "window": "Go to: {hint}",
        "people_ahead": "People ahead of you: {n}",
        "no_one_ahead": "No one ahead of you, please watch the display",
        "estimated_wait": "Estimated wait: about {m} min (for reference only)",
        "issued_at": "Issued: {time}",
        "appointment": "Appointment: {line}",
        "name": "Name: {name}",
        "scan_hint": "Scan to follow your place in the queue",
        "default_notice": "Please listen for your number. If you miss it, take a new ticket.",
        "priority": "[{label}]",
        "no_window": "[NOT SERVED NOW] No window open",
        "no_window_note": "You will be called in turn once a window opens",
    },
}

LANGUAGES: Final = tuple(_STRINGS)


def text(key: str, lang: str = DEFAULT_LANG, **values: object) -> str:
    """Return the string `key` in `lang` (falling back to zh-CN), formatted with `values`."""
    table = _STRINGS.get(lang, _STRINGS[DEFAULT_LANG])
    template = table.get(key, _STRINGS[DEFAULT_LANG][key])
    return template.format(**values) if values else template
