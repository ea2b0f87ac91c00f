"""Every text the rating pad shows, Simplified Chinese first, English second."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "app_title": "通办 评价器",
        "window_no": "{window}号窗口",
        "staff_no": "工号：{staff_no}",
        "welcome": "欢迎您对我的服务进行评价",
        "idle_hint": "业务办结后，请在此屏幕上评价",
        "no_clerk": "本窗口暂无工作人员",
        "no_clerk_hint": "窗口开放后显示工作人员信息",
        "prompt_title": "请您对本次服务进行评价",
        "ticket": "您的号码 {number}",
        "prompt_hint": "轻触表情即可评价；选择不满意时请告诉我们原因",
        "reasons_title": "请选择不满意的原因（可多选）",
        "reasons_hint": "您选择了「{level}」",
        "back": "返回",
        "submit": "提交评价",
        "sending": "正在提交…",
        "thanks": "感谢您的评价！",
        "thanks_level": "您的评价：{level}",
        "thanks_bad": "我们会认真核查并尽快改进",
        "thanks_good": "祝您生活愉快",
        "already": "该号码已评价，感谢您的反馈",
        "expired": "评价已超时，可扫描号票上的二维码评价",
        "failed": "提交失败，请再试一次",
        "offline": "网络中断，正在重连…",
        "connecting": "正在连接服务器…",
        "fatal": "无法连接：{reason}",
    },
    "en": {
        "app_title": "Tongban rating pad",
        "window_no": "Window {window}",
        "staff_no": "Staff no. {staff_no}",
        "welcome": "Please rate my service",
        "idle_hint": "When your matter is done, rate us on this screen",
        "no_clerk": "Nobody at this window yet",
        "no_clerk_hint": "The clerk is shown once the window opens",
        "prompt_title": "How was our service today?",
        "ticket": "Your number {number}",
        "prompt_hint": "Touch a face to rate; if you are not satisfied, tell us why",
        "reasons_title": "What went wrong? (choose one or more)",
        "reasons_hint": "You chose “{level}”",
        "back": "Back",
        "submit": "Submit",
        "sending": "Sending…",
        "thanks": "Thank you for your rating!",
        "thanks_level": "Your rating: {level}",
        "thanks_bad": "We will look into it and improve",
        "thanks_good": "Have a nice day",
        "already": "This number has already been rated, thank you",
        "expired": "Too late to rate here: scan the QR code on your slip",
        "failed": "Could not send, please try again",
        "offline": "Network down, reconnecting…",
        "connecting": "Connecting to the server…",
        "fatal": "Cannot connect: {reason}",
    },
}
# The five national 好差评 levels, shown in English when English is chosen.
LEVELS_EN = {5: "Very satisfied", 4: "Satisfied", 3: "Fairly satisfied", 2: "Dissatisfied",
             1: "Very dissatisfied"}

LANGS = tuple(STRINGS)


class Strings:
    """Lookup of pad texts for one language (falls back to Chinese)."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang if lang in STRINGS else "zh"

    def __call__(self, key: str, **fmt: object) -> str:
        """The text for `key`, formatted with `fmt`."""
        text = STRINGS[self.lang].get(key) or STRINGS["zh"][key]
        return text.format(**fmt) if fmt else text

    def level(self, rating: int, zh_label: str) -> str:
        """A level's label in this language (the server's Chinese label otherwise)."""
        return LEVELS_EN.get(rating, zh_label) if self.lang == "en" else zh_label

    def reason(self, reason: dict[str, str]) -> str:
        """A preset reason's label in this language."""
        return reason.get("label_en") or reason["label"] if self.lang == "en" else reason["label"]
