/* Check in on everything: keyboard-first rows.

   Enter in a row saves it (htmx posts the row's form; the answer is the row, saved or with
   its errors) and the focus moves to the next row still to do. Enter on a row left
   untouched, Escape, or "No change" marks the row unchanged without asking the server.
   The summary counts the rows by the state the server (or this file) gave them.
   Without JavaScript every row is a plain form and the page does the same in full loads. */
(function () {
  "use strict";

  function closest(target, selector) {
    return target instanceof Element ? target.closest(selector) : null;
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-bulk-row]"));
  }

  function recount() {
    var updated = document.querySelectorAll('[data-bulk-row][data-row-state="updated"]').length;
    var unchanged = document.querySelectorAll('[data-bulk-row][data-row-state="unchanged"]').length;
    var u = document.querySelector("[data-summary-updated]");
    var n = document.querySelector("[data-summary-unchanged]");
    if (u) u.textContent = String(updated);
    if (n) n.textContent = String(unchanged);
  }

  // The next row still to do after `row` (wrapping round once), else "Back home".
  function focusNext(row) {
    var all = rows();
    var start = all.indexOf(row);
    for (var step = 1; step <= all.length; step++) {
      var candidate = all[(start + step) % all.length];
      if (candidate.getAttribute("data-row-state") === "pending") {
        var first = candidate.querySelector("[data-bulk-first]");
        if (first) {
          first.focus();
          candidate.scrollIntoView({ block: "nearest" });
          return;
        }
      }
    }
    var home = document.querySelector("[data-bulk-home]");
    if (home) home.focus();
  }

  function untouched(form) {
    var fields = form.querySelectorAll("input:not([type=hidden]), textarea");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "checkbox") {
        if (field.checked !== field.defaultChecked) return false;
      } else if (field.value !== field.defaultValue) {
        return false;
      }
    }
    return true;
  }

  function skip(row) {
    row.setAttribute("data-row-state", "unchanged");
    var state = row.querySelector("[data-bulk-state]");
    // The words come translated from the page (data-label-unchanged on the list).
    var list = closest(row, "[data-bulk-check-in]");
    if (state) state.textContent = (list && list.getAttribute("data-label-unchanged")) || "Left unchanged";
    recount();
    focusNext(row);
  }

  document.addEventListener("keydown", function (event) {
    var form = closest(event.target, "[data-bulk-form]");
    if (!form) return;
    var row = closest(form, "[data-bulk-row]");
    if (event.key === "Escape") {
      event.preventDefault();
      skip(row);
    } else if (event.key === "Enter" && !event.shiftKey && event.target.tagName === "INPUT") {
      event.preventDefault();
      if (untouched(form)) {
        skip(row);
      } else {
        if (window.htmx) window.htmx.process(form);
        form.requestSubmit(form.querySelector('button[type="submit"]:not([name="skip"])'));
      }
    }
  });

  document.addEventListener("click", function (event) {
    var skipButton = closest(event.target, "[data-bulk-skip]");
    if (skipButton) {
      event.preventDefault();
      skip(closest(skipButton, "[data-bulk-row]"));
      return;
    }
    var step = closest(event.target, "[data-step]");
    if (step) {
      var input = document.getElementById(step.getAttribute("aria-controls"));
      if (!input) return;
      var current = parseInt(input.value, 10);
      if (isNaN(current)) current = 5;
      var next = Math.min(10, Math.max(0, current + parseInt(step.getAttribute("data-step"), 10)));
      input.value = String(next);
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });

  // The row being saved: after the swap its element is a new one, found again by id.
  var saving = null;

  document.addEventListener("htmx:beforeRequest", function (event) {
    var row = closest(event.detail.elt, "[data-bulk-row]");
    if (row) saving = row.id;
  });

  // A row came back from the server: saved (move on) or with errors (stay on the first).
  document.addEventListener("htmx:afterSettle", function () {
    if (!saving) return;
    var row = document.getElementById(saving);
    saving = null;
    if (!row) return;
    recount();
    var invalid = row.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    } else if (row.getAttribute("data-row-state") !== "pending") {
      focusNext(row);
    }
  });

  document.addEventListener("DOMContentLoaded", recount);
})();
