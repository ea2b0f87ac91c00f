// The pad's state without the DOM (the same rules as ratepad/model.py): idle -> prompt ->
// reasons (only for 不满意/非常不满意) -> thanks -> idle.
(function () {
  class PadModel {
    constructor() {
      this.windowId = null; this.windowNumber = null; this.windowName = "";
      this.hallCode = ""; this.hallName = ""; this.clerk = null;
      this.levels = []; this.badMax = 2; this.reasons = [];
      this.screen = "idle"; this.prompt = null; this.rating = null; this.picked = [];
      this.sending = false; this.message = null; this.thankedLevel = null;
      this.doneTicket = null;  // the last prompt, rated or timed out: not re-offered by state
    }
    applyState(state) {
      Object.assign(this, {
        windowId: state.window.id, windowNumber: state.window.number,
        windowName: state.window.name, hallCode: state.hall.code, hallName: state.hall.name,
        clerk: state.clerk || null, levels: state.levels, badMax: state.bad_max,
        reasons: state.reasons,
      });
      if (state.prompt && this.screen === "idle" && state.prompt.ticket_id !== this.doneTicket) {
        this.startPrompt(state.prompt);
      }
    }
    // True when the pad should re-read its state (its window opened, closed, changed clerk).
    applyEvent(env) {
      const data = env.data || {}, kind = String(env.type || "");
      if (this.windowId === null || data.window_id !== this.windowId) return false;
      if (kind === "ticket.rating_requested") {
        if (!this.prompt || this.prompt.ticketId !== data.ticket_id || this.screen === "idle") {
          this.startPrompt(data);
        }
        return false;
      }
      if (kind === "evaluation.received" && this.prompt && data.ticket_id === this.prompt.ticketId
          && (this.screen === "prompt" || this.screen === "reasons") && !this.sending) {
        this.thank(Number(data.rating));  // rated by the slip's QR code meanwhile
        return false;
      }
      return kind.startsWith("window.");
    }
    startPrompt(data) {
      this.prompt = { ticketId: Number(data.ticket_id), number: String(data.number),
                      clerk: data.clerk || null };
      Object.assign(this, { screen: "prompt", rating: null, picked: [], sending: false,
                            message: null });
    }
    isBad(rating) { return rating <= this.badMax; }
    // A level was touched; true when it can be sent at once (no reasons needed).
    choose(rating) {
      if (this.screen !== "prompt" || this.sending) return false;
      this.rating = rating; this.message = null;
      if (this.isBad(rating)) { this.screen = "reasons"; this.picked = []; return false; }
      return true;
    }
    toggle(code) {
      if (this.screen !== "reasons" || this.sending) return;
      this.picked = this.picked.includes(code) ? this.picked.filter((c) => c !== code)
        : [...this.picked, code];
      this.message = null;
    }
    get canSubmit() { return this.screen === "reasons" && this.picked.length > 0 && !this.sending; }
    back() {
      if (this.screen === "reasons" && !this.sending) {
        Object.assign(this, { screen: "prompt", rating: null, picked: [], message: null });
      }
    }
    submission() {
      this.sending = true;
      return { ticket_id: this.prompt.ticketId, rating: this.rating, reasons: [...this.picked] };
    }
    thank(rating) {
      Object.assign(this, { screen: "thanks", thankedLevel: rating, sending: false, message: null });
    }
    failed(code) {
      this.sending = false;
      if (code === "already_rated") {
        Object.assign(this, { screen: "thanks", thankedLevel: null, message: "already" });
      } else if (code === "rating_expired") {
        this.toIdle(); this.message = "expired";
      } else {
        this.message = "failed";
      }
    }
    toIdle() {
      if (this.prompt) this.doneTicket = this.prompt.ticketId;
      Object.assign(this, { screen: "idle", prompt: null, rating: null, picked: [],
                            sending: false, message: null });
    }
    levelLabel(rating) {
      const lv = this.levels.find((l) => l.rating === rating);
      return lv ? lv.label : String(rating);
    }
  }
  window.PadModel = PadModel;
})();
