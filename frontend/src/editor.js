// RoleCall's policy editor: turns every <textarea data-policy-editor> into a
// CodeMirror 6 JSON editor while keeping the textarea as the real form field.
// Without JavaScript the textarea is the editor; with it, the textarea is
// hidden and kept in sync, so a plain form submit still posts the policy.
// The contract with the Django templates is in frontend/README.md.
import { EditorState, RangeSet, StateEffect, StateField } from "@codemirror/state";
import {
  EditorView,
  GutterMarker,
  drawSelection,
  gutterLineClass,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  bracketMatching,
  foldGutter,
  foldKeymap,
  indentOnInput,
  indentUnit,
} from "@codemirror/language";
import { json } from "@codemirror/lang-json";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";

import { editorTheme, jsonHighlight } from "./theme.js";
import { findingsToDiagnostics } from "./findings.js";
import { formatJson } from "./format.js";
import { offsetAt, positionAt } from "./positions.js";
import { decodeState, encodeState } from "./share.js";
import { hangingIndent } from "./wrap.js";

const CHANGE_DELAY_MS = 250;
const WRAPPER_CLASS = "rc-editor";
const TEXTAREA_SELECTOR = "textarea[data-policy-editor]";

// textarea -> entry ({textarea, view, wrapper, ...}) for every live editor.
const entries = new Map();
// Findings <script> elements already applied, so that a later swap elsewhere
// on the page does not re-apply old findings to text that has moved on.
const appliedFindings = new WeakSet();

// --- Security warnings in the gutter -------------------------------------
// CodeMirror draws one lint mark per line, by the highest severity. A line
// holding a security warning gets an extra class on its gutter elements so
// the theme can draw that mark apart from a plain warning.

class SecurityLineMarker extends GutterMarker {}
SecurityLineMarker.prototype.elementClass = "rc-gutter-security";
const securityLineMarker = new SecurityLineMarker();

const setSecurityLines = StateEffect.define();
const securityLines = StateField.define({
  create: () => RangeSet.empty,
  update(lines, tr) {
    let next = lines.map(tr.changes);
    for (const effect of tr.effects) if (effect.is(setSecurityLines)) next = effect.value;
    return next;
  },
  provide: (field) => gutterLineClass.from(field),
});

function securityLineSet(doc, diagnostics) {
  const starts = new Set();
  for (const d of diagnostics) {
    if (d.finding.severity === "security_warning") starts.add(doc.lineAt(d.from).from);
  }
  return RangeSet.of(
    [...starts].sort((a, b) => a - b).map((from) => securityLineMarker.range(from)),
  );
}

// --- Live region -----------------------------------------------------------

function visuallyHide(element) {
  // Set through the CSSOM, which a CSP without 'unsafe-inline' allows.
  Object.assign(element.style, {
    position: "absolute",
    width: "1px",
    height: "1px",
    margin: "-1px",
    padding: "0",
    overflow: "hidden",
    clip: "rect(0 0 0 0)",
    clipPath: "inset(50%)",
    whiteSpace: "nowrap",
    border: "0",
  });
}

let statusRegion = null;

/** Says `message` politely to screen readers (the "Copied" after a copy). */
function announce(message) {
  if (!statusRegion || !statusRegion.isConnected) {
    statusRegion = document.createElement("div");
    statusRegion.className = "rc-editor-status";
    statusRegion.setAttribute("role", "status");
    statusRegion.setAttribute("aria-live", "polite");
    visuallyHide(statusRegion);
    document.body.append(statusRegion);
  }
  // Emptied first, so that the same message twice in a row is read twice.
  statusRegion.textContent = "";
  setTimeout(() => {
    statusRegion.textContent = message;
  }, 50);
}

// --- Mounting --------------------------------------------------------------

function cspNonce() {
  const meta = document.querySelector('meta[name="csp-nonce"]');
  return (meta && meta.content) || "";
}

let generatedIds = 0;

function ensureId(element, suggestion) {
  if (!element.id) {
    let id = suggestion;
    while (document.getElementById(id)) id = `${suggestion}-${(generatedIds += 1)}`;
    element.id = id;
  }
  return element.id;
}

/** The attributes that name and describe the editor's content element. */
function accessibleAttributes(textarea, helpId) {
  // Already focusable as contenteditable; the explicit tabindex lets checkers
  // such as axe-core see that the scrollable editor has focusable content.
  const attributes = { tabindex: "0" };
  const label = textarea.id ? document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`) : null;
  if (label) {
    attributes["aria-labelledby"] = ensureId(label, `${textarea.id}-label`);
  } else if (textarea.getAttribute("aria-labelledby")) {
    attributes["aria-labelledby"] = textarea.getAttribute("aria-labelledby");
  } else {
    attributes["aria-label"] = textarea.getAttribute("aria-label") || "Policy JSON";
  }
  const described = [textarea.getAttribute("aria-describedby"), helpId].filter(Boolean);
  attributes["aria-describedby"] = described.join(" ");
  if (textarea.hasAttribute("data-readonly") || textarea.readOnly) {
    attributes["aria-readonly"] = "true";
  }
  if (textarea.required) attributes["aria-required"] = "true";
  return attributes;
}

function formatCommand(view) {
  const formatted = formatJson(view.state.doc.toString());
  if (formatted === null || view.state.readOnly) return false;
  if (formatted !== view.state.doc.toString()) {
    view.dispatch({
      changes: { from: 0, to: view.state.doc.length, insert: formatted },
      selection: { anchor: 0 },
      scrollIntoView: true,
      userEvent: "input.format",
    });
  }
  return true;
}

function extensionsFor(textarea, helpId, onDocChange) {
  const readOnly = textarea.hasAttribute("data-readonly") || textarea.readOnly;
  const nonce = cspNonce();
  return [
    lineNumbers(),
    foldGutter(),
    lintGutter(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    drawSelection(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    highlightActiveLine(),
    json(),
    jsonHighlight,
    editorTheme,
    EditorView.lineWrapping,
    hangingIndent,
    EditorState.tabSize.of(2),
    indentUnit.of("  "),
    securityLines,
    keymap.of([
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...historyKeymap,
      ...foldKeymap,
      ...lintKeymap,
      { key: "Shift-Alt-f", run: formatCommand },
      // Tab indents; Escape then Tab (CodeMirror's built-in tab focus mode)
      // moves focus out, so the editor never traps keyboard users.
      indentWithTab,
    ]),
    nonce ? EditorView.cspNonce.of(nonce) : [],
    EditorView.contentAttributes.of(accessibleAttributes(textarea, helpId)),
    EditorView.editorAttributes.of({ class: "rc-editor-view" }),
    // Read-only but still focusable, so its text can be selected and read.
    readOnly ? EditorState.readOnly.of(true) : [],
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onDocChange();
    }),
  ];
}

function fireChange(entry) {
  entry.timer = null;
  const value = entry.textarea.value;
  entry.textarea.dispatchEvent(new Event("input", { bubbles: true }));
  entry.textarea.dispatchEvent(new CustomEvent("policy-change", { bubbles: true, detail: { value } }));
}

function removeStaleWrapper(textarea) {
  // A wrapper left behind by an earlier textarea in the same place: htmx
  // swapped the textarea alone, or restored a page from its history cache
  // with the old editor's markup in it.
  const next = textarea.nextElementSibling;
  if (!next || !next.classList.contains(WRAPPER_CLASS)) return;
  for (const entry of entries.values()) {
    if (entry.wrapper === next) {
      if (entry.textarea === textarea) return;
      destroy(entry);
    }
  }
  next.remove();
}

function mount(textarea) {
  const existing = entries.get(textarea);
  if (existing) return existing;
  removeStaleWrapper(textarea);

  const baseId = textarea.id || ensureId(textarea, "policy-editor");
  const wrapper = document.createElement("div");
  wrapper.className = WRAPPER_CLASS;
  wrapper.dataset.editorFor = baseId;
  const help = document.createElement("p");
  help.id = ensureId(help, `${baseId}-editor-help`);
  help.className = "rc-editor-help";
  help.textContent =
    "JSON editor. Tab indents. To leave the editor, press Escape, then Tab. " +
    "Shift+Alt+F formats the document.";
  visuallyHide(help);
  wrapper.append(help);

  const entry = { textarea, wrapper, view: null, timer: null, cleanups: [] };
  const onDocChange = () => {
    textarea.value = entry.view.state.doc.toString();
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => fireChange(entry), CHANGE_DELAY_MS);
  };
  entry.view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: extensionsFor(textarea, help.id, onDocChange),
    }),
    parent: wrapper,
  });

  textarea.after(wrapper);
  textarea.hidden = true;
  textarea.setAttribute("aria-hidden", "true");
  textarea.dataset.policyEditorMounted = "";

  // The hidden textarea's label would focus nothing; point it at the editor.
  const label = textarea.id ? document.querySelector(`label[for="${CSS.escape(textarea.id)}"]`) : null;
  if (label) listen(entry, label, "click", (event) => {
    event.preventDefault();
    entry.view.focus();
  });
  // A required, empty, hidden textarea cannot show its own validation bubble.
  listen(entry, textarea, "invalid", () => entry.view.focus());
  if (textarea.form) {
    // After a form reset the textarea holds its default text again.
    listen(entry, textarea.form, "reset", () => setTimeout(() => replaceText(entry, textarea.value)));
  }
  entries.set(textarea, entry);
  return entry;
}

function listen(entry, target, type, handler) {
  target.addEventListener(type, handler);
  entry.cleanups.push(() => target.removeEventListener(type, handler));
}

function destroy(entry) {
  clearTimeout(entry.timer);
  for (const cleanup of entry.cleanups) cleanup();
  entry.view.destroy();
  entries.delete(entry.textarea);
}

/** Forgets editors whose textarea or editor left the page (an htmx swap). */
function sweep() {
  for (const entry of [...entries.values()]) {
    if (!entry.textarea.isConnected || !entry.wrapper.isConnected) {
      destroy(entry);
      if (entry.wrapper.isConnected) entry.wrapper.remove();
    }
  }
}

/** Mounts an editor on every not-yet-mounted policy textarea in `root`. */
function mountAll(root = document) {
  sweep();
  const scope = root && typeof root.querySelectorAll === "function" ? root : document;
  const textareas = [...scope.querySelectorAll(TEXTAREA_SELECTOR)];
  if (scope.matches && scope.matches(TEXTAREA_SELECTOR)) textareas.unshift(scope);
  const mounted = [];
  for (const textarea of textareas) {
    if (!entries.has(textarea)) {
      mount(textarea);
      mounted.push(textarea);
    }
  }
  applyPageFindings();
  return mounted;
}

// --- Public API ------------------------------------------------------------

function resolveTextarea(target) {
  if (typeof target === "string") return document.getElementById(target);
  return target instanceof HTMLTextAreaElement ? target : null;
}

function entryFor(target) {
  const textarea = resolveTextarea(target);
  if (!textarea) return null;
  return entries.get(textarea) || (textarea.matches(TEXTAREA_SELECTOR) ? mount(textarea) : null);
}

function replaceText(entry, text) {
  const view = entry.view;
  if (view.state.doc.toString() === text) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/**
 * Shows the engine's findings ({code, severity, message, line, column,
 * end_line, end_column}; 1-based, columns in code points, end exclusive) as
 * lint marks. Returns how many were placed.
 */
function setFindings(target, findings) {
  const entry = entryFor(target);
  if (!entry) return 0;
  const state = entry.view.state;
  const diagnostics = findingsToDiagnostics(state.doc, Array.isArray(findings) ? findings : []);
  const transaction = setDiagnostics(state, diagnostics);
  entry.view.dispatch(transaction, {
    effects: setSecurityLines.of(securityLineSet(state.doc, diagnostics)),
  });
  return diagnostics.length;
}

/** Focuses the editor with the cursor at a 1-based line and code-point column. */
function goTo(target, line, column = 1) {
  const entry = entryFor(target);
  if (!entry) return false;
  const view = entry.view;
  const pos = offsetAt(view.state.doc, line, column);
  view.dispatch({
    selection: { anchor: pos },
    effects: EditorView.scrollIntoView(pos, { y: "center" }),
  });
  view.focus();
  return true;
}

/** Pretty-prints valid JSON with two spaces; leaves invalid text alone. */
function format(target) {
  const entry = entryFor(target);
  if (!entry) {
    const textarea = resolveTextarea(target);
    const formatted = textarea ? formatJson(textarea.value) : null;
    if (formatted === null) return false;
    textarea.value = formatted;
    return true;
  }
  return formatCommand(entry.view);
}

function setValue(target, text) {
  const entry = entryFor(target);
  if (entry) replaceText(entry, String(text));
  else if (resolveTextarea(target)) resolveTextarea(target).value = String(text);
}

function getValue(target) {
  const entry = entryFor(target);
  if (entry) return entry.view.state.doc.toString();
  const textarea = resolveTextarea(target);
  return textarea ? textarea.value : null;
}

/** The cursor's 1-based line and code-point column, in the server's terms. */
function getCursor(target) {
  const entry = entryFor(target);
  if (!entry) return null;
  return positionAt(entry.view.state.doc, entry.view.state.selection.main.head);
}

/** The CodeMirror EditorView of a textarea, for uses this API does not cover. */
function getView(target) {
  const entry = entryFor(target);
  return entry ? entry.view : null;
}

// --- Findings rendered by the server into the page -----------------------

function applyPageFindings() {
  for (const holder of document.querySelectorAll("[data-findings-for]")) {
    // The class is the contract; a bare JSON script (Django's json_script
    // filter without an id) inside the holder is read as well.
    const script =
      holder.querySelector('script.findings-data[type="application/json"]') ||
      holder.querySelector('script[type="application/json"]');
    if (!script || appliedFindings.has(script)) continue;
    const textarea = resolveTextarea(holder.getAttribute("data-findings-for"));
    if (!textarea || !entries.has(textarea)) continue;
    appliedFindings.add(script);
    let data;
    try {
      data = JSON.parse(script.textContent);
    } catch (error) {
      console.error("RoleCallEditor: unreadable findings data", error);
      continue;
    }
    setFindings(textarea, Array.isArray(data) ? data : (data && data.findings) || []);
  }
}

// --- Buttons and links wired by delegation ----------------------------------

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (an insecure origin) or permission refused: fall back
    // to the older copy command on a temporary, off-screen textarea.
    const scratch = document.createElement("textarea");
    scratch.value = text;
    scratch.setAttribute("readonly", "");
    visuallyHide(scratch);
    document.body.append(scratch);
    scratch.select();
    let copied = false;
    try {
      copied = document.execCommand("copy");
    } catch {
      copied = false;
    }
    scratch.remove();
    return copied;
  }
}

function onDocumentClick(event) {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;

  const gotoElement = target.closest("[data-goto-line]");
  if (gotoElement) {
    const editorId =
      gotoElement.getAttribute("data-goto-editor") ||
      (entries.size ? entries.keys().next().value : null);
    const line = Number.parseInt(gotoElement.getAttribute("data-goto-line"), 10);
    const column = Number.parseInt(gotoElement.getAttribute("data-goto-column") || "1", 10);
    if (editorId && Number.isFinite(line) && goTo(editorId, line, Number.isFinite(column) ? column : 1)) {
      // A link's fragment would scroll to the hidden textarea instead, and a
      // button in a form would submit it.
      event.preventDefault();
    }
    return;
  }

  const formatButton = target.closest("[data-editor-format]");
  if (formatButton) {
    event.preventDefault();
    const id = formatButton.getAttribute("data-editor-format");
    announce(format(id) ? "Formatted" : "Not valid JSON, so it was left as it is");
    return;
  }

  const copyButton = target.closest("[data-editor-copy]");
  if (copyButton) {
    event.preventDefault();
    const text = getValue(copyButton.getAttribute("data-editor-copy"));
    if (text === null) return;
    copyText(text).then((copied) => {
      announce(copied ? "Copied" : "Could not copy; select the text and press Ctrl+C");
      if (copied) {
        copyButton.setAttribute("data-copied", "");
        setTimeout(() => copyButton.removeAttribute("data-copied"), 2000);
      }
    });
  }
}

// --- Start-up --------------------------------------------------------------

function start() {
  mountAll(document);
  document.addEventListener("click", onDocumentClick);
  // htmx events bubble from the swapped elements up through body to the
  // document; listening here also covers a body replaced by hx-boost.
  const refresh = () => mountAll(document);
  for (const type of ["htmx:load", "htmx:afterSwap", "htmx:afterSettle", "htmx:historyRestore"]) {
    document.addEventListener(type, refresh);
  }
}

if (!window.RoleCallEditor) {
  window.RoleCallEditor = Object.freeze({
    mountAll,
    setFindings,
    goTo,
    format,
    setValue,
    getValue,
    getCursor,
    getView,
    encodeState,
    decodeState,
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
}
