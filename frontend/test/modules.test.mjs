// Unit tests for the editor's pure modules: `npm test` (Node 20's test runner).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { Text } from "@codemirror/state";

import { offsetAt, positionAt } from "../src/positions.js";
import { formatJson } from "../src/format.js";
import { encodeState, decodeState } from "../src/share.js";
import { findingsToDiagnostics, spanOf } from "../src/findings.js";

const doc = (text) => Text.of(text.split("\n"));

test("offsetAt counts columns in code points, as Python does", () => {
  // "😀" is one Python character but two UTF-16 code units.
  const d = doc('{\n  "a": "😀x",\n  "b": 1\n}');
  const line2 = d.line(2).from;
  assert.equal(offsetAt(d, 2, 1), line2);
  assert.equal(offsetAt(d, 2, 3), line2 + 2); // the opening quote of "a"
  const emoji = d.line(2).text.indexOf("😀");
  // Python column of the emoji is emoji + 1; of the "x" after it, emoji + 2.
  assert.equal(offsetAt(d, 2, emoji + 1), line2 + emoji);
  assert.equal(offsetAt(d, 2, emoji + 2), line2 + emoji + 2);
  assert.equal(d.sliceString(offsetAt(d, 2, emoji + 2), offsetAt(d, 2, emoji + 3)), "x");
});

test("offsetAt clamps positions outside the document", () => {
  const d = doc("ab\ncd");
  assert.equal(offsetAt(d, 1, 99), 2); // end of line 1, not into line 2
  assert.equal(offsetAt(d, 9, 1), d.length);
  assert.equal(offsetAt(d, 0, 5), 0);
  assert.equal(offsetAt(d, "2", "2"), 4);
  assert.equal(offsetAt(d, 2, null), 3);
});

test("positionAt is the inverse of offsetAt", () => {
  const d = doc('x😀y\n"𝒜𝒜"\n');
  for (let line = 1; line <= d.lines; line += 1) {
    const codePoints = [...d.line(line).text].length;
    for (let column = 1; column <= codePoints + 1; column += 1) {
      assert.deepEqual(positionAt(d, offsetAt(d, line, column)), { line, column });
    }
  }
});

test("spanOf marks the exact span, end exclusive", () => {
  const d = doc('{\n  "Effect": "Alow"\n}');
  const span = spanOf(d, { line: 2, column: 13, end_line: 2, end_column: 19 });
  assert.equal(d.sliceString(span.from, span.to), '"Alow"');
  // No position: the first line; no end: a point.
  assert.deepEqual(spanOf(d, { line: null }), { from: 0, to: 1 });
  const point = spanOf(d, { line: 2, column: 3 });
  assert.equal(point.from, point.to);
});

test("findingsToDiagnostics maps the engine's severities", () => {
  const d = doc('{"a": 1}');
  const severities = ["error", "security_warning", "warning", "suggestion", "novel"];
  const diagnostics = findingsToDiagnostics(
    d,
    severities.map((severity, i) => ({ code: `C${i}`, severity, message: "m", line: 1, column: i + 1 })),
  );
  assert.deepEqual(
    diagnostics.map((x) => x.severity),
    ["error", "warning", "warning", "info", "info"],
  );
  assert.match(diagnostics[1].markClass, /rc-finding-security-warning/);
  assert.match(diagnostics[2].markClass, /rc-finding-warning/);
  assert.equal(diagnostics[0].source, "C0");
  assert.equal(diagnostics[1].message, "Security warning: m");
});

test("formatJson matches JSON.stringify on ordinary JSON", () => {
  const samples = [
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] },
    { a: [], b: {}, c: [1, -2.5e3, true, false, null, "q\"uo\\te"], d: [[[]]], e: "é 😀 \u2028" },
    [],
    "text",
    42,
  ];
  for (const value of samples) {
    const compact = JSON.stringify(value);
    assert.equal(formatJson(compact), JSON.stringify(value, null, 2));
    assert.equal(formatJson(JSON.stringify(value, null, 7)), JSON.stringify(value, null, 2));
  }
});

test("formatJson keeps duplicate keys and tokens as written", () => {
  const text = '{"Statement": [], "Statement" :[ {"n":1.0,"s":"\\u0041"} ]}';
  assert.equal(
    formatJson(text),
    '{\n  "Statement": [],\n  "Statement": [\n    {\n      "n": 1.0,\n      "s": "\\u0041"\n    }\n  ]\n}',
  );
});

test("formatJson leaves invalid JSON alone", () => {
  assert.equal(formatJson('{"a": 1,}'), null);
  assert.equal(formatJson(""), null);
});

test("share state round-trips, and Python's zlib reads it", async () => {
  const state = { policy: '{"Version": "2012-10-17"}', tab: "trace", emoji: "😀", n: [1, 2] };
  const encoded = await encodeState(state);
  assert.match(encoded, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(await decodeState(encoded), state);

  const python = [
    "import base64, json, sys, zlib",
    "s = sys.argv[1]",
    "data = base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))",
    "value = json.loads(zlib.decompress(data, -15))",
    "c = zlib.compressobj(9, zlib.DEFLATED, -15)",
    "raw = c.compress(json.dumps(value).encode()) + c.flush()",
    "print(base64.urlsafe_b64encode(raw).rstrip(b'=').decode())",
  ].join("\n");
  const fromPython = execFileSync("python3", ["-c", python, encoded], { encoding: "utf8" }).trim();
  assert.deepEqual(await decodeState(fromPython), state);
});

test("decodeState rejects text that is not a share state", async () => {
  await assert.rejects(decodeState("not base64!"));
  await assert.rejects(decodeState("AAAA"));
});
