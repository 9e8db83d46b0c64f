// Enhancements only: every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so screen readers announce it first.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }

    // The "Bonjour …" menu (a <details>) closes with Escape, giving the focus back to its
    // summary, and when a click or the focus goes elsewhere, as menus do.
    var menu = document.querySelector(".user-menu details");
    if (!menu) { return; }
    var close = function () { menu.open = false; };
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        close();
        menu.querySelector("summary").focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) { close(); }
    });
    menu.addEventListener("focusout", function (event) {
      if (menu.open && event.relatedTarget && !menu.contains(event.relatedTarget)) { close(); }
    });
  });
})();
