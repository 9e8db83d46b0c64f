// Enhancement only: hide the legal-person fields while "Non" is chosen.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var block = document.querySelector("[data-legal-person]");
    var radios = document.querySelectorAll("input[name='is_legal_person']");
    if (!block || !radios.length) { return; }
    function update() {
      var yes = document.querySelector("input[name='is_legal_person'][value='oui']");
      block.hidden = !(yes && yes.checked);
    }
    radios.forEach(function (r) { r.addEventListener("change", update); });
    update();
  });
})();
