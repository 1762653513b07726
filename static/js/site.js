// Small behaviours shared by every page. No inline scripts: the CSP forbids them.
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
})();
