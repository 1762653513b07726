// Small behaviours shared by pages. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // Copy buttons on highlighted policies: <button data-copy-target="code-id">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var code = document.getElementById(button.getAttribute("data-copy-target"));
    if (!code || !navigator.clipboard) return;
    navigator.clipboard.writeText(code.textContent).then(function () {
      var original = button.textContent;
      button.textContent = "Copied";
      setTimeout(function () { button.textContent = original; }, 1500);
    });
  });

  // Buttons that need JavaScript (copy) stay hidden without it.
  document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });

  // A time-zone field left blank takes the browser's zone (sign-up, profile).
  document.querySelectorAll("[data-browser-time-zone]").forEach(function (field) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!field.value && zone) {
      var known = field.tagName !== "SELECT" ||
        Array.prototype.some.call(field.options, function (o) { return o.value === zone; });
      if (known) field.value = zone;
    }
  });

  // Exam timers: <p class="timer" data-deadline="epoch seconds" data-review-url="...">.
  // The server keeps the real deadline; this only shows it and moves on at zero.
  function formatLeft(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m));
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0") + " left";
  }

  function startTimer(timer) {
    var deadline = Number(timer.getAttribute("data-deadline")) * 1000;
    var text = timer.querySelector(".timer-text");
    var announced = {};
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      text.textContent = formatLeft(left);
      timer.classList.toggle("is-low", left <= 300);
      [300, 60].forEach(function (mark) {
        if (left <= mark && !announced[mark]) {
          announced[mark] = true;
          timer.setAttribute("aria-live", "assertive");
          text.textContent = (mark / 60) + " minute" + (mark > 60 ? "s" : "") + " left";
        }
      });
      if (left === 0) {
        var url = timer.getAttribute("data-review-url");
        window.location.assign(url || window.location.href);
        return;
      }
      setTimeout(tick, 1000);
    }
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".timer[data-deadline]").forEach(startTimer);
  });
})();
