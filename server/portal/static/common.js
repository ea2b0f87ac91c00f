// Helpers shared by the portal pages (index, track, review): language, strings, DOM look-up,
// HTML escaping. Loaded after strings.js and before each page's own script.
"use strict";
const S = window.STRINGS;
let lang = localStorage.getItem("tb.lang") || "zh";
const t = (k, vars) => String((S[lang] && S[lang][k]) || S.zh[k] || k)
  .replace(/\{(\w+)\}/g, (_, v) => (vars && vars[v] !== undefined ? vars[v] : ""));
const $ = sel => document.querySelector(sel);
const esc = v => String(v ?? "").replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

// The page's data-t texts, <html lang> and title (string `titleKey`) in the current language.
function translatePage(titleKey) {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-t]").forEach(e => { e.textContent = t(e.dataset.t); });
  document.title = t(titleKey);
}

// Flip between Chinese and English and remember the choice for every portal page.
function switchLang() {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("tb.lang", lang);
}
