// Converts the engine's positions (1-based line and column, columns counted in
// Unicode code points, as Python counts characters) into CodeMirror offsets
// (UTF-16 code units). The two differ on every astral character (emoji, some
// CJK), which takes one Python character but two JavaScript code units.

function isHighSurrogate(code) {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code) {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Offset in `doc` (a CodeMirror Text) of the 1-based `line` and 1-based
 * code-point `column`. Out-of-range positions are clamped: a line past the
 * end maps to the end of the document, a column past the end of its line maps
 * to the end of that line (never into the next one).
 */
export function offsetAt(doc, line, column) {
  const lineNumber = Math.trunc(Number(line));
  if (!Number.isFinite(lineNumber) || lineNumber < 1) return 0;
  if (lineNumber > doc.lines) return doc.length;
  const docLine = doc.line(lineNumber);
  const text = docLine.text;
  let remaining = Math.trunc(Number(column));
  remaining = Number.isFinite(remaining) && remaining > 1 ? remaining - 1 : 0;
  let index = 0;
  while (remaining > 0 && index < text.length) {
    const pair =
      isHighSurrogate(text.charCodeAt(index)) &&
      index + 1 < text.length &&
      isLowSurrogate(text.charCodeAt(index + 1));
    index += pair ? 2 : 1;
    remaining -= 1;
  }
  return docLine.from + index;
}

/**
 * The reverse of `offsetAt`: the 1-based line and code-point column of a
 * CodeMirror offset, so that a position the editor reports can be sent to the
 * server in the server's own terms.
 */
export function positionAt(doc, offset) {
  const pos = Math.min(Math.max(0, offset), doc.length);
  const docLine = doc.lineAt(pos);
  const text = docLine.text;
  const end = pos - docLine.from;
  let column = 1;
  let index = 0;
  while (index < end) {
    const pair =
      isHighSurrogate(text.charCodeAt(index)) &&
      index + 1 < text.length &&
      isLowSurrogate(text.charCodeAt(index + 1));
    index += pair ? 2 : 1;
    column += 1;
  }
  return { line: docLine.number, column };
}
