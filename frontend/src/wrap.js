// Soft-wrapped lines keep their indentation: a long ARN on a phone-sized
// screen continues under its own line's text rather than at the left margin,
// so the JSON's nesting stays readable. Each indented line gets a hanging
// indent (a padding, cancelled on the first row by a negative text-indent).
// CodeMirror applies the style through the CSSOM, which a CSP allows.
import { RangeSetBuilder, countColumn } from "@codemirror/state";
import { Decoration, ViewPlugin } from "@codemirror/view";

// How much further than its own indentation a continuation row starts.
const CONTINUATION_EXTRA = 2;
const decorationsByWidth = new Map();

function hangingDecoration(width) {
  let decoration = decorationsByWidth.get(width);
  if (!decoration) {
    const hang = width + CONTINUATION_EXTRA;
    decoration = Decoration.line({
      attributes: { style: `padding-left: calc(${hang}ch + 6px); text-indent: -${hang}ch` },
    });
    decorationsByWidth.set(width, decoration);
  }
  return decoration;
}

function build(view) {
  const builder = new RangeSetBuilder();
  const { doc, tabSize } = view.state;
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to; ) {
      const line = doc.lineAt(pos);
      const indent = /^[ \t]*/.exec(line.text)[0];
      builder.add(line.from, line.from, hangingDecoration(countColumn(indent, tabSize)));
      pos = line.to + 1;
    }
  }
  return builder.finish();
}

export const hangingIndent = ViewPlugin.fromClass(
  class {
    constructor(view) {
      this.decorations = build(view);
    }

    update(update) {
      if (update.docChanged || update.viewportChanged) this.decorations = build(update.view);
    }
  },
  { decorations: (plugin) => plugin.decorations },
);
