// 办件 progress, shared by the portal (我的办件) and the tracking page (/t/<token>): the stages
// 受理 → 审批 (each department in parallel, 补正 with what is asked and by when) → 办结 →
// 待取件 (pickup slot, changeable) / 已寄出 → 已取件 / 已送达, the promised date (承诺时限) with
// the working days left, and the full history. Loaded after common.js; no inline handlers.
"use strict";

// Nothing about the application will change any more.
function caseIsFinal(a) {
  return a.status === "picked_up" || a.status === "delivered" || (a.status === "decided" && a.outcome === "refused");
}

const caseLocale = () => (lang === "zh" ? "zh-CN" : "en-GB");
// "2026-12-07" (a hall-local date) as 12月7日周一 / Mon 7 Dec.
function caseDay(iso) {
  return new Intl.DateTimeFormat(caseLocale(), { month: lang === "zh" ? "long" : "short", day: "numeric", weekday: "short", timeZone: "UTC" })
    .format(new Date(iso + "T12:00:00Z"));
}
function caseTime(iso, tz) {
  return new Date(iso).toLocaleString(caseLocale(), { timeZone: tz, month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });
}
const caseSlotText = s => `${caseDay(s.date)} ${s.label}`;

// 承诺时限: the promised date and how much time is left (or how it ended).
function caseDeadline(a) {
  let left, cls;
  if (a.on_time !== null && a.on_time !== undefined) {
    left = t(a.on_time ? "csOnTime" : "csLate"); cls = a.on_time ? "ok" : "error";
  } else if (a.paused) {
    left = t("csPaused"); cls = "warn";
  } else if (a.working_days_left < 0) {
    left = t(a.working_days_left === -1 ? "csOverdue1" : "csOverdue", { n: -a.working_days_left }); cls = "error";
  } else {
    left = a.working_days_left === 0 ? t("csDueToday") : t(a.working_days_left === 1 ? "csDaysLeft1" : "csDaysLeft", { n: a.working_days_left });
    cls = a.working_days_left <= 1 ? "warn" : "ok";
  }
  return `<dt>${t("csPromised")}</dt><dd><span class="case-due">${esc(caseDay(a.promised_due))}</span>
    <span class="strong ${cls} case-left">${esc(left)}</span></dd>`;
}

const REVIEW_TAG = { pending: "amber", approved: "green", refused: "red", withdrawn: "grey" };

// The stages as the citizen follows them: [{key, title, state: done|current|todo|failed, body}].
function caseStages(a) {
  const st = a.status, refused = a.outcome === "refused";
  const decided = !["accepted", "in_review", "correction"].includes(st);
  const acceptedRow = (a.timeline || []).find(r => r.action === "accepted");
  const stages = [{ key: "accepted", title: t("csStageAccepted"), state: "done",
    body: acceptedRow ? `<p>${esc(t("csAcceptedAt", { t: caseTime(acceptedRow.at, a.timezone) }))}</p>` : "" }];

  const depts = a.reviews.map(r => `<li><span>${esc(r.department)}</span>
      <span class="tag ${REVIEW_TAG[r.status] || "grey"}">${t("csReview_" + r.status)}</span></li>`).join("");
  let review = `<ul class="depts" aria-label="${esc(t("csDepartments"))}">${depts}</ul>`;
  if (st === "correction") {
    review += `<div class="case-note" role="note"><p class="strong">${t("csCorrectionTitle")}</p>
      <p>${esc(a.correction_note)}</p>
      ${a.correction_deadline ? `<p>${esc(t("csCorrectionBy", { d: caseDay(a.correction_deadline) }))}</p>` : ""}
      <p class="small">${t("csCorrectionPaused")}</p></div>`;
  }
  stages.push({ key: "review", title: t(st === "correction" ? "csStageCorrection" : (decided ? "csStageReviewed" : "csStageReview") + (a.reviews.length > 1 ? "Joint" : ""), { n: a.reviews.length }),
    state: decided ? (refused ? "failed" : "done") : "current", body: review });

  stages.push({ key: "decided", title: t("csStageDecided"), state: !decided ? "todo" : refused ? "failed" : "done",
    body: !decided ? "" : refused
      ? `<p class="error strong">${t("csRefused")}</p>${a.decision_reason ? `<p>${esc(t("csReason", { r: a.decision_reason }))}</p>` : ""}`
      : `<p class="ok strong">${t("csApproved")}</p>` });
  if (refused) return stages;

  if (a.delivery === "mail") {
    const mailed = st === "mailed" || st === "delivered";
    stages.push({ key: "mailed", title: t("csStageMailed"), state: st === "mailed" ? "current" : mailed ? "done" : "todo",
      body: mailed && a.mail_tracking_no ? `<p>${esc(t("csTrackingNo", { no: a.mail_tracking_no }))}</p>` : `<p class="muted">${t("csMailHint")}</p>` });
    stages.push({ key: "delivered", title: t("csStageDelivered"), state: st === "delivered" ? "done" : "todo", body: "" });
    return stages;
  }
  const slot = a.pickup_slot
    ? `<p>${esc(t("csSlot", { s: caseSlotText(a.pickup_slot) }))}</p>`
    : `<p class="muted">${t("csNoSlot")}</p>`;
  const change = a.can_change_pickup_slot
    ? `<button type="button" class="block gap-above" data-case-slot="${esc(a.receipt_no)}">${t(a.pickup_slot ? "csChangeSlot" : "csPickSlot")}</button>
       <div class="slot-picker" data-picker="${esc(a.receipt_no)}" hidden></div>` : "";
  stages.push({ key: "ready", title: t("csStageReady"), state: st === "ready_for_pickup" ? "current" : st === "picked_up" ? "done" : "todo",
    body: (st === "ready_for_pickup" ? `<p class="strong">${t("csReadyHint")}</p>` : "") + (st === "picked_up" ? "" : slot + change) });
  stages.push({ key: "picked_up", title: t("csStagePickedUp"), state: st === "picked_up" ? "done" : "todo", body: "" });
  return stages;
}

const STAGE_MARK = { done: "✓", failed: "✕" };

// One application as a card: heading, status, promised date, stages, history.
// The server writes each step's text in Chinese. In English a step is named from its action
// (and department); the Chinese original stays beside it for the details it carries (reasons,
// numbers, dates).
function caseStepText(r) {
  const key = "csStep_" + r.action;
  if (lang === "zh" || !(S[lang] && S[lang][key])) return esc(r.text);
  return `${esc(t(key, { d: r.department || "" }))} <span class="muted small" lang="zh-CN">${esc(r.text)}</span>`;
}

function caseCard(a) {
  const id = "case-" + a.receipt_no;
  const stages = caseStages(a).map((s, i) => `<li class="${s.state}" data-stage="${s.key}"${s.state === "current" ? ' aria-current="step"' : ""}>
      <span class="dot" aria-hidden="true">${STAGE_MARK[s.state] || i + 1}</span>
      <h4>${esc(s.title)} <span class="sr-only">(${t("csState_" + s.state)})</span></h4>
      <div class="stage-body">${s.body}</div></li>`).join("");
  const history = (a.timeline || []).slice().reverse().map(r =>
    `<li><time datetime="${esc(r.at)}">${esc(caseTime(r.at, a.timezone))}</time>${caseStepText(r)}</li>`).join("");
  const tag = a.outcome === "refused" ? "red" : caseIsFinal(a) ? "grey" : a.status === "correction" ? "amber"
    : ["decided", "ready_for_pickup", "mailed"].includes(a.status) ? "green" : "";
  return `<article class="card case" id="${esc(id)}" aria-labelledby="${esc(id)}-h">
    <h2 id="${esc(id)}-h">${esc(a.service_name)}</h2>
    <p class="case-status"><span class="tag ${tag}">${esc(lang === "zh" ? a.status_text : t("csStatus_" + a.status))}</span>
      <span class="small muted">${esc(t("csReceipt", { no: a.receipt_no }))}</span></p>
    <dl class="kv">${caseDeadline(a)}
      <dt>${t("csDelivery")}</dt><dd>${t(a.delivery === "mail" ? "csDeliveryMail" : "csDeliveryPickup")}</dd>
      ${a.hall_name ? `<dt>${t("hall")}</dt><dd>${esc(a.hall_name)}</dd>` : ""}</dl>
    <h3>${t("csProgress")}</h3>
    <ol class="stages">${stages}</ol>
    <details class="history"><summary>${esc(t("csHistory", { n: (a.timeline || []).length }))}</summary>
      <ol class="history" reversed>${history}</ol></details>
  </article>`;
}

// Renders the applications into `box` and wires the pickup-slot pickers.
// io: { slots(a) → Promise<{days}>, choose(a, start) → Promise<view>, changed(view) }
function renderCases(box, apps, io) {
  box.innerHTML = apps.map(caseCard).join("");
  box.querySelectorAll("[data-case-slot]").forEach(btn => {
    const a = apps.find(x => x.receipt_no === btn.dataset.caseSlot);
    btn.onclick = () => openSlotPicker(box, btn, a, io);
  });
}

// True while the citizen is choosing a slot: a refresh must not throw their choice away.
function casePickerOpen(box) { return !!box.querySelector(".slot-picker:not([hidden])"); }

async function openSlotPicker(box, btn, a, io) {
  const picker = box.querySelector(`[data-picker="${CSS.escape(a.receipt_no)}"]`);
  btn.hidden = true; picker.hidden = false;
  picker.innerHTML = `<p class="muted" role="status">${t("loading")}</p>`;
  let data;
  try { data = await io.slots(a); } catch (e) {
    picker.innerHTML = `<p class="error" role="alert">${esc(e.message || t("error"))}</p>`; btn.hidden = false; return;
  }
  let day = (data.days.find(d => d.slots.some(s => s.available)) || data.days[0] || {}).date, chosen = null;
  const headId = "slot-h-" + a.receipt_no;
  const draw = () => {
    const d = data.days.find(x => x.date === day);
    const chips = data.days.map(x => `<button type="button" data-day="${x.date}" class="${x.date === day ? "on" : ""}" aria-pressed="${x.date === day}">${esc(caseDay(x.date))}</button>`).join("");
    const slots = d && d.slots.length ? d.slots.map(s => {
      const mine = a.pickup_slot && a.pickup_slot.start === s.start;
      const note = mine ? t("csSlotMine") : s.available ? t("remaining", { n: s.remaining }) : t("full");
      return `<button type="button" data-start="${esc(s.start)}" class="${chosen === s.start ? "on" : ""}" aria-pressed="${chosen === s.start}" ${s.available && !mine ? "" : "disabled"}>
        <span>${esc(s.label)}</span><small>${esc(note)}</small></button>`;
    }).join("") : `<p class="muted">${t("csNoSlots")}</p>`;
    picker.innerHTML = `<form class="slot-form" novalidate aria-labelledby="${esc(headId)}">
      <h4 id="${esc(headId)}">${t("csPickTitle")}</h4>
      ${data.earliest ? `<p class="small muted">${esc(t("csEarliest", { d: caseDay(data.earliest) }))}</p>` : ""}
      <div class="chips" role="group" aria-label="${esc(t("pickDate"))}">${chips}</div>
      <div class="slots" role="group" aria-label="${esc(t("pickSlot"))}">${slots}</div>
      <div class="actions"><button type="submit" class="primary">${t("csSlotConfirm")}</button>
        <button type="button" data-cancel>${t("csSlotCancel")}</button></div>
      <p class="msg error" role="alert"></p></form>`;
    picker.querySelectorAll("[data-day]").forEach(b => { b.onclick = () => { day = b.dataset.day; chosen = null; draw(); }; });
    picker.querySelectorAll("[data-start]").forEach(b => { b.onclick = () => { chosen = b.dataset.start; draw(); picker.querySelector(`[data-start="${CSS.escape(chosen)}"]`).focus(); }; });
    picker.querySelector("[data-cancel]").onclick = () => { picker.hidden = true; picker.innerHTML = ""; btn.hidden = false; btn.focus(); };
    picker.querySelector("form").onsubmit = async ev => {
      ev.preventDefault();
      const msg = picker.querySelector(".msg");
      if (!chosen) { msg.textContent = t("needSlot"); return; }
      try { io.changed(await io.choose(a, chosen)); } catch (e) { msg.textContent = e.message || t("error"); }
    };
  };
  draw();
}
