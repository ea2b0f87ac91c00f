"""Every text the kiosk shows, Simplified Chinese first, English second."""

from __future__ import annotations

LANGS = ("zh", "en")

_T: dict[str, tuple[str, str]] = {
    # home
    "title": ("自助服务终端", "Self-service kiosk"),
    "take_number": ("取号", "Take a number"),
    "take_number_sub": ("现场办事 排队取号", "Queue for a service"),
    "checkin": ("预约签到", "Appointment check-in"),
    "checkin_sub": ("刷身份证 / 扫预约码", "ID card or booking QR"),
    "query": ("查询", "My ticket"),
    "query_sub": ("查看排队进度", "See your place in the queue"),
    "large_on": ("大字版", "Large text"),
    "large_off": ("标准版", "Normal text"),
    "lang_switch": ("English", "中文"),
    "home": ("返回首页", "Home"),
    "back": ("返回", "Back"),
    "green_hint": ("60岁以上老年人刷身份证自动进入绿色通道",
                   "Citizens aged 60+ get the green channel when they use their ID card"),
    "conn_connected": ("已连接", "Online"),
    "conn_connecting": ("正在连接…", "Connecting…"),
    "conn_disconnected": ("网络中断，正在重连", "Offline, reconnecting"),
    "conn_stopped": ("连接已停止", "Connection stopped"),
    "loading_services": ("正在加载服务事项…", "Loading services…"),
    # categories and services
    "choose_category": ("请选择办事类别", "Choose a category"),
    "choose_service": ("请选择办理事项", "Choose a service"),
    "category_count": ("{n} 项业务", "{n} services"),
    "waiting_count": ("等候 {n} 人", "{n} waiting"),
    "wait_minutes": ("约 {m} 分钟", "about {m} min"),
    "wait_unknown": ("等候时间待定", "wait unknown"),
    "no_window": ("暂无窗口办理", "no window open"),
    # ID prompt
    "id_prompt_title": ("请刷身份证或输入身份证号", "Tap your ID card or type your ID number"),
    "id_prompt_sub": ("60岁以上老年人可优先办理；不需要可直接跳过",
                      "Aged 60+? You will be served first. You may skip this step."),
    "skip": ("跳过，直接取号", "Skip"),
    "confirm_take": ("确认取号", "Take number"),
    "id_hint_empty": ("请输入18位身份证号码", "Enter the 18-character ID number"),
    "id_hint_more": ("已输入 {n} 位，还差 {m} 位", "{n} entered, {m} to go"),
    "id_ok": ("身份证号码格式正确", "ID number looks right"),
    "id_err_length": ("身份证号码只有18位，请删除多余的数字", "An ID number has 18 characters"),
    "id_err_chars": ("身份证号码只能包含数字，最后一位可以是X",
                     "Digits only; the last character may be X"),
    "id_err_x_position": ("X 只能出现在最后一位", "X can only be the last character"),
    "id_err_region": ("前两位地区代码不存在，请核对身份证号码",
                      "The first two digits are not a region code; please check"),
    "id_err_birth": ("出生日期不正确，请核对第7至14位", "Birth date (digits 7-14) is not valid"),
    "id_err_check": ("最后一位校验码不对，请核对号码是否输错",
                     "The check digit does not match; please check the number"),
    "card_read": ("已读取身份证", "ID card read"),
    # busy / retry / errors
    "issuing": ("正在为您取号，请稍候…", "Getting your number…"),
    "checking_in": ("正在签到，请稍候…", "Checking you in…"),
    "looking_up": ("正在查询预约…", "Looking up your appointment…"),
    "querying": ("正在查询…", "Looking up…"),
    "server_down": ("暂时无法连接服务器", "Cannot reach the server"),
    "server_down_sub": ("系统正在自动重试（第 {n} 次），请稍候，不会重复取号",
                        "Retrying automatically (attempt {n}). You will not get two numbers."),
    "give_up": ("取消", "Cancel"),
    "error_title": ("操作未完成", "Something went wrong"),
    "error_generic": ("系统繁忙，请稍后再试或咨询工作人员",
                      "Please try again later or ask the staff"),
    "try_again": ("重试", "Try again"),
    # ticket
    "your_number": ("您的号码", "Your number"),
    "people_ahead": ("前面还有 {n} 人", "{n} ahead of you"),
    "est_wait": ("预计等候约 {m} 分钟", "Estimated wait about {m} min"),
    "window_hint": ("请留意叫号，到 {w} 办理", "Wait for your call at {w}"),
    "green_channel": ("绿色通道", "Green channel"),
    "appointment_ticket": ("预约优先", "Appointment priority"),
    "printing": ("正在打印号票…", "Printing your ticket…"),
    "printed": ("请取走号票，留意大屏叫号", "Please take your ticket and watch the screen"),
    "print_failed": ("号票打印失败（{reason}），号码已生效。请拍照留存本页号码和二维码",
                     "Ticket could not be printed ({reason}). Your number is valid: "
                     "please take a photo of this screen."),
    "photo_keep": ("请拍照留存", "Please take a photo"),
    "scan_to_track": ("扫码查看排队进度", "Scan to follow your place"),
    "done": ("完成", "Done"),
    "reprint": ("重新打印", "Print again"),
    "printer_offline": ("打印机离线", "printer offline"),
    "printer_paper": ("打印机缺纸", "out of paper"),
    "printer_cover": ("打印机盖未关", "printer cover open"),
    "printer_timeout": ("打印机无响应", "printer not responding"),
    "printer_other": ("打印机故障", "printer fault"),
    "late_reason": ("说明：{r}", "Note: {r}"),
    # check-in
    "checkin_title": ("预约签到", "Appointment check-in"),
    "checkin_sub2": ("请刷身份证、扫描预约二维码，或输入身份证号码",
                     "Tap your ID card, scan your booking QR, or type your ID number"),
    "find_appointment": ("查询预约", "Find my appointment"),
    "scan_qr_hint": ("预约二维码请对准下方扫描口", "Scan your booking QR"),
    "card_hint": ("身份证请放在感应区", "Tap your ID card"),
    "appointment_found": ("找到您的预约", "Your appointment"),
    "appointment_none": ("未找到您今天的预约", "No appointment found for today"),
    "slot": ("预约时段：{s}", "Time slot: {s}"),
    "booking_code": ("预约码：{c}", "Booking code: {c}"),
    "citizen": ("预约人：{n}", "Booked by: {n}"),
    "materials": ("预审材料", "Pre-submitted materials"),
    "mat_accepted": ("已通过", "accepted"),
    "mat_rejected": ("未通过", "rejected"),
    "mat_pending": ("审核中", "in review"),
    "mat_missing": ("未提交", "missing"),
    "mat_required": ("必需", "required"),
    "mat_optional": ("可选", "optional"),
    "mat_reused": ("已共享复用", "shared, reused"),
    "do_checkin": ("签到并取号", "Check in and take a number"),
    "cannot_checkin": ("暂不能签到", "Check-in not possible now"),
    "status_booked": ("已预约", "booked"),
    "status_checked_in": ("已签到", "checked in"),
    "status_served": ("已办结", "served"),
    "status_cancelled": ("已取消", "cancelled"),
    "status_no_show": ("已过号", "no-show"),
    "appt_checked_in_line": ("{s}，已签到", "{s}, checked in"),
    # query
    "query_title": ("查询排队进度", "Find my place in the queue"),
    "query_sub2": ("请扫描号票上的二维码，或输入号码（如 A012）",
                   "Scan the QR on your ticket, or type its number (e.g. A012)"),
    "query_go": ("查询", "Look up"),
    "query_not_found": ("今天本大厅没有这个号码，请核对号票上的号码",
                        "No ticket with this number in this hall today; please check the "
                        "number on your ticket."),
    "query_status": ("当前状态：{s}", "Status: {s}"),
    "query_called": ("请到 {w} 办理", "Please go to {w}"),
    "query_bad_input": ("号码格式应为字母加3位数字，如 A012",
                        "A number is a letter and 3 digits, e.g. A012"),
    # maintenance
    "pin_title": ("维护模式", "Maintenance"),
    "pin_prompt": ("请输入维护密码", "Enter the maintenance PIN"),
    "pin_wrong": ("密码错误", "Wrong PIN"),
    "pin_ok": ("确定", "OK"),
    "maint_title": ("维护", "Maintenance"),
    "maint_server": ("服务器：{v}", "Server: {v}"),
    "maint_hall": ("大厅：{v}", "Hall: {v}"),
    "maint_token": ("设备令牌：{v}", "Device token: {v}"),
    "maint_conn": ("实时连接：{v}", "Live connection: {v}"),
    "maint_http": ("最近请求：{v}", "Last request: {v}"),
    "maint_printer": ("打印机：{v}", "Printer: {v}"),
    "maint_printer_status": ("打印机状态：{v}", "Printer status: {v}"),
    "maint_check": ("检测打印机", "Check printer"),
    "maint_test": ("打印测试页", "Test print"),
    "maint_test_ok": ("测试页已发送", "Test page sent"),
    "maint_exit": ("退出维护", "Exit"),
    "http_ok": ("正常", "OK"),
    "http_fail": ("失败", "failed"),
    "http_never": ("尚无", "none yet"),
    "pstate_ok": ("正常", "OK"),
    "pstate_unknown": ("未知（该连接方式不支持状态查询）", "unknown (transport cannot report)"),
    "pstate_near_end": ("纸将用尽", "paper near end"),
    "pstate_offline": ("离线", "offline"),
    "pstate_out_of_paper": ("缺纸", "out of paper"),
    "pstate_cover_open": ("纸仓盖打开", "cover open"),
    "checking": ("检测中…", "checking…"),
    # keypad
    "kp_clear": ("清空", "Clear"),
    "kp_back": ("删除", "Delete"),
    "minutes_short": ("分钟", "min"),
    # start-up checks of the device token (printed to the terminal in both languages)
    "startup_token_rejected": ("设备令牌无效或已吊销，请检查 --token（或 TONGBAN_KIOSK_TOKEN）",
                               "The device token is invalid or revoked: check --token "
                               "(or TONGBAN_KIOSK_TOKEN)"),
    "startup_token_wrong_kind": ("该令牌属于 {got}，不是取号机（kiosk）设备",
                                 "This token belongs to a {got}, not to a kiosk"),
    "startup_hall_mismatch": ("配置的大厅 {hall} 与令牌所属大厅 {token_hall} 不一致",
                              "The configured hall {hall} is not the token's hall {token_hall}"),
    "startup_server_unreachable": ("无法连接服务器 {server}，且未配置大厅，无法启动",
                                   "Cannot reach the server {server} and no hall is "
                                   "configured: not starting"),
    "startup_server_error": ("服务器返回错误：{detail}", "The server answered with an error: "
                             "{detail}"),
}


def t(key: str, lang: str = "zh", **values: object) -> str:
    """The text for `key` in `lang`, formatted with `values`; unknown keys show the key."""
    pair = _T.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    """True when `key` is a known string."""
    return key in _T
