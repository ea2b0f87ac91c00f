// Citizen portal: phone login, service guide, booking, material upload, QR code, my bookings,
// remote tickets. Plain JS, hash routes, all text from strings.js.
"use strict";
const view = () => $("#view");
const state = { token: localStorage.getItem("tb.citizen"), hall: null, halls: [], services: [], blobs: [] };
const ST_TAG = { missing: "grey", pending: "amber", accepted: "green", rejected: "red", from_licence: "green" };
const ST_KEY = { missing: "stMissing", pending: "stPending", accepted: "stAccepted", rejected: "stRejected",
  from_licence: "stFromLicence" };
// Statuses the citizen has nothing to upload for (accepted, or fetched from the 电子证照 store).
const NOTHING_TO_UPLOAD = new Set(["accepted", "from_licence"]);

class ApiError extends Error { constructor(status, code, message) { super(message); this.status = status; this.code = code; } }

async function api(path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (state.token) headers.Authorization = "Bearer " + state.token;
  if (opts.json !== undefined) { headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(opts.json); }
  const r = await fetch(path, { ...opts, headers });
  if (opts.raw && r.ok) return r;
  const body = r.status === 204 ? null : await r.json().catch(() => null);
  if (!r.ok) {
    const err = (body && body.error) || { code: "http_error", message: r.statusText };
    if (r.status === 401 && state.token && err.code === "invalid_token") setToken(null);
    throw new ApiError(r.status, err.code, err.message);
  }
  return body;
}

function setToken(tok) {
  state.token = tok;
  if (tok) localStorage.setItem("tb.citizen", tok); else localStorage.removeItem("tb.citizen");
  $("#logout").hidden = !tok;
}

function applyStrings() {
  translatePage("appTitle");
}

function render(html) {
  state.blobs.forEach(u => URL.revokeObjectURL(u)); state.blobs = [];
  view().innerHTML = html;
  window.scrollTo(0, 0);
}
function fail(e) {
  render(`<div class="card"><p class="error" role="alert">${esc(e.message || t("error"))}</p>
    <button type="button" class="block" id="retry-btn">${t("retry")}</button></div>`);
  $("#retry-btn").onclick = () => route();  // no inline handlers: the CSP forbids them
}
const statusText = s => t("s" + s.charAt(0).toUpperCase() + s.slice(1));

// ------------------------------------------------------------------ routing
function needLogin() {
  if (state.token) return false;
  location.hash = "#/login?next=" + encodeURIComponent(location.hash || "#/services");
  return true;
}

async function route() {
  stopCasesPoll();
  const [path, query] = (location.hash.replace(/^#/, "") || "/services").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || "");
  document.querySelectorAll("nav.bottom a").forEach(a => a.classList.toggle("on", a.dataset.nav === parts[0]));
  try {
    await ensureHall();
    if (parts[0] === "consent") return showConsent(params.get("next") || "#/services");
    if (["login", "book", "remote"].includes(parts[0]) && needConsent()) return;
    if (parts[0] === "login") return showLogin(params.get("next") || "#/services");
    if (parts[0] === "guide") return await showGuide(parts[1]);
    if (parts[0] === "book") { if (needLogin()) return; return await showBook(parts[1], params.get("date"), params.get("reschedule")); }
    if (parts[0] === "appt") { if (needLogin()) return; return await showAppointment(parts[1]); }
    if (parts[0] === "my") { if (needLogin()) return; return await showMy(); }
    if (parts[0] === "cases") { if (needLogin()) return; return await showCases(); }
    if (parts[0] === "remote") { if (needLogin()) return; return await showRemote(parts[1]); }
    return await showServices();
  } catch (e) { fail(e); }
}

async function ensureHall() {
  if (state.hall) return;
  const want = new URLSearchParams(location.search).get("hall") || localStorage.getItem("tb.hall");
  state.halls = await api("/api/v1/halls");
  state.hall = state.halls.find(h => h.code === want) || state.halls[0];
  if (!state.hall) throw new Error("no hall");
  localStorage.setItem("tb.hall", state.hall.code);
}
const H = () => encodeURIComponent(state.hall.code);

// ------------------------------------------------------------------ privacy consent
// 个人信息保护告知同意: asked once per browser (per notice version) before the first page that
// takes personal data (phone login, booking, remote ticket).
const CONSENT_VERSION = "1";
function needConsent() {
  if (localStorage.getItem("tb.consent") === CONSENT_VERSION) return false;
  location.hash = "#/consent?next=" + encodeURIComponent(location.hash || "#/services");
  return true;
}

function showConsent(next) {
  render(`<form class="card" id="consent-form" novalidate>
    <h2>${t("consentTitle")}</h2>
    <p>${t("consentIntro")}</p>
    <ul class="plain consent">${["consentWhat", "consentWhy", "consentKeep", "consentRights"]
      .map(k => `<li>${t(k)}</li>`).join("")}</ul>
    <label class="check"><input type="checkbox" id="consent-check"><span>${t("consentCheck")}</span></label>
    <button type="submit" class="primary block" id="consent-agree">${t("consentAgree")}</button>
    <a class="btn block gap-above" id="consent-decline" href="#/services">${t("consentDecline")}</a>
    <p class="msg error" id="consent-msg" role="alert"></p></form>`);
  $("#consent-check").onchange = () => { $("#consent-msg").textContent = ""; };
  $("#consent-form").onsubmit = ev => {
    ev.preventDefault();
    if (!$("#consent-check").checked) { $("#consent-msg").textContent = t("consentNeed"); return; }
    localStorage.setItem("tb.consent", CONSENT_VERSION);
    location.hash = next.startsWith("#/consent") ? "#/services" : next;
  };
}

// ------------------------------------------------------------------ login
function showLogin(next) {
  render(`<form class="card" id="login-form" novalidate>
    <h2>${t("loginTitle")}</h2>
    <p class="muted small">${t("loginHint")}</p>
    <label class="field"><span>${t("phone")}</span>
      <input id="phone" type="tel" inputmode="numeric" autocomplete="tel" maxlength="13" placeholder="${t("phonePh")}"></label>
    <label class="field"><span>${t("code")}</span>
      <div class="row"><input id="otp-code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6" placeholder="${t("codePh")}">
      <button type="button" id="send-code">${t("sendCode")}</button></div></label>
    <button type="submit" class="primary block" id="login-btn">${t("login")}</button>
    <p class="msg" id="login-msg" role="alert"></p></form>`);
  const msg = (text, ok) => { const m = $("#login-msg"); m.textContent = text; m.className = "msg " + (ok ? "ok" : "error"); };
  $("#send-code").onclick = async () => {
    const phone = $("#phone").value.trim();
    if (!/^1\d{10}$/.test(phone.replace(/\D/g, "").slice(-11))) return msg(t("needPhone"));
    try {
      const r = await api("/api/v1/citizen/otp", { method: "POST", json: { phone } });
      msg(t("codeSent", { phone: r.phone_masked }), true);
      countdown($("#send-code"), r.resend_after);
      $("#otp-code").focus();
    } catch (e) { msg(e.message); }
  };
  $("#login-form").onsubmit = async ev => {
    ev.preventDefault();
    const phone = $("#phone").value.trim(), code = $("#otp-code").value.trim();
    if (!phone) return msg(t("needPhone"));
    if (!/^\d{6}$/.test(code)) return msg(t("needCode"));
    try {
      const r = await api("/api/v1/citizen/login", { method: "POST", json: { phone, code } });
      setToken(r.access_token);
      localStorage.setItem("tb.phone", phone);
      location.hash = next;
    } catch (e) { msg(e.message); }
  };
}
function countdown(btn, seconds) {
  let n = seconds; btn.disabled = true;
  const tick = () => {
    if (!document.body.contains(btn)) return;
    if (n <= 0) { btn.disabled = false; btn.textContent = t("sendCode"); return; }
    btn.textContent = t("resendIn", { n }); n -= 1; setTimeout(tick, 1000);
  };
  tick();
}

// ------------------------------------------------------------------ services and guide
async function showServices() {
  state.services = await api(`/api/v1/halls/${H()}/services`);
  const items = state.services.map(s => `<div class="card svc" data-code="${esc(s.code)}">
      <div class="name">${esc(s.name)}</div>
      <div class="meta">${esc(s.department || "")} · ${t("waitingNow", { n: s.waiting ?? 0 })}${s.waiting && s.estimated_wait_minutes != null ? " · " + t("etaNow", { n: s.estimated_wait_minutes }) : ""}</div>
      <div class="actions">
        <a class="btn" data-act="guide" href="#/guide/${encodeURIComponent(s.code)}">${t("guide")}</a>
        <a class="btn primary" data-act="book" href="#/book/${encodeURIComponent(s.code)}">${t("book")}</a>
      </div></div>`).join("");
  render(`<h2 class="muted small">${esc(state.hall.name)} · ${t("servicesTitle")}</h2>${items}`);
}

async function showGuide(code) {
  const g = await api(`/api/v1/halls/${H()}/services/${encodeURIComponent(code)}/guide`);
  const gd = g.guide || {}, b = g.booking, c = encodeURIComponent(code);
  const mats = g.materials.map(m => `<li>${esc(m.name)} <span class="tag ${m.required ? "" : "grey"}">${t(m.required ? "required" : "optional")}</span>
      <span class="tag ${m.presubmit ? "green" : "grey"}">${t(m.presubmit ? "presubmit" : "onsite")}</span></li>`).join("");
  const row = (k, v) => (v ? `<dt>${t(k)}</dt><dd>${esc(v)}</dd>` : "");
  render(`<article class="card" id="guide">
      <h2>${esc(g.service.name)}</h2>
      <p class="muted small">${esc(g.service.department)}${g.service.category ? " · " + esc(g.service.category) : ""}</p>
      <h3>${t("guideConditions")}</h3><ul class="plain">${(gd.conditions || []).map(x => `<li>${esc(x)}</li>`).join("")}</ul>
      <h3>${t("guideMaterials")}</h3><ul class="plain" id="guide-materials">${mats}</ul>
      <h3>${t("guideBooking")}</h3>
      <p class="small" id="booking-hours"><strong>${t("bookingHours")}</strong>${esc(hoursText(b.hours))}</p>
      <p class="small">${t("bookingRules", { slot: b.slot_minutes, days: b.horizon_days, per: b.per_person_per_day, cut: b.cancel_cutoff_minutes, early: b.checkin_early_minutes })}</p>
      ${g.remote.enabled ? `<p class="small">${t("remoteRules", { min: g.remote.expire_minutes, per: g.remote.per_day })}</p>` : ""}
      <dl class="kv">${row("guideFees", gd.fees)}${row("guideTimeLimit", gd.time_limit_text)}${row("guideWhere", gd.where || g.windows)}
        ${row("guideHours", gd.hours)}${row("guidePhone", gd.phone)}${row("guideBasis", gd.basis)}</dl>
      <div class="actions">
        <a class="btn primary" id="guide-book" href="#/book/${c}">${t("book")}</a>
        ${g.remote.enabled ? `<a class="btn" id="guide-remote" href="#/remote/${c}">${t("remote")}</a>` : ""}
      </div></article>`);
}

// Weekly hours {mon: [["08:30", "12:00"], …], …} as "周一至周五 08:30–12:00；周六 …".
const WEEK = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
function hoursText(hours) {
  const spans = WEEK.map(d => ((hours || {})[d] || []).map(r => r.join("–")).join(t("listSep")));
  const groups = [];
  spans.forEach((span, i) => {
    const g = groups[groups.length - 1];
    if (g && g.span === span && g.to === i - 1) g.to = i; else groups.push({ span, from: i, to: i });
  });
  const day = i => t("wd_" + WEEK[i]);
  const parts = groups.filter(g => g.span).map(g => (g.from === 0 && g.to === 6 ? t("everyDay")
    : g.from === g.to ? day(g.from) : t("dayRange", { a: day(g.from), b: day(g.to) })) + " " + g.span);
  return parts.join(t("groupSep")) || t("noSlots");
}

// ------------------------------------------------------------------ booking
function localDay(offset) {
  const d = new Date(Date.now() + offset * 86400000);
  return new Intl.DateTimeFormat("en-CA", { timeZone: state.hall.timezone }).format(d);
}

async function showBook(code, day, moving) {
  day = day || localDay(0);
  const keep = moving ? `&reschedule=${encodeURIComponent(moving)}` : "";
  const [g, sl] = await Promise.all([
    api(`/api/v1/halls/${H()}/services/${encodeURIComponent(code)}/guide`),
    api(`/api/v1/halls/${H()}/services/${encodeURIComponent(code)}/slots?date=${day}`)]);
  const days = Array.from({ length: Math.min(g.booking.horizon_days, 14) + 1 }, (_, i) => localDay(i));
  const weekday = d => new Intl.DateTimeFormat(lang === "zh" ? "zh-CN" : "en-GB", { weekday: "short", timeZone: "UTC" }).format(new Date(d + "T12:00:00Z"));
  const label = (d, i) => (i === 0 ? t("today") : i === 1 ? t("tomorrow") : weekday(d));
  const chips = days.map((d, i) => `<button type="button" data-day="${d}" class="${d === day ? "on" : ""}" aria-pressed="${d === day}">
      <span>${label(d, i)}</span><small>${d.slice(5)}</small></button>`).join("");
  const open = sl.slots.filter(s => s.bookable || s.booked);
  const slots = open.length ? open.map(s => `<button type="button" data-start="${esc(s.start)}" ${s.bookable ? "" : "disabled"}
      aria-label="${esc(s.label)} ${s.bookable ? t("remaining", { n: s.remaining }) : esc(s.reason || t("full"))}">
      <span>${esc(s.label)}</span><small>${s.bookable ? t("remaining", { n: s.remaining }) : t("full")}</small></button>`).join("")
    : `<p class="muted">${t("noSlots")}</p>`;
  render(`<form class="card" id="book-form" novalidate>
      <h2>${esc(g.service.name)}${moving ? ` · ${t("reschedule")}` : ""}</h2>
      <h3>${t("pickDate")}</h3><div class="chips" role="group" aria-label="${t("pickDate")}">${chips}</div>
      <h3>${t("pickSlot")}</h3><div class="slots" role="group" aria-label="${t("pickSlot")}">${slots}</div>
      ${moving ? "" : `<h3>${t("yourInfo")}</h3>
      <label class="field"><span>${t("name")}</span><input id="b-name" type="text" autocomplete="name" maxlength="50" placeholder="${t("namePh")}"></label>
      <label class="field"><span>${t("idNumber")}</span><input id="b-id" type="text" autocomplete="off" maxlength="18" placeholder="${t("idPh")}"></label>
      <label class="field"><span>${t("contactPhone")}</span><input id="b-phone" type="tel" inputmode="numeric" maxlength="13" value="${esc(localStorage.getItem("tb.phone") || "")}"></label>`}
      <button type="submit" class="primary block" id="book-btn">${t(moving ? "confirmReschedule" : "confirmBook")}</button>
      <p class="msg error" id="book-msg" role="alert"></p></form>`);
  let chosen = null;
  view().querySelectorAll("#book-form input").forEach(i => { i.oninput = () => { $("#book-msg").textContent = ""; }; });
  view().querySelectorAll("[data-day]").forEach(b => { b.onclick = () => { location.hash = `#/book/${encodeURIComponent(code)}?date=${b.dataset.day}${keep}`; }; });
  view().querySelectorAll("[data-start]").forEach(b => {
    b.onclick = () => {
      view().querySelectorAll("[data-start]").forEach(x => { x.classList.remove("on"); x.setAttribute("aria-pressed", "false"); });
      b.classList.add("on"); b.setAttribute("aria-pressed", "true"); chosen = b.dataset.start;
    };
  });
  $("#book-form").onsubmit = async ev => {
    ev.preventDefault();
    const msg = $("#book-msg");
    if (!chosen) { msg.textContent = t("needSlot"); return; }
    if (moving) {
      try {
        await api(`/api/v1/appointments/${encodeURIComponent(moving)}/reschedule`, { method: "POST", json: { slot_start: chosen } });
        location.hash = "#/appt/" + encodeURIComponent(moving);
      } catch (e) { msg.textContent = e.message; }
      return;
    }
    const name = $("#b-name").value.trim(), id = $("#b-id").value.trim().toUpperCase();
    if (!name) { msg.textContent = t("needName"); return; }
    if (id.length !== 18) { msg.textContent = t("needId"); return; }
    try {
      const r = await api("/api/v1/appointments", { method: "POST", json: {
        hall_code: state.hall.code, service_code: code, slot_start: chosen, name, id_number: id,
        phone: $("#b-phone").value.trim() || null } });
      location.hash = "#/appt/" + encodeURIComponent(r.booking_code);
    } catch (e) { msg.textContent = e.message; }
  };
}

// ------------------------------------------------------------------ one appointment
async function showAppointment(code) {
  const a = await api(`/api/v1/appointments/${encodeURIComponent(code)}`);
  const remote = a.kind === "remote";
  const active = a.status === "booked";
  const mats = a.materials.filter(m => m.presubmit || m.status === "from_licence").map(m => {
    const offer = a.reusable.find(o => o.material_code === m.code);
    const canUpload = active || a.status === "checked_in";
    return `<div class="mat" data-code="${esc(m.code)}">
      <div class="head"><span class="nm">${esc(m.name)}${m.required ? "" : ` <span class="tag grey">${t("optional")}</span>`}</span>
        <span class="tag st ${ST_TAG[m.status]}">${t(ST_KEY[m.status])}</span></div>
      ${m.filename ? `<div class="small muted">${esc(m.filename)}${m.reused ? ` · ${t("reused")}` : ""}</div>` : ""}
      ${m.status === "rejected" && m.reason ? `<div class="reason">${esc(t("rejectReason", { r: m.reason }))}</div>` : ""}
      ${canUpload && !NOTHING_TO_UPLOAD.has(m.status) ? `<div class="actions">
        <label class="btn file-btn">${t(m.status === "missing" ? "upload" : "reupload")}
          <input type="file" accept="application/pdf,image/jpeg,image/png" data-code="${esc(m.code)}" aria-label="${esc(m.name)} ${t("upload")}"></label>
        ${offer ? `<button type="button" data-reuse="${esc(m.code)}">${t("reuse")}</button>` : ""}</div>` : ""}
      <p class="msg small" data-msg="${esc(m.code)}" role="status"></p></div>`;
  }).join("");
  const ticket = a.ticket ? `<div class="card"><dl class="kv"><dt>${t("ticketNumber")}</dt><dd><strong>${esc(a.ticket.number)}</strong></dd></dl>
      <div class="actions"><a class="btn primary" id="track-link" href="/t/${encodeURIComponent(a.ticket.tracking_token)}">${t("trackTicket")}</a></div></div>` : "";
  render(`<section class="card code-box" id="booking">
      <h2>${t(remote ? "remoteTitle" : "apptTitle")} · <span class="tag ${a.status === "booked" ? "green" : "grey"}" id="appt-status">${statusText(a.status)}</span></h2>
      ${active ? `<img id="qr" alt="${t("bookingCode")} ${esc(a.booking_code)}">` : ""}
      <div class="muted small">${t(remote ? "remoteCode" : "bookingCode")}</div>
      <div class="code" id="appt-code">${esc(a.booking_code)}</div>
      <p class="small muted">${remote && active ? esc(t("remoteExpires", { t: new Date(a.expires_at).toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB", { timeZone: state.hall.timezone, hour: "2-digit", minute: "2-digit" }) })) : (active ? t("showAtKiosk") : "")}</p>
      ${remote && active ? `<p><strong>${t("peopleAhead", { n: a.people_ahead ?? 0 })}</strong></p>` : ""}
    </section>${ticket}
    <section class="card"><dl class="kv">
      <dt>${t("hall")}</dt><dd>${esc(a.hall_name)}</dd>
      <dt>${t("address")}</dt><dd>${esc(a.hall_address)}</dd>
      <dt>${t("serviceItem")}</dt><dd>${esc(a.service_name)}</dd>
      ${remote ? "" : `<dt>${t("slot")}</dt><dd>${esc(a.slot_label)}</dd><dt>${t("name")}</dt><dd>${esc(a.citizen_name)}</dd><dt>${t("idNumber")}</dt><dd>${esc(a.id_masked)}</dd>`}
    </dl></section>
    ${remote ? "" : `<section class="card" id="materials"><h2>${t("materialsTitle")}</h2><p class="small muted">${t("fileRule")}</p>${mats}</section>`}
    ${active ? `<section class="card">${a.can_reschedule ? `<a class="btn block gap-below" id="reschedule-btn" href="#/book/${encodeURIComponent(a.service_code)}?date=${esc(a.date)}&reschedule=${encodeURIComponent(a.booking_code)}">${t("reschedule")}</a>` : ""}
      <button type="button" class="danger block" id="cancel-btn" ${a.can_cancel ? "" : "disabled"}>${t("cancelBooking")}</button>
      <p class="small muted">${a.can_cancel ? (a.cancel_until ? esc(t("cancelUntil", { t: fmtTime(a.cancel_until) })) : "") : t("cannotCancel")}</p>
      <p class="msg error" id="cancel-msg" role="alert"></p></section>` : ""}`);
  if ($("#qr")) loadQr(a.booking_code);
  view().querySelectorAll("input[type=file][data-code]").forEach(inp => { inp.onchange = () => uploadFile(code, inp); });
  view().querySelectorAll("[data-reuse]").forEach(b => {
    b.onclick = async () => {
      try { await api(`/api/v1/appointments/${encodeURIComponent(code)}/materials/${encodeURIComponent(b.dataset.reuse)}/reuse`, { method: "POST" }); showAppointment(code); }
      catch (e) { setMatMsg(b.dataset.reuse, e.message, false); }
    };
  });
  const cancelBtn = $("#cancel-btn");
  if (cancelBtn) cancelBtn.onclick = async () => {
    if (!window.confirm(t("cancelConfirm"))) return;
    try { await api(`/api/v1/appointments/${encodeURIComponent(code)}`, { method: "DELETE" }); showAppointment(code); }
    catch (e) { $("#cancel-msg").textContent = e.message; }
  };
}
function fmtTime(iso) {
  return new Date(iso).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", { timeZone: state.hall.timezone, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
function setMatMsg(code, text, ok) {
  const el = view().querySelector(`[data-msg="${CSS.escape(code)}"]`);
  if (el) { el.textContent = text; el.className = "msg small " + (ok ? "ok" : "error"); }
}
async function loadQr(code) {
  try {
    const r = await api(`/api/v1/appointments/${encodeURIComponent(code)}/qr.png`, { raw: true });
    // A data: URL (the CSP allows img-src 'self' data:, not blob:).
    const url = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result); reader.onerror = () => reject(reader.error);
      r.blob().then(b => reader.readAsDataURL(b), reject);
    });
    const img = $("#qr"); if (img) img.src = url;
  } catch (e) { /* the typed code below still works */ }
}
async function uploadFile(code, input) {
  const file = input.files[0]; if (!file) return;
  const mcode = input.dataset.code;
  setMatMsg(mcode, t("uploading"), true);
  const fd = new FormData(); fd.append("material_code", mcode); fd.append("file", file, file.name);
  try {
    await api(`/api/v1/appointments/${encodeURIComponent(code)}/materials`, { method: "POST", body: fd });
    await showAppointment(code);
    setMatMsg(mcode, t("uploaded"), true);
  } catch (e) { setMatMsg(mcode, e.message, false); input.value = ""; }
}

// ------------------------------------------------------------------ my bookings, remote
async function showMy() {
  const list = await api("/api/v1/appointments");
  const items = list.map(a => `<a class="card svc appt-item" data-code="${esc(a.booking_code)}" href="#/appt/${encodeURIComponent(a.booking_code)}">
      <div class="name">${esc(a.service_name)}</div>
      <div class="meta">${a.kind === "remote" ? t("myRemote") : esc(a.slot_label)} · ${t("bookingCode")} ${esc(a.booking_code)}</div>
      <span class="tag ${a.status === "booked" ? "green" : "grey"}">${statusText(a.status)}</span>
      ${a.status === "booked" && a.materials_summary.rejected ? `<span class="tag red">${t("stRejected")} ${a.materials_summary.rejected}</span>` : ""}
      ${a.status === "booked" && a.materials_summary.pending ? `<span class="tag amber">${t("stPending")} ${a.materials_summary.pending}</span>` : ""}
      ${a.ticket ? `<span class="tag">${esc(a.ticket.number)}</span>` : ""}</a>`).join("");
  render(`<h2 class="muted small">${t("myTitle")}</h2>${items || `<div class="card muted">${t("myEmpty")}</div>`}`);
}

async function showRemote(code) {
  const g = await api(`/api/v1/halls/${H()}/services/${encodeURIComponent(code)}/guide`);
  const svc = (await api(`/api/v1/halls/${H()}/services`)).find(s => s.code === code) || {};
  render(`<section class="card"><h2>${t("remoteTitle")} · ${esc(g.service.name)}</h2>
      <p>${t("waitingNow", { n: svc.waiting ?? 0 })}${svc.estimated_wait_minutes != null ? " · " + t("etaNow", { n: svc.estimated_wait_minutes }) : ""}</p>
      <p class="small muted">${t("remoteRules", { min: g.remote.expire_minutes, per: g.remote.per_day })}</p>
      <button type="button" class="primary block" id="remote-btn">${t("remoteConfirm")}</button>
      <p class="msg error" id="remote-msg" role="alert"></p></section>`);
  $("#remote-btn").onclick = async () => {
    try {
      const r = await api("/api/v1/remote-tickets", { method: "POST", json: { hall_code: state.hall.code, service_code: code } });
      location.hash = "#/appt/" + encodeURIComponent(r.booking_code);
    } catch (e) { $("#remote-msg").textContent = e.message; }
  };
}

// ------------------------------------------------------------------ my applications (办件)
// No live channel on this page: a polite poll (once a minute, only while the tab is visible and
// something can still change) keeps the progress current; ?cpoll= sets the seconds (tests).
const CASES_POLL_S = Math.max(1, Number(new URLSearchParams(location.search).get("cpoll")) || 60);
let casesTimer = null, casesShown = "", casesSeq = 0;
function stopCasesPoll() { clearTimeout(casesTimer); casesTimer = null; }

const casesIo = {
  slots: a => api(`/api/v1/citizen/applications/${encodeURIComponent(a.receipt_no)}/pickup-slots`),
  choose: (a, start) => api(`/api/v1/citizen/applications/${encodeURIComponent(a.receipt_no)}/pickup-slot`,
    { method: "PUT", json: { slot_start: start } }),
  changed: async () => {
    await refreshCases(true);
    const msg = $("#cases-msg"); if (msg) { msg.className = "msg ok"; msg.textContent = t("csSlotSaved"); }
  },
};

async function showCases() {
  casesShown = "";
  render(`<h2 class="muted small" id="cases-title">${t("casesTitle")}</h2><div id="cases" aria-labelledby="cases-title"></div>
    <p class="msg" id="cases-msg" role="status"></p>`);
  await refreshCases(true);
}

// Redraws only when something changed and never under an open slot picker.
async function refreshCases(force) {
  stopCasesPoll();
  const box = $("#cases");
  if (!box) return;
  const mine = ++casesSeq;  // only the newest round draws and re-arms the timer
  let apps;
  try { apps = await api("/api/v1/citizen/applications"); } catch (e) {
    if (!$("#cases") || mine !== casesSeq) return;
    if (force) throw e;
    apps = null;
  }
  if (!$("#cases") || mine !== casesSeq) return;  // the citizen went elsewhere meanwhile
  if (apps) {
    const json = JSON.stringify(apps) + lang;
    if (json !== casesShown && (force || !casePickerOpen(box))) {
      casesShown = json;
      if (apps.length) renderCases(box, apps, casesIo);
      else box.innerHTML = `<div class="card muted">${t("casesEmpty")}</div>`;
    }
    if (!apps.length || apps.every(caseIsFinal)) return;
  }
  casesTimer = setTimeout(() => { if (!document.hidden) refreshCases(false); else stopCasesPoll(); }, CASES_POLL_S * 1000);
}
document.addEventListener("visibilitychange", () => {
  if (!document.hidden && $("#cases") && casesTimer === null) refreshCases(false);
});

// ------------------------------------------------------------------ start
$("#lang").onclick = () => { switchLang(); applyStrings(); route(); };
$("#logout").onclick = () => {
  const tok = state.token; setToken(null);
  if (tok) fetch("/api/v1/auth/logout", { method: "POST", headers: { Authorization: "Bearer " + tok } }).catch(() => {});
  location.hash = "#/login";
};
window.addEventListener("hashchange", route);
setToken(state.token);
applyStrings();
route();
