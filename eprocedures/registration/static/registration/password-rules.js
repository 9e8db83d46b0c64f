// Enhancement only: ticks the password rules as the user types. The server's
// validators are authoritative and name every rule a refused password breaks.
(function () {
  "use strict";
  var PUNCTUATION = ",;.+:!?=@";
  var min = 8, max = 32;
  var checks = {
    password_length: function (p) { var n = Array.from(p).length; return n >= min && n <= max; },
    password_no_lower: function (p) { return /[a-z]/.test(p); },
    password_no_upper: function (p) { return /[A-Z]/.test(p); },
    password_no_digit: function (p) { return /[0-9]/.test(p); },
    password_no_punctuation: function (p) {
      return Array.from(p).some(function (c) { return PUNCTUATION.indexOf(c) !== -1; });
    }
  };
  document.addEventListener("DOMContentLoaded", function () {
    var list = document.querySelector("[data-password-rules]");
    var input = document.getElementById("id_password1");
    if (!list || !input) { return; }
    var met = list.getAttribute("data-met"), unmet = list.getAttribute("data-unmet");
    min = parseInt(list.getAttribute("data-min"), 10) || min;
    max = parseInt(list.getAttribute("data-max"), 10) || max;
    function update() {
      list.querySelectorAll("li[data-rule]").forEach(function (item) {
        var check = checks[item.getAttribute("data-rule")];
        if (!check) { return; }
        var ok = check(input.value);
        item.classList.toggle("is-met", ok);
        var state = item.querySelector("[data-rule-state]");
        if (state) { state.textContent = " (" + (ok ? met : unmet) + ")"; }
      });
    }
    input.addEventListener("input", update);
    update();
  });
})();
