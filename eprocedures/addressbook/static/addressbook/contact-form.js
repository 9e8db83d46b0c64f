// Enhancement only: show the fields of the chosen kind of contact (natural or legal person).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-contact-form]");
    if (!form) { return; }
    var radios = form.querySelectorAll("input[name=kind]");
    function update() {
      var chosen = form.querySelector("input[name=kind]:checked");
      var kind = chosen ? chosen.value : "physique";
      form.querySelectorAll("[data-kind-group]").forEach(function (group) {
        group.hidden = group.getAttribute("data-kind-group") !== kind;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  });
})();
