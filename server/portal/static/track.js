// Tracking page opened from the slip's QR code: polls GET /api/v1/track/{token}, shows the
// window when called, and the 好差评 form once the visit is done.
"use strict";
const token = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
const POLL = Math.max(1, Number(new URLSearchParams(location.search).get("poll")) || 5);
const ratedKey = "tb.rated." + token;
let last = null, timer = null;

function applyStrings() {
  translatePage("trackTitle");
  $("#rating").innerHTML = `<legend class="sr-only">${t("rateTitle")}</legend>` + [5, 4, 3, 2, 1].map(n =>
    `<label><input type="radio" name="rating" value="${n}"><span>${"★".repeat(n)}${"☆".repeat(5 - n)} ${t("rate" + n)}</span></label>`).join("");
  document.querySelectorAll("input[name=rating]").forEach(i => { i.onchange = () => { $("#rate-msg").textContent = ""; }; });
  if (last) show(last);
}

function show(d) {
  last = d;
  $("#hall").textContent = d.hall_name;
  $("#number").textContent = d.number;
  $("#service").textContent = d.service_name;
  const w = d.window ? d.window.number : "";
  const called = $("#called"), stats = $("#waiting-stats"), line = $("#status-line");
  called.hidden = true; stats.hidden = true; line.textContent = "";
  if (d.status === "waiting") {
    stats.hidden = false;
    $("#ahead").textContent = d.people_ahead ?? "—";
    $("#eta").textContent = d.estimated_wait_minutes ?? "—";
  } else if (d.status === "called") {
    called.hidden = false; called.textContent = t("trackCalled", { n: w });
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
  $("#windows").textContent = d.window_hint ? t("trackWindows", { w: d.window_hint }) : "";
  $("#updated").textContent = ["done", "no_show", "cancelled"].includes(d.status) ? "" : t("trackUpdated", { s: POLL });
  const rated = localStorage.getItem(ratedKey);
  $("#rate-form").hidden = d.status !== "done" || !!rated;
  if (d.status === "done" && rated) { $("#status-line").textContent = t("trackDone") + " · " + t("rateThanks"); }
}

async function poll() {
  try {
    const r = await fetch("/api/v1/track/" + encodeURIComponent(token), { cache: "no-store" });
    const body = await r.json();
    if (!r.ok) { $("#track-error").textContent = r.status === 404 ? t("trackNotFound") : body.error.message; return; }
    $("#track-error").textContent = "";
    show(body);
    if (["done", "no_show", "cancelled"].includes(body.status)) return;
  } catch (e) { $("#track-error").textContent = t("error"); }
  timer = setTimeout(poll, POLL * 1000);
}

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
$("#lang").onclick = () => { switchLang(); applyStrings(); };
applyStrings();
poll();
