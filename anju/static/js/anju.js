// Behaviour the templates ask for with data attributes. The Content-Security-Policy (anju/settings.py,
// SECURE_CSP) runs no inline event handlers (onclick=, onchange=, onsubmit=), so they live here.
//   <select data-autosubmit>           submits its form when the choice changes
//   <button data-print>                prints the page
//   <button data-back>                 goes back to the previous page
//   <form data-confirm="question">     asks before it is sent; Cancel keeps it (or on the submit button:
//                                      asks when that button sends it); once confirmed, the form's
//                                      <input data-confirmed> is set to 1 (a step the server refuses
//                                      without that confirmation)
//   <input type=checkbox class=select-all> in a list's header ticks the page's rows
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    } else if (target.matches("input.select-all")) {
      var table = target.closest("table");
      if (!table) return;
      table.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = target.checked; });
    }
  });

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    if (event.target.closest("[data-print]")) {
      window.print();
    } else if (event.target.closest("[data-back]")) {
      window.history.back();
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var button = event.submitter;
    var question = (button && button.dataset && button.dataset.confirm) || form.dataset.confirm;
    if (!question) return;
    if (!window.confirm(question)) {
      event.preventDefault();
      return;
    }
    form.querySelectorAll("input[data-confirmed]").forEach(function (input) { input.value = "1"; });
  });
})();
