/* Data source form: the schedule presets (15 min, hourly, daily) fill the interval field.
   Without JavaScript the presets are hidden and the number is typed; no inline script
   anywhere (the Content-Security-Policy refuses them). */
(function () {
  "use strict";

  function interval(scope) {
    return scope.querySelector('input[name="interval_minutes"]');
  }

  function mark(scope) {
    var input = interval(scope);
    if (!input) return;
    scope.querySelectorAll("[data-interval-preset]").forEach(function (button) {
      var on = button.getAttribute("data-interval-preset") === input.value.trim();
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element && event.target.closest("[data-interval-preset]");
    if (!button) return;
    var form = button.closest("form") || document;
    var input = interval(form);
    if (!input) return;
    input.value = button.getAttribute("data-interval-preset");
    mark(form);
  });

  document.addEventListener("input", function (event) {
    if (event.target instanceof Element && event.target.matches('input[name="interval_minutes"]')) {
      mark(event.target.closest("form") || document);
    }
  });

  function markAll() {
    document.querySelectorAll("[data-source-form]").forEach(mark);
  }
  document.addEventListener("DOMContentLoaded", markAll);
  document.addEventListener("htmx:afterSettle", markAll);
})();
