/* Dashboards: tile charts, refreshing tiles, TV mode and the grid editor (docs/dashboards.md).
   No inline script: data comes from json_script blocks and data- attributes. */
(function () {
  "use strict";

  var charts = [];

  /* A design token as the element sees it (TV mode redefines some for its dark screen). */
  function token(element, name, fallback) {
    var value = getComputedStyle(element).getPropertyValue(name).trim();
    return value || fallback;
  }

  /* Numbers in the page's language: "12.5" in English, "12,5" in German. */
  var lang = document.documentElement.lang || "en";
  var bigNumber = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  var smallNumber = new Intl.NumberFormat(lang, { maximumFractionDigits: 2, useGrouping: false });

  /* A sentence the page wrote in the person's language (a data- attribute holding
     "{name}" placeholders), or the English fallback when the attribute is missing. */
  function phrase(element, name, fallback, values) {
    var text = (element && element.getAttribute(name)) || fallback;
    return text.replace(/\{(\w+)\}/g, function (all, key) {
      return values && key in values ? String(values[key]) : all;
    });
  }

  function withUnit(value, unit) {
    if (value === null || value === undefined) return "-";
    var text = Math.abs(value) >= 1000 ? bigNumber.format(Math.round(value)) : smallNumber.format(Math.round(value * 100) / 100);
    if (!unit) return text;
    return unit === "%" ? text + "%" : (unit.length <= 1 ? unit + text : text + " " + unit);
  }

  function clock(date) {
    return date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
  }

  function initCharts(root) {
    if (typeof echarts === "undefined") return;
    root.querySelectorAll("[data-dash-chart]").forEach(function (element) {
      var source = document.getElementById(element.getAttribute("data-dash-chart"));
      if (!source) return;
      var data = JSON.parse(source.textContent);
      var colors = {
        green: token(element, "--green-fill", "#16a34a"),
        yellow: token(element, "--amber-fill", "#f59e0b"),
        red: token(element, "--red-fill", "#dc2626"),
        grey: token(element, "--grey-fill", "#98a2b3"),
        line: token(element, "--brand", "#4338ca"),
        text: token(element, "--text-3", "#5d6675"),
        border: token(element, "--border", "#e3e6eb")
      };
      var goal = [];
      if (data.direction === "in_range") {
        if (data.low !== null) goal.push({ yAxis: data.low });
        if (data.high !== null) goal.push({ yAxis: data.high });
      } else if (data.target !== null) {
        goal.push({ yAxis: data.target });
      }
      var chart = echarts.init(element, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        grid: { left: 4, right: 24, top: 12, bottom: 4, containLabel: true },
        tooltip: {
          trigger: "axis",
          formatter: function (items) {
            var point = data.points[items[0].dataIndex];
            return window.goalkeeperTooltip(
              point.label + (point.complete ? "" : " (" + phrase(element, "data-so-far", "so far") + ")"), withUnit(point.value, data.unit), ""
            );
          }
        },
        xAxis: {
          type: "category",
          data: data.points.map(function (p) { return p.label; }),
          axisLine: { lineStyle: { color: colors.border } },
          axisLabel: { color: colors.text, hideOverlap: true }
        },
        yAxis: {
          type: "value",
          scale: true,
          splitLine: { lineStyle: { color: colors.border } },
          axisLabel: { color: colors.text, formatter: function (v) { return withUnit(v, data.unit); } }
        },
        series: [{
          type: "line",
          connectNulls: false,
          symbolSize: 6,
          lineStyle: { color: colors.line, width: 2 },
          itemStyle: { color: colors.line },
          data: data.points.map(function (p) {
            if (p.value === null) return null;
            return { value: p.value, itemStyle: { color: colors[p.health] || colors.grey, opacity: p.complete ? 1 : 0.45 } };
          }),
          markLine: { silent: true, symbol: "none", label: { show: false }, lineStyle: { type: "dashed", color: colors.green }, data: goal }
        }]
      });
      charts.push({ chart: chart, element: element });
    });
  }

  /* Insight charts are drawn by insights.js, which redraws what an htmx swap settled: the
     tiles swapped in here announce themselves the same way. */
  function announceSwap(root) {
    root.dispatchEvent(new CustomEvent("htmx:afterSettle", { bubbles: true }));
  }

  function disposeCharts(root) {
    if (typeof echarts !== "undefined") {
      root.querySelectorAll("[data-insight-chart]").forEach(function (element) {
        var chart = echarts.getInstanceByDom(element);
        if (chart) chart.dispose();
      });
    }
    charts = charts.filter(function (item) {
      if (root.contains(item.element)) {
        item.chart.dispose();
        return false;
      }
      return true;
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (item) { item.chart.resize(); });
  });

  /* Fetch a fragment of tiles; fails on an error status or a redirect (signed out). */
  function fetchTiles(url) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" }, cache: "no-store" })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error("status " + response.status);
        return response.text();
      });
  }

  function swap(box, html) {
    disposeCharts(box);
    box.innerHTML = html;
    initCharts(box);
    announceSwap(box);
  }

  /* A dashboard page or a share link: its tiles refresh every `data-every` seconds. */
  function startRefresh(box) {
    var url = box.getAttribute("data-dash-refresh");
    var every = Math.max(parseInt(box.getAttribute("data-every"), 10) || 60, 10) * 1000;
    var offlineSince = null;
    function tick() {
      fetchTiles(url).then(function (html) {
        offlineSince = null;
        swap(box, html);
      }).catch(function () {
        offlineSince = offlineSince || new Date();
        var note = box.querySelector("[data-refreshed]");
        if (note) {
          note.setAttribute("data-offline", "");
          note.textContent = phrase(box, "data-offline-text", "Offline since {time}: showing the last figures", { time: clock(offlineSince) });
        }
      }).finally(function () {
        window.setTimeout(tick, every);
      });
    }
    window.setTimeout(tick, every);
  }

  /* TV mode: rotate through the chosen dashboards, fetching each afresh when it comes up. */
  function startTv(main) {
    var slides = JSON.parse(document.getElementById(main.getAttribute("data-dash-tv")).textContent);
    var every = Math.max(parseInt(main.getAttribute("data-every"), 10) || 60, 10) * 1000;
    var stage = main.querySelector("[data-tv-stage]");
    var title = main.querySelector("[data-tv-title]");
    var position = main.querySelector("[data-tv-position]");
    var state = main.querySelector("[data-tv-state]");
    var index = 0;
    var offlineSince = null;
    var fullscreen = main.querySelector("[data-tv-fullscreen]");
    if (fullscreen) {
      fullscreen.addEventListener("click", function () {
        if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen();
      });
    }
    function show() {
      var slide = slides[index];
      fetchTiles(slide.url).then(function (html) {
        offlineSince = null;
        swap(stage, html);
        stage.setAttribute("data-showing", String(slide.id));
        title.textContent = slide.title;
        position.textContent = phrase(main, "data-position-text", "{position} of {total}", { position: index + 1, total: slides.length });
        state.removeAttribute("data-offline");
        state.textContent = phrase(main, "data-updated-text", "Updated {time}", { time: clock(new Date()) });
      }).catch(function () {
        offlineSince = offlineSince || new Date();
        state.setAttribute("data-offline", "");
        state.textContent = phrase(main, "data-offline-text", "Offline since {time}", { time: clock(offlineSince) });
      }).finally(function () {
        index = (index + 1) % slides.length;
        window.setTimeout(show, every);
      });
    }
    show();
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  /* Edit mode: gridstack arranges the tiles by drag; arrow keys move a focused tile and
     Shift + arrows resize it. Every change saves the whole layout. */
  function startEditor(element) {
    if (typeof GridStack === "undefined") return;
    var url = element.getAttribute("data-dash-editor");
    var status = document.querySelector("[data-dash-status]");
    var grid = GridStack.init({
      column: 12,
      cellHeight: 80,
      margin: 6,
      float: true,
      animate: false,
      columnOpts: { breakpoints: [{ w: 700, c: 1 }] },
      draggable: { handle: ".grid-stack-item-content" }
    }, element);
    var pending = null;
    var message = "";
    element.setAttribute("data-ready", "");

    function say(text) { if (status) status.textContent = text; }

    function save() {
      if (grid.getColumn() !== 12) return;
      var layout = grid.save(false).map(function (node) {
        return { id: parseInt(node.id, 10), x: node.x || 0, y: node.y || 0, w: node.w || 1, h: node.h || 1 };
      });
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ layout: layout })
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (result.ok) {
          element.setAttribute("data-saved", String(Date.now()));
          say((message ? message + ". " : "") + phrase(element, "data-saved-text", "Layout saved."));
        } else {
          var first = (result.body.errors || [])[0] || {};
          say(phrase(element, "data-failed-text", "Could not save the layout: {reason}", { reason: (first.field ? first.field + " " : "") + (first.message || phrase(element, "data-retry-text", "try again")) }));
        }
        message = "";
      }).catch(function () {
        say(phrase(element, "data-unanswered-text", "Could not save the layout: the server did not answer. Try again."));
      });
    }

    function scheduleSave() {
      if (pending) window.clearTimeout(pending);
      pending = window.setTimeout(function () { pending = null; save(); }, 250);
    }

    grid.on("change", scheduleSave);
    grid.on("dragstop resizestop", function (event, item) {
      var node = item.gridstackNode;
      var content = item.querySelector("[data-title]");
      message = phrase(element, "data-placed-text", "“{title}” now at column {column}, row {row}, {width} × {height}", {
        title: content ? content.getAttribute("data-title") : phrase(element, "data-tile-text", "Tile"),
        column: node.x + 1, row: node.y + 1, width: node.w, height: node.h
      });
      scheduleSave();
    });

    element.addEventListener("keydown", function (event) {
      var content = event.target.closest(".grid-stack-item-content");
      if (!content || event.target !== content) return;
      var moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
      var step = moves[event.key];
      if (!step) return;
      event.preventDefault();
      var item = content.closest(".grid-stack-item");
      var node = item.gridstackNode;
      var name = content.getAttribute("data-title") || phrase(element, "data-tile-text", "Tile");
      if (event.shiftKey) {
        var w = Math.min(Math.max(node.w + step[0], 1), 12 - node.x);
        var h = Math.min(Math.max(node.h + step[1], 1), 12);
        grid.update(item, { w: w, h: h });
        message = phrase(element, "data-resized-text", "“{title}” resized to {width} × {height}", { title: name, width: item.gridstackNode.w, height: item.gridstackNode.h });
      } else {
        var x = Math.min(Math.max(node.x + step[0], 0), 12 - node.w);
        var y = Math.max(node.y + step[1], 0);
        grid.update(item, { x: x, y: y });
        message = phrase(element, "data-moved-text", "“{title}” moved to column {column}, row {row}", { title: name, column: item.gridstackNode.x + 1, row: item.gridstackNode.y + 1 });
      }
      say(message);
      content.focus();
      scheduleSave();
    });
  }

  function startCopy(button) {
    button.addEventListener("click", function () {
      if (navigator.clipboard) navigator.clipboard.writeText(button.getAttribute("data-copy"));
      button.textContent = phrase(button, "data-copied", "Copied");
    });
  }

  // A tile whose content overflows scrolls: keyboard users reach it with Tab (a named region)
  // to scroll it with the arrow keys.
  function scrollableByKeyboard() {
    document.querySelectorAll(".dash-tile__body").forEach(function (body) {
      var overflows = body.scrollHeight > body.clientHeight + 1 ||
        body.scrollWidth > body.clientWidth + 1;
      var title = body.parentElement && body.parentElement.querySelector(".dash-tile__title[id]");
      if (overflows && !body.hasAttribute("tabindex")) {
        body.setAttribute("tabindex", "0");
        body.setAttribute("role", "region");
        if (title) body.setAttribute("aria-labelledby", title.id);
      } else if (!overflows && body.getAttribute("tabindex") === "0") {
        body.removeAttribute("tabindex");
        body.removeAttribute("role");
        body.removeAttribute("aria-labelledby");
      }
    });
  }
  window.addEventListener("load", scrollableByKeyboard);
  window.addEventListener("resize", scrollableByKeyboard);
  document.addEventListener("htmx:afterSettle", scrollableByKeyboard);

  document.addEventListener("DOMContentLoaded", function () {
    initCharts(document);
    document.querySelectorAll("[data-dash-refresh]").forEach(startRefresh);
    document.querySelectorAll("[data-dash-tv]").forEach(startTv);
    document.querySelectorAll("[data-dash-editor]").forEach(startEditor);
    document.querySelectorAll("[data-copy]").forEach(startCopy);
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();
