// Display state from the board snapshot and events (same rules as display/model.py):
// each call/recall seq is announced at most once, replayed calls only if younger than maxAge,
// and nothing from the first snapshot is announced.
(function () {
  const CALLS = ["ticket.called", "ticket.recalled"];
  const CLEARS = ["ticket.completed", "ticket.no_show", "ticket.requeued", "ticket.transferred",
    "ticket.suspended", "ticket.cancelled"];
  const WSTATES = { "window.opened": "open", "window.paused": "paused", "window.closed": "closed" };
  const epoch = (s) => (s ? Date.parse(s) / 1000 : null);

  class DisplayModel {
    constructor({ maxAge = 120, recentLimit = 10, clock = () => performance.now() / 1000 } = {}) {
      Object.assign(this, { maxAge, recentLimit, clock });
      this.hall = { code: "", name: "", timezone: "Asia/Shanghai" };
      this.notice = ""; this.seq = null; this.announcedThrough = null; this.offset = null;
      this.windows = new Map(); this.recent = []; this.services = [];
    }
    serverNow() { return this.offset === null ? null : this.clock() + this.offset; }
    fresh(call) {
      const now = this.serverNow();
      if (!this.maxAge || now === null || !call.at) return true;
      return now - call.at <= this.maxAge;
    }
    callFrom(c) {
      if (!c.number || c.window_number == null) return null;
      return { seq: c.seq, number: c.number, window: c.window_number, ticketId: c.ticket_id,
        recall: c.type === "ticket.recalled", at: epoch(c.at) };
    }
    push(call) {
      this.recent = this.recent.filter((c) => c.ticketId == null || c.ticketId !== call.ticketId);
      this.recent.unshift(call);
      this.recent.length = Math.min(this.recent.length, this.recentLimit);
    }
    applySnapshot(d) {
      const gen = epoch(d.generated_at);
      if (gen !== null) this.offset = gen - this.clock();
      this.hall = Object.assign(this.hall, d.hall || {});
      this.notice = d.notice || "";
      this.windows = new Map();
      for (const w of d.windows || []) {
        const cur = w.current_ticket || {};
        this.windows.set(w.id, { id: w.id, number: w.number, name: w.name, state: w.state,
          clerk: w.clerk_name || null, ticketId: cur.ticket_id ?? null,
          ticket: cur.number ?? null, status: cur.status ?? null });
      }
      const calls = (d.recent_calls || []).map((c) => this.callFrom(c)).filter(Boolean)
        .sort((a, b) => a.seq - b.seq);
      this.recent = [];
      calls.forEach((c) => this.push(c));
      this.applyStats(d);
      const out = this.announcedThrough === null ? []
        : calls.filter((c) => c.seq > this.announcedThrough && this.fresh(c));
      this.announcedThrough = Math.max(this.announcedThrough || 0, d.seq);
      this.seq = d.seq;
      return out;
    }
    applyStats(d) { if (Array.isArray(d.services)) this.services = d.services; }
    windowFor(data) {
      if (data.window_id != null && this.windows.has(data.window_id)) {
        return this.windows.get(data.window_id);
      }
      for (const w of this.windows.values()) if (w.number === data.window_number) return w;
      return null;
    }
    clear(ticketId) {
      if (ticketId == null) return;
      for (const w of this.windows.values()) {
        if (w.ticketId === ticketId) { w.ticketId = null; w.ticket = null; w.status = null; }
      }
    }
    applyEvent(env) {
      if (typeof env.seq !== "number" || (this.seq !== null && env.seq <= this.seq)) return [];
      this.seq = env.seq;
      const d = env.data || {}, t = env.type, at = epoch(env.at), out = [];
      if (at !== null) {
        const cand = at - this.clock();
        if (this.offset === null || cand > this.offset) this.offset = cand;
      }
      if (CALLS.includes(t)) {
        const call = this.callFrom({ ...d, seq: env.seq, type: t, at: env.at });
        if (call) {
          this.push(call);
          this.clear(call.ticketId);
          const w = this.windowFor(d);
          if (w) Object.assign(w, { ticketId: call.ticketId, ticket: call.number, status: "called" });
          const svc = this.services.find((s) => s.code === d.service_code);
          if (!call.recall && svc && svc.waiting > 0) svc.waiting -= 1;
          const unseen = this.announcedThrough === null || env.seq > this.announcedThrough;
          if (unseen && this.fresh(call)) out.push(call);
        }
        this.announcedThrough = Math.max(this.announcedThrough || 0, env.seq);
      } else if (t === "ticket.started" || t === "ticket.resumed") {
        let w = this.windowFor(d);
        if (!w) for (const x of this.windows.values()) if (x.ticketId === d.ticket_id) w = x;
        if (w) Object.assign(w, { ticketId: d.ticket_id, ticket: d.number, status: "serving" });
      } else if (CLEARS.includes(t)) {
        this.clear(d.ticket_id);
      } else if (t === "ticket.issued") {
        const svc = this.services.find((s) => s.code === d.service_code);
        if (svc && d.waiting != null) {
          svc.waiting = d.waiting; svc.estimated_wait_minutes = d.estimated_wait_minutes;
        }
      } else if (t in WSTATES) {
        const w = this.windowFor(d);
        if (w) { w.state = WSTATES[t]; w.clerk = WSTATES[t] === "closed" ? null : (d.clerk_name ?? w.clerk); }
      } else if (t === "notice.updated") {
        this.notice = d.notice || "";
      } else if (t === "queue.stats") {
        this.applyStats(d);
      }
      return out;
    }
    sortedWindows() { return [...this.windows.values()].sort((a, b) => a.number - b.number); }
    windowByNumber(n) { return this.sortedWindows().find((w) => w.number === n) || null; }
  }
  window.DisplayModel = DisplayModel;
})();
