// Back-office pre-review of uploaded materials (hall manager): view, accept, reject with reason.
"use strict";
const state = { token: sessionStorage.getItem("tb.staff"), hall: sessionStorage.getItem("tb.staffHall") };

async function api(path, opts = {}) {
  const headers = { ...(opts.headers || {}), Authorization: "Bearer " + state.token };
  if (opts.json !== undefined) { headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(opts.json); }
  const r = await fetch(path, { ...opts, headers });
  if (opts.raw && r.ok) return r;
  const body = await r.json().catch(() => null);
  if (!r.ok) throw new Error(body && body.error ? body.error.message : r.statusText);
  return body;
}

function applyStrings() {
  translatePage("rvTitle");
}

function showLogin() { $("#staff-login").hidden = false; $("#queue").hidden = true; $("#logout").hidden = true; }

async function load() {
  if (!state.token) return showLogin();
  $("#staff-login").hidden = true; $("#queue").hidden = false; $("#logout").hidden = false;
  const rows = await api(`/api/v1/halls/${encodeURIComponent(state.hall)}/materials?status=pending`);
  $("#rv-count").textContent = t("rvCount", { n: rows.length });
  $("#rv-list").innerHTML = rows.map(m => `<article class="card" data-id="${m.id}">
      <div class="mat"><div class="head"><span class="nm">${esc(m.name)}</span><span class="tag amber">${t("stPending")}</span></div>
      <div class="small muted">${esc(m.service_name)} · ${esc(m.citizen_name_masked)} · ${t("bookingCode")} ${esc(m.booking_code)}</div>
      <div class="small muted">${esc(m.filename)} · ${esc(m.content_type)} · ${Math.ceil(m.size / 1024)} KB</div></div>
      <div class="actions"><button type="button" data-view="${m.id}">${t("rvView")}</button>
        <button type="button" class="primary" data-accept="${m.id}">${t("rvAccept")}</button></div>
      <label class="field gap-above"><span>${t("rvReason")}</span><input type="text" maxlength="200" data-reason="${m.id}"></label>
      <button type="button" class="danger block" data-reject="${m.id}">${t("rvReject")}</button>
      <p class="msg error" data-msg="${m.id}" role="alert"></p></article>`).join("") || `<div class="card muted">${t("rvEmpty")}</div>`;
  document.querySelectorAll("[data-reason]").forEach(i => { i.oninput = () => { document.querySelector(`[data-msg="${i.dataset.reason}"]`).textContent = ""; }; });
  document.querySelectorAll("[data-view]").forEach(b => { b.onclick = () => viewFile(b.dataset.view); });
  document.querySelectorAll("[data-accept]").forEach(b => { b.onclick = () => decide(b.dataset.accept, "accept"); });
  document.querySelectorAll("[data-reject]").forEach(b => { b.onclick = () => decide(b.dataset.reject, "reject"); });
}

async function viewFile(id) {
  try {
    const r = await api(`/api/v1/materials/${id}/content`, { raw: true });
    window.open(URL.createObjectURL(await r.blob()), "_blank", "noopener");
  } catch (e) { document.querySelector(`[data-msg="${id}"]`).textContent = e.message; }
}

async function decide(id, decision) {
  const reason = (document.querySelector(`[data-reason="${id}"]`).value || "").trim();
  if (decision === "reject" && !reason) { document.querySelector(`[data-msg="${id}"]`).textContent = t("rvNeedReason"); return; }
  try { await api(`/api/v1/materials/${id}/review`, { method: "POST", json: { decision, reason: reason || null } }); load(); }
  catch (e) { document.querySelector(`[data-msg="${id}"]`).textContent = e.message; }
}

$("#staff-login").onsubmit = async ev => {
  ev.preventDefault();
  try {
    const r = await fetch("/api/v1/auth/login", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: $("#rv-user").value.trim(), password: $("#rv-pass").value }) });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error.message);
    if (body.role === "clerk") throw new Error(t("rvManagerOnly"));
    state.token = body.access_token;
    state.hall = body.hall_code || new URLSearchParams(location.search).get("hall") || "demo";
    sessionStorage.setItem("tb.staff", state.token); sessionStorage.setItem("tb.staffHall", state.hall);
    load();
  } catch (e) { $("#rv-login-msg").textContent = e.message; }
};
$("#logout").onclick = () => { sessionStorage.removeItem("tb.staff"); state.token = null; showLogin(); };
$("#lang").onclick = () => { switchLang(); applyStrings(); load(); };
applyStrings();
load().catch(() => { sessionStorage.removeItem("tb.staff"); state.token = null; showLogin(); });
