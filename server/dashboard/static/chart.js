// A very small SVG chart helper: grouped bars and lines with axis, labels and legend.
(function () {
  const NS = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    const e = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }
  // The chart's text alternative: its title and every value (screen readers get the numbers).
  function summary(title, labels, series) {
    return title + "：" + series.map(s => s.name + " " + labels.map((lab, i) =>
      `${lab} ${s.values[i] ?? "-"}`).join("，")).join("；");
  }
  function frame(container, title, labels, series, kind) {
    container.innerHTML = "";
    const W = container.clientWidth || 600, H = container.clientHeight || 260;
    const pad = { l: 44, r: 12, t: 26, b: 48 };
    const text = summary(title, labels, series);
    const svg = el("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": text });
    svg.appendChild(el("title", {}, text));
    const max = niceMax(Math.max(0, ...series.flatMap(s => s.values.map(v => v || 0))));
    const iw = W - pad.l - pad.r, ih = H - pad.t - pad.b;
    for (let i = 0; i <= 4; i++) {
      const y = pad.t + ih - (ih * i) / 4;
      svg.appendChild(el("line", { x1: pad.l, x2: W - pad.r, y1: y, y2: y, class: "gridline" }));
      svg.appendChild(el("text", { x: pad.l - 6, y: y + 4, "text-anchor": "end", class: "axis" },
        String(Number(((max * i) / 4).toFixed(2)))));
    }
    const n = Math.max(labels.length, 1), step = iw / n;
    labels.forEach((lab, i) => {
      const short = lab.length > 8 ? lab.slice(0, 7) + "…" : lab;
      const t = el("text", { x: pad.l + step * i + step / 2, y: H - pad.b + 16,
        "text-anchor": "middle", class: "axis" }, short);
      t.appendChild(el("title", {}, lab));
      svg.appendChild(t);
    });
    series.forEach((s, si) => {
      svg.appendChild(el("rect", { x: pad.l + si * 130, y: 6, width: 12, height: 12, fill: s.color }));
      svg.appendChild(el("text", { x: pad.l + si * 130 + 18, y: 16, class: "legend" }, s.name));
    });
    const y = v => pad.t + ih - (ih * (v || 0)) / max;
    if (kind === "bar") {
      const bw = Math.min(38, (step * 0.8) / series.length);
      series.forEach((s, si) => s.values.forEach((v, i) => {
        const x = pad.l + step * i + step / 2 - (bw * series.length) / 2 + si * bw;
        const r = el("rect", { class: "bar", x, y: y(v), width: bw - 2, height: pad.t + ih - y(v), fill: s.color, rx: 2 });
        r.appendChild(el("title", {}, `${labels[i]} ${s.name}: ${v ?? "-"}`));
        svg.appendChild(r);
      }));
    } else {
      series.forEach(s => {
        const pts = s.values.map((v, i) => v === null || v === undefined ? null :
          [pad.l + step * i + step / 2, y(v)]).filter(Boolean);
        if (pts.length) svg.appendChild(el("polyline", { points: pts.map(p => p.join(",")).join(" "),
          fill: "none", stroke: s.color, "stroke-width": 2.5 }));
        pts.forEach(p => svg.appendChild(el("circle", { cx: p[0], cy: p[1], r: 4, fill: s.color })));
      });
    }
    container.appendChild(svg);
  }
  window.MiniChart = {
    bar: (c, title, labels, series) => frame(c, title, labels, series, "bar"),
    line: (c, title, labels, series) => frame(c, title, labels, series, "line"),
  };
})();
