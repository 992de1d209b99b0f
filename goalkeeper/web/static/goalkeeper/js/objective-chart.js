/* The objective page's chart: progress over the cycle against the expected pace, drawn
   with ECharts from a json_script block (no inline script: the CSP forbids them). A
   check-in swaps the block out of band; the chart is then drawn again from the new data. */
(function () {
  "use strict";

  function token(element, name, fallback) {
    var value = getComputedStyle(element).getPropertyValue(name).trim();
    return value || fallback;
  }

  function time(iso) {
    // Dates are days: draw them at noon UTC so no time zone moves them across midnight.
    return Date.parse(iso + "T12:00:00Z");
  }

  // Dates and numbers in the page's language; the words come translated from the page
  // (data-label-* on the chart), as every text a person reads (docs/languages.md).
  function language() {
    return document.documentElement.lang || "en";
  }

  function label(ms) {
    var locale = language() === "en" ? "en-GB" : language();
    return new Date(ms).toLocaleDateString(locale, { day: "numeric", month: "short", timeZone: "UTC" });
  }

  function percent(value) {
    return new Intl.NumberFormat(language(), { maximumFractionDigits: 0 }).format(value) + "%";
  }

  function draw() {
    var element = document.querySelector("[data-objective-chart]");
    if (!element || !window.echarts) return;
    var source = document.getElementById(element.getAttribute("data-objective-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var existing = window.echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    var chart = window.echarts.init(element, null, { renderer: "svg" });

    var line = token(element, "--tone-fill", "#4338ca");
    var text = token(document.body, "--text-3", "#5d6675");
    var grid = token(document.body, "--border", "#e3e6eb");
    var ink = token(document.body, "--text", "#14181f");
    var start = time(data.start);
    var end = time(data.end);
    var points = data.points.map(function (p) { return [time(p[0]), p[1]]; });
    var highest = points.reduce(function (max, p) { return Math.max(max, p[1] || 0); }, 100);
    var marks = [];
    if (data.today) {
      marks.push({ xAxis: time(data.today), label: { formatter: element.getAttribute("data-label-today") || "Today", color: text }, lineStyle: { color: ink, opacity: 0.5, type: "solid", width: 1 } });
    }

    // A closed objective is judged by its final score: no expected pace is drawn then.
    var pace = data.pace === false ? [] : [
      {
        name: element.getAttribute("data-label-pace") || "Expected pace",
        type: "line",
        // With phased targets, the path they expect; else the straight line.
        data: data.expected ? data.expected.map(function (p) { return [time(p[0]), p[1]]; }) : [[start, 0], [end, 100]],
        symbol: "none",
        silent: true,
        lineStyle: { color: text, type: "dashed", width: 1.5 },
        markLine: marks.length ? { symbol: "none", silent: true, data: marks } : undefined
      }
    ];

    chart.setOption({
      animation: false,
      grid: { left: 44, right: 20, top: 24, bottom: 28 },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (value) { return value === null ? "-" : percent(value); },
        axisPointer: { type: "line" }
      },
      xAxis: {
        type: "time",
        min: start,
        max: end,
        splitNumber: 6,
        axisLine: { lineStyle: { color: grid } },
        axisTick: { show: false },
        axisLabel: { color: text, formatter: label, hideOverlap: true },
        splitLine: { show: false }
      },
      yAxis: {
        type: "value",
        min: 0,
        max: Math.ceil(highest / 25) * 25,
        interval: 25,
        axisLabel: { color: text, formatter: percent },
        splitLine: { lineStyle: { color: grid } }
      },
      series: pace.concat([
        {
          name: element.getAttribute("data-label-progress") || "Progress",
          type: "line",
          data: points,
          step: "end",
          symbol: "circle",
          symbolSize: 6,
          itemStyle: { color: line },
          lineStyle: { color: line, width: 2.5 },
          areaStyle: { color: line, opacity: 0.1 }
        }
      ])
    });
    element.setAttribute("data-drawn", String(points.length));
  }

  document.addEventListener("DOMContentLoaded", draw);
  // Out-of-band swaps replace the chart card after a check-in.
  document.addEventListener("htmx:afterSettle", function () {
    var element = document.querySelector("[data-objective-chart]");
    if (element && window.echarts && !window.echarts.getInstanceByDom(element)) draw();
  });
  window.addEventListener("resize", function () {
    var element = document.querySelector("[data-objective-chart]");
    var chart = element && window.echarts && window.echarts.getInstanceByDom(element);
    if (chart) chart.resize();
  });
})();
