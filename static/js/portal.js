// Progressive enhancement only: every flow works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so that screen readers announce the problems.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
})();
