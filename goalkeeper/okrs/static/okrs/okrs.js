/* OKR forms: the key result's kind shows its own numbers, live validation marks the fields
   it reports on, and only the fields a person has typed in get errors while typing.
   Everything works without it: all fields show, and errors come back on submit. */
(function () {
  "use strict";

  var FIELDS = "input, select, textarea";

  function liveForm(element) {
    return element instanceof Element ? element.closest("[data-live-form]") : null;
  }

  /* Remember which fields the person has touched; the server reports errors on those. */
  function touch(form, name) {
    var store = form.querySelector("[data-touched]");
    if (!store || !name || name.charAt(0) === "_" || name === "csrfmiddlewaretoken") return;
    var names = store.value ? store.value.split(",") : [];
    if (names.indexOf("*") >= 0 || names.indexOf(name) >= 0) return;
    names.push(name);
    store.value = names.join(",");
  }

  function onEdit(event) {
    var form = liveForm(event.target);
    if (!form) return;
    touch(form, event.target.name);
    if (event.target.name === "kind" && form.hasAttribute("data-kind")) {
      form.setAttribute("data-kind", event.target.value);
    }
  }
  document.addEventListener("input", onEdit, true);
  document.addEventListener("change", onEdit, true);

  /* After a live validation swap, mark each field by whether its error slot is empty. */
  function syncErrors(form) {
    form.querySelectorAll(".field__errors").forEach(function (slot) {
      var field = slot.closest(".field");
      if (!field) return;
      var invalid = slot.textContent.trim() !== "";
      field.classList.toggle("field--error", invalid);
      field.querySelectorAll(FIELDS).forEach(function (input) {
        if (input.type === "hidden") return;
        if (invalid) input.setAttribute("aria-invalid", "true");
        else input.removeAttribute("aria-invalid");
      });
    });
  }
  /* The errors arrive out of band, beside the coach's remarks: after any swap, sync every
     live form on the page (there is one). */
  function syncAll() {
    document.querySelectorAll("[data-live-form]").forEach(syncErrors);
  }
  document.addEventListener("htmx:afterSettle", syncAll);
  document.addEventListener("htmx:oobAfterSwap", syncAll);

  /* A number input that holds text the browser cannot read sends "": say so at once. */
  document.addEventListener("htmx:configRequest", function (event) {
    var form = liveForm(event.detail.elt);
    if (!form) return;
    form.querySelectorAll("input[type=number]").forEach(function (input) {
      if (input.validity && input.validity.badInput) event.detail.parameters[input.name] = "?";
    });
  });
})();
