// Browser wall display: board snapshot, then the hall websocket with `since`; renders the model
// and reads each call once (Web Speech API when the TV has a Chinese voice, plus a chime).
(function () {
  const q = new URLSearchParams(location.search);
  const hall = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
  const token = q.get("token") || "";
  const mode = q.get("mode") === "window" ? "window" : "hall";
  const windowNo = Number(q.get("window") || 0);
  const lang = q.get("lang") === "en" ? "en" : "zh";
  const voiceOn = q.get("voice") !== "off";
  const repeat = Math.max(1, Number(q.get("repeat") || 2));
  const yao = q.get("digits") === "yao";
  const S = window.DISPLAY_STRINGS[lang];
  const fmt = (s, v) => s.replace(/\{(\w)\}/g, (_, k) => v[k]);
  const $ = (id) => document.getElementById(id);
  const model = new window.DisplayModel({ maxAge: Number(q.get("max_age") || 120) });
  // Big halls: the queue list turns a page every pageSeconds (never faster than 3 s).
  const pageSeconds = Math.max(3, Number(q.get("page_seconds")) || 10);

  // Exposed for diagnostics and the end-to-end test.
  const state = window.tongbanDisplay = { model, announced: [], connection: "connecting",
    connects: 0, lastSince: null, queuePage: { page: 0, total: 1 } };

  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.body.classList.add(mode);
  if (q.get("portrait") === "1") document.body.classList.add("portrait");
  document.title = S.title;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = S[el.dataset.t]; });

  // ------------------------------------------------------------------ voice
  const DIG = "零一二三四五六七八九";
  function spokenNumber(num) {
    const letters = num.replace(/[^A-Za-z]/g, "");
    let digits = num.replace(/\D/g, "");
    if (yao) digits = digits.replace(/^0+(?=.)/, "");
    return letters + [...digits].map((d) => (yao && d === "1" ? "幺" : DIG[d])).join("");
  }
  function cardinal(n) {
    if (n < 10) return DIG[n];
    const h = Math.floor(n / 100), t = Math.floor((n % 100) / 10), o = n % 10;
    let s = h ? DIG[h] + "百" : "";
    if (h && n % 100 === 0) return s;
    if (h && t === 0) return s + "零" + DIG[o];
    s += (h || t > 1 ? DIG[t] : "") + "十";
    return s + (o ? DIG[o] : "");
  }
  let audio = null;
  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [[1318.5, 0], [1046.5, 0.45]].forEach(([f, start]) => {
        const o = audio.createOscillator(), g = audio.createGain(), t0 = audio.currentTime + start;
        o.frequency.value = f; g.gain.setValueAtTime(0.3, t0);
        g.gain.exponentialRampToValueAtTime(0.001, t0 + 1);
        o.connect(g).connect(audio.destination); o.start(t0); o.stop(t0 + 1);
      });
    } catch (e) { /* no audio device: the screen still shows the call */ }
    return new Promise((r) => setTimeout(r, 1200));
  }
  function say(text) {
    const synth = window.speechSynthesis;
    const zh = synth && synth.getVoices().find((v) => /^zh/i.test(v.lang));
    if (!zh) return Promise.resolve(false);
    return new Promise((resolve) => {
      const u = new SpeechSynthesisUtterance(text);
      u.voice = zh; u.lang = zh.lang; u.rate = 0.9;
      u.onend = u.onerror = () => resolve(true);
      synth.speak(u);
    });
  }
  let chain = Promise.resolve();
  function announce(call) {
    // One at a time, in order; never the same seq twice (the model already filters replays).
    if (state.announced.some((a) => a.seq === call.seq)) return;
    state.announced.push({ seq: call.seq, number: call.number, window: call.window,
      recall: call.recall });
    if (!voiceOn) return;
    const text = fmt(S.speech, { n: spokenNumber(call.number), w: cardinal(call.window) });
    chain = chain.then(async () => {
      await chime();
      for (let i = 0; i < repeat; i++) await say(text);
    });
  }

  // ------------------------------------------------------------------ rendering
  const isPortrait = () => matchMedia("(orientation: portrait)").matches ||
    document.body.classList.contains("portrait");
  let shownNewest = null;
  function flash(el) {
    el.classList.remove("flash"); void el.offsetWidth; el.classList.add("flash");
  }
  function windowState(w) {
    if (w.state === "closed") return ["closed", "stop"];
    if (w.state === "paused") return ["paused", "warn"];
    if (w.status === "called") return ["called", "digits"];
    if (w.status === "serving") return ["serving", "ok"];
    return ["idle", "ok"];
  }
  function renderHall() {
    const [newest, ...rest] = model.recent;
    $("newest-number").textContent = newest ? newest.number : "—";
    $("newest-window").textContent = newest ? fmt(S.toWindow, { w: newest.window }) : S.noCalls;
    if (newest && shownNewest !== null && newest.seq !== shownNewest) flash($("newest"));
    shownNewest = newest ? newest.seq : 0;
    $("newest-title").textContent = S.latest + (newest && newest.recall ? " · " + S.recall : "");
    $("recent").innerHTML = "";
    rest.slice(0, isPortrait() ? 3 : 4).forEach((c) => {
      const row = document.createElement("div");
      row.className = "call-row";
      row.innerHTML = `<span class="num"></span><span class="win"></span>`;
      row.children[0].textContent = c.number;
      row.children[1].textContent = fmt(S.windowNo, { w: c.window });
      $("recent").appendChild(row);
    });
    const grid = $("windows");
    grid.innerHTML = "";
    const rows = Math.max(1, Math.ceil(model.windows.size / 5));
    grid.style.setProperty("--ck", Math.min(1, 2.4 / rows));  // big halls: smaller cards
    grid.classList.toggle("compact", rows > 2);
    for (const w of model.sortedWindows()) {
      const [key, cls] = windowState(w);
      const card = document.createElement("div");
      card.className = "card" + (w.status === "called" && w.state === "open" ? " hot" : "");
      card.dataset.window = w.number;
      card.innerHTML = `<div class="wno"></div><div class="wname"></div>` +
        `<div class="wticket"></div><div class="wstate ${cls}"></div>`;
      card.children[0].textContent = fmt(S.windowNo, { w: w.number });
      card.children[1].textContent = w.name;
      card.children[2].textContent = w.state === "closed" ? "—" : (w.ticket || "—");
      if (w.state === "closed" || !w.ticket) card.children[2].classList.add("muted");
      card.children[3].textContent = S[key];
      grid.appendChild(card);
    }
    renderQueues();
  }
  // Queue rows (columns, rows per column) as on the Qt screen: 2 × 5 landscape, 1 × 10 portrait;
  // a hall with more services shows them in balanced pages (14 → 7 + 7, 25 → 9 + 8 + 8).
  const queueShape = () => (isPortrait() ? [1, 10] : [2, 5]);
  function pageItems(items, capacity, page) {
    const pages = Math.max(1, Math.ceil(items.length / capacity));
    page = Math.min(Math.max(page, 0), pages - 1);
    const base = Math.floor(items.length / pages), extra = items.length % pages;
    const start = page * base + Math.min(page, extra);
    return items.slice(start, start + base + (page < extra ? 1 : 0));
  }
  // 暂停受理 (no open or paused window handles it: no estimate), nobody waiting, no estimate
  // yet (—), about to be called, or ~N min.
  function etaText(s) {
    const m = s.estimated_wait_minutes;
    if (s.accepting === false) return S.noWindow;
    if (!s.waiting) return S.noWait;
    if (m === null || m === undefined) return S.etaUnknown;
    return m >= 1 ? fmt(S.eta, { m }) : S.soon;
  }
  function renderQueues() {
    const [cols, rows] = queueShape(), pager = state.queuePage;
    pager.total = Math.max(1, Math.ceil(model.services.length / (cols * rows)));
    pager.page = Math.min(pager.page, pager.total - 1);
    const items = pageItems(model.services, cols * rows, pager.page);
    const box = $("queues");
    box.innerHTML = "";
    box.style.gridTemplateColumns = `repeat(${cols}, minmax(0, 1fr))`;
    box.style.gridTemplateRows = `repeat(${rows + 1}, 1fr)`;  // same row height on every page
    const row = (cls, col, line, a, b, c) => {
      const el = document.createElement("div");
      el.className = "qrow " + cls;
      el.style.gridColumn = String(col + 1);
      el.style.gridRow = String(line + 1);
      el.innerHTML = `<span class="sname"></span><span class="swait"></span><span class="seta"></span>`;
      [a, b, c].forEach((t, i) => { el.children[i].textContent = t; });
      box.appendChild(el);
      return el;
    };
    const perCol = Math.max(1, Math.ceil(items.length / cols));  // fill columns evenly
    for (let c = 0; items.length && c < cols; c++) row("qhead", c, 0, S.service, S.waitingHead, S.etaHead);
    items.forEach((s, j) => {
      const el = row("", Math.floor(j / perCol), 1 + (j % perCol),
        (s.prefix ? s.prefix + "\u2002" : "") + s.name, fmt(S.people, { n: s.waiting }),
        etaText(s));
      el.dataset.code = s.code;
      if (s.accepting === false) el.children[2].classList.add("warn");
      // A slightly long name is drawn at 26 px (the smallest we accept) before it is elided.
      const name = el.children[0];
      if (name.scrollWidth > name.clientWidth) name.classList.add("tight");
    });
    const indicator = $("queue-page");
    indicator.hidden = pager.total < 2;
    indicator.textContent = fmt(S.page, { p: pager.page + 1, t: pager.total });
  }
  function nextPage() {
    const pager = state.queuePage;
    pager.page = pager.total > 1 ? (pager.page + 1) % pager.total : 0;
    if (mode === "hall") renderQueues();
  }
  function renderWindow() {
    $("w-title").textContent = fmt(S.windowNo, { w: windowNo });
    const w = model.windowByNumber(windowNo);
    const num = $("w-number"), st = $("w-state");
    num.className = ""; st.className = "";
    if (!w) {
      num.textContent = "—"; st.textContent = fmt(S.unknownWindow, { w: windowNo });
      st.className = "stop"; return;
    }
    $("w-name").textContent = w.name;
    $("w-clerk").textContent = w.clerk || S.noClerk;
    $("w-initial").textContent = (w.clerk || "").slice(0, 1);
    $("w-caption").textContent = w.state === "open" ? S.current : "";
    if (w.state === "closed" || w.state === "paused") {
      num.textContent = S[w.state]; num.className = "word " + (w.state === "closed" ? "stop" : "warn");
      st.textContent = w.state === "paused" ? (w.ticket || "") : "";
    } else {
      num.textContent = w.ticket || "—";
      if (!w.ticket) num.className = "muted";
      const [key, cls] = windowState(w);
      st.textContent = S[key]; st.className = cls;
    }
    const latest = model.recent.find((c) => c.window === windowNo);
    if (latest && shownNewest !== null && latest.seq !== shownNewest) flash($("w-ticket"));
    shownNewest = latest ? latest.seq : (shownNewest ?? 0);
  }
  function render() {
    $("hall-name").textContent = model.hall.name || S.title;
    const notice = $("notice");
    if (notice.dataset.text !== model.notice) {
      // Wider than the screen: two copies scroll by half their width, so the loop is seamless.
      notice.dataset.text = model.notice;
      notice.textContent = model.notice;
      const track = $("notice-track");
      const scroll = notice.scrollWidth > track.clientWidth;
      track.classList.toggle("scroll", scroll);
      if (scroll) {
        notice.innerHTML = "<span></span><span></span>";
        notice.children[0].textContent = notice.children[1].textContent = model.notice;
        notice.style.animationDuration = Math.max(10, notice.scrollWidth / 240) + "s";
      }
    }
    if (mode === "hall") renderHall(); else renderWindow();
  }
  function setConnection(c, reason) {
    state.connection = c;
    $("conn").textContent = c === "connected" ? "" : c === "refused"
      ? fmt(S.refused, { r: reason }) : c === "connecting" ? S.connecting : S.offline;
  }
  function tick() {
    const tz = model.hall.timezone || "Asia/Shanghai";
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-US", {
      timeZone: tz, year: "numeric", month: "numeric", day: "numeric", weekday: "short",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date()).map((p) => [p.type, p.value]));
    const wd = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(parts.weekday);
    $("date").textContent = `${S.date(parts.year, Number(parts.month), Number(parts.day))}  ${S.weekdays[wd]}`;
    $("clock").textContent = `${parts.hour}:${parts.minute}:${parts.second}`;
  }

  // ------------------------------------------------------------------ server
  const auth = { headers: { Authorization: "Bearer " + token } };
  const boardUrl = `/api/v1/halls/${encodeURIComponent(hall)}/board`;
  async function loadBoard() {
    const r = await fetch(boardUrl, auth);
    if (!r.ok) throw new Error("board " + r.status);
    return r.json();
  }
  let statsTimer = null;
  function refreshStatsSoon() {
    clearTimeout(statsTimer);
    statsTimer = setTimeout(async () => {
      try { model.applyStats(await loadBoard()); render(); } catch (e) { /* next time */ }
    }, 1500);
  }
  let backoff = 300, pinger = null, lastSeq = null;
  function connect() {
    const proto = location.protocol === "https:" ? "wss" : "ws";
    const since = lastSeq === null ? "" : `&since=${lastSeq}`;
    state.lastSince = lastSeq;
    const ws = new WebSocket(`${proto}://${location.host}/ws/halls/${encodeURIComponent(hall)}` +
      `?token=${encodeURIComponent(token)}${since}`);
    state.ws = ws;
    ws.onopen = () => {
      state.connects += 1; backoff = 300; setConnection("connected");
      pinger = setInterval(() => ws.readyState === 1 && ws.send('{"type":"ping"}'), 10000);
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      if (msg.type === "ping" || msg.type === "pong") return;
      if (msg.type === "snapshot") {
        lastSeq = msg.seq;
        model.applySnapshot(msg.data).forEach(announce);
        render();
        return;
      }
      if (typeof msg.seq !== "number" || (lastSeq !== null && msg.seq <= lastSeq)) return;
      lastSeq = msg.seq;
      model.applyEvent(msg).forEach(announce);
      render();
      // a window opening or closing changes which services are served (暂停受理) too
      if (/^(ticket|window)\./.test(String(msg.type))) refreshStatsSoon();
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
      const board = await loadBoard();
      model.applySnapshot(board);
      lastSeq = board.seq;
      render();
      connect();
      setInterval(refreshStatsSoon, 60000);
    } catch (e) {
      setConnection("disconnected");
      setTimeout(start, 3000);
    }
  }
  tick();
  setInterval(tick, 1000);
  setInterval(nextPage, pageSeconds * 1000);
  if (window.speechSynthesis) window.speechSynthesis.getVoices();  // starts loading voices
  start();
})();
