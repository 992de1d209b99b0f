/* Search-as-you-type pickers (docs/pickers.md). A <select data-picker="/pick/people/">
   holds only its chosen option; this file loads Tom Select (from the npm registry) when a
   page has such a select and turns it into a combobox that asks the endpoint for at most
   20 matches as the user types. Without JavaScript the select posts its current value.

   Everything shown is built as DOM nodes with textContent: no markup from a label or a
   typed query is ever parsed. */
(function () {
  "use strict";
  var script = document.currentScript;
  var library = script ? script.getAttribute("data-tom-select") : null;
  var loading = null;

  function loadLibrary() {
    if (window.TomSelect) return Promise.resolve();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = library;
        tag.onload = resolve;
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text) element.textContent = text;
    return element;
  }

  function option(data) {
    var row = node("div", "picker__option");
    row.appendChild(node("span", "picker__label", data.label));
    if (data.hint) row.appendChild(node("span", "picker__hint", data.hint));
    return row;
  }

  function searchUrl(select, query) {
    var params = new URLSearchParams();
    var fixed = select.getAttribute("data-picker-params");
    if (fixed) {
      var values = JSON.parse(fixed);
      Object.keys(values).forEach(function (key) { params.set(key, values[key]); });
    }
    (select.getAttribute("data-picker-with") || "").split(" ").forEach(function (name) {
      var field = name && select.form ? select.form.elements.namedItem(name) : null;
      if (field && field.value) params.set(name, field.value);
    });
    params.set("q", query);
    return select.getAttribute("data-picker") + "?" + params.toString();
  }

  function setup(select) {
    var searches = 0;
    var noun = select.getAttribute("data-picker-noun") || "item";
    var empty = select.getAttribute("data-picker-empty");
    var plugins = empty !== null ? { clear_button: { title: empty } } : {};
    var picker = new window.TomSelect(select, {
      valueField: "id",
      labelField: "label",
      searchField: [],
      maxOptions: 20,
      preload: "focus",
      loadThrottle: 250,
      allowEmptyOption: false,
      plugins: plugins,
      // Not Tom Select's "loading": the design system hides `.loading` elements.
      loadingClass: "picker--searching",
      placeholder: empty !== null ? empty : "Type to find a " + noun,
      // The server ranks the matches (prefix first, the caller's teams first): keep its
      // order, and show only the answer to what is typed now (not the chosen option or an
      // older answer kept in the list).
      score: function (search) {
        return function (item) { return item.query === search ? 1 : 0; };
      },
      load: function (query, callback) {
        var self = this;
        // The search on focus may run after the first keys were typed (it replaced their
        // pending search): it searches what is typed then.
        if (query === "" && self.inputValue()) query = self.inputValue();
        var asked = ++searches;
        fetch(searchUrl(select, query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (answer) {
            // Answers may arrive out of order (the search on focus after the typed one, or
            // after the choice was made): only the answer to the latest search is shown.
            if (asked !== searches) { callback(); return; }
            self.clearOptions();
            callback(answer.results.map(function (row) {
              return { id: row.id, label: row.label, hint: row.hint, query: query };
            }));
          })
          .catch(function () { callback(); });
      },
      render: {
        option: option,
        item: function (data) { return node("div", "picker__item", data.label); },
        no_results: function (data) {
          return node("div", "no-results", "No " + noun + " matches “" + data.input + "”");
        },
        loading: function () { return node("div", "picker__loading", "Searching…"); },
      },
    });
    // Tom Select's box is the control people use, named by the field's label; the select it
    // keeps for the form (visually hidden, out of the tab order) would be a second, nameless
    // control to assistive technology.
    select.setAttribute("aria-hidden", "true");
    // While a query is typed, the chosen option steps aside so that the text reads alone.
    function typing(query) { picker.wrapper.classList.toggle("picker--typing", !!query); }
    // Tom Select shows what was typed a moment after the typing stops (its refreshThrottle),
    // opening its list, which takes the focus. A refresh still pending when the choice is
    // made or the field is left would pull the focus back from the next field, and the keys
    // typed there would land here: it is cancelled.
    function cancelRefresh() {
      if (picker.refreshTimeout) {
        window.clearTimeout(picker.refreshTimeout);
        picker.refreshTimeout = null;
      }
    }
    picker.on("type", typing);
    picker.on("item_add", function () { cancelRefresh(); typing(""); });
    picker.on("blur", function () { cancelRefresh(); typing(""); });
    // A picker whose dependency changes (the cycle or team of an objective) searches anew;
    // the chosen value stays (the server judges it on save).
    (select.getAttribute("data-picker-with") || "").split(" ").forEach(function (name) {
      var field = name && select.form ? select.form.elements.namedItem(name) : null;
      if (!field) return;
      field.addEventListener("change", function () {
        picker.clearOptions();
        picker.wrapper.classList.remove("preloaded");
      });
    });
  }

  function init(root) {
    // Marked at once: htmx's first "load" and DOMContentLoaded both reach here before the
    // library has arrived, and a select is set up only once.
    var selects = Array.prototype.filter.call(
      root.querySelectorAll("select[data-picker]"),
      function (select) { return !select.hasAttribute("data-picker-ready"); }
    );
    if (!selects.length || !library) return;
    selects.forEach(function (select) { select.setAttribute("data-picker-ready", ""); });
    loadLibrary().then(function () { selects.forEach(setup); });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  // Fragments swapped in by htmx may carry pickers too.
  document.addEventListener("htmx:load", function (event) {
    if (event.target instanceof Element) init(event.target);
  });
})();
