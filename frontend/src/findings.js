// Turns the engine's finding dicts into CodeMirror lint diagnostics.
import { offsetAt } from "./positions.js";

// IAM Access Analyzer's severities, as the engine reports them, mapped onto
// CodeMirror's. A security warning is a "warning" to CodeMirror but carries
// its own class, so the theme can draw it apart from a plain warning.
const SEVERITIES = {
  error: { lint: "error", label: "Error" },
  security_warning: { lint: "warning", label: "Security warning" },
  warning: { lint: "warning", label: "Warning" },
  suggestion: { lint: "info", label: "Suggestion" },
};

export function severityOf(finding) {
  return SEVERITIES[finding.severity] || { lint: "info", label: String(finding.severity || "Note") };
}

// "security-warning", "error", ...: the severity as a CSS class suffix.
function classKey(finding) {
  return (SEVERITIES[finding.severity] ? finding.severity : "other").replace(/_/g, "-");
}

export function markClassFor(finding) {
  return "rc-finding rc-finding-" + classKey(finding);
}

function hasNumber(value) {
  return value !== null && value !== undefined && value !== "" && Number.isFinite(Number(value));
}

/**
 * The span [from, to) of a finding in `doc`. A finding without a position
 * (one about the policy as a whole) marks the first line; one without an end
 * is a point.
 */
export function spanOf(doc, finding) {
  if (!hasNumber(finding.line)) {
    return { from: 0, to: doc.line(1).to };
  }
  const from = offsetAt(doc, finding.line, hasNumber(finding.column) ? finding.column : 1);
  let to = from;
  if (hasNumber(finding.end_line)) {
    to = offsetAt(doc, finding.end_line, hasNumber(finding.end_column) ? finding.end_column : 1);
  }
  return { from, to: Math.max(from, to) };
}

/** CodeMirror diagnostics for a list of findings, sorted by position. */
export function findingsToDiagnostics(doc, findings) {
  const diagnostics = [];
  for (const finding of findings || []) {
    if (!finding || typeof finding !== "object") continue;
    const { from, to } = spanOf(doc, finding);
    const severity = severityOf(finding);
    const message = String(finding.message ?? "");
    const code = finding.code ? String(finding.code) : undefined;
    diagnostics.push({
      from,
      to,
      severity: severity.lint,
      markClass: markClassFor(finding),
      source: code,
      message: `${severity.label}: ${message}`,
      renderMessage() {
        // Says the severity in words, so that it never rests on colour alone.
        const span = document.createElement("span");
        const label = document.createElement("strong");
        label.className = "rc-finding-label rc-finding-label-" + classKey(finding);
        label.textContent = severity.label + ": ";
        span.append(label, message);
        return span;
      },
      finding,
    });
  }
  diagnostics.sort((a, b) => a.from - b.from || a.to - b.to);
  return diagnostics;
}
