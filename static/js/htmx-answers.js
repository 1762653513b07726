// How every htmx form answers: one mechanism for the whole site.
//
// - A 4xx is an answer, not a crash. A fragment the server rendered for it
//   (the form's own block with its message) is swapped in like a 200; a whole
//   page (a CSRF failure, a 404, a page-sized 400) is not swapped: its message
//   is shown in a box at the end of the form that sent the request.
// - With DEBUG on, django-htmx's script replaces the whole document with any
//   400/403/404 response. A capturing listener on window runs before its
//   listener on the document and keeps 4xx answers from reaching it.
// - While a request is on its way the form is aria-busy, the button that sent
//   it is disabled, and after a moment a spinner shows.
// No inline script anywhere: the CSP forbids it.
(function () {
  "use strict";

  var SPINNER_DELAY_MS = 300;

  function isAnswer(status) { return status >= 400 && status < 500; }

  function formOf(elt) {
    if (!elt || !elt.closest) return null;
    return elt.closest("form") || elt;
  }

  function looksLikePage(text) { return /<html[\s>]|<!doctype/i.test(text.slice(0, 500)); }

  // The sentence a 4xx page says: its alert, else its heading and first paragraph.
  function messageOf(xhr) {
    var text = xhr.responseText || "";
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") < 0) return text.trim().slice(0, 300);
    var doc = new DOMParser().parseFromString(text, "text/html");
    var main = doc.querySelector("main") || doc.body;
    var alert = main && main.querySelector(".field-error, [role=alert], .errorlist");
    if (alert && alert.textContent.trim()) return alert.textContent.trim();
    var heading = main && main.querySelector("h1");
    var lead = main && main.querySelector("h1 ~ p, p");
    var parts = [heading, lead].filter(Boolean).map(function (el) { return el.textContent.trim(); });
    return parts.join(": ");
  }

  function clearMessage(form) {
    if (!form) return;
    form.querySelectorAll(":scope > [data-htmx-answer]").forEach(function (el) { el.remove(); });
  }

  function showMessage(form, message) {
    if (!form) return;
    clearMessage(form);
    var box = document.createElement("p");
    box.className = "field-error htmx-answer";
    box.setAttribute("role", "alert");
    box.setAttribute("data-htmx-answer", "");
    box.textContent = message;
    form.appendChild(box);
  }

  window.addEventListener("htmx:beforeOnLoad", function (event) {
    if (isAnswer(event.detail.xhr.status)) event.stopPropagation();
  }, true);

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var form = formOf(event.detail.elt);
    clearMessage(form);
    if (!isAnswer(xhr.status)) return;
    var text = xhr.responseText || "";
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") >= 0 && text.trim() && !looksLikePage(text)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      return;
    }
    event.detail.shouldSwap = false;
    showMessage(form, messageOf(xhr) || "The server refused that request (HTTP " + xhr.status + ").");
  });

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 500) {
      showMessage(formOf(event.detail.elt), "Something went wrong on our side; nothing was saved. Try again in a moment.");
    }
  });

  function unreachable(event) {
    showMessage(formOf(event.detail.elt), "RoleCall could not be reached. Check your connection and try again.");
  }
  document.addEventListener("htmx:sendError", unreachable);
  document.addEventListener("htmx:timeout", unreachable);

  // --- Busy state ---

  function submitButtons(form, event) {
    // A save on "change" (exam answers) must not block a click on "Next".
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (trigger && trigger.type !== "submit" && trigger.type !== "click") return [];
    if (form.matches("button")) return [form];
    return Array.prototype.slice.call(
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]")
    );
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (!form) return;
    form.setAttribute("aria-busy", "true");
    submitButtons(form, event).forEach(function (button) {
      if (button.disabled) return;
      button.disabled = true;
      button.setAttribute("data-busy-disabled", "");
    });
    clearTimeout(form._busyTimer);
    form._busyTimer = setTimeout(function () { form.classList.add("is-busy"); }, SPINNER_DELAY_MS);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = formOf(event.detail.elt);
    if (!form) return;
    clearTimeout(form._busyTimer);
    form.classList.remove("is-busy");
    form.removeAttribute("aria-busy");
    form.querySelectorAll("[data-busy-disabled]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-busy-disabled");
    });
    if (form.hasAttribute("data-busy-disabled")) {
      form.disabled = false;
      form.removeAttribute("data-busy-disabled");
    }
  });
})();
