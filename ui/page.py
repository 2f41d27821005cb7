"""Page-wide behaviour the Streamlit elements do not give: the page's `lang`, Streamlit's own
texts in the interface language, a skip link and focus on the question box, one ARIA live
region that announces the answer, and CSS for phones and touch (copy button always visible) and
for what Streamlit would cut off (button labels, example questions, the wide corpus table).

File sizes in the upload widget get the interface's decimal mark ("52,0 MB").

`page_html(lang)` is inserted once per run with `st.html(..., unsafe_allow_javascript=True)`;
it holds no corpus or user text, only fixed strings from `ui.strings` (JSON-encoded).
"""
from __future__ import annotations

import json

from streamlit import config

from ui.strings import DEFAULT_LANGUAGE, LANGUAGES, STRINGS, t

# Streamlit's built-in texts (as it writes them in English) -> our string key.
STREAMLIT_TEXTS = {"Select all": "st_select_all", "Copy to clipboard": "st_copy", "Copied": "st_copied",
                   "No results": "st_no_results", "Show sidebar": "st_show_sidebar",
                   "Hide sidebar": "st_hide_sidebar", "Skip to main content": "st_skip_main",
                   "Collapse sidebar": "st_hide_sidebar", "Expand sidebar": "st_show_sidebar",
                   "Upload": "st_upload", "Open": "st_open", "Error:": "st_error", "Sidebar": "st_sidebar",
                   "file upload": "st_file_upload",
                   "Drag and drop files here": "st_drop", "Drag and drop file here": "st_drop",
                   "Running...": "st_running", "Stop": "st_stop", "Main menu": "st_main_menu",
                   "Choose an option": "st_choose", "Selected values": "st_selected", "Clear all": "st_clear_all",
                   "Download as CSV": "st_download_csv", "Search": "ask_button", "Fullscreen": "st_fullscreen",
                   "Show/hide columns": "st_columns", "System": "st_system", "Light": "st_light", "Dark": "st_dark",
                   "Print": "st_print", "Record screen": "st_record", "Click to retry upload": "st_retry_upload"}
# Streamlit's names that start with a fixed text and end with ours ("Help for Oppgaver") -> our key.
STREAMLIT_PREFIXES = {"Help for ": "st_help_for", "Remove ": "st_remove", "Cancel upload of ": "st_cancel_upload"}
QUESTION_INPUT = ".st-key-question input"
LIVE_REGION_ID = "ts-live"
SCRIPT_ID = "ts-page-script"

CSS = """
/* Streamlit's "Press Enter to submit form" is English only; the placeholder says it in the
   interface language. */
[data-testid="InputInstructions"] { display: none !important; }
/* The copy button of a code box shows on hover only: show it always (touch has no hover). */
[data-testid="stCode"] :is(div:has([data-testid="stElementToolbarButton"]), [data-testid="stElementToolbarButton"]) {
  opacity: 1 !important; visibility: visible !important; }
.ts-skip { position: absolute; left: .5rem; top: -3rem; z-index: 1000100; padding: .4rem .8rem;
  background: #1f6f5c; color: #fff !important; border-radius: .3rem; }
.ts-skip:focus { top: .5rem; }
/* Streamlit keeps a button's label on one line, cut off with "…": the download buttons and the
   example questions (pills) wrap theirs onto more lines instead (narrow columns, phones). */
:is(.st-key-downloads, .st-key-example) button { height: auto !important; }
:is(.st-key-downloads, .st-key-example) button, :is(.st-key-downloads, .st-key-example) button * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
.st-key-example button { text-align: left; padding-top: .3rem !important; padding-bottom: .3rem !important; }
/* The corpus table's nine columns need more room than the text column (46rem): it takes the
   main area's width (up to 72rem), centred on the column, so that every cell wraps at word breaks. */
[data-testid="stMain"] { container-type: inline-size; }
.st-key-corpus_table { --ts-wide: max(100%, min(100cqw - 2rem, 72rem)); width: var(--ts-wide) !important;
  max-width: none !important; margin-left: calc((100% - var(--ts-wide)) / 2); }
.st-key-index_details td:last-child { overflow-wrap: anywhere; }  /* a long folder path or model name */
.ts-sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 640px) {
  .block-container { padding-left: .9rem !important; padding-right: .9rem !important; }
  h1 { font-size: 1.8rem !important; }
}
"""

SCRIPT = r"""
(() => {
  const cfg = %(config)s;
  const doc = document;
  doc.documentElement.lang = cfg.lang;
  window.__tsConfig = cfg;
  const question = () => doc.querySelector(cfg.question);
  if (!doc.getElementById("ts-skip")) {
    const skip = doc.createElement("a");
    skip.id = "ts-skip"; skip.className = "ts-skip"; skip.href = "#";
    skip.addEventListener("click", (e) => { e.preventDefault(); const q = question(); if (q) q.focus(); });
    doc.body.prepend(skip);
    const live = doc.createElement("div");
    live.id = cfg.live; live.className = "ts-sr";
    live.setAttribute("role", "status"); live.setAttribute("aria-live", "polite");
    doc.body.append(live);
  }
  doc.getElementById("ts-skip").textContent = cfg.skip;
  // Streamlit writes a file's size "52.0MB": in the interface's decimal mark, with a space.
  const SIZE = /(\d+)\.(\d+)(GB|MB|KB|B)$/;
  const SIZE_ALONE = new RegExp("^" + SIZE.source);
  const sized = (text) => text.replace(
    SIZE, (_, whole, part, unit) => `${whole}${window.__tsConfig.decimal}${part} ${unit}`);
  const relabel = () => {
    const labels = window.__tsConfig.labels;
    const skipLink = doc.getElementById("ts-skip");
    if (skipLink && doc.body.firstElementChild !== skipLink) doc.body.prepend(skipLink);  // first tab stop
    doc.querySelectorAll("[title],[aria-label]").forEach((el) => {
      for (const name of ["title", "aria-label"]) {
        const value = el.getAttribute(name);
        if (value && labels[value] && labels[value] !== value) el.setAttribute(name, labels[value]);
        for (const [prefix, ours] of Object.entries(window.__tsConfig.prefixes)) {
          if (value && prefix !== ours && value.startsWith(prefix)) el.setAttribute(name, ours + value.slice(prefix.length));
        }
        if (value && SIZE.test(value)) el.setAttribute(name, sized(value));  // a file chip: "stor.pdf, 52.0MB"
      }
    });
    const walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const value = node.nodeValue.trim();
      if (value && labels[value] && labels[value] !== value) node.nodeValue = node.nodeValue.replace(value, labels[value]);
      else if (SIZE_ALONE.test(value)) node.nodeValue = sized(node.nodeValue);
    }
    const answer = doc.querySelector("[data-ts-announce]");
    const live = doc.getElementById(window.__tsConfig.live);
    const said = answer ? answer.getAttribute("data-ts-announce") : "";
    if (live && answer && live.dataset.said !== answer.dataset.tsKey) {
      live.dataset.said = answer.dataset.tsKey; live.textContent = said;
    } else if (live && !answer && live.dataset.said) {  // no answer on the page now: say nothing stale
      live.dataset.said = ""; live.textContent = "";
    }
    const mark = doc.getElementById("ts-read-mark");  // "Les i oppgaven": bring the marked text into view once
    if (mark && !mark.dataset.shown && mark.offsetParent !== null) {
      mark.dataset.shown = "1"; mark.scrollIntoView({block: "center"});
    }
  };
  if (!window.__tsObserver) {
    let queued = false;
    window.__tsObserver = new MutationObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => { queued = false; relabel(); });
    });
    window.__tsObserver.observe(doc.body, {subtree: true, childList: true, characterData: true,
                                           attributes: true, attributeFilter: ["title", "aria-label"]});
  }
  relabel();
  // Focus the question box once per page load, where a keyboard is likely (not on touch screens,
  // where focusing would open the on-screen keyboard over the page).
  if (!window.__tsFocused && matchMedia("(hover: hover)").matches) {
    const tryFocus = (n) => {
      const q = question();
      if (q) { if (doc.activeElement === doc.body || !doc.activeElement) q.focus(); window.__tsFocused = true; }
      else if (n > 0) setTimeout(() => tryFocus(n - 1), 100);
    };
    tryFocus(50);
  }
})();
"""


def upload_texts() -> dict[str, str]:
    """Streamlit's texts that name the upload widget's own limit, `server.maxUploadSize` (MB), -> our
    string key. That limit is set above qa.library's (.streamlit/config.toml) so that the library's
    check refuses a file over its limit, in the interface language; the widget's note says the
    library's limit, and a file over the widget's limit gets our words instead of Streamlit's."""
    mb = config.get_option("server.maxUploadSize")
    too_large = f"File must be {float(mb):.1f}MB or smaller."
    return {f"{mb}MB per file": "st_upload_limit", too_large: "st_upload_too_large"}


def labels(lang: str, texts: dict[str, str] | None = None) -> dict[str, str]:
    """Every form of Streamlit's `texts` (English, and ours in each language; default its whole
    texts) -> `lang`'s."""
    out = {}
    for english, key in (texts or {**STREAMLIT_TEXTS, **upload_texts()}).items():
        target = t(lang, key)
        for form in (english, *(STRINGS[key][code] for code in LANGUAGES)):
            out[form] = target
    return out


def page_html(lang: str) -> str:
    """The <style> and <script> of the page for interface language `lang` (the default for an unknown one)."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    config = {"lang": lang, "labels": labels(lang), "prefixes": labels(lang, STREAMLIT_PREFIXES),
              "question": QUESTION_INPUT, "live": LIVE_REGION_ID,
              "skip": t(lang, "skip_link"), "decimal": t(lang, "decimal_mark")}
    encoded = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
    return f'<style>{CSS}</style><script id="{SCRIPT_ID}">{SCRIPT % {"config": encoded}}</script>'
