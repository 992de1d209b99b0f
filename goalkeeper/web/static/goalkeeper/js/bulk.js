/* Bulk changes on the boards: counts the rows ticked for each action bar (a form whose
   checkboxes join it with their `form` attribute), "select all on this page", the cap.
   Texts come translated from the bar's data attributes; nothing is built from HTML. */
(function () {
  "use strict";

  function checks(form) {
    return Array.prototype.slice.call(
      document.querySelectorAll('input.bulk-check[form="' + form.id + '"]')
    );
  }

  function sync(form) {
    var boxes = checks(form);
    var ticked = boxes.filter(function (box) { return box.checked; }).length;
    var max = parseInt(form.getAttribute("data-bulk-max") || "200", 10);
    var count = form.querySelector("[data-bulk-count]");
    if (count) {
      var template = ticked === 0 ? count.getAttribute("data-none")
        : ticked > max ? count.getAttribute("data-too-many") : count.getAttribute("data-some");
      count.textContent = (template || "").replace("{n}", String(ticked));
    }
    form.classList.toggle("bulk-bar--active", ticked > 0);
    var submit = form.querySelector("[data-bulk-submit]");
    if (submit) submit.disabled = ticked === 0 || ticked > max;
    document.querySelectorAll('[data-bulk-all="' + form.id + '"]').forEach(function (all) {
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }

  function formOf(element) {
    var id = element.getAttribute("form") || element.getAttribute("data-bulk-all");
    var form = id ? document.getElementById(id) : null;
    return form && form.hasAttribute("data-bulk-form") ? form : null;
  }

  function init() {
    document.querySelectorAll("form[data-bulk-form]").forEach(function (form) {
      form.classList.add("bulk-bar--js");
      // Filters and paging change the address without reloading: come back to it.
      var next = form.querySelector('input[name="next"]');
      if (next) next.value = window.location.pathname + window.location.search;
      sync(form);
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.hasAttribute("data-bulk-all")) {
      var form = formOf(target);
      if (!form) return;
      checks(form).forEach(function (box) { box.checked = target.checked; });
      sync(form);
    } else if (target.classList.contains("bulk-check")) {
      var owner = formOf(target);
      if (owner) sync(owner);
    }
  });

  document.addEventListener("DOMContentLoaded", init);
  // Filters and paging swap the rows: the new page starts with nothing selected.
  document.addEventListener("htmx:afterSettle", init);
})();
