// The editor's look, taken entirely from the page's CSS custom properties, so
// that the page's light and dark palettes (switched by prefers-color-scheme)
// apply to the editor with no JavaScript. Every var() has a fallback built on
// CSS system colours, which follow the page's color-scheme on their own.
//
// No rule here loads an image: CodeMirror's own lint underlines and gutter
// icons are data: SVGs, which a strict img-src would refuse, so they are
// replaced with text decorations and CSS shapes.
import { EditorView } from "@codemirror/view";
import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { tags } from "@lezer/highlight";

const bg = "var(--code-bg, Canvas)";
const fg = "var(--code-fg, CanvasText)";
const accent = "var(--accent, LinkText)";
const border = "var(--border, GrayText)";
const error = "var(--error, #b3261e)";
const warning = "var(--warning, #8a5300)";
const info = "var(--info, #1d5c96)";

function tint(color, percent) {
  return `color-mix(in srgb, ${color} ${percent}%, transparent)`;
}

const font =
  'var(--code-font, ui-monospace, "Cascadia Mono", "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace)';

export const editorTheme = EditorView.theme({
  "&": {
    color: fg,
    backgroundColor: bg,
    border: `1px solid ${border}`,
    borderRadius: "var(--code-radius, 4px)",
    fontSize: "var(--code-font-size, 0.95rem)",
    maxHeight: "var(--editor-max-height, 70vh)",
  },
  "&.cm-focused": {
    outline: `3px solid ${accent}`,
    outlineOffset: "2px",
  },
  ".cm-scroller": {
    fontFamily: font,
    lineHeight: "1.55",
  },
  ".cm-content": {
    caretColor: fg,
    minHeight: "var(--editor-min-height, 12em)",
  },
  ".cm-cursor, .cm-dropCursor": { borderLeft: `2px solid ${fg}` },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection":
    { background: tint(accent, 28) },
  ".cm-activeLine": { backgroundColor: tint(accent, 7) },
  // The cursor's line is marked only where there is a cursor to see.
  "&:not(.cm-focused) .cm-activeLine, &:not(.cm-focused) .cm-activeLineGutter": {
    backgroundColor: "transparent",
  },
  ".cm-gutters": {
    backgroundColor: bg,
    color: fg,
    border: "none",
    borderRight: `1px solid ${border}`,
  },
  ".cm-gutters.cm-gutters-before": { borderRightWidth: "1px" },
  ".cm-lineNumbers .cm-gutterElement": { minWidth: "2.5em", opacity: "0.85" },
  ".cm-activeLineGutter": { backgroundColor: tint(accent, 14) },
  ".cm-specialChar": { color: error },
  "&.cm-focused .cm-matchingBracket": {
    backgroundColor: tint(accent, 25),
    outline: `1px solid ${accent}`,
  },
  "&.cm-focused .cm-nonmatchingBracket": {
    backgroundColor: tint(error, 25),
    outline: `1px solid ${error}`,
  },
  ".cm-foldPlaceholder": {
    backgroundColor: tint(accent, 12),
    border: `1px solid ${border}`,
    color: fg,
  },
  ".cm-foldGutter .cm-gutterElement": { color: fg },
  ".cm-tooltip, .cm-panels": {
    backgroundColor: bg,
    color: fg,
    border: `1px solid ${border}`,
  },
  ".cm-tooltip .cm-tooltip-arrow:before": { borderTopColor: border, borderBottomColor: border },
  ".cm-tooltip .cm-tooltip-arrow:after": { borderTopColor: bg, borderBottomColor: bg },
  ".cm-panels-top": { borderBottom: `1px solid ${border}` },
  ".cm-panels-bottom": { borderTop: `1px solid ${border}` },
  ".cm-button": {
    backgroundImage: "none",
    backgroundColor: bg,
    color: fg,
    border: `1px solid ${border}`,
    fontSize: "85%",
  },
  ".cm-textfield": {
    backgroundColor: bg,
    color: fg,
    border: `1px solid ${border}`,
    fontSize: "85%",
  },
  ".cm-button:focus-visible, .cm-textfield:focus-visible, .cm-panel button:focus-visible": {
    outline: `2px solid ${accent}`,
  },

  // Findings in the text: an underline that needs no image, thicker and
  // doubled for the severities that matter most, so shape tells them apart
  // as well as colour.
  ".cm-lintRange": {
    backgroundImage: "none",
    paddingBottom: "0",
    textDecorationLine: "underline",
    textDecorationSkipInk: "none",
    textUnderlineOffset: "3px",
  },
  ".cm-lintRange-error": {
    textDecorationStyle: "wavy",
    textDecorationColor: error,
    textDecorationThickness: "2px",
  },
  ".cm-lintRange-warning": {
    textDecorationStyle: "wavy",
    textDecorationColor: warning,
    textDecorationThickness: "1.5px",
  },
  ".cm-lintRange-info, .cm-lintRange-hint": {
    textDecorationStyle: "dashed",
    textDecorationColor: info,
    textDecorationThickness: "1.5px",
  },
  ".cm-lintRange.rc-finding-security-warning": {
    textDecorationStyle: "double",
    textDecorationColor: error,
    textDecorationThickness: "2px",
    // No background tint: it would lower the contrast of the tokens under it.
  },
  // The finding selected in the lint panel: an outline, since a background
  // would lower the contrast of the coloured tokens under it.
  ".cm-lintRange-active": { backgroundColor: "transparent", outline: `2px solid ${accent}` },
  ".cm-lintPoint:after": { borderBottomColor: error },
  ".cm-lintPoint-warning:after": { borderBottomColor: warning },
  ".cm-lintPoint-info:after, .cm-lintPoint-hint:after": { borderBottomColor: info },

  // Gutter marks: a circle for errors, a triangle for warnings, a square for
  // suggestions, and a red-bordered triangle for security warnings.
  ".cm-gutter-lint .cm-gutterElement": { padding: "0.25em 0.2em" },
  ".cm-lint-marker": {
    content: "normal",
    boxSizing: "border-box",
    width: "0.9em",
    height: "0.9em",
  },
  ".cm-lint-marker-error": { backgroundColor: error, borderRadius: "50%" },
  ".cm-lint-marker-warning": {
    backgroundColor: warning,
    clipPath: "polygon(50% 0, 100% 100%, 0 100%)",
  },
  ".cm-lint-marker-info, .cm-lint-marker-hint": { backgroundColor: info },
  ".rc-gutter-security .cm-lint-marker-warning": {
    backgroundColor: error,
    clipPath: "polygon(50% 0, 100% 45%, 100% 100%, 0 100%, 0 45%)",
  },

  // Messages in hover tooltips and in the lint panel (Ctrl-Shift-M).
  ".cm-diagnostic": { color: fg, maxWidth: "min(40em, 90vw)" },
  ".cm-diagnostic-error": { borderLeft: `5px solid ${error}` },
  ".cm-diagnostic-warning": { borderLeft: `5px solid ${warning}` },
  ".cm-diagnostic-info, .cm-diagnostic-hint": { borderLeft: `5px solid ${info}` },
  ".cm-diagnosticSource": { fontSize: "80%", opacity: "1", fontFamily: font },
  ".cm-panel.cm-panel-lint ul [aria-selected]": { backgroundColor: tint(accent, 12) },
  ".cm-panel.cm-panel-lint ul:focus [aria-selected]": {
    backgroundColor: tint(accent, 22),
    color: fg,
    outline: `2px solid ${accent}`,
    outlineOffset: "-2px",
  },
});

// Token colours: keys stand out by weight as well as colour; literals by
// style. Pages can set --code-key, --code-string and --code-literal, and
// otherwise the accent and foreground colours are used, which the page
// already keeps at a readable contrast on --code-bg.
export const jsonHighlight = syntaxHighlighting(
  HighlightStyle.define([
    { tag: tags.propertyName, color: `var(--code-key, ${accent})`, fontWeight: "600" },
    { tag: tags.string, color: `var(--code-string, ${fg})` },
    { tag: [tags.number, tags.bool, tags.null], color: `var(--code-literal, ${accent})` },
    { tag: [tags.bool, tags.null], fontStyle: "italic" },
    { tag: [tags.brace, tags.squareBracket, tags.separator], color: fg },
    { tag: tags.invalid, color: error, textDecoration: "underline" },
  ]),
);
