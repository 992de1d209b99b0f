/* Comment forms: Ctrl/Cmd+Enter posts, and "@" opens a person search under the textarea
   (docs/comments.md). Listeners sit on the document, so threads swapped in by htmx work
   too. Names and hints are put in the page with textContent, never parsed as HTML. */
(function () {
  "use strict";

  // "@" at the start or after a space, then up to 40 characters of a name being typed.
  var TRIGGER = /(^|\s)@([^\s@\[\]()]{0,40})$/;
  var state = null; // {input, menu, start, options, active, request}

  function menuOf(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function close() {
    if (!state) return;
    state.menu.hidden = true;
    state.menu.replaceChildren();
    state.input.removeAttribute("aria-activedescendant");
    state = null;
  }

  function highlight(index) {
    if (!state || !state.options.length) return;
    state.active = (index + state.options.length) % state.options.length;
    state.options.forEach(function (option, i) {
      option.element.setAttribute("aria-selected", i === state.active ? "true" : "false");
    });
    var chosen = state.options[state.active].element;
    state.input.setAttribute("aria-activedescendant", chosen.id);
    chosen.scrollIntoView({ block: "nearest" });
  }

  function tokenFor(option) {
    var name = option.label.replace(/[\[\]\n]/g, "").trim() || "someone";
    return "@[" + name + "](person:" + option.id + ") ";
  }

  function pick(index) {
    if (!state || !state.options[index]) return;
    var input = state.input;
    var caret = input.selectionStart;
    var token = tokenFor(state.options[index]);
    var before = input.value.slice(0, state.start);
    input.value = before + token + input.value.slice(caret);
    var at = before.length + token.length;
    close();
    input.focus();
    input.setSelectionRange(at, at);
  }

  function show(input, start, results) {
    var menu = menuOf(input);
    menu.replaceChildren();
    var options = results.map(function (result, i) {
      var item = document.createElement("li");
      item.id = menu.id + "-" + i;
      item.className = "mention-menu__option";
      item.setAttribute("role", "option");
      var name = document.createElement("span");
      name.textContent = result.label;
      item.appendChild(name);
      if (result.hint) {
        var hint = document.createElement("span");
        hint.className = "mention-menu__hint";
        hint.textContent = result.hint;
        item.appendChild(hint);
      }
      item.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the textarea
        pick(i);
      });
      menu.appendChild(item);
      return { id: result.id, label: result.label, element: item };
    });
    if (!options.length) {
      var empty = document.createElement("li");
      empty.className = "mention-menu__empty";
      empty.textContent = menu.getAttribute("data-none-text") || "No one by that name";
      menu.appendChild(empty);
    }
    menu.hidden = false;
    state = { input: input, menu: menu, start: start, options: options, active: 0 };
    highlight(0);
  }

  var asked = 0;
  function search(input) {
    var caret = input.selectionStart;
    var match = TRIGGER.exec(input.value.slice(0, caret));
    if (!match) {
      close();
      return;
    }
    var query = match[2];
    var start = caret - query.length - 1;
    var url = new URL(input.dataset.mentionSource, window.location.href);
    url.searchParams.set("q", query);
    var ticket = ++asked;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : { results: [] };
      })
      .then(function (answer) {
        // Only the answer to what is typed now; the caret may have moved on since.
        if (ticket !== asked || document.activeElement !== input) return;
        show(input, start, answer.results || []);
      })
      .catch(function () {
        close();
      });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (input instanceof HTMLTextAreaElement && input.hasAttribute("data-mention-source")) {
      search(input);
    }
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLTextAreaElement) || !input.hasAttribute("data-comment-input")) {
      return;
    }
    if (state && state.input === input) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(state.active + (event.key === "ArrowDown" ? 1 : -1));
        return;
      }
      if ((event.key === "Enter" || event.key === "Tab") && state.options.length) {
        if (!event.ctrlKey && !event.metaKey) {
          event.preventDefault();
          pick(state.active);
          return;
        }
      }
      if (event.key === "Escape") {
        event.preventDefault();
        close();
        return;
      }
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && input.form) {
      event.preventDefault();
      close();
      input.form.requestSubmit();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (state && event.target === state.input) close();
  });
})();
