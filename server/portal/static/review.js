// Back-office pre-review of uploaded materials (hall manager): a list on the left, the file
// shown inline on the right (image or PDF, no new tab), accept, or reject with preset reasons.
"use strict";
const state = { token: sessionStorage.getItem("tb.staff"), hall: sessionStorage.getItem("tb.staffHall"),
  rows: [], current: null, loadSeq: 0, tz: null };

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

// The date and time of an ISO instant in the hall's timezone (from GET /halls), not the browser's.
function when(iso) {
  if (!iso) return "";
  const opts = { hourCycle: "h23", ...(state.tz ? { timeZone: state.tz } : {}) };
  try { return new Date(iso).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB", opts); }
  catch { return new Date(iso).toLocaleString(); }
}
async function hallTimezone() {
  if (state.tz) return;
  try { const h = (await api("/api/v1/halls")).find(x => x.code === state.hall); state.tz = h ? h.timezone : null; } catch { state.tz = null; }
}

async function load() {
  if (!state.token) return showLogin();
  $("#staff-login").hidden = true; $("#queue").hidden = false; $("#logout").hidden = false;
  await hallTimezone();
  state.rows = await api(`/api/v1/halls/${encodeURIComponent(state.hall)}/materials?status=pending`);
  $("#rv-count").textContent = t("rvCount", { n: state.rows.length });
  $("#rv-list").innerHTML = state.rows.map(m => `<li><button type="button" class="rv-item" data-view="${m.id}" aria-pressed="false">
      <span class="rv-name">${esc(m.name)}</span><span class="tag amber">${t("stPending")}</span>
      <span class="rv-meta">${esc(m.service_name)} · ${esc(m.citizen_name_masked)}</span>
      <span class="rv-meta">${t("bookingCode")} ${esc(m.booking_code)} · ${esc(m.filename)}</span></button></li>`).join("")
    || `<li class="muted rv-empty">${t("rvEmpty")}</li>`;
  document.querySelectorAll("[data-view]").forEach(b => { b.onclick = () => select(Number(b.dataset.view)); });
  const keep = state.rows.find(m => m.id === state.current);
  if (keep) select(keep.id);
  else { state.current = null; $("#rv-detail").innerHTML = `<p class="muted">${t(state.rows.length ? "rvPick" : "rvEmpty")}</p>`; }
}

// The detail pane of one material: facts, the inline preview, the decision form.
function select(id) {
  const m = state.rows.find(x => x.id === id);
  if (!m) return;
  state.current = id;
  document.querySelectorAll("[data-view]").forEach(b => {
    const on = Number(b.dataset.view) === id;
    b.classList.toggle("sel", on); b.setAttribute("aria-pressed", String(on));
  });
  const presets = S.zh.rvPresets, shown = (S[lang] && S[lang].rvPresets) || presets;
  $("#rv-detail").innerHTML = `<h2 class="rv-title">${esc(m.name)} <span class="tag amber">${t("stPending")}</span></h2>
    <dl class="rv-facts"><dt>${t("rvService")}</dt><dd>${esc(m.service_name)}</dd>
      <dt>${t("rvApplicant")}</dt><dd>${esc(m.citizen_name_masked)} · ${t("bookingCode")} ${esc(m.booking_code)}</dd>
      <dt>${t("rvFile")}</dt><dd>${esc(m.filename)} · ${esc(m.content_type)} · ${Math.ceil(m.size / 1024)} KB</dd>
      ${m.uploaded_at ? `<dt>${t("rvSubmitted")}</dt><dd>${esc(when(m.uploaded_at))}</dd>` : ""}</dl>
    <div class="rv-preview" id="rv-preview" role="region" aria-label="${t("rvPreview")}"><p class="muted">${t("rvLoading")}</p></div>
    <div class="rv-decide">
      <button type="button" class="primary" data-accept="${m.id}">${t("rvAccept")}</button>
      <fieldset class="rv-reasons"><legend>${t("rvReasons")}</legend>
        ${presets.map((p, i) => `<label class="rv-chip"><input type="checkbox" name="rv-preset" value="${esc(p)}"><span>${esc(shown[i] || p)}</span></label>`).join("")}
        <label class="rv-chip"><input type="checkbox" name="rv-preset" value="其他" id="rv-other"><span>${t("rvOther")}</span></label>
        <label class="field rv-text"><span>${t("rvOtherText")}</span><input type="text" maxlength="120" data-reason="${m.id}"></label>
      </fieldset>
      <button type="button" class="danger" data-reject="${m.id}">${t("rvReject")}</button>
      <p class="msg error" data-msg="${m.id}" role="alert"></p>
    </div>`;
  const clear = () => { document.querySelector(`[data-msg="${m.id}"]`).textContent = ""; };
  document.querySelectorAll("[name=rv-preset], [data-reason]").forEach(i => { i.oninput = clear; });
  document.querySelector(`[data-accept="${m.id}"]`).onclick = () => decide(m.id, "accept");
  document.querySelector(`[data-reject="${m.id}"]`).onclick = () => decide(m.id, "reject");
  preview(m);
  // On a phone the pane is below the list: bring it into view.
  if (window.matchMedia("(max-width: 900px)").matches) $("#rv-detail").scrollIntoView({ block: "start" });
}

// Fetched with the staff token and shown as a data: URL (the CSP allows data: images and frames).
async function preview(m) {
  const seq = ++state.loadSeq, box = $("#rv-preview");
  try {
    const blob = await (await api(`/api/v1/materials/${m.id}/content`, { raw: true })).blob();
    const url = await new Promise((ok, fail) => { const fr = new FileReader(); fr.onload = () => ok(fr.result); fr.onerror = fail; fr.readAsDataURL(blob); });
    if (seq !== state.loadSeq) return;  // another material was picked meanwhile
    const alt = `${m.name}（${m.filename}）`;
    if (m.content_type.startsWith("image/")) box.innerHTML = `<img src="${esc(url)}" alt="${esc(alt)}">`;
    else if (m.content_type === "application/pdf") box.innerHTML = `<iframe src="${esc(url)}" title="${esc(alt)}"></iframe>`;
    else box.innerHTML = `<p class="muted">${t("rvNoPreview")}</p>`;
  } catch (e) { if (seq === state.loadSeq) box.innerHTML = `<p class="error">${esc(e.message)}</p>`; }
}

// The reason a citizen reads: the ticked presets, then the free text.
function reasonFor(id) {
  const picked = [...document.querySelectorAll("[name=rv-preset]:checked")].map(i => i.value);
  const text = (document.querySelector(`[data-reason="${id}"]`).value || "").trim();
  if (picked.includes("其他") && !text) throw new Error(t("rvNeedOther"));
  const parts = picked.filter(p => p !== "其他");
  if (text) parts.push(text);
  if (!parts.length) throw new Error(t("rvNeedReason"));
  return parts.join("；");
}

async function decide(id, decision) {
  const out = document.querySelector(`[data-msg="${id}"]`);
  let reason = null;
  if (decision === "reject") { try { reason = reasonFor(id); } catch (e) { out.textContent = e.message; return; } }
  try { await api(`/api/v1/materials/${id}/review`, { method: "POST", json: { decision, reason } }); state.current = null; await load(); }
  catch (e) { out.textContent = e.message; }
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
