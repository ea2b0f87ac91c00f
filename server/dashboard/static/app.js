// Hall manager dashboard: live queues over the websocket, alerts, statistics, cases, configuration.
"use strict";
const S = window.STRINGS;
let lang = sessionStorage.getItem("tb.lang") || "zh";
const t = k => (S[lang] && S[lang][k]) || S.zh[k] || k;
const $ = sel => document.querySelector(sel);
const esc = v => String(v ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const state = { connected: false, token: null, hall: null, seq: 0, ws: null, retry: 0, live: null, staff: [], tab: "live", sub: "services", caseId: null, refetch: null };

function applyStrings() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach(e => { e.textContent = t(e.dataset.t); });
  document.title = t("appTitle");
  setConn(state.connected);
}

async function api(path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (state.token) headers.Authorization = "Bearer " + state.token;
  if (opts.json !== undefined) { headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(opts.json); }
  const r = await fetch(path, { ...opts, headers });
  if (r.status === 401 && state.token) { logout(); throw new Error(t("loginFailed")); }
  if (opts.raw) { if (!r.ok) throw new Error((await r.json()).error.message); return r; }
  const body = r.status === 204 ? null : await r.json();
  if (!r.ok) throw new Error(body && body.error ? body.error.message : r.statusText);
  return body;
}

// ------------------------------------------------------------------ login
async function login(ev) {
  ev.preventDefault();
  $("#login-error").textContent = "";
  try {
    const r = await api("/api/v1/auth/login", { method: "POST", json: { username: $("#login-user").value.trim(), password: $("#login-pass").value } });
    if (r.role !== "manager" && r.role !== "admin") throw new Error(t("notManager"));
    let hall = r.hall_code;
    if (!hall) { state.token = r.access_token; const halls = await api("/api/v1/halls"); hall = new URLSearchParams(location.search).get("hall") || (halls[0] && halls[0].code); }
    sessionStorage.setItem("tb.token", r.access_token);
    sessionStorage.setItem("tb.hall", hall);
    sessionStorage.setItem("tb.who", r.full_name || r.username);
    start();
  } catch (e) { $("#login-error").textContent = e.message; state.token = null; }
}
function logout() {
  const tok = state.token; state.token = null;
  if (tok) fetch("/api/v1/auth/logout", { method: "POST", headers: { Authorization: "Bearer " + tok } }).catch(() => {});
  sessionStorage.removeItem("tb.token");
  if (state.ws) { state.ws.onclose = null; state.ws.close(); }
  $("#main-view").hidden = true; $("#login-view").hidden = false;
}

function start() {
  state.token = sessionStorage.getItem("tb.token");
  state.hall = sessionStorage.getItem("tb.hall");
  if (!state.token || !state.hall) { $("#login-view").hidden = false; $("#main-view").hidden = true; return; }
  $("#login-view").hidden = true; $("#main-view").hidden = false;
  $("#who").textContent = sessionStorage.getItem("tb.who") || "";
  refreshLive().then(connect);
  loadStaff();
}

// ------------------------------------------------------------------ live
function connect() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${proto}://${location.host}/ws/halls/${encodeURIComponent(state.hall)}?token=${encodeURIComponent(state.token)}&since=${state.seq}`);
  state.ws = ws;
  ws.onopen = () => { state.retry = 0; setConn(true); };
  ws.onmessage = m => {
    let msg; try { msg = JSON.parse(m.data); } catch { return; }
    if (msg.type === "ping") { ws.send(JSON.stringify({ type: "pong" })); return; }
    if (msg.type === "pong") return;
    if (typeof msg.seq === "number") state.seq = Math.max(state.seq, msg.seq);
    scheduleRefresh(msg.type);
  };
  ws.onclose = () => {
    setConn(false);
    if (!state.token) return;
    const delay = Math.min(10000, 500 * 2 ** state.retry++);
    setTimeout(() => { if (state.token) refreshLive().finally(connect); }, delay);
  };
}
function setConn(on) { state.connected = !!on; const c = $("#conn"); c.className = "conn " + (on ? "on" : "off"); c.textContent = t(on ? "connOn" : "connOff"); }
function scheduleRefresh(type) {
  clearTimeout(state.refetch);
  state.refetch = setTimeout(() => {
    refreshLive();
    if (state.tab === "cases" && (type || "").startsWith("evaluation")) loadCases();
  }, 250);
}
async function refreshLive() {
  try {
    const d = await api(`/api/v1/halls/${state.hall}/live`);
    state.live = d; state.seq = Math.max(state.seq, d.seq);
    renderLive(d);
  } catch (e) { console.warn(e); }
}
function fmtDur(sec) { if (sec == null) return "—"; const m = Math.floor(sec / 60), s = sec % 60; return `${m}:${String(s).padStart(2, "0")}`; }
function renderLive(d) {
  $("#hall-name").textContent = d.hall.name;
  // Statistics default to the hall's business day (hall timezone, not the browser's).
  $("#st-from").value ||= d.business_day; $("#st-to").value ||= d.business_day;
  $("#notice").textContent = d.notice || ""; $("#notice").hidden = !d.notice;
  const T = d.totals;
  const cards = [["cIssued", T.issued], ["cWaiting", T.waiting, "blue"], ["cInService", T.in_service], ["cServed", T.served, "green"],
    ["cNoShow", T.no_shows], ["cAvgWait", T.avg_wait_minutes ?? "—"], ["cOpenWindows", T.open_windows],
    ["cAlerts", T.open_alerts, T.open_alerts ? "red" : ""], ["cCases", T.open_cases, T.open_cases ? "amber" : ""]];
  $("#cards").innerHTML = cards.map(([k, v, cls]) => `<div class="card ${cls || ""}" data-card="${k}"><div class="num">${esc(v)}</div><div class="lbl">${t(k)}</div></div>`).join("");
  $("#svc-table tbody").innerHTML = d.services.map(s => `<tr data-code="${esc(s.code)}" class="${noWindow(s) ? "nowin" : s.waiting ? "" : "dim"}">
    <td><span class="prefix">${esc(s.prefix)}</span>${esc(s.name)}${noWindow(s) ? ` <span class="badge warn">${t("noWindowServe")}</span>` : ""}</td><td class="n waiting">${s.waiting}</td>
    <td class="n ${s.longest_wait_minutes >= 30 ? "bad" : ""}">${s.waiting ? s.longest_wait_minutes : "—"}</td>
    <td class="n eta">${s.accepting === false ? `<span class="badge paused">${t("noWindow")}</span>` : s.estimated_wait_minutes ?? "—"}</td><td class="n">${s.open_windows}</td></tr>`).join("");
  const stName = { open: "stOpen", paused: "stPaused", closed: "stClosed" };
  $("#win-table tbody").innerHTML = d.windows.map(w => `<tr data-window="${w.number}">
    <td><b>${w.number}</b> ${esc(w.name)}</td><td><span class="badge ${w.state}">${t(stName[w.state])}</span></td>
    <td>${esc(w.clerk || "—")}</td>
    <td class="ticket">${w.current_ticket ? `<b>${esc(w.current_ticket.number)}</b> <small>${t(w.current_ticket.status === "serving" ? "tkServing" : "tkCalled")}</small>` : "—"}</td>
    <td class="n serving" data-since="${w.serving_seconds == null ? "" : Date.now() - w.serving_seconds * 1000}">${fmtDur(w.serving_seconds)}</td></tr>`).join("");
  $("#alert-count").textContent = d.alerts.length;
  $("#alert-count").className = "pill " + (d.alerts.some(a => a.level === "red") ? "red" : d.alerts.length ? "yellow" : "");
  const svcName = Object.fromEntries(d.services.map(s => [s.code, s.name]));
  const groups = groupAlerts(d.alerts);
  $("#alert-list").innerHTML = groups.length ? groups.map(g => {
    const open = g.alerts.filter(a => !a.acknowledged_at).map(a => a.id);
    // What the card covers: ticket numbers, receipts or windows; else each alert's own message.
    const label = a => (a.data && (a.data.number || a.data.receipt_no || (a.data.window_number && a.data.window_number + "号窗口"))) || a.message;
    const items = g.alerts.map(label).filter(Boolean);
    const single = g.alerts.length === 1;
    return `<li class="alert ${g.level}" data-rule="${esc(g.rule)}" data-service="${esc(g.service || "")}" data-count="${g.alerts.length}">
      <div class="a-head"><span class="lvl">${t(g.level)}</span><b>${esc(t("rule_" + g.rule))}</b>${g.service ? `<span class="a-svc">${esc(svcName[g.service] || g.service)}</span>` : ""}
        <span class="a-count" aria-label="${g.alerts.length} ${esc(t("alertTimes"))}">×${g.alerts.length}</span>
        <span class="a-time">${single ? "" : t("alertFirst") + " "}<time datetime="${esc(g.first)}">${hallTime(g.first)}</time></span></div>
      <div class="a-msg">${single ? esc(g.alerts[0].message) : `${t("alertItems")}：${esc(items.slice(0, 12).join("、"))}${items.length > 12 ? "…" : ""}`}</div>
      ${open.length ? `<button type="button" class="ack" data-ids="${open.join(",")}">${t(single ? "ack" : "ackAll")}</button>` : `<span class="acked">✓ ${t("acked")}</span>`}</li>`;
  }).join("") : `<li class="empty">${t("noAlerts")}</li>`;
}
// A service with people waiting that no open window serves (暂无窗口办理).
function noWindow(s) { return s.waiting > 0 && (s.open_windows === 0 || s.accepting === false); }
// One card per (rule, service): a wait alert per ticket would bury the hall in cards.
function groupAlerts(alerts) {
  const byKey = new Map();
  for (const a of alerts) {
    const service = (a.data && a.data.service_code) || "";
    const key = a.rule + "|" + service;
    let g = byKey.get(key);
    if (!g) { g = { rule: a.rule, service, level: a.level, first: a.raised_at, alerts: [] }; byKey.set(key, g); }
    g.alerts.push(a);
    if (a.level === "red") g.level = "red";
    if (a.raised_at < g.first) g.first = a.raised_at;
  }
  return [...byKey.values()].sort((x, y) => (y.level === "red") - (x.level === "red") || (x.first < y.first ? -1 : 1));
}
// Times are shown in the hall's timezone (from the API), whatever the browser's is.
function hallTz() { return (state.live && state.live.hall && state.live.hall.timezone) || "Asia/Shanghai"; }
function hallTime(iso, withDate) {
  const opts = { hourCycle: "h23", timeZone: hallTz() };
  try { return withDate ? new Date(iso).toLocaleString("zh-CN", opts) : new Date(iso).toLocaleTimeString("zh-CN", opts); }
  catch { return new Date(iso).toLocaleTimeString("zh-CN", { hourCycle: "h23" }); }
}
document.addEventListener("click", async e => {
  const b = e.target.closest("button.ack");
  if (!b) return;
  b.disabled = true;
  try {
    for (const id of b.dataset.ids.split(",")) {
      try { await api(`/api/v1/alerts/${id}/ack`, { method: "POST" }); } catch (err) { if (b.dataset.ids.indexOf(",") < 0) throw err; }
    }
    refreshLive();
  } catch (err) { alert(err.message); b.disabled = false; }
});
setInterval(() => {
  const clock = $("#clock"), now = new Date();
  clock.textContent = hallTime(now.toISOString());
  clock.dateTime = now.toISOString(); clock.title = t("clockLabel") + " (" + hallTz() + ")";
  document.querySelectorAll("td.serving[data-since]").forEach(td => {
    if (td.dataset.since) td.textContent = fmtDur(Math.floor((Date.now() - Number(td.dataset.since)) / 1000));
  });
}, 1000);
setInterval(() => { if (state.token && state.tab === "live") refreshLive(); }, 30000);

// ------------------------------------------------------------------ tabs
document.querySelectorAll(".tabs button").forEach(b => b.addEventListener("click", () => showTab(b.dataset.tab)));
// Arrow keys move between tabs (WAI-ARIA tabs pattern).
$(".tabs").addEventListener("keydown", e => {
  const tabs = [...document.querySelectorAll(".tabs button")], i = tabs.indexOf(document.activeElement);
  if (i < 0 || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
  e.preventDefault();
  const j = e.key === "Home" ? 0 : e.key === "End" ? tabs.length - 1 : (i + (e.key === "ArrowRight" ? 1 : -1) + tabs.length) % tabs.length;
  tabs[j].focus(); showTab(tabs[j].dataset.tab);
});
function showTab(name) {
  state.tab = name;
  document.querySelectorAll(".tabs button").forEach(b => {
    const on = b.dataset.tab === name;
    b.classList.toggle("active", on); b.setAttribute("aria-selected", String(on)); b.tabIndex = on ? 0 : -1;
  });
  document.querySelectorAll("main .tab").forEach(s => { s.hidden = s.id !== "tab-" + name; });
  if (name === "stats") loadStats();
  if (name === "cases") loadCases();
  if (name === "config") loadConfig();
  if (name === "live") refreshLive();
}

// ------------------------------------------------------------------ statistics
function statsQuery() {
  const f = $("#st-from").value, to = $("#st-to").value, target = Number($("#st-target").value);
  if (!f || !to || to < f) throw new Error(t("badRange"));
  if (!(target >= 1 && target <= 240)) throw new Error(t("badTarget"));
  return new URLSearchParams({ from: f, to, group: $("#st-group").value, target: String(target) });
}
const pct = v => v == null ? "—" : (v * 100).toFixed(1) + "%";
const num = v => v == null ? "—" : v;
async function loadStats(ev) {
  if (ev) ev.preventDefault();
  $("#stats-error").textContent = "";
  let q; try { q = statsQuery(); } catch (e) { $("#stats-error").textContent = e.message; return; }
  try {
    const d = await api(`/api/v1/halls/${state.hall}/stats?${q}`);
    const T = d.totals;
    $("#stats-cards").innerHTML = [["sTickets", T.tickets], ["sServed", T.served], ["sNoShows", T.no_shows], ["sTransfers", T.transfers],
      ["sAvgWait", num(T.avg_wait_minutes)], ["sP90Wait", num(T.p90_wait_minutes)], ["sAvgService", num(T.avg_service_minutes)],
      ["sServiceLevel", pct(T.service_level)], ["sPunctuality", pct(T.punctuality)], ["sSatisfaction", pct(T.satisfaction)]]
      .map(([k, v]) => `<div class="card" data-stat="${k}"><div class="num">${esc(v)}</div><div class="lbl">${t(k)}</div></div>`).join("");
    const rows = d.rows.length ? d.rows : [{ label: t("gHall"), ...T }];
    const labels = rows.map(r => String(r.label));
    MiniChart.bar($("#chart-bar"), t("chartVolume"), labels, [{ name: t("sTickets"), values: rows.map(r => r.tickets), color: "#2f6fd0" },
      { name: t("sServed"), values: rows.map(r => r.served), color: "#2aa876" }]);
    MiniChart.line($("#chart-line"), t("chartWait"), labels, [{ name: t("sAvgWait"), values: rows.map(r => r.avg_wait_minutes), color: "#e08a1e" },
      { name: t("sP90Wait"), values: rows.map(r => r.p90_wait_minutes), color: "#d0453c" }]);
    const cols = [["label", "colService"], ["tickets", "sTickets"], ["served", "sServed"], ["no_shows", "sNoShows"], ["transfers", "sTransfers"],
      ["avg_wait_minutes", "sAvgWait"], ["p90_wait_minutes", "sP90Wait"], ["avg_service_minutes", "sAvgService"],
      ["service_level", "sServiceLevel", pct], ["punctuality", "sPunctuality", pct], ["satisfaction", "sSatisfaction", pct]];
    $("#stats-table thead").innerHTML = "<tr>" + cols.map(c => `<th>${c[0] === "label" ? t("gHall").replace(/.*/, t("groupBy")) : t(c[1])}</th>`).join("") + "</tr>";
    $("#stats-table tbody").innerHTML = [...d.rows, { label: lang === "zh" ? "合计" : "Total", ...T, total: true }].map(r =>
      `<tr class="${r.total ? "total" : ""}">` + cols.map(c => `<td class="${c[0] === "label" ? "" : "n"}">${esc((c[2] || num)(r[c[0]]))}</td>`).join("") + "</tr>").join("");
  } catch (e) { $("#stats-error").textContent = e.message; }
}
$("#stats-form").addEventListener("submit", loadStats);
async function download(fmt) {
  $("#stats-error").textContent = "";
  let q; try { q = statsQuery(); } catch (e) { $("#stats-error").textContent = e.message; return; }
  try {
    const r = await api(`/api/v1/halls/${state.hall}/stats/export.${fmt}?${q}`, { raw: true });
    const name = (r.headers.get("content-disposition") || "").match(/filename="([^"]+)"/);
    const a = document.createElement("a");
    a.href = URL.createObjectURL(await r.blob());
    a.download = name ? name[1] : `stats.${fmt}`;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } catch (e) { $("#stats-error").textContent = e.message; }
}
$("#dl-xlsx").addEventListener("click", () => download("xlsx"));
$("#dl-csv").addEventListener("click", () => download("csv"));

// ------------------------------------------------------------------ cases
async function loadStaff() {
  try { state.staff = (await api(`/api/v1/halls/${state.hall}/config`)).staff.filter(s => s.active); } catch { state.staff = []; }
}
const csKey = { open: "csOpen", assigned: "csAssigned", replied: "csReplied", closed: "csClosed" };
async function loadCases() {
  const q = new URLSearchParams();
  if ($("#case-filter").value) q.set("status", $("#case-filter").value);
  if ($("#case-overdue").checked) q.set("overdue", "true");
  const rows = await api(`/api/v1/halls/${state.hall}/cases?${q}`);
  $("#case-table tbody").innerHTML = rows.map(c => `<tr data-case="${c.id}" class="${c.id === state.caseId ? "sel" : ""} ${c.overdue ? "overdue" : ""}">
    <td>${c.id}</td><td><b>${esc(c.number)}</b></td><td>${esc(c.service_name)}</td><td>${esc(c.window_number ?? "—")}</td>
    <td><span class="rating r${c.rating}">${esc(c.rating_label)}</span></td>
    <td>${esc(c.due_date)} ${c.overdue ? `<span class="badge paused">${t("overdue")}</span>` : ""}</td>
    <td><span class="badge cs-${c.status}">${t(csKey[c.status])}</span></td><td>${esc(c.assignee ? c.assignee.name : "—")}</td></tr>`).join("");
}
$("#case-filter").addEventListener("change", loadCases);
$("#case-overdue").addEventListener("change", loadCases);
$("#case-table").addEventListener("click", async e => {
  const tr = e.target.closest("tr[data-case]"); if (!tr) return;
  state.caseId = Number(tr.dataset.case);
  document.querySelectorAll("#case-table tr").forEach(r => r.classList.toggle("sel", r === tr));
  showCase(await api(`/api/v1/cases/${state.caseId}`));
});
function showCase(c) {
  const box = $("#case-detail");
  if (!c) { box.innerHTML = `<p class="muted">${t("pickCase")}</p>`; return; }
  const dims = Object.entries(c.dimensions || {}).map(([k, v]) => `${k}: ${v}`).join("，");
  let form = "";
  if (c.status !== "closed") {
    form += `<div class="row"><label for="cs-staff">${t("assignTo")}</label> <select id="cs-staff"><option value="">—</option>${state.staff.map(s => `<option value="${s.id}" ${c.assignee && c.assignee.id === s.id ? "selected" : ""}>${esc(s.full_name)}（${esc(s.username)}）</option>`).join("")}</select>
      <button type="button" id="cs-assign">${t("assign")}</button></div>`;
    if (c.status !== "open") form += `<label class="block">${t("replyText")}<textarea id="cs-reply" rows="3">${esc(c.reply)}</textarea></label><button id="cs-reply-btn">${t("reply")}</button>`;
    if (c.status === "replied") form += `<label class="block">${t("resolution")}<textarea id="cs-res" rows="2"></textarea></label><button id="cs-close" class="primary">${t("close")}</button>`;
  }
  box.innerHTML = `<h2>#${c.id} ${esc(c.number)} · <span class="rating r${c.rating}">${esc(c.rating_label)}</span> <span class="badge cs-${c.status}">${t(csKey[c.status])}</span></h2>
    <dl><dt>${t("colService")}</dt><dd>${esc(c.service_name)}</dd><dt>${t("colWindow")}</dt><dd>${esc(c.window_number ?? "—")} ${esc(c.rated_staff ? c.rated_staff.name : "")}</dd>
    <dt>${t("comment")}</dt><dd>${esc(c.comment || t("none"))} ${dims ? `<small>(${esc(dims)})</small>` : ""}</dd>
    <dt>${t("colDue")}</dt><dd>${esc(c.due_date)} ${c.overdue ? `<span class="badge paused">${t("overdue")}</span>` : ""}</dd>
    ${c.reply ? `<dt>${t("replyText")}</dt><dd>${esc(c.reply)}</dd>` : ""}${c.resolution ? `<dt>${t("resolution")}</dt><dd>${esc(c.resolution)}</dd>` : ""}</dl>
    ${form}<p id="cs-msg" class="error" role="alert"></p>
    <h3>${t("history")}</h3><ol class="history">${c.history.map(h => `<li>${hallTime(h.at, true)} · ${esc(t("h_" + h.action))} ${esc(h.by_name || "")} ${esc(h.assignee_name || "")}</li>`).join("")}</ol>`;
  const act = async (path, body) => {
    try { showCase(await api(`/api/v1/cases/${c.id}/${path}`, { method: "POST", json: body })); loadCases(); refreshLive(); }
    catch (e) { $("#cs-msg").textContent = e.message; }
  };
  const need = (v, key) => { if (!v) { $("#cs-msg").textContent = t(key); return false; } return true; };
  $("#cs-assign")?.addEventListener("click", () => { const v = $("#cs-staff").value; if (need(v, "needStaff")) act("assign", { staff_id: Number(v) }); });
  $("#cs-reply-btn")?.addEventListener("click", () => { const v = $("#cs-reply").value.trim(); if (need(v, "needText")) act("reply", { text: v }); });
  $("#cs-close")?.addEventListener("click", () => { const v = $("#cs-res").value.trim(); if (need(v, "needText")) act("close", { resolution: v }); });
}

// ------------------------------------------------------------------ configuration
document.querySelectorAll(".subtabs button").forEach(b => b.addEventListener("click", () => {
  state.sub = b.dataset.sub;
  document.querySelectorAll(".subtabs button").forEach(x => { x.classList.toggle("active", x === b); x.setAttribute("aria-pressed", String(x === b)); });
  loadConfig();
}));
function msg(text, ok) { const m = $("#cfg-msg"); m.textContent = text; m.className = "msg " + (ok ? "ok" : "error"); }
function intIn(v, lo, hi) { const n = Number(v); return Number.isInteger(n) && n >= lo && n <= hi; }
async function save(fn) { try { await fn(); msg(t("saved"), true); loadConfig(true); } catch (e) { msg(e.message, false); } }
async function loadConfig(keepMsg) {
  if (!keepMsg) msg("", true);
  const body = $("#cfg-body");
  const H = `/api/v1/halls/${state.hall}`;
  if (state.sub === "audit") {
    const rows = await api(`${H}/audit`);
    body.innerHTML = `<table class="grid"><thead><tr><th>${t("when")}</th><th>${t("who")}</th><th>${t("what")}</th><th>${t("change")}</th></tr></thead><tbody>${rows.map(a => `<tr>
      <td>${hallTime(a.at, true)}</td><td>${esc(a.staff_name)}</td><td>${esc(t("a_" + a.action))}${esc(t("e_" + a.entity))} <b>${esc(a.entity_key)}</b></td>
      <td class="diff">${esc(diff(a.before, a.after))}</td></tr>`).join("")}</tbody></table>`;
    return;
  }
  if (state.sub === "rules") {
    const [rules, st] = await Promise.all([api(`${H}/alert-rules`), api(`${H}/manager-settings`)]);
    body.innerHTML = `<h2>${t("rules")}</h2><table class="grid rules">${Object.entries(rules).map(([name, conf]) => `<tr data-rule="${name}"><th>${t("rule_" + name)}</th>${Object.entries(conf).map(([k, v]) =>
      k === "enabled" ? `<td><label class="check"><input type="checkbox" data-k="${k}" ${v ? "checked" : ""} aria-label="${esc(t("rule_" + name) + " " + t("p_enabled"))}">${t("p_enabled")}</label></td>` : `<td><label>${t("p_" + k)} <input type="number" step="any" min="0" data-k="${k}" value="${v}" aria-label="${esc(t("rule_" + name) + " " + t("p_" + k))}"></label></td>`).join("")}</tr>`).join("")}</table>
      <button id="rules-save" class="primary">${t("save")}</button>
      <h2>${t("settingsTitle")}</h2><div class="form-grid">${["service_level_minutes", "case_deadline_days", "punctuality_grace_minutes"].map(k => `<label>${t("set_" + k)}<input type="number" id="set-${k}" value="${st[k]}"></label>`).join("")}
      <label>${t("set_closed_days")}<input id="set-closed_days" value="${esc(st.closed_days.join(","))}"></label>
      <label>${t("set_no_window_policy")}<select id="set-no_window_policy"><option value="ask" ${st.no_window_policy === "refuse" ? "" : "selected"}>${t("policyAsk")}</option><option value="refuse" ${st.no_window_policy === "refuse" ? "selected" : ""}>${t("policyRefuse")}</option></select></label></div><button id="set-save" class="primary">${t("save")}</button>`;
    $("#rules-save").onclick = () => save(async () => {
      const out = {};
      for (const tr of body.querySelectorAll("tr[data-rule]")) {
        const conf = {};
        for (const i of tr.querySelectorAll("input")) {
          if (i.type === "checkbox") conf[i.dataset.k] = i.checked;
          else { const v = Number(i.value); if (!(v > 0)) throw new Error(`${t("rule_" + tr.dataset.rule)}：${t("errPositive")}`); conf[i.dataset.k] = v; }
        }
        out[tr.dataset.rule] = conf;
      }
      await api(`${H}/alert-rules`, { method: "PUT", json: out });
    });
    $("#set-save").onclick = () => save(async () => {
      const out = {};
      for (const k of ["service_level_minutes", "case_deadline_days", "punctuality_grace_minutes"]) out[k] = Number($("#set-" + k).value);
      out.closed_days = $("#set-closed_days").value.split(/[,，\s]+/).filter(Boolean);
      out.no_window_policy = $("#set-no_window_policy").value;
      await api(`${H}/manager-settings`, { method: "PUT", json: out });
    });
    return;
  }
  const cfg = await api(`${H}/config`);
  if (state.sub === "services") {
    body.innerHTML = `<table class="grid"><thead><tr><th>${t("name")}</th><th>${t("expected")}</th><th>${t("slotMinutes")}</th><th>${t("capacity")}</th><th>${t("horizon")}</th><th>${t("active")}</th><th></th></tr></thead><tbody>
      ${cfg.services.map(s => { const L = k => `aria-label="${esc(s.prefix + " " + s.name + " " + t(k))}"`; return `<tr data-code="${esc(s.code)}"><td><span class="prefix">${esc(s.prefix)}</span><input class="w-name" value="${esc(s.name)}" ${L("name")}></td>
      <td><input type="number" class="w-exp" value="${s.expected_minutes}" ${L("expected")}></td>
      <td><input type="number" class="w-slot" value="${s.booking.slot_minutes ?? ""}" ${L("slotMinutes")}></td><td><input type="number" class="w-cap" value="${s.booking.capacity_per_slot ?? ""}" ${L("capacity")}></td>
      <td><input type="number" class="w-hor" value="${s.booking.horizon_days ?? ""}" ${L("horizon")}></td>
      <td><input type="checkbox" class="w-act" ${s.active ? "checked" : ""} ${L("active")}></td><td><button type="button" class="save-svc" ${L("save")}>${t("save")}</button></td></tr>`; }).join("")}</tbody></table>`;
    body.querySelectorAll(".save-svc").forEach(b => b.onclick = () => save(async () => {
      const tr = b.closest("tr"), g = c => tr.querySelector(c).value.trim();
      const name = g(".w-name"), exp = g(".w-exp");
      if (!name) throw new Error(`${t("name")}：${t("errRequired")}`);
      if (!intIn(exp, 1, 480)) throw new Error(`${t("expected")}：1–480`);
      const booking = {};
      for (const [cls, key, lo, hi, label] of [[".w-slot", "slot_minutes", 5, 240, "slotMinutes"], [".w-cap", "capacity_per_slot", 1, 500, "capacity"], [".w-hor", "horizon_days", 1, 90, "horizon"]]) {
        const v = g(cls); if (v === "") continue;
        if (!intIn(v, lo, hi)) throw new Error(`${t(label)}：${lo}–${hi}`);
        booking[key] = Number(v);
      }
      await api(`${H}/config/services/${encodeURIComponent(tr.dataset.code)}`, { method: "PUT", json: { name, expected_minutes: Number(exp), booking, active: tr.querySelector(".w-act").checked } });
    }));
  } else if (state.sub === "windows") {
    body.innerHTML = cfg.windows.map(w => `<div class="win-card" data-id="${w.id}"><div class="row"><b>${w.number}</b><input class="w-name" value="${esc(w.name)}" aria-label="${esc(w.number + " " + t("name"))}">
      <button type="button" class="save-win" aria-label="${esc(w.number + " " + t("save"))}">${t("save")}</button></div><div class="svc-grid">${cfg.services.filter(s => s.active).map(s => {
        const cur = w.services.find(x => x.code === s.code);
        return `<label class="svc ${cur ? "on" : ""}"><input type="checkbox" data-code="${esc(s.code)}" ${cur ? "checked" : ""}>${esc(s.name)}
          <input type="number" class="prio" min="1" max="9" value="${cur ? cur.priority : 5}" title="${t("priority")}" aria-label="${esc(w.number + " " + s.name + " " + t("priority"))}"></label>`;
      }).join("")}</div></div>`).join("");
    body.querySelectorAll(".save-win").forEach(b => b.onclick = () => save(async () => {
      const card = b.closest(".win-card"), services = [];
      for (const cb of card.querySelectorAll("input[type=checkbox]")) {
        if (!cb.checked) continue;
        const p = cb.parentElement.querySelector(".prio").value;
        if (!intIn(p, 1, 9)) throw new Error(t("errPriority"));
        services.push({ service_code: cb.dataset.code, priority: Number(p) });
      }
      const name = card.querySelector(".w-name").value.trim();
      if (!name) throw new Error(`${t("name")}：${t("errRequired")}`);
      await api(`${H}/config/windows/${card.dataset.id}`, { method: "PUT", json: { name, services } });
    }));
  } else if (state.sub === "staff") {
    body.innerHTML = `<div class="row add"><input id="sf-user" placeholder="${t("username")}" aria-label="${t("staffUser")}" autocomplete="off"><input id="sf-name" placeholder="${t("fullName")}" aria-label="${t("staffName")}"><input id="sf-pass" type="password" placeholder="${t("password")}" aria-label="${t("staffPass")}" autocomplete="new-password"><button type="button" id="sf-add" class="primary">${t("add")}</button></div>
      <table class="grid"><thead><tr><th>${t("username")}</th><th>${t("fullName")}</th><th>${t("role")}</th><th>${t("active")}</th></tr></thead><tbody>${cfg.staff.map(s => `<tr data-id="${s.id}"><td>${esc(s.username)}</td><td>${esc(s.full_name)}</td><td>${t(s.role)}</td>
      <td>${s.role === "clerk" ? `<input type="checkbox" class="sf-act" ${s.active ? "checked" : ""} aria-label="${esc(s.full_name + " " + t("active"))}">` : (s.active ? "✓" : "")}</td></tr>`).join("")}</tbody></table>`;
    $("#sf-add").onclick = () => save(async () => {
      const username = $("#sf-user").value.trim(), full_name = $("#sf-name").value.trim(), password = $("#sf-pass").value;
      if (!username || !full_name) throw new Error(`${t("username")}/${t("fullName")}：${t("errRequired")}`);
      if (password.length < 8) throw new Error(`${t("password")}：${t("errPassword")}`);
      await api(`${H}/config/staff`, { method: "POST", json: { username, full_name, password } });
      loadStaff();
    });
    body.querySelectorAll(".sf-act").forEach(cb => cb.onchange = () => save(() => api(`${H}/config/staff/${cb.closest("tr").dataset.id}`, { method: "PATCH", json: { active: cb.checked } })));
  } else if (state.sub === "devices") {
    const winNo = Object.fromEntries(cfg.windows.map(w => [w.id, w.number]));
    body.innerHTML = `<div class="row add"><select id="dv-kind" aria-label="${t("devKind")}"><option value="kiosk">${t("kiosk")}</option><option value="display">${t("display")}</option><option value="counter">${t("counter")}</option><option value="ratepad">${t("ratepad")}</option></select>
      <select id="dv-window" aria-label="${t("colWindow")}" hidden>${cfg.windows.map(w => `<option value="${w.id}">${w.number} ${esc(w.name)}</option>`).join("")}</select>
      <input id="dv-name" placeholder="${t("name")}" aria-label="${t("devName")}"><button type="button" id="dv-add" class="primary">${t("add")}</button></div><p id="dv-token" class="token" role="status"></p>
      <table class="grid"><thead><tr><th>#</th><th>${t("kind")}</th><th>${t("name")}</th><th>${t("colWindow")}</th><th>${t("lastSeen")}</th><th><span class="sr-only">${t("revoke")}</span></th></tr></thead><tbody>${cfg.devices.map(d => `<tr><td>${d.id}</td><td>${t(d.kind)}</td><td>${esc(d.name)}</td><td>${d.window_id ? esc(winNo[d.window_id] ?? "") : "—"}</td>
      <td>${d.last_seen_at ? hallTime(d.last_seen_at, true) : t("never")}</td>
      <td>${d.revoked ? t("revoked") : `<button class="dv-rev" data-id="${d.id}">${t("revoke")}</button>`}</td></tr>`).join("")}</tbody></table>`;
    $("#dv-add").onclick = async () => {
      const name = $("#dv-name").value.trim();
      if (!name) { msg(`${t("name")}：${t("errRequired")}`, false); return; }
      const kind = $("#dv-kind").value, json = { kind, name };
      if (kind === "ratepad") json.window_id = Number($("#dv-window").value);  // a pad belongs to one window
      try { const d = await api(`${H}/config/devices`, { method: "POST", json }); await loadConfig(); msg(t("saved"), true); $("#dv-token").textContent = t("tokenOnce") + d.token; }
      catch (e) { msg(e.message, false); }
    };
    $("#dv-kind").onchange = () => { $("#dv-window").hidden = $("#dv-kind").value !== "ratepad"; };
    body.querySelectorAll(".dv-rev").forEach(b => b.onclick = () => save(() => api(`${H}/config/devices/${b.dataset.id}`, { method: "DELETE" })));
  } else if (state.sub === "notice") {
    body.innerHTML = `<label class="block">${t("noticeText")}<textarea id="nt-text" rows="4" maxlength="500">${esc(cfg.hall.notice)}</textarea></label><button id="nt-save" class="primary">${t("save")}</button>`;
    $("#nt-save").onclick = () => save(() => api(`${H}/notice`, { method: "PUT", json: { notice: $("#nt-text").value } }));
  }
}
function diff(before, after) {
  if (!before) return JSON.stringify(after);
  if (!after) return JSON.stringify(before);
  const out = [];
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = JSON.stringify(before[k]), b = JSON.stringify(after[k]);
    if (a !== b) out.push(`${k}: ${a} → ${b}`);
  }
  return out.join("; ");
}

// ------------------------------------------------------------------ boot
document.querySelectorAll(".lang-toggle").forEach(b => b.addEventListener("click", () => {
  lang = lang === "zh" ? "en" : "zh"; sessionStorage.setItem("tb.lang", lang); applyStrings();
  if (state.live) renderLive(state.live);
  if (state.tab !== "live") showTab(state.tab);
}));
$("#login-form").addEventListener("submit", login);
$("#logout").addEventListener("click", logout);
applyStrings();
start();
