/* The objective writer (docs/okrs.md, "Writing an objective"): key result rows added,
   removed and reordered in the page, without a page load. A new row is a copy of the
   server-rendered <template>, its "__row__" names and ids given the next free key; the rows
   are posted in page order (one hidden "kr" input each). Keyboard: Enter in a key result's
   title goes to the next row's title, or adds a row after the last; Ctrl+Enter (Cmd+Enter)
   saves. Nothing here builds markup from text: rows are cloned, labels set with textContent.
   Without JavaScript the rows on the page still post and save. */
(function () {
  "use strict";

  var TOKEN = "__row__";

  function writerOf(element) {
    return element instanceof Element ? element.closest("[data-writer]") : null;
  }

  function rows(form) {
    return Array.prototype.slice.call(form.querySelectorAll("[data-kr-rows] > [data-kr-row]"));
  }

  function titleOf(row) {
    return row ? row.querySelector("[data-field='title'] input") : null;
  }

  function say(form, text) {
    var status = form.querySelector("[data-writer-status]");
    if (status) status.textContent = text;
  }

  function label(row) {
    var title = row.querySelector(".kr-row__title");
    return title ? title.textContent.replace(/\s+/g, " ").trim() : "";
  }

  /* Number the rows as shown, and tell the live validation that the rows changed. */
  function renumber(form, changed) {
    var list = rows(form);
    list.forEach(function (row, index) {
      var number = row.querySelector("[data-row-number]");
      if (number) number.textContent = String(index + 1);
      var up = row.querySelector("[data-move-row='up']");
      var down = row.querySelector("[data-move-row='down']");
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === list.length - 1;
    });
    var count = form.querySelector("[data-row-count]");
    if (count) count.textContent = String(list.length);
    form.classList.toggle("writer--empty", list.length === 0);
    if (changed) form.dispatchEvent(new CustomEvent("writer-rows", { bubbles: true }));
  }

  function addRow(form, after) {
    var template = form.querySelector("template[data-row-template]");
    var list = form.querySelector("[data-kr-rows]");
    if (!template || !list) return null;
    var key = String(parseInt(form.getAttribute("data-next-key") || "0", 10));
    form.setAttribute("data-next-key", String(parseInt(key, 10) + 1));
    var fragment = template.content.cloneNode(true);
    fragment.querySelectorAll("*").forEach(function (element) {
      Array.prototype.slice.call(element.attributes).forEach(function (attribute) {
        if (attribute.value.indexOf(TOKEN) >= 0) {
          element.setAttribute(attribute.name, attribute.value.split(TOKEN).join(key));
        }
      });
    });
    var row = fragment.querySelector("[data-kr-row]");
    if (after && after.nextSibling) list.insertBefore(fragment, after.nextSibling);
    else list.appendChild(fragment);
    // The pickers of the new row are set up as for any fragment htmx brings.
    row.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true }));
    if (window.htmx) window.htmx.process(row);
    renumber(form, true);
    var title = titleOf(row);
    if (title) title.focus();
    say(form, label(row));
    return row;
  }

  function removeRow(form, row) {
    var list = rows(form);
    var index = list.indexOf(row);
    var named = label(row);
    row.remove();
    renumber(form, true);
    var rest = rows(form);
    var next = rest[Math.min(index, rest.length - 1)];
    var focus = next ? titleOf(next) : form.querySelector("[data-add-row]");
    if (focus) focus.focus();
    say(form, (form.getAttribute("data-removed-text") || "") + " " + named);
  }

  function moveRow(form, row, direction) {
    var list = form.querySelector("[data-kr-rows]");
    if (direction === "up" && row.previousElementSibling) {
      list.insertBefore(row, row.previousElementSibling);
    } else if (direction === "down" && row.nextElementSibling) {
      list.insertBefore(row.nextElementSibling, row);
    } else {
      return;
    }
    renumber(form, true);
    var button = row.querySelector("[data-move-row='" + direction + "']");
    if (button && !button.disabled) button.focus();
    else {
      var title = titleOf(row);
      if (title) title.focus();
    }
    say(form, label(row));
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    var form = writerOf(target);
    if (!form) return;
    var add = target.closest("[data-add-row]");
    var remove = target.closest("[data-remove-row]");
    var move = target.closest("[data-move-row]");
    if (add) {
      event.preventDefault();
      addRow(form, null);
    } else if (remove) {
      event.preventDefault();
      removeRow(form, remove.closest("[data-kr-row]"));
    } else if (move) {
      event.preventDefault();
      moveRow(form, move.closest("[data-kr-row]"), move.getAttribute("data-move-row"));
    }
  });

  document.addEventListener("keydown", function (event) {
    var form = writerOf(event.target);
    if (!form || event.key !== "Enter" || event.isComposing) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      var save = form.querySelector("[data-testid='save-objective']");
      if (save && form.requestSubmit) form.requestSubmit(save);
      else if (save) save.click();
      return;
    }
    var row = event.target.closest("[data-kr-row]");
    if (!row || event.target !== titleOf(row) || event.shiftKey || event.altKey) return;
    event.preventDefault();
    var list = rows(form);
    var next = list[list.indexOf(row) + 1];
    if (next) titleOf(next).focus();
    else if (event.target.value.trim()) addRow(form, row);
  });

  /* Each row shows the numbers of its own kind. */
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || !writerOf(target)) return;
    var row = target.closest("[data-kr-row]");
    if (row && target.matches("[data-field='kind'] select")) {
      row.setAttribute("data-kind", target.value);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-writer]").forEach(function (form) { renumber(form, false); });
  });
})();
