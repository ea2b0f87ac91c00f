// Back-office review page: a reviewer's department queue (the manager sees all), live over the
// hall websocket, with approve / refuse / request-correction on each application.
"use strict";
const S = window.STRINGS;
let lang = sessionStorage.getItem("bo.lang") || "zh";
const t = k => (S[lang] && S[lang][k]) || S.zh[k] || k;
const $ = sel => document.querySelector(sel);
const esc = v => String(v ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
const state = { token: null, hall: null, role: null, dept: "", ws: null, retry: 0, reload: null, rows: [], viewSeq: 0 };

function applyStrings() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach(e => { e.textContent = t(e.dataset.t); });
  document.title = t("appTitle");
  if (state.rows.length) render();
}

async function api(path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (state.token) headers.Authorization = "Bearer " + state.token;
  if (opts.json !== undefined) { headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(opts.json); }
  const r = await fetch(path, { ...opts, headers });
  if (r.status === 401 && state.token) { logout(); throw new Error(t("loginFailed")); }
  const body = r.status === 204 ? null : await r.json();
  if (!r.ok) throw new Error(body && body.error ? body.error.message : r.statusText);
  return body;
}

async function login(ev) {
  ev.preventDefault();
  $("#login-error").textContent = "";
  try {
    const r = await api("/api/v1/auth/login", { method: "POST", json: { username: $("#login-user").value.trim(), password: $("#login-pass").value } });
    if (!["reviewer", "manager", "admin"].includes(r.role)) throw new Error(t("notReviewer"));
    state.token = r.access_token;
    let hall = r.hall_code;
    if (!hall) { const halls = await api("/api/v1/halls"); hall = new URLSearchParams(location.search).get("hall") || (halls[0] && halls[0].code); }
    const me = await api("/api/v1/auth/me");
    sessionStorage.setItem("bo.token", r.access_token);
    sessionStorage.setItem("bo.hall", hall);
    sessionStorage.setItem("bo.role", r.role);
    sessionStorage.setItem("bo.dept", me.department || "");
    sessionStorage.setItem("bo.who", r.full_name || r.username);
    start();
  } catch (e) { $("#login-error").textContent = e.message; state.token = null; }
}

function logout() {
  const tok = state.token; state.token = null;
  if (tok) fetch("/api/v1/auth/logout", { method: "POST", headers: { Authorization: "Bearer " + tok } }).catch(() => {});
  sessionStorage.removeItem("bo.token");
  closePreview();
  if (state.ws) { state.ws.onclose = null; state.ws.close(); }
  $("#main-view").hidden = true; $("#login-view").hidden = false;
}

function start() {
  state.token = sessionStorage.getItem("bo.token");
  state.hall = sessionStorage.getItem("bo.hall");
  state.role = sessionStorage.getItem("bo.role");
  state.dept = sessionStorage.getItem("bo.dept") || "";
  if (!state.token || !state.hall) { $("#login-view").hidden = false; $("#main-view").hidden = true; return; }
  $("#login-view").hidden = true; $("#main-view").hidden = false;
  $("#who").textContent = sessionStorage.getItem("bo.who") || "";
  $("#dept").textContent = state.dept || t("allDepts");
  load().then(connect);
}

async function load() {
  try { state.rows = await api(`/api/v1/halls/${encodeURIComponent(state.hall)}/applications`); render(); }
  catch (e) { say(e.message, true); }
}

function say(text, bad) { const m = $("#msg"); m.textContent = text; m.className = "msg " + (bad ? "error" : "ok"); }

function leftCell(a) {
  if (a.paused) return `<span class="left paused">${esc(t("paused"))}</span>`;
  const cls = a.overdue ? "late" : a.working_days_left <= 1 ? "warn" : "";
  const extra = a.overdue ? ` ${esc(t("overdue"))}` : "";
  return `<span class="left ${cls}">${a.working_days_left}${esc(t("days"))}${extra}</span>`;
}

function actionsCell(a) {
  if (a.status !== "in_review") return "";
  const pending = a.reviews.filter(r => r.status === "pending").map(r => r.department);
  const mine = state.role === "reviewer" ? [] : pending;
  const pick = mine.length > 1 ? `<select class="dept-pick">${mine.map(d => `<option>${esc(d)}</option>`).join("")}</select>` : "";
  return `<div class="actions" data-id="${a.id}" data-dept="${esc(mine.length === 1 ? mine[0] : "")}">
    <input class="note" placeholder="${esc(t("notePlaceholder"))}" maxlength="1000">${pick}
    <div class="row"><button class="ok" data-act="approve">${esc(t("approve"))}</button>
    <button class="bad" data-act="refuse">${esc(t("refuse"))}</button>
    <button data-act="correction">${esc(t("correction"))}</button></div></div>`;
}

// A licence-fetched material is marked; one the citizen uploaded online can be opened.
function materialTag(a, m) {
  if (m.source === "licence") return ` <span class="licence">${esc(t("src_licence"))}</span>`;
  if (m.source !== "online") return "";
  return ` <button type="button" class="link view" data-view="${a.id}" data-code="${esc(m.code)}"
    data-name="${esc(m.name)}" data-receipt="${esc(a.receipt_no)}" aria-label="${esc(t("view") + " " + m.name)}">${esc(t("view"))}</button>`;
}

function render() {
  const body = $("#queue tbody");
  body.innerHTML = state.rows.map(a => `<tr data-receipt="${esc(a.receipt_no)}">
    <td>${esc(a.receipt_no)}</td><td>${esc(a.service_name)}</td>
    <td>${esc(a.name_masked || "")}<br><span class="muted">${esc(a.id_masked || "")}</span></td>
    <td class="st">${esc(a.status_text)}</td>
    <td><ul>${a.reviews.map(r => `<li>${esc(r.department)}：${esc(t(r.status))}</li>`).join("")}</ul></td>
    <td><ul>${a.materials.map(m => `<li>${esc(m.name)}${materialTag(a, m)}</li>`).join("")}</ul></td>
    <td>${esc(a.promised_due)}</td><td>${leftCell(a)}</td><td>${actionsCell(a)}</td></tr>`).join("");
  $("#empty").hidden = state.rows.length > 0;
}

async function act(ev) {
  const btn = ev.target.closest("button[data-act]");
  if (!btn) return;
  const box = btn.closest(".actions");
  const note = box.querySelector(".note").value.trim();
  const pick = box.querySelector(".dept-pick");
  const department = (pick && pick.value) || box.dataset.dept || undefined;
  const what = btn.dataset.act;
  if (what !== "approve" && !note) { say(t("needNote"), true); return; }
  const path = `/api/v1/applications/${box.dataset.id}/${what === "correction" ? "correction" : "review"}`;
  const json = what === "correction" ? { note, department } : { decision: what, reason: note, department };
  btn.disabled = true;
  try { await api(path, { method: "POST", json }); say(t("done_" + what), false); await load(); }
  catch (e) { say(e.message, true); btn.disabled = false; }
}

// The uploaded file, fetched with the staff token (every read is audited by the server) and
// shown as a data: URL in the preview area: the page's CSP allows data: images and frames only.
async function view(ev) {
  const btn = ev.target.closest("button[data-view]");
  if (!btn) return;
  const seq = ++state.viewSeq, box = $("#preview-box"), title = $("#preview-title");
  const alt = `${btn.dataset.name}（${btn.dataset.receipt}）`;
  title.textContent = `${t("previewOf")}：${alt}`;
  box.innerHTML = `<p class="muted">${esc(t("loadingFile"))}</p>`;
  $("#preview").hidden = false;
  title.focus();
  title.scrollIntoView({ block: "start" });
  try {
    const path = `/api/v1/applications/${btn.dataset.view}/materials/${encodeURIComponent(btn.dataset.code)}/content`;
    const r = await fetch(path, { headers: { Authorization: "Bearer " + state.token } });
    if (r.status === 401) { logout(); throw new Error(t("loginFailed")); }
    if (!r.ok) { const body = await r.json().catch(() => null); throw new Error(body && body.error ? body.error.message : r.statusText); }
    const blob = await r.blob();
    const url = await new Promise((ok, fail) => { const fr = new FileReader(); fr.onload = () => ok(fr.result); fr.onerror = fail; fr.readAsDataURL(blob); });
    if (seq !== state.viewSeq) return;  // another material was opened meanwhile
    if (blob.type.startsWith("image/")) box.innerHTML = `<img src="${esc(url)}" alt="${esc(alt)}">`;
    else if (blob.type === "application/pdf") box.innerHTML = `<iframe src="${esc(url)}" title="${esc(alt)}"></iframe>`;
    else box.innerHTML = `<p class="muted">${esc(t("noPreview"))}</p>`;
  } catch (e) { if (seq === state.viewSeq) box.innerHTML = `<p class="error">${esc(e.message)}</p>`; }
}

function closePreview() {
  state.viewSeq++;
  $("#preview").hidden = true;
  $("#preview-box").innerHTML = "";
}

// Live: any application event of the hall reloads the queue (once per burst).
function connect() {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const ws = new WebSocket(`${proto}://${location.host}/ws/halls/${encodeURIComponent(state.hall)}?token=${encodeURIComponent(state.token)}`);
  state.ws = ws;
  ws.onopen = () => { state.retry = 0; $("#conn").className = "conn on"; };
  ws.onmessage = m => {
    const ev = JSON.parse(m.data);
    if (String(ev.type || "").startsWith("application.")) { clearTimeout(state.reload); state.reload = setTimeout(load, 300); }
  };
  ws.onclose = () => {
    $("#conn").className = "conn off";
    if (!state.token) return;
    state.retry = Math.min(state.retry + 1, 6);
    setTimeout(() => { if (state.token) load().then(connect); }, 500 * 2 ** state.retry);
  };
}

document.addEventListener("DOMContentLoaded", () => {
  applyStrings();
  $("#login-form").addEventListener("submit", login);
  $("#logout").addEventListener("click", logout);
  $("#queue").addEventListener("click", act);
  $("#queue").addEventListener("click", view);
  $("#preview-close").addEventListener("click", closePreview);
  document.querySelectorAll(".lang-toggle").forEach(b => b.addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh"; sessionStorage.setItem("bo.lang", lang); applyStrings();
  }));
  start();
});
