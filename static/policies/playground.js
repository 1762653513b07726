// The playground page: tabs, the scenario form's presets and rows, and the
// messages beside its fields. No inline scripts: the CSP forbids them.
// Without this file the page still works as a plain form (see playground.html).
(function () {
  "use strict";

  var form = document.getElementById("playground");
  if (!form) return;
  var scenario = document.getElementById("pg-scenario");
  var announcer = document.getElementById("pg-announcer");
  var presets = JSON.parse(document.getElementById("pg-presets").textContent);
  var lastDecision = null;
  var rowCount = 0;

  function showScriptOnly(root) {
    root.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    root.querySelectorAll("[data-nojs-only]").forEach(function (el) { el.hidden = true; });
  }

  // Re-check the scenario: htmx listens for "input" on the fieldset (debounced).
  function scenarioChanged() {
    scenario.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // --- Tabs (WAI-ARIA tabs pattern; without script they are submit buttons) ---

  function selectTab(tab, focus) {
    var list = tab.closest("[role=tablist]");
    list.querySelectorAll("[role=tab]").forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", selected ? "true" : "false");
      other.tabIndex = selected ? 0 : -1;
      var panel = document.getElementById(other.getAttribute("aria-controls"));
      if (panel) panel.hidden = !selected;
    });
    var input = document.getElementById(tab.getAttribute("data-tab-input"));
    if (input) input.value = tab.value;
    if (focus) tab.focus();
    updateShareLink();
    // An editor mounted while its panel was hidden measures itself again.
    var panel = document.getElementById(tab.getAttribute("aria-controls"));
    var textarea = panel && panel.querySelector("textarea[data-policy-editor]");
    if (textarea && window.RoleCallEditor) {
      var view = window.RoleCallEditor.getView(textarea);
      if (view) view.requestMeasure();
    }
  }

  // The share link restores the open tabs too: re-encode it when they change.
  function updateShareLink() {
    var link = document.getElementById("pg-share-link");
    if (!link || !window.RoleCallEditor) return;
    var url = new URL(link.getAttribute("href"), window.location.href);
    var encoded = url.searchParams.get("s");
    if (!encoded) return;
    window.RoleCallEditor.decodeState(encoded).then(function (state) {
      state.tab = document.getElementById("pg-tab").value;
      state.editor = document.getElementById("pg-editor").value;
      return window.RoleCallEditor.encodeState(state);
    }).then(function (next) {
      url.searchParams.set("s", next);
      link.setAttribute("href", url.pathname + url.search);
      var shown = document.getElementById("pg-share-url");
      if (shown) shown.textContent = url.href;
    }).catch(function () { /* leave the server's link as it is */ });
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[role=tab][data-tab-input]");
    if (tab) {
      event.preventDefault();
      selectTab(tab, false);
    }
  });

  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest("[role=tab][data-tab-input]");
    if (!tab) return;
    var tabs = Array.prototype.slice.call(tab.closest("[role=tablist]").querySelectorAll("[role=tab]"));
    var index = tabs.indexOf(tab);
    var next = null;
    if (event.key === "ArrowRight") next = tabs[(index + 1) % tabs.length];
    else if (event.key === "ArrowLeft") next = tabs[(index - 1 + tabs.length) % tabs.length];
    else if (event.key === "Home") next = tabs[0];
    else if (event.key === "End") next = tabs[tabs.length - 1];
    if (next) {
      event.preventDefault();
      selectTab(next, true);
    }
  });

  // --- Condition rows ---

  var rows = document.getElementById("pg-rows");

  function makeRow(key, values) {
    rowCount += 1;
    var id = "pg-added-" + rowCount;
    var row = document.createElement("div");
    row.className = "pg-row";
    row.innerHTML =
      '<label class="visually-hidden"></label><input name="condition_key" list="pg-keys" placeholder="key" spellcheck="false" autocomplete="off" aria-describedby="error-conditions">' +
      '<label class="visually-hidden"></label><input name="condition_values" placeholder="value" spellcheck="false" autocomplete="off" aria-describedby="pg-conditions-help">' +
      '<button type="button" class="pg-remove secondary" data-remove-row><span aria-hidden="true">✕</span><span class="visually-hidden"></span></button>';
    var labels = row.querySelectorAll("label");
    var inputs = row.querySelectorAll("input");
    labels[0].htmlFor = inputs[0].id = id + "-key";
    labels[1].htmlFor = inputs[1].id = id + "-values";
    labels[0].textContent = "Condition key";
    labels[1].textContent = "Values of this condition key";
    row.querySelector("button .visually-hidden").textContent = "Remove this condition key";
    inputs[0].value = key || "";
    inputs[1].value = values || "";
    return row;
  }

  function setRows(pairs) {
    rows.textContent = "";
    pairs.forEach(function (pair) { rows.appendChild(makeRow(pair[0], pair[1])); });
    rows.appendChild(makeRow("", ""));
  }

  function addRow(key) {
    // Reuse a trailing empty row rather than piling up blanks.
    var all = rows.querySelectorAll(".pg-row");
    var last = all[all.length - 1];
    var row = last;
    if (!last || last.querySelector("[name=condition_key]").value || last.querySelector("[name=condition_values]").value) {
      row = makeRow("", "");
      rows.appendChild(row);
    }
    var keyInput = row.querySelector("[name=condition_key]");
    if (key) {
      keyInput.value = key;
      row.querySelector("[name=condition_values]").focus();
    } else {
      keyInput.focus();
    }
  }

  form.addEventListener("click", function (event) {
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      event.preventDefault();
      var row = remove.closest(".pg-row");
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      if (!rows.querySelector(".pg-row")) rows.appendChild(makeRow("", ""));
      var focusTarget = (next && next.isConnected ? next : rows.querySelector(".pg-row")).querySelector("input");
      focusTarget.focus();
      scenarioChanged();
      return;
    }
    var add = event.target.closest("[data-add-row], [data-add-key]");
    if (add) {
      event.preventDefault();
      addRow(add.getAttribute("data-add-key"));
      scenarioChanged();
    }
  });

  // --- Presets: fill the principal, the action and the usual condition keys ---

  function setSuggestions(preset) {
    var suggest = document.getElementById("pg-suggest");
    suggest.querySelectorAll("[data-add-key]").forEach(function (b) { b.remove(); });
    preset.keys.forEach(function (key) {
      var button = document.createElement("button");
      button.type = "submit";
      button.className = "pg-chip";
      button.name = "add_key";
      button.value = key;
      button.setAttribute("data-add-key", key);
      button.textContent = key;
      suggest.appendChild(button);
    });
    suggest.hidden = preset.keys.length === 0;
    var list = document.getElementById("pg-keys");
    var existing = Array.prototype.map.call(list.options, function (o) { return o.value; });
    var ordered = preset.keys.concat(existing.filter(function (k) { return preset.keys.indexOf(k) < 0; }));
    list.textContent = "";
    ordered.forEach(function (key) {
      var option = document.createElement("option");
      option.value = key;
      list.appendChild(option);
    });
  }

  document.getElementById("pg-preset").addEventListener("change", function (event) {
    var preset = presets[event.target.value];
    if (!preset) return;
    document.getElementById("pg-principal").value = preset.principal;
    document.getElementById("pg-action").value = preset.action;
    setRows(preset.context);
    setSuggestions(preset);
    scenarioChanged();
  });

  // 4xx answers (bad field, too large, rate limited) are swapped in by
  // static/js/htmx-answers.js, the mechanism every htmx form shares.

  var invalidFor = {
    "error-principal": "pg-principal",
    "error-action": "pg-action",
    "error-role_arn": "pg-role",
  };

  function afterUpdate() {
    Object.keys(invalidFor).forEach(function (errorId) {
      var message = document.getElementById(errorId);
      var field = document.getElementById(invalidFor[errorId]);
      if (!message || !field) return;
      if (message.textContent.trim()) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
    });
    var badge = document.querySelector("#pg-results [data-decision]");
    var alert = document.querySelector("#pg-results .pg-alert, #pg-results .pg-problem");
    var words = { allowed: "Allowed", explicitDeny: "Explicit deny", implicitDeny: "Implicit deny" };
    var text = badge ? "Decision: " + words[badge.getAttribute("data-decision")] : alert ? alert.textContent.trim() : "";
    if (lastDecision !== null && text && text !== lastDecision) announcer.textContent = text;
    lastDecision = text;
  }

  // A check that was already on its way when a result tab was clicked comes
  // back with the tab it was sent with; show the one the learner chose since.
  function keepChosenTab() {
    var chosen = document.getElementById("pg-tab").value;
    var tab = document.querySelector('#pg-results [role=tab][value="' + chosen + '"]');
    if (tab && tab.getAttribute("aria-selected") !== "true") selectTab(tab, false);
  }

  document.body.addEventListener("htmx:afterSettle", function () {
    showScriptOnly(document);
    keepChosenTab();
    afterUpdate();
  });

  // --- The template banner goes once the policy is no longer the template ---

  function canonical(text) {
    try { return JSON.stringify(JSON.parse(text)); } catch (error) { return null; }
  }

  var starter = document.querySelector(".pg-starter[data-starter-policy]");
  if (starter) {
    var original = canonical(starter.getAttribute("data-starter-policy"));
    document.addEventListener("policy-change", function (event) {
      if (!event.target || event.target.id !== "policy") return;
      var now = canonical(event.detail ? event.detail.value : event.target.value);
      starter.hidden = now !== original;
    });
  }

  showScriptOnly(document);
  afterUpdate();
})();
