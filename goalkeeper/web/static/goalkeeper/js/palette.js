/* The command palette (docs/navigation.md): Ctrl+K, Cmd+K or "/" (outside a field) opens a
   modal <dialog> that searches as you type through the search page's JSON answer, and
   offers the navigation and a few actions. Every text is put in with textContent: titles
   are user text, never markup. The labels come translated from the page (data-text-*). */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var MAX_STATIC_HITS = 6;

  var dialog = null;
  var input = null;
  var list = null;
  var status = null;
  var statics = [];
  var staticsLoaded = false;
  var options = [];
  var active = -1;
  var timer = null;
  var controller = null;
  var sequence = 0;
  var opener = null;

  function text(name) {
    return dialog.getAttribute("data-text-" + name) || "";
  }

  function isField(element) {
    if (!(element instanceof Element)) return false;
    return element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName);
  }

  function words(query) {
    return query.toLowerCase().split(/\s+/).filter(Boolean);
  }

  // The offers come with every answer of the search (the sections and the actions this
  // person may use); they are kept from the first one and filtered here as you type.
  function readStatics(actions) {
    return actions.map(function (action) {
      return {
        group: action.group || "",
        title: action.title || "",
        url: action.url || "",
        context: "",
        haystack: ((action.title || "") + " " + (action.keywords || "")).toLowerCase()
      };
    });
  }

  function matchingStatics(query) {
    var wanted = words(query);
    var found = statics.filter(function (item) {
      return wanted.every(function (word) { return item.haystack.indexOf(word) !== -1; });
    });
    return wanted.length ? found.slice(0, MAX_STATIC_HITS) : found;
  }

  function grouped(items) {
    var groups = [];
    items.forEach(function (item) {
      var last = groups[groups.length - 1];
      if (!last || last.label !== item.group) {
        last = { label: item.group, hits: [] };
        groups.push(last);
      }
      last.hits.push(item);
    });
    return groups;
  }

  function select(index) {
    if (!options.length) {
      active = -1;
      input.removeAttribute("aria-activedescendant");
      return;
    }
    active = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.node.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    var node = options[active].node;
    input.setAttribute("aria-activedescendant", node.id);
    node.scrollIntoView({ block: "nearest" });
  }

  function render(groups) {
    list.replaceChildren();
    options = [];
    groups.forEach(function (group, g) {
      if (!group.hits.length) return;
      var heading = document.createElement("li");
      heading.className = "palette__group";
      heading.setAttribute("role", "presentation");
      heading.id = "palette-group-" + g;
      heading.textContent = group.label;
      list.appendChild(heading);
      group.hits.forEach(function (hit) {
        var node = document.createElement("li");
        node.className = "palette__option";
        node.id = "palette-option-" + options.length;
        node.setAttribute("role", "option");
        node.setAttribute("aria-selected", "false");
        node.setAttribute("aria-describedby", heading.id);
        var title = document.createElement("span");
        title.className = "palette__title";
        title.textContent = hit.title;
        node.appendChild(title);
        if (hit.context) {
          var context = document.createElement("span");
          context.className = "palette__context";
          context.textContent = hit.context;
          node.appendChild(context);
        }
        var index = options.length;
        node.addEventListener("mousemove", function () { if (active !== index) select(index); });
        node.addEventListener("click", function () { go(index); });
        options.push({ node: node, url: hit.url });
        list.appendChild(node);
      });
    });
    select(0);
  }

  function showStatus(message) {
    status.textContent = message;
  }

  function searchPage(query) {
    return dialog.getAttribute("data-url") + "?q=" + encodeURIComponent(query);
  }

  function go(index) {
    var query = input.value.trim();
    if (index >= 0 && index < options.length) {
      window.location.assign(options[index].url);
    } else if (query) {
      window.location.assign(searchPage(query));
    }
  }

  function ask(query, mine) {
    if (controller) controller.abort();
    controller = typeof AbortController === "function" ? new AbortController() : null;
    var url = searchPage(query) + "&format=json";
    fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) throw new Error("search answered " + response.status);
        return response.json();
      })
      .then(function (answer) {
        if (answer.actions && !staticsLoaded) {
          statics = readStatics(answer.actions);
          staticsLoaded = true;
        }
        if (mine !== sequence) return;
        var groups = grouped(matchingStatics(query));
        (answer.groups || []).forEach(function (group) {
          groups.push({ label: group.label, hits: group.hits || [] });
        });
        render(groups);
        var empty = !options.length;
        showStatus(empty ? text("empty") : "");
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        if (mine === sequence) showStatus(text("error"));
      });
  }

  function update() {
    var query = input.value.trim();
    sequence += 1;
    var mine = sequence;
    window.clearTimeout(timer);
    render(grouped(matchingStatics(query)));
    if (!query) {
      if (controller) controller.abort();
      showStatus("");
      if (!staticsLoaded) ask("", mine);
      return;
    }
    showStatus(text("loading"));
    timer = window.setTimeout(function () { ask(query, mine); }, DEBOUNCE_MS);
  }

  function open(initial) {
    if (!dialog || dialog.open) return;
    opener = document.activeElement;
    input.value = initial || "";
    dialog.showModal();
    input.focus();
    update();
  }

  function setUp() {
    dialog = document.querySelector("[data-palette]");
    if (!dialog || typeof dialog.showModal !== "function") return;
    input = dialog.querySelector("[data-palette-input]");
    list = dialog.querySelector("[data-palette-list]");
    status = dialog.querySelector("[data-palette-status]");

    var mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent || "");
    if (mac) {
      document.querySelectorAll("[data-palette-hint]").forEach(function (hint) {
        hint.textContent = "⌘ K";
      });
    }

    input.addEventListener("input", update);
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        select(active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        select(active - 1);
      } else if (event.key === "Enter") {
        event.preventDefault();
        go(active);
      }
    });
    // The input is the dialog's one stop: Tab stays in it (the list moves with the arrows).
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "Tab") {
        event.preventDefault();
        input.focus();
      }
    });
    // A click on the backdrop (outside the box) closes, as Escape does.
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    dialog.addEventListener("close", function () {
      window.clearTimeout(timer);
      if (controller) controller.abort();
      if (opener && typeof opener.focus === "function") opener.focus();
      opener = null;
    });
  }

  document.addEventListener("keydown", function (event) {
    if (!dialog) return;
    var key = event.key ? event.key.toLowerCase() : "";
    if (key === "k" && (event.ctrlKey || event.metaKey) && !event.altKey) {
      event.preventDefault();
      if (dialog.open) {
        input.focus();
        input.select();
      } else {
        open("");
      }
    } else if (key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey &&
      !isField(event.target) && !dialog.open) {
      event.preventDefault();
      open("");
    }
  });

  document.addEventListener("click", function (event) {
    var trigger = event.target instanceof Element ? event.target.closest("[data-palette-open]") : null;
    if (trigger && dialog) {
      event.preventDefault();
      open("");
    }
  });

  // Typing in the sidebar's search box carries on in the palette (Enter there still
  // submits the box to the search page, which is also how it works without JavaScript).
  document.addEventListener("input", function (event) {
    var field = event.target instanceof Element ? event.target.closest("[data-palette-field]") : null;
    if (!field || !dialog) return;
    var value = field.value;
    field.value = "";
    open(value);
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
