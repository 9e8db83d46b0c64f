// Enhancements only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so screen readers announce it first.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
})();
