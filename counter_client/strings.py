"""All user-visible text of the counter client, Simplified Chinese first, English second."""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("通办 · 窗口叫号", "Tongban · Counter"),
    # login
    "login_title": ("窗口人员登录", "Clerk sign-in"),
    "server": ("服务器", "Server"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "login": ("登录", "Sign in"),
    "logging_in": ("正在登录…", "Signing in…"),
    "login_missing": ("请输入用户名和密码", "Enter username and password"),
    # window bar
    "window": ("窗口", "Window"),
    "window_item": ("{number}号 {name}", "No. {number} {name}"),
    "window_state_open": ("已开放", "Open"),
    "window_state_paused": ("已暂停", "Paused"),
    "window_state_closed": ("已关闭", "Closed"),
    "held_by": ("（{name} 在岗）", " ({name} on duty)"),
    "clerk": ("工作人员：{name}", "Clerk: {name}"),
    "no_window": ("请选择窗口", "Choose a window"),
    # connection
    "conn_connected": ("已连接", "Connected"),
    "conn_reconnecting": ("重连中", "Reconnecting"),
    "conn_disconnected": ("已断开", "Disconnected"),
    # actions
    "act_call": ("叫号", "Call next"),
    "act_recall": ("重呼", "Recall"),
    "act_start": ("开始办理", "Start"),
    "act_complete": ("办结", "Complete"),
    "act_no_show": ("过号", "No-show"),
    "act_transfer": ("转移", "Transfer"),
    "act_hang": ("挂起", "Suspend"),
    "act_resume": ("回呼", "Call back"),
    "act_pause": ("暂停", "Pause"),
    "act_open": ("开放窗口", "Open window"),
    "act_close": ("关闭窗口", "Close window"),
    # ticket card
    "no_ticket": ("当前没有办理中的号码", "No ticket at this window"),
    "press_call": ("按 {key} 叫号", "Press {key} to call the next number"),
    "status": ("状态", "Status"),
    "service": ("事项", "Service"),
    "source": ("来源", "Source"),
    "source_walk_in": ("现场取号", "Walk-in"),
    "source_appointment": ("网上预约", "Appointment"),
    "source_remote": ("远程取号", "Remote"),
    "priority": ("优先", "Priority"),
    "priority_none": ("普通", "Normal"),
    "call_reason": ("叫号依据", "Why called"),
    "waited": ("等候", "Waited"),
    "minutes": ("{n} 分钟", "{n} min"),
    "serving_timer": ("办理计时", "Serving"),
    "timer_value": ("{elapsed} / 标准 {expected} 分钟", "{elapsed} / expected {expected} min"),
    "citizen": ("办事人", "Citizen"),
    "id_number": ("证件号", "ID"),
    "call_count": ("呼叫次数", "Calls"),
    "call_count_value": ("{n} / {limit}", "{n} / {limit}"),
    "transfers": ("转移", "Transfers"),
    "none": ("—", "—"),
    "status_waiting": ("等待中", "Waiting"),
    "status_called": ("已叫号", "Called"),
    "status_serving": ("办理中", "Serving"),
    "status_suspended": ("已挂起", "Suspended"),
    "status_done": ("已办结", "Done"),
    "status_no_show": ("已过号", "No-show"),
    "status_cancelled": ("已取消", "Cancelled"),
    # rating
    "rating_title": ("请办事群众扫码评价（好差评）", "Please ask the citizen to rate (scan)"),
    "rating_sent": ("已向 {number} 发起评价", "Rating requested for {number}"),
    # messages
    "msg_called": ("已叫号 {number}", "Called {number}"),
    "msg_nobody": ("当前没有等候的号码", "Nobody is waiting"),
    "msg_recalled": ("已重呼 {number}（第 {n} 次）", "Recalled {number} (call {n})"),
    "msg_started": ("{number} 开始办理", "{number} started"),
    "msg_completed": ("{number} 已办结", "{number} completed"),
    "msg_no_show": ("{number} 已过号", "{number} marked no-show"),
    "msg_transferred": ("{number} 已转移：{target}", "{number} transferred: {target}"),
    "msg_hung": ("{number} 已挂起，可在「挂起」中回呼", "{number} suspended"),
    "msg_resumed": ("已回呼 {number}", "Called back {number}"),
    "msg_window_open": ("{number}号窗口已开放", "Window {number} is open"),
    "msg_window_paused": ("{number}号窗口已暂停", "Window {number} paused"),
    "msg_window_closed": ("{number}号窗口已关闭", "Window {number} closed"),
    "msg_recall_limit": ("{number} 已呼叫 {limit} 次（上限），请开始办理或过号",
                         "{number} was called {limit} times (limit): start or mark no-show"),
    "msg_unreachable": ("无法连接服务器，请稍后重试", "Server unreachable, try again"),
    "msg_verified": ("已核验：{name}", "Verified: {name}"),
    "msg_reconnected": ("已重新连接服务器", "Reconnected to the server"),
    # queue / suspended / today / log
    "tab_queue": ("等候队列（{n}）", "Waiting ({n})"),
    "tab_suspended": ("挂起（{n}）", "Suspended ({n})"),
    "tab_log": ("大厅动态", "Hall activity"),
    "col_pos": ("序", "#"),
    "col_number": ("号码", "Number"),
    "col_service": ("事项", "Service"),
    "col_waited": ("已等", "Waited"),
    "col_reason": ("排序依据", "Why here"),
    "col_since": ("挂起于", "Since"),
    "col_action": ("操作", "Action"),
    "rule_starvation": ("等待过久，优先", "Waited too long, first"),
    "rule_appointment": ("预约已签到，优先办理", "Checked-in appointment"),
    "rule_green": ("绿色通道", "Green channel"),
    "rule_longest_wait": ("按等待先后", "Longest wait"),
    "rule_window_priority": ("本窗口优先事项", "Window priority"),
    "rule_transfer_target": ("转本窗口办理", "Transferred here"),
    "today": ("今日", "Today"),
    "today_served": ("办结", "Served"),
    "today_no_shows": ("过号", "No-shows"),
    "today_transfers": ("转移", "Transfers"),
    "today_avg": ("平均办理", "Avg service"),
    "avg_value": ("{n} 分", "{n} min"),
    "log_called": ("{time} {number} → {window}号窗口", "{time} {number} → window {window}"),
    "log_window": ("{time} {window}号窗口{state}", "{time} window {window} {state}"),
    # transfer
    "transfer_title": ("转移号码 {number}", "Transfer {number}"),
    "to_service": ("转到事项", "To a service"),
    "to_window": ("转到窗口", "To a window"),
    "reason": ("转移原因", "Reason"),
    "reason_hint": ("例如：需同时办理社保卡", "e.g. also needs a social security card"),
    "ok": ("确定", "OK"),
    "cancel": ("取消", "Cancel"),
    "err_target": ("请选择转移目标", "Choose where to transfer"),
    "err_reason": ("请填写转移原因", "Enter a reason"),
    "err_reason_long": ("原因不超过 200 字", "Reason is at most 200 characters"),
    "err_same_service": ("目标事项与当前事项相同", "That is the current service"),
    "err_same_window": ("不能转移到本窗口", "Cannot transfer to this window"),
    # materials
    "materials": ("所需材料", "Required materials"),
    "materials_none": ("暂无材料清单", "No materials listed"),
    "materials_summary": ("共 {total} 项：通过 {accepted}，待审 {pending}，退回 {rejected}，"
                          "未提交 {missing}",
                          "{total}: {accepted} accepted, {pending} pending, {rejected} rejected, "
                          "{missing} missing"),
    "appointment_detail": ("{source} · {code} · {slot}", "{source} · {code} · {slot}"),
    "late": ("（迟到）", " (late)"),
    "col_material": ("材料", "Material"),
    "col_required": ("必需", "Req."),
    "col_review": ("预审", "Pre-review"),
    "col_origin": ("来源", "Origin"),
    "col_verified": ("核验", "Verified"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "review_pending": ("待审", "Pending"),
    "review_accepted": ("通过", "Accepted"),
    "review_rejected": ("退回", "Rejected"),
    "review_missing": ("未提交", "Missing"),
    "review_on_site": ("现场提交原件", "Original brought on site"),
    "origin_reused": ("材料库复用", "Reused from library"),
    "origin_uploaded": ("本次上传", "Uploaded"),
    "verified_yes": ("已核验", "Verified"),
    "verified_no": ("未核验", "Not verified"),
    "open": ("查看", "Open"),
    "verify": ("核验", "Verify"),
    "viewer_title": ("{name}（{filename}）", "{name} ({filename})"),
    "prev_page": ("上一页", "Previous"),
    "next_page": ("下一页", "Next"),
    "zoom_in": ("放大", "Zoom in"),
    "zoom_out": ("缩小", "Zoom out"),
    "rotate": ("旋转", "Rotate"),
    "fit": ("适应窗口", "Fit"),
    "page_of": ("第 {page} / {pages} 页  {zoom}%", "Page {page} / {pages}  {zoom}%"),
    "unsupported": ("无法显示该类型的文件：{ctype}", "Cannot show this file type: {ctype}"),
    "loading": ("正在加载…", "Loading…"),
}


class Strings:
    """Looks text up in one language; `s("key", n=3)` formats placeholders."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang if lang in LANGS else "zh"
        self._i = LANGS.index(self.lang)

    def __call__(self, key: str, /, **kw: Any) -> str:
        pair = TEXT.get(key)
        if pair is None:
            return key
        return pair[self._i].format(**kw) if kw else pair[self._i]
