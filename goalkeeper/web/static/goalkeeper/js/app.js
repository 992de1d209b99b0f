/* Goalkeeper's small behaviours. Loaded in <head> without `defer` so that the "js" class
   is set before the first paint (the mobile drawer hides only when it can be opened).
   No inline script anywhere (the Content-Security-Policy refuses them): pages describe
   what they want with data attributes, and this file listens at the document level. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function closest(target, selector) {
    return target instanceof Element ? target.closest(selector) : null;
  }

  /* A chart tooltip (ECharts takes a node): built with textContent, because a period
     label or a unit is user text, never markup. Used by the KPI page and dashboard tiles. */
  window.goalkeeperTooltip = function (label, value, extra) {
    var box = document.createElement("div");
    box.appendChild(document.createTextNode(label));
    box.appendChild(document.createElement("br"));
    var strong = document.createElement("b");
    strong.textContent = value;
    box.appendChild(strong);
    if (extra) box.appendChild(document.createTextNode(" · " + extra));
    return box;
  };

  function announce(text) {
    var region = document.getElementById("live-region");
    if (region) region.textContent = text;
  }

  /* --- Navigation drawer (narrow screens) ------------------------------------------- */
  function setNav(open) {
    var shell = document.querySelector(".shell");
    var toggle = document.querySelector("[data-nav-toggle]");
    var scrim = document.querySelector("[data-nav-scrim]");
    if (!shell || !toggle) return;
    shell.classList.toggle("nav-open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (scrim) scrim.hidden = !open;
    if (open) {
      var first = document.querySelector("#sidebar a, #sidebar button");
      if (first) first.focus();
    } else {
      toggle.focus();
    }
  }

  document.addEventListener("click", function (event) {
    if (closest(event.target, "[data-nav-toggle]")) {
      var shell = document.querySelector(".shell");
      setNav(!(shell && shell.classList.contains("nav-open")));
    } else if (closest(event.target, "[data-nav-scrim]")) {
      setNav(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    var shell = document.querySelector(".shell");
    // An open user menu takes Escape first (it closes itself, below).
    if (event.key === "Escape" && shell && shell.classList.contains("nav-open") &&
      !document.querySelector("[data-user-menu][open]")) {
      setNav(false);
    }
  });

  /* Words the scripts write come translated from the page, in data-label-* attributes
     (docs/languages.md). */
  function said(element, name, fallback) {
    return (element && element.getAttribute("data-label-" + name)) || fallback;
  }

  /* --- Objective rows: a button folds the key results; so does a click on the row -------- */
  var OBJECTIVE_ROW = ".objective[data-objective-id]";

  function setObjectiveOpen(row, open) {
    row.classList.toggle("is-open", open);
    var body = row.querySelector(".objective__body");
    if (body) body.hidden = !open;
    var toggle = row.querySelector("[data-objective-toggle]");
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", function (event) {
    var summary = closest(event.target, "[data-objective-summary]");
    var row = summary && closest(summary, OBJECTIVE_ROW);
    if (!row) return;
    // The row's own controls (its title link...) do what they say; the toggle and the
    // rest of the row fold.
    var control = closest(event.target, "a, button, input, select, textarea, label");
    if (control && !control.hasAttribute("data-objective-toggle")) return;
    setObjectiveOpen(row, !row.classList.contains("is-open"));
  });

  // A summary swapped in out of band (after a check-in) cannot know whether its row is open.
  document.addEventListener("htmx:afterSettle", function () {
    document.querySelectorAll(OBJECTIVE_ROW).forEach(function (row) {
      var toggle = row.querySelector("[data-objective-toggle]");
      var open = row.classList.contains("is-open") ? "true" : "false";
      if (toggle && toggle.getAttribute("aria-expanded") !== open) {
        toggle.setAttribute("aria-expanded", open);
      }
    });
  });

  /* --- Menus drawn as <details> (a key result's "More", "Export"): Escape closes them and
     gives the focus back to their button --------------------------------------------------- */
  var MENUS = "details.kr-more[open], details.export-menu[open]";
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = closest(event.target, MENUS);
    if (!menu) return;
    menu.open = false;
    var summary = menu.querySelector("summary");
    if (summary) summary.focus();
  });

  /* --- The user menu: a <details> disclosure (it opens without JavaScript); here Escape
     closes it and gives the focus back to its toggle, a click elsewhere closes it, and the
     arrow keys move between its items. The theme switch shows the new theme at once. ---- */
  function menuItems(menu) {
    return Array.prototype.slice.call(
      menu.querySelectorAll(".user-menu__panel a, .user-menu__panel button")
    );
  }

  document.addEventListener("keydown", function (event) {
    var menu = closest(event.target, "[data-user-menu]");
    if (!menu) return;
    var toggle = menu.querySelector("summary");
    if (event.key === "Escape" && menu.open) {
      event.preventDefault();
      event.stopPropagation();
      menu.open = false;
      toggle.focus();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    var items = menuItems(menu);
    if (!items.length) return;
    event.preventDefault();
    if (!menu.open) menu.open = true;
    var at = items.indexOf(document.activeElement);
    var next = event.key === "ArrowDown" ? at + 1 : at - 1;
    if (at === -1) next = event.key === "ArrowDown" ? 0 : items.length - 1;
    items[(next + items.length) % items.length].focus();
  });

  document.addEventListener("click", function (event) {
    document.querySelectorAll("[data-user-menu][open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  document.addEventListener("submit", function (event) {
    var form = closest(event.target, "[data-theme-switch]");
    var choice = event.submitter && event.submitter.value;
    if (!form || !choice) return;
    var root = document.documentElement;
    if (choice === "light" || choice === "dark") {
      root.setAttribute("data-theme", choice);
    } else {
      root.removeAttribute("data-theme");
    }
  });

  /* --- "Expand all" / "Collapse all" for lists of objective rows ------------------------- */
  document.addEventListener("click", function (event) {
    var button = closest(event.target, "[data-expand-all]");
    if (!button) return;
    var scope = document.querySelector(button.getAttribute("data-expand-all")) || document;
    var rows = scope.querySelectorAll(OBJECTIVE_ROW);
    var open = button.getAttribute("aria-pressed") !== "true";
    rows.forEach(function (row) { setObjectiveOpen(row, open); });
    button.setAttribute("aria-pressed", open ? "true" : "false");
    button.textContent = open ? said(button, "collapse", "Collapse all") : said(button, "expand", "Expand all");
  });

  /* --- Selects that submit their form on change (cycle switcher) ---------------------- */
  document.addEventListener("change", function (event) {
    var select = closest(event.target, "[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });

  /* --- htmx: say when a request fails (a refused form comes back as a 200, in place) -- */
  function failed(event) {
    var elt = event.detail && event.detail.elt;
    var message = said(document.getElementById("live-region"), "request-failed",
      "That did not work: the server could not be reached or refused the request. " +
      "Nothing was saved; try again.");
    var form = closest(elt, "form");
    var slot = form && form.querySelector("[data-request-error]");
    if (!slot && form) {
      slot = document.createElement("p");
      slot.className = "request-error";
      slot.setAttribute("data-request-error", "");
      slot.setAttribute("role", "alert");
      form.appendChild(slot);
    }
    if (slot) slot.textContent = message;
    announce(message);
  }
  document.addEventListener("htmx:responseError", failed);
  document.addEventListener("htmx:sendError", failed);

  /* --- Check-ins ------------------------------------------------------------------------ */
  // The row or form being worked on, to put the focus back where it belongs after a swap.
  var pending = null;

  function unique(values) {
    return values.filter(function (value, index) { return values.indexOf(value) === index; });
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    var form = closest(elt, "[data-check-in-form]");
    if (!form || event.detail.verb !== "post") return;
    var id = form.getAttribute("data-check-in-form");
    var params = event.detail.parameters;
    // Tell the server what this page shows, so that it sends back only what is here.
    params.shown = unique(Array.prototype.map.call(
      document.querySelectorAll("[data-objective-summary]"),
      function (node) { return node.getAttribute("data-objective-summary"); }
    ));
    params.copies = unique(Array.prototype.map.call(
      document.querySelectorAll('[data-kr-row="' + id + '"]'),
      function (node) { return node.getAttribute("data-kr-context"); }
    ));
    var counts = document.querySelector("[data-counts]");
    if (counts) params.counts = counts.getAttribute("data-counts");
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var row = closest(elt, "[data-kr-row], [data-kr-form]");
    if (!row) return;
    pending = {
      // Only this request's settle moves the focus: another swap (a live refresh of the
      // page) may settle in between and must leave `pending` alone.
      xhr: event.detail.xhr,
      id: row.getAttribute("data-kr-row") || row.getAttribute("data-kr-form"),
      context: row.getAttribute("data-kr-context"),
      saving: !!closest(elt, "[data-check-in-form]")
    };
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (!pending || (pending.xhr && event.detail.xhr !== pending.xhr)) return;
    var key = '[data-kr-context="' + pending.context + '"]';
    var form = document.querySelector('[data-kr-form="' + pending.id + '"]' + key);
    var target = null;
    if (form) {
      target = form.querySelector('[aria-invalid="true"]') ||
        form.querySelector("input:not([type=hidden]), textarea");
    } else {
      var row = document.querySelector('[data-kr-row="' + pending.id + '"]' + key);
      target = row && (row.querySelector("[data-check-in-open]") || row.querySelector("a, button"));
    }
    pending = null;
    if (target) target.focus();
  });

  document.addEventListener("keydown", function (event) {
    var form = closest(event.target, "[data-check-in-form]");
    if (!form) return;
    if (event.key === "Escape") {
      var cancel = form.querySelector("[data-check-in-cancel]");
      if (cancel) {
        event.preventDefault();
        cancel.click();
      }
    } else if (event.key === "Enter" && !event.shiftKey && closest(event.target, "[data-enter-submits]")) {
      // A note is one line most of the time: Enter saves, Shift+Enter starts a new line.
      event.preventDefault();
      form.requestSubmit();
    }
  });

  /* --- Alignment tree: collapse, expand (children load with htmx on first opening) ------ */
  function setExpanded(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var group = document.getElementById(button.getAttribute("aria-controls"));
    if (group) group.toggleAttribute("data-collapsed", !open);
  }

  document.addEventListener("click", function (event) {
    var toggle = closest(event.target, "[data-tree-toggle]");
    if (toggle) {
      setExpanded(toggle, toggle.getAttribute("aria-expanded") !== "true");
      return;
    }
    var all = closest(event.target, "[data-tree-expand]");
    if (all) {
      var open = all.getAttribute("data-tree-expand") === "true";
      document.querySelectorAll("[data-tree-toggle]").forEach(function (button) {
        setExpanded(button, open);
      });
    }
  });

  /* The search asks the server (htmx, on the input); Escape empties the box, and the
     "search" event it fires brings back the empty result. */
  document.addEventListener("keydown", function (event) {
    var input = closest(event.target, "[data-tree-search]");
    if (input && event.key === "Escape" && input.value) {
      event.preventDefault();
      input.value = "";
      input.dispatchEvent(new Event("search"));
    }
  });

  // On a phone the admin tabs scroll sideways: the current one is brought into view.
  document.addEventListener("DOMContentLoaded", function () {
    var tab = document.querySelector(".admin-tabs [aria-current=page]");
    var bar = tab && tab.parentElement;
    if (bar && bar.scrollWidth > bar.clientWidth) {
      tab.scrollIntoView({ block: "nearest", inline: "center" });
    }
  });

  // A focused objective (from "See it in the alignment tree") scrolls into view.
  // Tables that stack on a phone (.table--stack in app.css) show each cell under its
  // column's name: cells without a data-label take the words of their column's header.
  function labelCells(root) {
    (root.querySelectorAll ? root.querySelectorAll("table.table--stack") : []).forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          if (!cell.hasAttribute("data-label") && heads[index]) {
            cell.setAttribute("data-label", heads[index]);
          }
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
  document.addEventListener("htmx:load", function (event) { labelCells(event.target); });

  document.addEventListener("DOMContentLoaded", function () {
    var focused = document.querySelector(".tree__row.is-focused");
    if (focused) focused.scrollIntoView({ block: "center" });
  });
})();
