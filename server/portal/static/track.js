// Tracking page opened from the slip's QR code. Live over WS /ws/track/{token}; while the
// socket is down it reconnects with backoff and polls GET /api/v1/track/{token} every
// ?poll= seconds (default 5) meanwhile. Shows the window when called, the 好差评 form once done.
"use strict";
const token = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const POLL = Math.max(1, Number(new URLSearchParams(location.search).get("poll")) || 5);
const FINAL = ["done", "no_show", "cancelled"];
const PING_MS = 15000, STALE_MS = 40000, MAX_BACKOFF_S = 30, TOO_MANY_RETRY_S = 30;
const ratedKey = "tb.rated." + token;
let last = null;          // the newest view shown
let link = "connecting";  // connecting | live | reconnecting | polling
let stopped = false;      // final state, unknown or expired token: nothing more will change
let ws = null, pollTimer = null, retryTimer = null, backoff = 1, lastHeard = 0;
const AudioCtx = window.AudioContext || window.webkitAudioContext;
let audio = null;         // unlocked by the 开启提醒音 tap: browsers keep sound off until a gesture
let alertedCall = 0;      // the call_count already rung for: a recall rings again
const REMIND_CHOICES = [1, 3, 5, 10];
let reminder;             // the 到号提醒 set for this number (undefined: not fetched yet)

function applyStrings() {
  translatePage("trackTitle");
  $("#remind-phone").placeholder = t("phonePh");
  // Logged in on the portal of this site: its phone is the likely one (still editable).
  if (!$("#remind-phone").value) $("#remind-phone").value = localStorage.getItem("tb.phone") || "";
  $("#rating").innerHTML = `<legend class="sr-only">${t("rateTitle")}</legend>` + [5, 4, 3, 2, 1].map(n =>
    `<label><input type="radio" name="rating" value="${n}"><span>${"★".repeat(n)}${"☆".repeat(5 - n)} ${t("rate" + n)}</span></label>`).join("");
  document.querySelectorAll("input[name=rating]").forEach(i => { i.onchange = () => { $("#rate-msg").textContent = ""; }; });
  if (last) show(last);
  showLink();
}

function show(d) {
  last = d;
  $("#hall").textContent = d.hall_name;
  $("#number").textContent = d.number;
  $("#service").textContent = d.service_name;
  const w = d.window ? d.window.number : "";
  const box = $("#called-box"), stats = $("#waiting-stats"), line = $("#status-line");
  box.hidden = true; stats.hidden = true; line.textContent = ""; line.className = "ok centered strong";
  document.title = t("trackTitle");
  if (d.expired) {  // an earlier day's number the day close has not lapsed yet
    line.textContent = t("trackExpired"); line.className = "error centered strong";
  } else if (d.status === "waiting") {
    stats.hidden = false;
    $("#ahead").textContent = d.people_ahead ?? "—";
    $("#eta").textContent = d.accepting === false ? "—" : d.estimated_wait_minutes ?? "—";
    if (d.accepting === false) {  // no open window handles the service: no estimate
      line.textContent = t("trackNoWindow"); line.className = "warn centered strong";
    }
  } else if (d.status === "called") {
    box.hidden = false;
    $("#called").innerHTML = t("trackCalled", { n: `<b class="win">${esc(w)}</b>` });
    $("#called-note").textContent = t("trackCalledNote") + (d.call_count > 1 ? " · " + t("trackCallCount", { n: d.call_count }) : "");
    document.title = t("trackCalled", { n: w });  // visible on the tab / task switcher too
  } else if (d.status === "serving") {
    line.textContent = t("trackServing", { n: w });
  } else if (d.status === "done") {
    line.textContent = t("trackDone");
  } else if (d.status === "no_show") {
    line.textContent = t("trackNoShow"); line.className = "error centered strong";
  } else if (d.status === "cancelled") {
    line.textContent = t("trackCancelled");
  } else if (d.status === "suspended") {
    line.textContent = t("trackSuspended");
  }
  // The windows that may call this number: only while it waits (at a window or done, it is stale).
  const queued = d.status === "waiting" || d.status === "suspended";
  const where = d.window_hint && queued && !d.expired;
  $("#windows").textContent = where ? t("trackWindows", { w: d.window_hint }) : "";
  const served = $("#served"), clerk = d.clerk;
  served.hidden = !(d.status === "done" && d.window);
  served.innerHTML = served.hidden ? "" : `<b>${esc(t("trackServedBy", { w: d.window.number }))}</b>` +
    (clerk ? `<br>${esc(t("trackClerk", { name: clerk.name, no: clerk.staff_no }))}` : "");
  const rated = localStorage.getItem(ratedKey);
  $("#rate-form").hidden = d.status !== "done" || !!rated;
  if (d.status === "done" && rated) { line.textContent = t("trackDone") + " · " + t("rateThanks"); }
  showReminder(d);
  const sound = $("#sound");
  sound.hidden = !AudioCtx || d.expired || !(d.status === "waiting" || d.status === "called");
  sound.disabled = !!audio;
  sound.textContent = t(audio ? "trackSoundReady" : "trackSoundOn");
  if (d.status === "called" && !d.expired && d.call_count > alertedCall) {
    alertedCall = d.call_count;
    ring();
  }
  casesOnTicket(d);
  if (FINAL.includes(d.status)) finish();
}

// 到号提醒: the form while waiting with more people ahead than the smallest choice, else what is set.
function showReminder(d) {
  const box = $("#remind"), form = $("#remind-form"), status = $("#remind-status");
  const set = reminder && !reminder.ended;
  const choices = REMIND_CHOICES.filter(n => d.people_ahead != null && n < d.people_ahead);
  const waiting = d.status === "waiting" && !d.expired;
  box.hidden = !waiting || reminder === undefined || !(set || choices.length);
  form.hidden = !!set;
  status.textContent = !set ? "" : t(reminder.sent ? "remindSent" : "remindSet",
    { n: reminder.ahead, phone: reminder.phone_masked });
  const pick = $("#remind-ahead"), was = Number(pick.value) || 3;
  pick.innerHTML = choices.map(n => `<option value="${n}">${esc(t("remindOption", { n }))}</option>`).join("");
  if (choices.includes(was)) pick.value = String(was);
}

async function loadReminder() {
  try {
    const r = await fetch("/api/v1/track/" + encodeURIComponent(token) + "/reminder", { cache: "no-store" });
    if (!r.ok) return;
    reminder = (await r.json()).reminder;
    if (last) show(last);
  } catch (e) { /* the form stays hidden; tracking itself goes on */ }
}

$("#remind-form").onsubmit = async ev => {
  ev.preventDefault();
  const msg = $("#remind-msg"), phone = $("#remind-phone").value.trim();
  msg.className = "msg error";
  if (!/^(\+?86)?1[3-9]\d{9}$/.test(phone.replace(/[\s-]/g, ""))) { msg.textContent = t("needPhone"); return; }
  msg.textContent = "";
  try {
    const r = await fetch("/api/v1/track/" + encodeURIComponent(token) + "/reminder", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ phone, ahead: Number($("#remind-ahead").value) }) });
    const body = await r.json();
    if (!r.ok) { msg.textContent = body.error.message; return; }
    reminder = body.reminder;
    $("#remind-phone").value = "";
    if (last) show(last);
  } catch (e) { msg.textContent = t("error"); }
};

// Being called: vibrate where the phone allows it, beep where the citizen unlocked sound.
function ring() {
  if (typeof navigator.vibrate === "function") navigator.vibrate([400, 150, 400, 150, 400]);
  beep(3);
}

// n short 880 Hz tones from the Web Audio API (no sound file to fetch).
function beep(n) {
  if (!audio) return;
  audio.resume();
  for (let i = 0; i < n; i++) {
    const osc = audio.createOscillator(), gain = audio.createGain(), at = audio.currentTime + i * 0.35;
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.3, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(at); osc.stop(at + 0.25);
  }
}

function showLink() {
  const el = $("#link");
  if (stopped) { el.textContent = ""; el.className = "small link"; return; }
  el.className = "small link " + (link === "live" ? "on" : link === "connecting" ? "" : "off");
  el.textContent = link === "live" ? t("trackLive") : link === "connecting" ? t("trackConnecting")
    : link === "polling" ? t("trackUpdated", { s: POLL }) : t("trackReconnecting", { s: POLL });
}
function setLink(state) { link = state; showLink(); }
const socketLive = () => ws !== null && ws.readyState === WebSocket.OPEN;

// Nothing about this ticket will change any more: stop every timer (the server closes the socket).
function finish() {
  stopped = true;
  stopPolling();
  clearTimeout(retryTimer); retryTimer = null;
  showLink();
}
function fail(message) { $("#track-error").textContent = message; finish(); }

// --- polling: only while the socket is down (or the browser has no WebSocket)
function startPolling() { if (pollTimer === null && !stopped) poll(); }
function stopPolling() { if (typeof pollTimer === "number") clearTimeout(pollTimer); pollTimer = null; }
async function poll() {
  pollTimer = true;  // in flight
  try {
    const r = await fetch("/api/v1/track/" + encodeURIComponent(token), { cache: "no-store" });
    const body = await r.json();
    if (socketLive() || pollTimer !== true) {  // the socket's view is newer
      if (pollTimer === true) pollTimer = null;
      return;
    }
    if (r.status === 404) { fail(t("trackNotFound")); return; }
    if (!r.ok) { $("#track-error").textContent = body.error.message; }
    else { $("#track-error").textContent = ""; show(body); }
  } catch (e) {
    if (!last) $("#track-error").textContent = t("error");  // else the link line says it
  }
  if (pollTimer === true && !stopped && !socketLive()) pollTimer = setTimeout(poll, POLL * 1000);
  else if (pollTimer === true) pollTimer = null;
}

// --- live socket
function connect() {
  retryTimer = null;
  if (stopped || ws) return;
  if (!("WebSocket" in window)) { setLink("polling"); startPolling(); return; }
  const sock = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host +
    "/ws/track/" + encodeURIComponent(token));
  ws = sock;
  sock.onopen = () => { backoff = 1; lastHeard = Date.now(); stopPolling(); setLink("live"); };
  sock.onmessage = ev => {
    lastHeard = Date.now();
    let m;
    try { m = JSON.parse(ev.data); } catch (e) { return; }
    if (m.type === "track") { $("#track-error").textContent = ""; show(m.data); }
  };
  sock.onclose = ev => {
    if (ws !== sock) return;
    ws = null;
    if (stopped) return;
    if (ev.code === 4404) { fail(t("trackNotFound")); return; }
    if (ev.code === 4410) { fail(t("trackExpired")); return; }
    setLink("reconnecting");
    startPolling();
    const wait = ev.code === 4429 ? TOO_MANY_RETRY_S : backoff;  // 4429: this number is open elsewhere too
    backoff = Math.min(backoff * 2, MAX_BACKOFF_S);
    retryTimer = setTimeout(connect, wait * (1 + Math.random() * 0.3) * 1000);
  };
}

// Heartbeat from this side too: a silently dead link (phone changed network) is dropped and redialled.
setInterval(() => {
  if (!socketLive()) return;
  if (Date.now() - lastHeard > STALE_MS) { ws.close(); return; }
  ws.send(JSON.stringify({ type: "ping" }));
}, PING_MS);

// Back from the lock screen or offline: try now instead of waiting out the backoff.
function redialNow() {
  if (stopped || ws || document.hidden) return;
  clearTimeout(retryTimer); backoff = 1; connect();
}
document.addEventListener("visibilitychange", redialNow);
window.addEventListener("online", redialNow);

$("#rate-form").onsubmit = async ev => {
  ev.preventDefault();
  const pick = document.querySelector("input[name=rating]:checked");
  const msg = $("#rate-msg");
  if (!pick) { msg.textContent = t("rateNeed"); msg.className = "msg error"; return; }
  const r = await fetch("/api/v1/track/" + encodeURIComponent(token) + "/evaluation", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ rating: Number(pick.value), comment: $("#rate-comment").value.trim(), channel: "tracking" }) });
  const body = await r.json();
  if (r.ok || (body.error && body.error.code === "already_rated")) {
    localStorage.setItem(ratedKey, "1");
    $("#rate-form").hidden = true;
    $("#status-line").textContent = t("rateThanks"); $("#status-line").className = "ok centered strong";
  } else { msg.textContent = body.error.message; msg.className = "msg error"; }
};
$("#sound").onclick = () => {
  audio = new AudioCtx();
  beep(1);  // inside the tap: unlocks audio and lets the citizen check the volume
  if (last) show(last);
};
// --- 办件 progress of this slip (accepted at the window, or the 出件 number's results). The
// ticket's socket ends with the visit, so a polite poll follows them: every ?apoll= seconds
// (default 60) while the page is visible and something can still change, and at once when
// the ticket itself changes. Acceptance happens while the number is served or just after, so
// with nothing accepted yet the poll runs only then (and gives up after EMPTY_ROUNDS).
const EMPTY_ROUNDS = 10;
let casesEmpty = 0;
const CASES_POLL_S = Math.max(1, Number(new URLSearchParams(location.search).get("apoll")) || 60);
const casesUrl = "/api/v1/track/" + encodeURIComponent(token) + "/applications";
let casesTimer = null, casesShown = "", casesGone = false, casesStatus = null, casesSeq = 0;
async function jsonOrThrow(r) {
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error((body && body.error && body.error.message) || t("error"));
  return body;
}
const casesIo = {
  slots: a => fetch(`${casesUrl}/${encodeURIComponent(a.receipt_no)}/pickup-slots`, { cache: "no-store" }).then(jsonOrThrow),
  choose: (a, start) => fetch(`${casesUrl}/${encodeURIComponent(a.receipt_no)}/pickup-slot`, {
    method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ slot_start: start }) }).then(jsonOrThrow),
  changed: async () => { await loadCases(true); $("#cases-msg").className = "msg ok"; $("#cases-msg").textContent = t("csSlotSaved"); },
};
async function loadCases(force) {
  clearTimeout(casesTimer); casesTimer = null;
  if (casesGone) return;
  const mine = ++casesSeq;  // only the newest round draws and re-arms the timer
  let apps = null;
  try {
    const r = await fetch(casesUrl, { cache: "no-store" });
    if (r.status === 404) { casesGone = true; return; }
    if (r.ok) apps = await r.json();
  } catch (e) { /* the next round tries again */ }
  if (mine !== casesSeq) return;
  const box = $("#cases");
  if (apps) {
    const json = JSON.stringify(apps) + lang;
    if (json !== casesShown && (force || !casePickerOpen(box))) {
      casesShown = json;
      $("#cases-box").hidden = !apps.length;
      renderCases(box, apps, casesIo);
    }
    if (apps.length && apps.every(caseIsFinal)) return;  // every result handed over
    if (!apps.length) {
      const status = last ? last.status : null;
      if (!["serving", "suspended", "done"].includes(status)) return;  // the next change looks
      if (++casesEmpty > EMPTY_ROUNDS) return;
    }
  }
  if (!document.hidden) casesTimer = setTimeout(() => loadCases(false), CASES_POLL_S * 1000);
}
document.addEventListener("visibilitychange", () => { if (!document.hidden && casesTimer === null) loadCases(false); });
// The ticket moved (e.g. serving → done right after 受理): look at once.
function casesOnTicket(d) {
  if (d.status !== casesStatus) { casesStatus = d.status; loadCases(false); }
}

$("#lang").onclick = () => { switchLang(); applyStrings(); casesShown = ""; loadCases(true); };
applyStrings();
connect();
loadReminder();
