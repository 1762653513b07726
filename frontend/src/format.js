// Pretty-prints JSON with two-space indentation by re-spacing its tokens,
// without parsing the text into objects and serialising it again. A parse and
// stringify round trip would silently drop duplicate keys (which the engine
// reports, and which a learner must see), respell numbers such as 1.0 and
// resolve escapes such as \u0041; here every token stays exactly as written.

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const INDENT = "  ";

/**
 * The formatted text, or null when `text` is not valid JSON (it is then best
 * left for the learner to fix, with the server's syntax finding to help).
 */
export function formatJson(text) {
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  const length = text.length;
  const parts = [];
  let depth = 0;
  let index = 0;
  const newline = () => "\n" + INDENT.repeat(depth);
  while (index < length) {
    const char = text[index];
    if (WHITESPACE.has(char)) {
      index += 1;
    } else if (char === '"') {
      let end = index + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      parts.push(text.slice(index, end + 1));
      index = end + 1;
    } else if (char === "{" || char === "[") {
      const close = char === "{" ? "}" : "]";
      let next = index + 1;
      while (WHITESPACE.has(text[next])) next += 1;
      if (text[next] === close) {
        parts.push(char + close);
        index = next + 1;
      } else {
        depth += 1;
        parts.push(char + newline());
        index += 1;
      }
    } else if (char === "}" || char === "]") {
      depth -= 1;
      parts.push(newline() + char);
      index += 1;
    } else if (char === ",") {
      parts.push("," + newline());
      index += 1;
    } else if (char === ":") {
      parts.push(": ");
      index += 1;
    } else {
      // A number, true, false or null: runs up to the next structural
      // character or whitespace.
      let end = index;
      while (end < length && !WHITESPACE.has(text[end]) && !",:]}".includes(text[end])) end += 1;
      parts.push(text.slice(index, end));
      index = end;
    }
  }
  return parts.join("");
}
