// Progressive enhancement only: every flow works without this file.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so that screen readers announce the problems.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }

    // Warn before leaving a step page with text that has not reached the server yet.
    var form = document.getElementById("step-form");
    if (!form) { return; }
    var unsaved = false;
    form.addEventListener("input", function () { unsaved = true; });
    form.addEventListener("submit", function () { unsaved = false; });
    document.body.addEventListener("htmx:afterRequest", function (event) {
      var status = document.getElementById("autosave-status");
      if (event.detail.successful && status && !status.querySelector(".error-message")) { unsaved = false; }
    });
    window.addEventListener("beforeunload", function (event) {
      if (unsaved) { event.preventDefault(); event.returnValue = ""; }
    });
  });
})();
