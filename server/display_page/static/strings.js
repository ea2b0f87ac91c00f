// Every text of the browser wall display: zh-CN first, English alternative.
window.DISPLAY_STRINGS = {
  zh: {
    title: "通办 叫号屏", latest: "最新叫号", recall: "重呼", toWindow: "到 {w} 号窗口", windowNo: "{w}号窗口",
    noCalls: "暂无叫号", idle: "空闲", called: "请到窗口", serving: "办理中", paused: "暂停服务",
    closed: "已关闭", current: "当前号码", clerk: "工作人员", noClerk: "未登录",
    service: "办理事项", waitingHead: "等候", etaHead: "预计等候", people: "{n} 人",
    eta: "约 {m} 分钟", noWait: "无需等候", etaUnknown: "—", soon: "即将叫号", noWindow: "暂停受理", page: "第 {p}/{t} 页", connecting: "正在连接服务器…",
    offline: "网络中断，正在重连…", refused: "无法连接：{r}", unknownWindow: "窗口 {w} 不存在",
    weekdays: ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"],
    date: (y, m, d) => `${y}年${m}月${d}日`,
    speech: "请{n}号，到{w}号窗口办理",
  },
  en: {
    title: "Tongban call display", latest: "Now calling", recall: "Recall", toWindow: "→ Window {w}",
    windowNo: "Window {w}", noCalls: "No calls yet", idle: "Idle", called: "Please come",
    serving: "Serving", paused: "Paused", closed: "Closed", current: "Now serving",
    clerk: "Clerk", noClerk: "Nobody signed in", service: "Service", waitingHead: "Waiting",
    etaHead: "Est. wait", people: "{n}", eta: "~{m} min", noWait: "no wait", etaUnknown: "—", soon: "soon", noWindow: "no window", page: "Page {p}/{t}",
    connecting: "Connecting to the server…", offline: "Network down, reconnecting…",
    refused: "Cannot connect: {r}", unknownWindow: "Window {w} does not exist",
    weekdays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
    date: (y, m, d) => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`,
    speech: "请{n}号，到{w}号窗口办理",
  },
};
