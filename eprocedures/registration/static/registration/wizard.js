// Enhancement only: without this file, "Ajouter un numéro de téléphone" posts the
// form to a small view that keeps what was typed and shows the page with one more row.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-add-phone]");
    var rows = document.querySelector("[data-phone-rows]");
    var template = document.querySelector("template[data-phone-row]");
    if (!button || !rows || !template) { return; }
    var max = parseInt(button.getAttribute("data-max"), 10) || 5;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var count = rows.querySelectorAll(".field").length;
      if (count >= max) { return; }
      var index = String(count + 1);
      rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__index__/g, index));
      var added = rows.lastElementChild.querySelector("select, input");
      if (added) { added.focus(); }
      if (count + 1 >= max) { button.hidden = true; }
    });
  });
})();
