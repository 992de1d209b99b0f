/* The strategy map (docs/strategy-map.md): the alignment of a cycle drawn as an ECharts
   tree from a json_script block (no inline script: the CSP forbids them).

   A click on a node opens its page; a "+ N supporting" node loads the objectives that
   support it from the nodes endpoint and adds them in place. The search asks the search
   endpoint as one types; picking a hit reloads the map opened on its path and marks it.
   Names are user text: the chart draws them as text, and the tooltip, which is HTML, gets
   them escaped (`escapeHtml`). The list below the chart is rebuilt with text nodes. */
(function () {
  "use strict";

  var SERIES = "strategy-map";
  var ZOOM_STEP = 1.25;
  var MIN_ZOOM = 0.2;
  var MAX_ZOOM = 5;

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"'`]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" }[c];
    });
  }

  function token(name, fallback) {
    var value = getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  function toneColour(tone) {
    switch (tone) {
      case "on_track":
      case "green":
        return token("--green-fill", "#16a34a");
      case "at_risk":
      case "yellow":
        return token("--amber-fill", "#f59e0b");
      case "off_track":
      case "red":
        return token("--red-fill", "#dc2626");
      case "not_started":
      case "stale":
      case "no_data":
        return token("--grey-fill", "#98a2b3");
      default:
        return token("--brand", "#4338ca");
    }
  }

  function sameOrigin(url) {
    // Node links come from the server's own routes: relative paths only.
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/";
  }

  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (answer) {
      if (!answer.ok) throw new Error("HTTP " + answer.status);
      return answer.json();
    });
  }

  // How a dashed leaf hangs from its parent, in the chart's labels and in the list.
  // The words the script shows: English here, the person's language from the page's
  // "map-words" block ("{name}" marks what is filled in).
  var WORDS = {
    unaligned: "unaligned", key_result: "key result", kr_prefix: "KR:", also_prefix: "also:",
    drives: "drives", contributes: "contributes", also: "also supports", unaligned_edge: "Unaligned ·",
    leads: "leads", leads_tip: "Declared to lead it. Correlation, not causation:",
    supporting: "+ {count} supporting", click_to_load: "Click to load them",
    drives_kr: "Drives its key result", contributes_kr: "Contributes to the key result above",
    also_supports: "Also supports the one above (not its primary parent)",
    kr_aligns: "Key result: what hangs below aligns to it",
    loaded: "{count} supporting objectives of {name} loaded",
    load_failed: "The supporting objectives could not be loaded. Try again.",
    shown: "{name} shown on the map, with its path", search_failed: "The search failed. Try again.",
    no_match: "No objective matches “{query}”.", more_hits: "{count} more: type more of the name.",
    found_one: "1 objective found", found_many: "{count} objectives found"
  };
  var given = document.getElementById("map-words");
  if (given) {
    var translated = JSON.parse(given.textContent);
    Object.keys(translated).forEach(function (key) { WORDS[key] = translated[key]; });
  }
  function words(key, values) {
    return WORDS[key].replace(/\{(\w+)\}/g, function (all, name) {
      return values && name in values ? String(values[name]) : all;
    });
  }
  var EDGE_PREFIX = { contributes: "↑ ", also: WORDS.also_prefix + " " };
  var EDGE_WORDS = { contributes: WORDS.contributes, also: WORDS.also };

  function StrategyMap(element) {
    this.element = element;
    this.nodesUrl = element.getAttribute("data-nodes-url");
    var source = document.getElementById(element.getAttribute("data-strategy-map"));
    this.data = JSON.parse(source.textContent);
    this.list = document.querySelector("[data-map-list]");
    this.announce = document.querySelector("[data-map-announce]");
    this.chart = window.echarts.init(element, null, { renderer: "svg" });
    this.zoom = 1;
    this.center = null;
    var self = this;
    this.chart.on("click", function (params) { self.clicked(params.data); });
    window.addEventListener("resize", function () { self.chart.resize(); });
  }

  StrategyMap.prototype.find = function (key, node) {
    node = node || this.data.root;
    if (node.key === key) return node;
    for (var i = 0; i < node.children.length; i++) {
      var found = this.find(key, node.children[i]);
      if (found) return found;
    }
    return null;
  };

  StrategyMap.prototype.item = function (node, state) {
    var colour = toneColour(node.tone);
    var isKpi = node.kind === "kpi";
    var focused = node.key === this.data.focus;
    state.index += 1;
    state.leaves += node.children.length ? 0 : 1;
    var team = node.kind === "team";
    var isKr = node.kind === "key_result";
    // Key-result-level links and further parents are drawn dashed (docs/cascade.md).
    var dashed = node.edge === "contributes" || node.edge === "also" || node.edge === "leads";
    var item = {
      name: team ? node.name + " · " + WORDS.unaligned : EDGE_PREFIX[node.edge] ? EDGE_PREFIX[node.edge] + node.name : isKr ? WORDS.kr_prefix + " " + node.name : node.name,
      node: node,
      symbol: isKpi ? "diamond" : node.kind === "company" || team ? "roundRect" : isKr ? "rect" : "circle",
      symbolSize: focused ? 18 : node.kind === "company" ? 16 : isKpi || isKr ? 10 : 12,
      itemStyle: team
        ? { color: token("--surface", "#fff"), borderColor: token("--text-3", "#5d6675"), borderWidth: 1.5 }
        : dashed
        ? { color: token("--surface", "#fff"), borderColor: token("--brand", "#4338ca"), borderWidth: 1.5, borderType: "dashed" }
        : { color: colour, borderColor: focused ? token("--text", "#14181f") : colour, borderWidth: focused ? 3 : 1 },
      label: focused ? { fontWeight: "bold", color: token("--text", "#14181f") } : undefined,
      lineStyle: isKpi ? { type: "dashed", color: colour, opacity: 0.8 } : dashed ? { type: "dashed", color: token("--brand", "#4338ca"), opacity: 0.7 } : undefined,
      children: []
    };
    for (var i = 0; i < node.children.length; i++) item.children.push(this.item(node.children[i], state));
    if (node.unloaded) {
      state.index += 1;
      state.leaves += 1;
      item.children.push({
        name: words("supporting", { count: node.unloaded }),
        more: node.key,
        symbol: "circle",
        symbolSize: 9,
        itemStyle: { color: token("--surface", "#fff"), borderColor: token("--brand", "#4338ca"), borderType: "dashed" },
        label: { color: token("--brand", "#4338ca") },
        lineStyle: { type: "dotted" }
      });
    }
    return item;
  };

  StrategyMap.prototype.tooltip = function (params) {
    var data = params.data || {};
    if (data.more) return escapeHtml(data.name) + "<br>" + escapeHtml(WORDS.click_to_load);
    var node = data.node;
    if (!node) return "";
    var lines = ["<strong>" + escapeHtml(node.name) + "</strong>"];
    var facts = [node.status, node.figure].filter(Boolean).map(escapeHtml).join(" · ");
    if (facts) lines.push(facts);
    var who = [node.team, node.owner].filter(Boolean).map(escapeHtml).join(" · ");
    if (who) lines.push(who);
    if (node.edge === "leads") lines.push(escapeHtml(WORDS.leads_tip) + "<br>" + escapeHtml(node.lead || ""));
    else if (node.kind === "kpi") lines.push(escapeHtml(WORDS.drives_kr));
    if (node.edge === "contributes") lines.push(escapeHtml(WORDS.contributes_kr));
    if (node.edge === "also") lines.push(escapeHtml(WORDS.also_supports));
    if (node.kind === "key_result" && node.edge === "aligns") lines.push(escapeHtml(WORDS.kr_aligns));
    return lines.join("<br>");
  };

  StrategyMap.prototype.render = function (keepView, centre) {
    var state = { index: 0, leaves: 0 };
    var tree = this.item(this.data.root, state);
    var phone = window.matchMedia("(max-width: 640px)").matches;
    var height = Math.max(phone ? 360 : 420, Math.min(state.leaves * (phone ? 20 : 26), 900));
    this.element.style.height = height + "px";
    // How crowded the drawing is: what zooming in on a marked node should make up for.
    this.crowding = (state.leaves * (phone ? 20 : 26)) / height;
    this.chart.resize();
    var text = token("--text-2", "#3d4452");
    var option = {
      animation: false,
      tooltip: { trigger: "item", confine: true, formatter: this.tooltip.bind(this) },
      series: [
        {
          id: SERIES,
          type: "tree",
          data: [tree],
          orient: "LR",
          top: 24,
          bottom: 24,
          left: phone ? 16 : 40,
          right: phone ? 80 : 220,
          roam: true,
          zoom: this.zoom,
          center: this.center || undefined,
          scaleLimit: { min: MIN_ZOOM, max: MAX_ZOOM },
          expandAndCollapse: false,
          initialTreeDepth: -1,
          edgeShape: "polyline",
          label: {
            position: "right",
            verticalAlign: "middle",
            color: text,
            fontSize: phone ? 10 : 12,
            width: phone ? 48 : 200,
            overflow: "truncate",
            // A plate under the text: the lines to supporting objectives never cross it.
            backgroundColor: token("--surface", "#fff"),
            padding: [1, 3],
            borderRadius: 3
          },
          leaves: { label: { position: "right", align: "left" } },
          lineStyle: { color: token("--border-strong", "#c5cad3"), width: 1.2, curveness: 0.5 },
          emphasis: { focus: "ancestor" }
        }
      ]
    };
    if (!keepView) this.chart.clear();
    this.chart.setOption(option, { notMerge: !keepView });
    this.element.setAttribute("data-nodes", String(state.index));
    var focusIndex = this.indexOf(tree, this.data.focus);
    if (focusIndex !== null) {
      if (centre) this.centre(focusIndex);
      this.mark(focusIndex);
    }
  };

  StrategyMap.prototype.indexOf = function (tree, key) {
    // The series numbers its nodes depth first after a virtual root of its own (index 0).
    var index = 0;
    function walk(item) {
      index += 1;
      if (key && item.node && item.node.key === key) return index;
      var children = item.children || [];
      for (var i = 0; i < children.length; i++) {
        var found = walk(children[i]);
        if (found !== null) return found;
      }
      return null;
    }
    return walk(tree);
  };

  StrategyMap.prototype.mark = function (index) {
    var chart = this.chart;
    chart.dispatchAction({ type: "highlight", seriesIndex: 0, dataIndex: index });
    chart.dispatchAction({ type: "showTip", seriesIndex: 0, dataIndex: index });
    this.element.setAttribute("data-focused-index", String(index));
  };

  StrategyMap.prototype.centre = function (index) {
    // The series lays its nodes out in its own coordinates; its centre is one of them.
    var model = this.chart.getModel && this.chart.getModel();
    var series = model && model.getSeriesByIndex(0);
    var layout = series && series.getData().getItemLayout(index);
    if (!layout || !isFinite(layout.x) || !isFinite(layout.y)) return;
    this.center = [layout.x, layout.y];
    this.zoom = Math.min(3, Math.max(1, this.crowding || 1));
    this.chart.setOption({ series: [{ id: SERIES, center: this.center, zoom: this.zoom }] });
    this.element.setAttribute("data-zoom", this.zoom.toFixed(3));
  };

  StrategyMap.prototype.setZoom = function (how) {
    if (how === "fit") {
      this.zoom = 1;
      this.center = null;
      this.render(false);
      this.element.setAttribute("data-zoom", "1.000");
      return;
    }
    var current = this.currentZoom();
    var next = how === "in" ? current * ZOOM_STEP : current / ZOOM_STEP;
    this.zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, next));
    this.chart.setOption({ series: [{ id: SERIES, zoom: this.zoom }] });
    this.element.setAttribute("data-zoom", this.zoom.toFixed(3));
  };

  StrategyMap.prototype.currentZoom = function () {
    var option = this.chart.getOption();
    var series = option && option.series && option.series[0];
    return (series && series.zoom) || this.zoom || 1;
  };

  StrategyMap.prototype.clicked = function (data) {
    if (!data) return;
    if (data.more) {
      this.loadMore(data.more);
      return;
    }
    if (data.node && sameOrigin(data.node.url)) window.location.assign(data.node.url);
  };

  StrategyMap.prototype.loadMore = function (key) {
    var node = this.find(key);
    if (!node || !node.id) return Promise.resolve();
    var self = this;
    var start = node.more_from || 0;
    var url = this.nodesUrl + "&parent=" + encodeURIComponent(node.id) + "&start=" + encodeURIComponent(start);
    this.element.setAttribute("aria-busy", "true");
    return fetchJson(url).then(function (page) {
      var known = {};
      node.children.forEach(function (child) { known[child.key] = true; });
      page.nodes.forEach(function (child) { if (!known[child.key]) node.children.push(child); });
      var loaded = node.children.filter(function (child) { return child.kind === "objective"; }).length;
      node.unloaded = Math.max(page.total - loaded, 0);
      node.more_from = page.more_from;
      self.zoom = self.currentZoom();
      self.render(true);
      self.renderList();
      self.say(words("loaded", { count: page.nodes.length, name: node.name }));
    }).catch(function () {
      self.say(WORDS.load_failed);
    }).then(function () {
      self.element.removeAttribute("aria-busy");
    });
  };

  StrategyMap.prototype.focus = function (objectiveId) {
    var self = this;
    // The hits listed by the page itself (a search sent without script) give way to the map.
    var results = document.querySelector("[data-map-results]");
    if (results) results.remove();
    var url = this.nodesUrl + "&focus=" + encodeURIComponent(objectiveId);
    return fetchJson(url).then(function (data) {
      self.data = data;
      self.zoom = 1;
      self.center = null;
      self.render(false, true);
      self.renderList();
      var node = self.find(data.focus);
      if (node) self.say(words("shown", { name: node.name }));
      // The map stays in view; the list marks the objective too (aria-current).
      self.element.scrollIntoView({ block: "nearest" });
    });
  };

  StrategyMap.prototype.say = function (text) {
    if (this.announce) this.announce.textContent = text;
  };

  // --- The list beside the chart: the same nodes, as links -----------------------------------

  StrategyMap.prototype.renderList = function () {
    if (!this.list) return;
    var level = this.listLevel(this.data.root.children);
    this.list.replaceChildren(level);
  };

  StrategyMap.prototype.listLevel = function (nodes) {
    var ul = document.createElement("ul");
    ul.className = "map-list__level";
    var self = this;
    nodes.forEach(function (node) {
      var focused = node.key === self.data.focus;
      var li = document.createElement("li");
      li.className = "map-list__item" + (focused ? " map-list__item--focused" : "");
      li.setAttribute("data-key", node.key);
      li.setAttribute("data-tone", node.tone);
      li.setAttribute("data-kind", node.kind);
      var dot = document.createElement("span");
      dot.className = "map-list__dot";
      dot.setAttribute("aria-hidden", "true");
      li.appendChild(dot);
      var edge = node.edge === "leads" ? WORDS.leads : node.kind === "kpi" ? WORDS.drives : node.kind === "team" ? WORDS.unaligned_edge : EDGE_WORDS[node.edge] || (node.kind === "key_result" ? WORDS.key_result : "");
      if (edge) {
        var edgeSpan = document.createElement("span");
        edgeSpan.className = "map-list__edge";
        edgeSpan.textContent = edge;
        li.appendChild(edgeSpan);
      }
      var link = document.createElement("a");
      link.textContent = node.name;
      if (sameOrigin(node.url)) link.href = node.url;
      if (focused) link.setAttribute("aria-current", "true");
      li.appendChild(link);
      var meta = document.createElement("span");
      meta.className = "map-list__meta";
      (node.summary || []).forEach(function (part) {
        var span = document.createElement("span");
        span.textContent = part;
        meta.appendChild(span);
      });
      li.appendChild(meta);
      if (node.children.length) li.appendChild(self.listLevel(node.children));
      if (node.unloaded) {
        var more = document.createElement("a");
        more.className = "map-list__more";
        more.href = "?cycle=" + encodeURIComponent(self.data.cycle) + "&focus=" + encodeURIComponent(node.id);
        more.setAttribute("data-map-more", node.key);
        more.textContent = words("supporting", { count: node.unloaded });
        li.appendChild(more);
      }
      ul.appendChild(li);
    });
    return ul;
  };

  // --- Search as you type --------------------------------------------------------------------

  function Search(map, input) {
    this.map = map;
    this.input = input;
    this.url = input.getAttribute("data-url");
    this.hits = document.querySelector("[data-map-hits]");
    this.form = input.form;
    this.timer = null;
    this.active = -1;
    this.asked = 0;
    var self = this;
    input.addEventListener("input", function () {
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.ask(); }, 250);
    });
    input.addEventListener("keydown", function (event) { self.key(event); });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var options = self.options();
      if (options.length) self.pick(options[Math.max(self.active, 0)]);
      else self.ask();
    });
    this.hits.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) return;
      event.preventDefault();
      self.pick(option);
    });
  }

  Search.prototype.options = function () {
    return Array.prototype.slice.call(this.hits.querySelectorAll("[role=option]"));
  };

  Search.prototype.ask = function () {
    var query = this.input.value.trim();
    var ticket = ++this.asked;
    var self = this;
    if (query.length < 2) {
      this.show(null);
      return;
    }
    fetchJson(this.url + "&q=" + encodeURIComponent(query)).then(function (answer) {
      if (ticket === self.asked) self.show(answer);
    }).catch(function () {
      if (ticket === self.asked) self.map.say(WORDS.search_failed);
    });
  };

  Search.prototype.show = function (answer) {
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    if (!answer) {
      this.hits.replaceChildren();
      this.hits.hidden = true;
      this.input.setAttribute("aria-expanded", "false");
      return;
    }
    var items = answer.hits.map(function (hit, index) {
      var li = document.createElement("li");
      li.id = "map-hit-" + index;
      li.className = "map-search__hit";
      li.setAttribute("role", "option");
      li.setAttribute("data-id", String(hit.id));
      li.setAttribute("data-tone", hit.tone);
      var dot = document.createElement("span");
      dot.className = "map-list__dot";
      dot.setAttribute("aria-hidden", "true");
      var title = document.createElement("span");
      title.className = "map-search__title";
      title.textContent = hit.name;
      var where = document.createElement("span");
      where.className = "map-search__path";
      where.textContent = hit.path.concat([hit.team]).filter(Boolean).join(" › ");
      li.append(dot, title, where);
      return li;
    });
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "map-search__none";
      none.textContent = words("no_match", { query: answer.query });
      items.push(none);
    } else if (answer.total > answer.hits.length) {
      var left = document.createElement("li");
      left.className = "map-search__none";
      left.textContent = words("more_hits", { count: answer.total - answer.hits.length });
      items.push(left);
    }
    this.hits.replaceChildren.apply(this.hits, items);
    this.hits.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.map.say(answer.total === 1 ? WORDS.found_one : words("found_many", { count: answer.total }));
  };

  Search.prototype.key = function (event) {
    var options = this.options();
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!options.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + options.length) % options.length;
      options.forEach(function (option, i) { option.setAttribute("aria-selected", i === this.active ? "true" : "false"); }, this);
      this.input.setAttribute("aria-activedescendant", options[this.active].id);
    } else if (event.key === "Escape") {
      this.show(null);
    }
  };

  Search.prototype.pick = function (option) {
    var id = option.getAttribute("data-id");
    if (!id) return;
    this.show(null);
    this.map.focus(id);
  };

  function start() {
    var element = document.querySelector("[data-strategy-map]");
    if (!element || !window.echarts) return;
    var map = new StrategyMap(element);
    map.render(false, true);
    document.querySelectorAll("[data-map-zoom]").forEach(function (button) {
      button.addEventListener("click", function () { map.setZoom(button.getAttribute("data-map-zoom")); });
    });
    if (map.list) {
      map.list.addEventListener("click", function (event) {
        var more = event.target.closest("[data-map-more]");
        if (!more) return;
        event.preventDefault();
        map.loadMore(more.getAttribute("data-map-more"));
      });
    }
    var input = document.querySelector("[data-map-search]");
    if (input) new Search(map, input);
    element.setAttribute("data-ready", "true");
    window.goalkeeperStrategyMap = { escapeHtml: escapeHtml };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
