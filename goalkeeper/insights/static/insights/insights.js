/* Insight charts (ECharts): every [data-insight-chart] element names the json_script block
   holding its option (no inline script: the CSP forbids them). Colours written as
   "var(--token)" are read from the style sheet, so the charts follow the theme. Charts are
   drawn on load, again after an htmx swap, and resized with the window. */
(function () {
  "use strict";

  var TOKEN = /^var\((--[a-z0-9-]+)\)$/;

  function resolve(value, style) {
    if (typeof value === "string") {
      var match = TOKEN.exec(value);
      if (!match) return value;
      return style.getPropertyValue(match[1]).trim() || "#98a2b3";
    }
    if (Array.isArray(value)) return value.map(function (item) { return resolve(item, style); });
    if (value && typeof value === "object") {
      var copy = {};
      Object.keys(value).forEach(function (key) { copy[key] = resolve(value[key], style); });
      return copy;
    }
    return value;
  }

  /* Numbers in the page's language ("12,5" in German); ECharts would write them in English. */
  var number = new Intl.NumberFormat(document.documentElement.lang || "en", { maximumFractionDigits: 2 });
  function localNumber(value) {
    return typeof value === "number" ? number.format(value) : value;
  }
  function axisNumbers(axis) {
    if (!axis || axis.type !== "value") return axis;
    var label = axis.axisLabel || {};
    var suffix = typeof label.formatter === "string" ? label.formatter.replace("{value}", "") : "";
    if (label.formatter && typeof label.formatter !== "string") return axis;
    return Object.assign({}, axis, { axisLabel: Object.assign({}, label, { formatter: function (v) { return number.format(v) + suffix; } }) });
  }

  function themed(option, style) {
    var text = style.getPropertyValue("--text-3").trim() || "#5d6675";
    var line = style.getPropertyValue("--border").trim() || "#e3e6eb";
    var axis = { axisLabel: { color: text }, axisLine: { lineStyle: { color: line } }, splitLine: { lineStyle: { color: line } }, nameTextStyle: { color: text } };
    ["xAxis", "yAxis"].forEach(function (name) {
      var value = option[name];
      if (!value || Array.isArray(value)) return;
      option[name] = Object.assign({}, axis, value, { axisLabel: Object.assign({}, axis.axisLabel, value.axisLabel || {}) });
    });
    option.xAxis = Array.isArray(option.xAxis) ? option.xAxis : axisNumbers(option.xAxis);
    option.yAxis = Array.isArray(option.yAxis) ? option.yAxis : axisNumbers(option.yAxis);
    if (option.tooltip) option.tooltip = Object.assign({ valueFormatter: localNumber }, option.tooltip);
    if (option.legend) option.legend = Object.assign({ textStyle: { color: text } }, option.legend);
    option.animation = false;
    option.textStyle = Object.assign({ fontFamily: style.getPropertyValue("--font-sans").trim() || "system-ui" }, option.textStyle || {});
    return option;
  }

  function draw(element) {
    if (!window.echarts) return;
    var source = document.getElementById(element.getAttribute("data-insight-chart"));
    if (!source) return;
    var style = getComputedStyle(document.documentElement);
    var option = themed(resolve(JSON.parse(source.textContent), style), style);
    // A chart with a row per team grows with its rows, so that every label stays readable.
    if (option.yAxis && option.yAxis.type === "category" && option.yAxis.data) {
      element.style.height = Math.max(260, 96 + option.yAxis.data.length * 28) + "px";
    }
    // On a phone, team names get less room and the heatmap's cells lose their numbers.
    if (element.clientWidth < 420) {
      if (option.yAxis && option.yAxis.axisLabel && option.yAxis.axisLabel.width) {
        // Names that share a beginning ("Enterprise Sales (Berlin)") wrap rather than cut.
        option.yAxis.axisLabel = Object.assign({}, option.yAxis.axisLabel, { width: 110, overflow: "break", fontSize: 10, lineHeight: 12 });
      }
      (option.series || []).forEach(function (series) {
        if (series.type === "heatmap" && series.label) series.label.show = false;
      });
    }
    var existing = window.echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption(option);
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-insight-chart]").forEach(draw);
  }

  var pending = null;
  function resizeAll() {
    if (pending) window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(function () {
      pending = null;
      if (!window.echarts) return;
      document.querySelectorAll("[data-insight-chart]").forEach(function (element) {
        var chart = window.echarts.getInstanceByDom(element);
        if (chart) chart.resize();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
  window.addEventListener("resize", resizeAll);
})();
