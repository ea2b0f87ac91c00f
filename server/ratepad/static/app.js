// Browser rating pad: the pad's state over HTTP, then the hall websocket; the clerk's 办结
// (ticket.rating_requested for this window) shows the prompt; the rating goes to the server once.
(function () {
  const q = new URLSearchParams(location.search);
  const token = q.get("token") || "";
  const lang = q.get("lang") === "en" ? "en" : "zh";
  const S = window.RATEPAD_STRINGS[lang];
  const thanksMs = Math.max(1, Number(q.get("thanks_seconds")) || 6) * 1000;
  const promptMs = Math.max(10, Number(q.get("prompt_seconds")) || 90) * 1000;
  const fmt = (s, v) => s.replace(/\{(\w)\}/g, (_, k) => v[k]);
  const $ = (id) => document.getElementById(id);
  const model = new window.PadModel();
  // Exposed for diagnostics and the end-to-end test.
  const pad = window.tongbanPad = { model, connection: "connecting", connects: 0 };
  const auth = { Authorization: "Bearer " + token };

  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.title = S.title;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = S[el.dataset.t]; });

  // ------------------------------------------------------------------ widgets
  const SVG = "http://www.w3.org/2000/svg";
  function face(rating) {  // circle, eyes, and a mouth from a smile (5) to a frown (1)
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 100 100");
    svg.setAttribute("aria-hidden", "true");
    const bend = (rating - 3) * 9;
    [["circle", { cx: 50, cy: 50, r: 44 }], ["circle", { cx: 32, cy: 40, r: 4, class: "eye" }],
     ["circle", { cx: 68, cy: 40, r: 4, class: "eye" }],
     ["path", { d: `M28 68 Q50 ${68 + bend} 72 68` }]].forEach(([tag, attrs]) => {
      const el = document.createElementNS(SVG, tag);
      Object.entries(attrs).forEach(([k, v]) => el.setAttribute(k, v));
      svg.appendChild(el);
    });
    return svg;
  }
  const levelLabel = (r) => (S.levels ? S.levels[r] : model.levelLabel(r));
  const levelButtons = {};
  function buildLevels() {
    if (Object.keys(levelButtons).length) return;
    [5, 4, 3, 2, 1].forEach((r) => {
      const b = document.createElement("button");
      b.type = "button"; b.className = `level lv${r}`; b.dataset.rating = r;
      b.appendChild(face(r));
      const text = document.createElement("span");
      b.appendChild(text);
      b.addEventListener("click", () => choose(r));
      levelButtons[r] = b;
      $("levels").appendChild(b);
    });
  }
  const chips = {};
  function buildChips() {
    if (Object.keys(chips).length) return;
    model.reasons.forEach((reason) => {
      const b = document.createElement("button");
      b.type = "button"; b.className = "chip"; b.dataset.code = reason.code;
      b.textContent = lang === "en" ? reason.label_en : reason.label;
      b.addEventListener("click", () => { model.toggle(reason.code); sync(true); });
      chips[reason.code] = b;
      $("chips").appendChild(b);
    });
  }
  function showClerk(clerk, initial, name, staff) {
    $(initial).textContent = clerk ? clerk.name.slice(0, 1) : "";
    $(name).textContent = clerk ? clerk.name : "";
    $(staff).textContent = clerk ? fmt(S.staffNo, { s: clerk.staff_no }) : "";
  }

  // ------------------------------------------------------------------ rendering
  function render() {
    const m = model;
    $("hall").textContent = m.hallName;
    if (m.windowNumber !== null) {
      $("window").textContent = `${fmt(S.windowNo, { w: m.windowNumber })}  ${m.windowName}`;
    }
    ["idle", "prompt", "reasons", "thanks"].forEach((id) => { $(id).hidden = id !== m.screen; });
    if (m.screen === "idle") {
      showClerk(m.clerk, "idle-initial", "idle-name", "idle-staff");
      if (!m.clerk) $("idle-name").textContent = S.noClerk;
      $("idle-name").classList.toggle("none", !m.clerk);
      $("idle-welcome").textContent = m.clerk ? S.welcome : "";
      $("idle-hint").textContent = m.clerk ? S.idleHint : S.noClerkHint;
    } else if (m.screen === "prompt") {
      buildLevels();
      showClerk(m.prompt.clerk, "p-initial", "p-name", "p-staff");
      $("p-ticket").textContent = fmt(S.ticket, { n: m.prompt.number });
      Object.entries(levelButtons).forEach(([r, b]) => {
        b.querySelector("span").textContent = levelLabel(Number(r));
        b.disabled = m.sending;
      });
    } else if (m.screen === "reasons") {
      buildChips();
      Object.entries(chips).forEach(([code, b]) => {
        b.classList.toggle("picked", m.picked.includes(code));
        b.setAttribute("aria-pressed", String(m.picked.includes(code)));
        b.disabled = m.sending;
      });
      $("r-hint").textContent = fmt(S.reasonsHint, { l: levelLabel(m.rating) });
      $("submit").textContent = m.sending ? S.sending : S.submit;
      $("submit").disabled = !m.canSubmit;
      $("back").disabled = m.sending;
    } else if (m.thankedLevel === null) {
      $("t-level").textContent = S.already; $("t-note").textContent = "";
    } else {
      $("t-level").textContent = fmt(S.thanksLevel, { l: levelLabel(m.thankedLevel) });
      $("t-note").textContent = m.isBad(m.thankedLevel) ? S.thanksBad : S.thanksGood;
    }
    $("message").textContent = m.message && m.screen !== "thanks" ? S[m.message] : "";
  }
  let idleTimer = null, shown = "idle:";
  // Render, and (re)arm the idle timer when the screen changed or was touched.
  function sync(touched) {
    const now = `${model.screen}:${model.prompt ? model.prompt.ticketId : ""}`;
    if (touched || now !== shown) {
      shown = now;
      clearTimeout(idleTimer);
      const ms = model.screen === "thanks" ? thanksMs : model.screen === "idle" ? 0 : promptMs;
      if (ms) idleTimer = setTimeout(() => { model.toIdle(); sync(); }, ms);
    }
    render();
  }
  function setConnection(c, reason) {
    pad.connection = c;
    const text = c === "connected" ? "" : c === "refused" ? fmt(S.refused, { r: reason })
      : c === "connecting" ? S.connecting : S.offline;
    $("conn").textContent = text;
    $("conn").hidden = !text;
  }

  // ------------------------------------------------------------------ server
  async function api(method, path, body) {
    const headers = body ? { ...auth, "Content-Type": "application/json" } : auth;
    const r = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw Object.assign(new Error("HTTP " + r.status), { status: r.status,
      code: (data.error || {}).code, reason: (data.error || {}).message });
    return data;
  }
  function choose(rating) {
    if (model.choose(rating)) submit();
    sync(true);
  }
  async function submit() {
    if (model.sending || model.rating === null) return;
    const body = model.submission();
    sync(true);
    try {
      const result = await api("POST", "/api/v1/ratepad/ratings", body);
      model.thank(Number(result.rating));
    } catch (e) {
      model.failed(e.code || "unreachable");
    }
    sync();
  }
  $("submit").addEventListener("click", submit);
  $("back").addEventListener("click", () => { model.back(); sync(true); });

  async function refresh() {
    model.applyState(await api("GET", "/api/v1/ratepad/state"));
    sync();
  }
  let backoff = 300, pinger = null, lastSeq = null;
  function connect() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const since = lastSeq === null ? "" : `&since=${lastSeq}`;
    const ws = new WebSocket(`${proto}://${location.host}/ws/halls/` +
      `${encodeURIComponent(model.hallCode)}?token=${encodeURIComponent(token)}${since}`);
    ws.onopen = () => {
      pad.connects += 1; backoff = 300; setConnection("connected");
      pinger = setInterval(() => ws.readyState === 1 && ws.send('{"type":"ping"}'), 10000);
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.type === "ping" || msg.type === "pong") return;
      if (msg.type === "snapshot") {  // first connect, or missed too much: re-read the state
        lastSeq = msg.seq;
        refresh().catch(() => {});
        return;
      }
      if (typeof msg.seq !== "number" || (lastSeq !== null && msg.seq <= lastSeq)) return;
      lastSeq = msg.seq;
      if (model.applyEvent(msg)) refresh().catch(() => {});
      sync();
    };
    ws.onclose = (ev) => {
      clearInterval(pinger);
      if ([4401, 4403, 4404].includes(ev.code)) { setConnection("refused", ev.reason || ev.code); return; }
      setConnection("disconnected");
      setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 5000);
    };
  }
  async function start() {
    setConnection("connecting");
    try {
      await refresh();
      connect();
    } catch (e) {
      if (e.status === 401 || e.status === 403) { setConnection("refused", e.reason || e.status); return; }
      setConnection("disconnected");
      setTimeout(start, 3000);
    }
  }
  start();
})();
