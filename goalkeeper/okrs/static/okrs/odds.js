/* The fan chart of a key result's odds page: its history, the 10-90% and 25-75% bands of
   the simulated value to the cycle end, the median and the target line, drawn with ECharts
   from a json_script block (no inline script: the CSP forbids them). */
(function () {
  "use strict";

  function token(name, fallback) {
    var value = getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  function language() {
    return document.documentElement.lang || "en";
  }

  function day(ms) {
    var locale = language() === "en" ? "en-GB" : language();
    return new Date(ms).toLocaleDateString(locale, { day: "numeric", month: "short" });
  }

  function number(value) {
    return new Intl.NumberFormat(language(), { maximumFractionDigits: 1 }).format(value);
  }

  function draw() {
    var element = document.querySelector("[data-odds-chart]");
    if (!element || !window.echarts) return;
    var source = document.getElementById(element.getAttribute("data-odds-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var existing = window.echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    var chart = window.echarts.init(element, null, { renderer: "svg" });

    var brand = token("--brand", "#4338ca");
    var text = token("--text-3", "#5d6675");
    var grid = token("--border", "#e3e6eb");
    var ink = token("--text", "#14181f");
    var history = data.history.map(function (p) { return [Date.parse(p[0]), p[1]]; });
    // The fan opens at the last value of the history: there, every outcome is that value.
    var last = history[history.length - 1];
    var steps = [[last[0], last[1], last[1], last[1], last[1], last[1]]].concat(
      data.fan.map(function (s) { return [Date.parse(s[0]), s[1], s[2], s[3], s[4], s[5]]; })
    );
    function column(index) { return steps.map(function (s) { return [s[0], s[index]]; }); }
    function width(low, high) { return steps.map(function (s) { return [s[0], s[high] - s[low]]; }); }
    var label = function (name, fallback) { return element.getAttribute("data-label-" + name) || fallback; };
    var values = history.map(function (p) { return p[1]; }).concat(steps.map(function (s) { return s[1]; }), steps.map(function (s) { return s[5]; }));
    if (data.target !== null) values.push(data.target);
    // Round the axis to a nice step that holds every value, the bands and the target.
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    var rough = (high - low) / 5 || 1;
    var power = Math.pow(10, Math.floor(Math.log10(rough)));
    var step = [1, 2, 2.5, 5, 10].map(function (f) { return f * power; }).filter(function (s) { return s >= rough; })[0];
    var band = { type: "line", symbol: "none", silent: true, lineStyle: { opacity: 0 } };

    chart.setOption({
      animation: false,
      grid: { left: 56, right: 24, top: 24, bottom: 28 },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var at = items.length ? items[0].value[0] : null;
          var step = steps.filter(function (s) { return s[0] === at; })[0];
          var point = history.filter(function (p) { return p[0] === at; })[0];
          var lines = [at === null ? "" : day(at)];
          if (point) lines.push(label("history", "History") + ": " + number(point[1]));
          if (step && step !== steps[0]) {
            lines.push(label("median", "Median") + ": " + number(step[3]));
            lines.push(label("inner", "25-75%") + ": " + number(step[2]) + " – " + number(step[4]));
            lines.push(label("outer", "10-90%") + ": " + number(step[1]) + " – " + number(step[5]));
          }
          return lines.join("<br>");
        }
      },
      xAxis: {
        type: "time",
        min: Date.parse(data.start),
        max: Date.parse(data.end),
        splitNumber: 6,
        axisLine: { lineStyle: { color: grid } },
        axisTick: { show: false },
        axisLabel: { color: text, formatter: day, hideOverlap: true },
        splitLine: { show: false }
      },
      yAxis: {
        type: "value",
        min: Math.floor(low / step) * step,
        max: Math.ceil(high / step) * step,
        interval: step,
        axisLabel: { color: text, formatter: number },
        splitLine: { lineStyle: { color: grid } }
      },
      series: [
        Object.assign({ name: "p10", stack: "outer", data: column(1) }, band),
        Object.assign({ name: label("outer", "10-90%"), stack: "outer", data: width(1, 5), areaStyle: { color: brand, opacity: 0.12 } }, band),
        Object.assign({ name: "p25", stack: "inner", data: column(2) }, band),
        Object.assign({ name: label("inner", "25-75%"), stack: "inner", data: width(2, 4), areaStyle: { color: brand, opacity: 0.25 } }, band),
        {
          name: label("median", "Median"),
          type: "line",
          data: column(3),
          symbol: "none",
          lineStyle: { color: brand, width: 1.5, type: "dotted" }
        },
        {
          name: label("history", "History"),
          type: "line",
          data: history,
          symbol: "circle",
          symbolSize: 6,
          itemStyle: { color: brand },
          lineStyle: { color: brand, width: 2.5 },
          markLine: {
            symbol: "none",
            silent: true,
            data: [].concat(
              data.target === null ? [] : [{ yAxis: data.target, label: { formatter: label("target", "Target"), color: ink, position: "insideEndTop" }, lineStyle: { color: ink, type: "dashed", width: 1.5 } }],
              [{ xAxis: Date.parse(data.today), label: { formatter: label("today", "Today"), color: text }, lineStyle: { color: text, type: "solid", width: 1, opacity: 0.5 } }]
            )
          }
        }
      ]
    });
    element.setAttribute("data-drawn", String(history.length));
  }

  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () {
    var element = document.querySelector("[data-odds-chart]");
    var chart = element && window.echarts && window.echarts.getInstanceByDom(element);
    if (chart) chart.resize();
  });
})();
