// Tabs "Email/Mot de passe" / "Carte à puce": the links work without JavaScript
// (?onglet=…); this turns them into ARIA tabs switched in place, with arrow keys.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.querySelector("[data-tabs]");
    if (!root) { return; }
    var list = root.querySelector(".tabs__list");
    var tabs = Array.prototype.slice.call(root.querySelectorAll(".tabs__tab"));
    list.setAttribute("role", "tablist");
    Array.prototype.forEach.call(list.children, function (li) { li.setAttribute("role", "presentation"); });

    function select(tab, focus) {
      tabs.forEach(function (other) {
        var selected = other === tab;
        var panel = document.getElementById(other.dataset.panel);
        other.setAttribute("aria-selected", selected ? "true" : "false");
        other.setAttribute("tabindex", selected ? "0" : "-1");
        other.removeAttribute("aria-current");
        panel.hidden = !selected;
      });
      if (focus) { tab.focus(); }
    }

    tabs.forEach(function (tab, index) {
      var panel = document.getElementById(tab.dataset.panel);
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", panel.id);
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("tabindex", "0");
      tab.addEventListener("click", function (event) {
        event.preventDefault();
        select(tab, false);
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", tab.getAttribute("href"));
        }
      });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        if (event.key === "ArrowRight") { next = tabs[(index + 1) % tabs.length]; }
        if (event.key === "ArrowLeft") { next = tabs[(index - 1 + tabs.length) % tabs.length]; }
        if (event.key === "Home") { next = tabs[0]; }
        if (event.key === "End") { next = tabs[tabs.length - 1]; }
        if (next) { event.preventDefault(); select(next, true); }
      });
    });
    var current = tabs.filter(function (t) {
      return !document.getElementById(t.dataset.panel).hidden;
    })[0] || tabs[0];
    select(current, false);
  });
})();
