"""Every text the wall display shows, Simplified Chinese first, English second."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "app_title": "通办 叫号屏",
        "latest_calls": "最新叫号",
        "please": "请",
        "call_line": "请 {number} 号 到 {window} 号窗口办理",
        "to_window": "到 {window} 号窗口",
        "window_no": "{window}号窗口",
        "window_short": "{window}号",
        "windows": "窗口",
        "queue": "办理事项",
        "waiting": "等候 {n} 人",
        "people": "{n} 人",
        "waiting_head": "等候",
        "eta_head": "预计等候",
        "eta": "约 {m} 分钟",
        "eta_none": "无需等候",
        "eta_unknown": "—",
        "eta_soon": "即将叫号",
        "eta_no_window": "暂停受理",
        "page": "第 {page}/{total} 页",
        "no_calls": "暂无叫号",
        "idle": "空闲",
        "called": "请到窗口",
        "serving": "办理中",
        "open": "服务中",
        "paused": "暂停服务",
        "closed": "已关闭",
        "current": "当前号码",
        "clerk": "工作人员",
        "no_clerk": "未登录",
        "connecting": "正在连接服务器…",
        "offline": "网络中断，正在重连…",
        "recall": "重呼",
        "weekdays": "星期一,星期二,星期三,星期四,星期五,星期六,星期日",
        "date_fmt": "{y}年{m}月{d}日",
        "fatal": "无法连接：{reason}",
        "unknown_window": "窗口 {window} 不存在",
        "startup_token_rejected": "显示屏令牌无效或已吊销，"
                                  "请检查 --token（或 TONGBAN_DISPLAY_TOKEN）",
        "startup_token_wrong_kind": "该令牌属于 {got}，不是叫号屏（display）设备",
        "startup_hall_mismatch": "指定的大厅 {hall} 与令牌所属大厅 {token_hall} 不一致",
        "startup_server_unreachable": "无法连接服务器 {server}，且未指定大厅，无法启动",
        "startup_server_error": "服务器返回错误：{detail}",
    },
    "en": {
        "app_title": "Tongban call display",
        "latest_calls": "Now calling",
        "please": "",
        "call_line": "Number {number}, please go to window {window}",
        "to_window": "→ Window {window}",
        "window_no": "Window {window}",
        "window_short": "W{window}",
        "windows": "Windows",
        "queue": "Service",
        "waiting": "{n} waiting",
        "people": "{n}",
        "waiting_head": "Waiting",
        "eta_head": "Est. wait",
        "eta": "~{m} min",
        "eta_none": "no wait",
        "eta_unknown": "—",
        "eta_soon": "soon",
        "eta_no_window": "no window",
        "page": "Page {page}/{total}",
        "no_calls": "No calls yet",
        "idle": "Idle",
        "called": "Please come",
        "serving": "Serving",
        "open": "Open",
        "paused": "Paused",
        "closed": "Closed",
        "current": "Now serving",
        "clerk": "Clerk",
        "no_clerk": "Nobody signed in",
        "connecting": "Connecting to the server…",
        "offline": "Network down, reconnecting…",
        "recall": "Recall",
        "weekdays": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
        "date_fmt": "{y}-{m:02d}-{d:02d}",
        "fatal": "Cannot connect: {reason}",
        "unknown_window": "Window {window} does not exist",
        "startup_token_rejected": "The display token is invalid or revoked: check --token "
                                  "(or TONGBAN_DISPLAY_TOKEN)",
        "startup_token_wrong_kind": "This token belongs to a {got}, not to a display",
        "startup_hall_mismatch": "The hall {hall} given is not the token's hall {token_hall}",
        "startup_server_unreachable": "Cannot reach the server {server} and no hall is "
                                      "given: not starting",
        "startup_server_error": "The server answered with an error: {detail}",
    },
}

LANGS = tuple(STRINGS)


class Strings:
    """Lookup of display texts for one language (falls back to Chinese)."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang if lang in STRINGS else "zh"

    def __call__(self, key: str, **fmt: object) -> str:
        """The text for `key`, formatted with `fmt`."""
        text = STRINGS[self.lang].get(key) or STRINGS["zh"][key]
        return text.format(**fmt) if fmt else text

    def weekday(self, index: int) -> str:
        """Weekday name, Monday = 0."""
        return self("weekdays").split(",")[index]

    def date(self, y: int, m: int, d: int) -> str:
        """A calendar date in the language's usual form."""
        return self("date_fmt", y=y, m=m, d=d)
