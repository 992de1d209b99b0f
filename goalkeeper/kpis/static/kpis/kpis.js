/* KPI pages: the history chart (ECharts), the goal fields of the KPI form, board filters.
   Data reaches the chart through a json_script block, never through inline script. */
(function () {
  "use strict";

  var PREFIX = ["$", "€", "£", "¥", "₹"];
  var TIGHT = ["%", "‰", "°", "x"];

  function token(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function number(value) {
    if (value === null || value === undefined || !isFinite(value)) return "-";
    var rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 100) / 100;
    // In the page's language: "1,234.5" in English, "1.234,5" in German.
    return rounded.toLocaleString(document.documentElement.lang || "en", { maximumFractionDigits: 2 });
  }

  function withUnit(value, unit) {
    var text = number(value);
    if (!unit || text === "-") return text;
    if (PREFIX.indexOf(unit) >= 0) return text.charAt(0) === "-" ? "-" + unit + text.slice(1) : unit + text;
    if (TIGHT.indexOf(unit) >= 0) return text + unit;
    return text + " " + unit;
  }

  function bounds(data) {
    var values = data.points.map(function (p) { return p.value; }).filter(function (v) { return v !== null; });
    if (data.limits) values.push(data.limits.lower, data.limits.upper);
    [data.target, data.warning, data.low, data.high].forEach(function (v) {
      if (v !== null && v !== undefined && data.direction !== "in_range") values.push(v);
    });
    if (data.direction === "in_range") {
      [data.low, data.high].forEach(function (v) { if (v !== null) values.push(v); });
    }
    var low = Math.min.apply(null, values);
    var high = Math.max.apply(null, values);
    var pad = (high - low) * 0.08 || Math.abs(high) * 0.1 || 1;
    var positive = low >= 0;
    low -= pad;
    high += pad;
    // Round outwards to a step of the data's magnitude, so the axis ends on numbers
    // people would write (50%, not 45.44%).
    var step = Math.pow(10, Math.floor(Math.log10(high - low)));
    if ((high - low) / step < 3) step /= 2;
    var min = Math.floor(low / step) * step;
    if (positive && min < 0) min = 0;
    return { min: min, max: Math.ceil(high / step) * step };
  }

  // The chart's words, translated by the page (data-label-* attributes of the chart).
  function labelsOf(element) {
    function label(name, fallback) {
      return element.getAttribute("data-label-" + name) || fallback;
    }
    return {
      target: label("target", "Target"),
      low: label("low", "Low"),
      high: label("high", "High"),
      value: label("value", "Value"),
      soFar: label("so-far", "(so far)"),
      oneValue: label("one-value", "{n} value"),
      values: label("values", "{n} values"),
      centre: label("centre", "Centre"),
      lower: label("lower", "Lower limit"),
      upper: label("upper", "Upper limit"),
      baseline: label("baseline", "Baseline"),
      earlier: label("earlier", "Earlier baseline"),
      signal: label("signal", "Signal")
    };
  }

  function goalMarks(data, colors, words) {
    var lines = [];
    var areas = [];
    if (data.direction === "in_range") {
      lines.push({ yAxis: data.low, name: words.low + " " + withUnit(data.low, data.unit) });
      lines.push({ yAxis: data.high, name: words.high + " " + withUnit(data.high, data.unit) });
      areas.push([{ yAxis: data.low, itemStyle: { color: colors.greenBand } }, { yAxis: data.high }]);
      if (data.warning) {
        areas.push([{ yAxis: data.low - data.warning, itemStyle: { color: colors.yellowBand } }, { yAxis: data.low }]);
        areas.push([{ yAxis: data.high, itemStyle: { color: colors.yellowBand } }, { yAxis: data.high + data.warning }]);
      }
    } else if (data.target !== null) {
      lines.push({ yAxis: data.target, name: words.target + " " + withUnit(data.target, data.unit) });
      if (data.warning !== null) {
        areas.push([{ yAxis: data.warning, itemStyle: { color: colors.yellowBand } }, { yAxis: data.target }]);
      }
    }
    return { lines: lines, areas: areas };
  }

  // Process limits (docs/signals.md): the centre line, the two natural process limits
  // (dotted), the baseline's periods shaded, and each signalled point by its index.
  function limitMarks(data, colors, words, marks) {
    var limits = data.limits;
    var signals = {};
    if (!limits) return signals;
    marks.lines.push({
      yAxis: limits.centre,
      name: words.centre + " " + withUnit(limits.centre, data.unit),
      lineStyle: { type: "solid", color: colors.grey, width: 1.5 },
      label: { position: "insideStartTop", color: colors.text }
    });
    [["lower", "insideStartBottom"], ["upper", "insideStartTop"]].forEach(function (side) {
      marks.lines.push({
        yAxis: limits[side[0]],
        name: words[side[0]] + " " + withUnit(limits[side[0]], data.unit),
        lineStyle: { type: "dotted", color: colors.signal, width: 1.5 },
        label: { position: side[1], color: colors.signal }
      });
    });
    if (limits.baseline) {
      marks.areas.push([
        {
          xAxis: data.points[limits.baseline[0]].label,
          name: words.baseline,
          itemStyle: { color: colors.baselineBand },
          label: { position: "insideTop", color: colors.text }
        },
        { xAxis: data.points[limits.baseline[1]].label }
      ]);
    }
    (limits.earlier || []).forEach(function (span) {
      marks.areas.push([
        {
          xAxis: data.points[span[0]].label,
          name: words.earlier,
          itemStyle: { color: colors.earlierBand },
          label: { position: "insideTop", color: colors.text }
        },
        { xAxis: data.points[span[1]].label }
      ]);
    });
    limits.signals.forEach(function (signal) { signals[signal.index] = signal; });
    return signals;
  }

  function initChart(element) {
    if (typeof echarts === "undefined") return;
    var source = document.getElementById(element.getAttribute("data-kpi-chart"));
    if (!source) return;
    var data = JSON.parse(source.textContent);
    var colors = {
      green: token("--green-fill", "#16a34a"),
      yellow: token("--amber-fill", "#f59e0b"),
      red: token("--red-fill", "#dc2626"),
      grey: token("--grey-fill", "#98a2b3"),
      line: token("--brand", "#4338ca"),
      text: token("--text-3", "#5d6675"),
      border: token("--border", "#e3e6eb"),
      greenBand: "rgba(22, 163, 74, 0.10)",
      signal: token("--kind-aspirational-ink", "#5b2a86"),
      baselineBand: "rgba(91, 42, 134, 0.09)",
      earlierBand: "rgba(91, 42, 134, 0.035)",
      yellowBand: "rgba(245, 158, 11, 0.16)"
    };
    var words = labelsOf(element);
    var marks = goalMarks(data, colors, words);
    var signals = limitMarks(data, colors, words, marks);
    var range = bounds(data);
    var many = data.points.length > 60;
    var chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 16, top: 24, bottom: many ? 56 : 24, containLabel: true },
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var point = data.points[items[0].dataIndex];
          var box = window.goalkeeperTooltip(
            point.label + (point.complete ? "" : " " + words.soFar),
            withUnit(point.value, data.unit),
            point.count
              ? (point.count === 1 ? words.oneValue : words.values).replace("{n}", number(point.count))
              : ""
          );
          var signal = signals[items[0].dataIndex];
          if (signal) {
            box.appendChild(document.createElement("br"));
            var line = document.createElement("b");
            line.style.color = colors.signal;
            line.textContent = words.signal + ": " + signal.label;
            box.appendChild(line);
          }
          return box;
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
        min: range.min,
        max: range.max,
        splitLine: { lineStyle: { color: colors.border } },
        axisLabel: { color: colors.text, formatter: function (v) { return withUnit(v, data.unit); } }
      },
      dataZoom: many ? [
        { type: "inside", startValue: Math.max(data.points.length - 60, 0) },
        { type: "slider", startValue: Math.max(data.points.length - 60, 0), height: 20, bottom: 8 }
      ] : [],
      series: [{
        type: "line",
        name: words.value,
        connectNulls: false,
        showSymbol: data.points.length <= 120,
        // Every signalled point keeps its ring, however many points share the axis.
        showAllSymbol: data.limits ? true : "auto",
        symbolSize: 7,
        lineStyle: { color: colors.line, width: 2 },
        itemStyle: { color: colors.line },
        data: data.points.map(function (p, index) {
          if (p.value === null) return null;
          var point = {
            value: p.value,
            itemStyle: { color: colors[p.health] || colors.grey, opacity: p.complete ? 1 : 0.45 }
          };
          if (signals[index]) {
            point.symbolSize = element.clientWidth < 500 ? 8 : 12;
            point.symbol = "circle";
            point.itemStyle.borderColor = colors.signal;
            point.itemStyle.borderWidth = element.clientWidth < 500 ? 2 : 3;
          }
          return point;
        }),
        markLine: {
          silent: true,
          symbol: "none",
          lineStyle: { type: "dashed", color: colors.green, width: 1.5 },
          label: { formatter: "{b}", position: "insideEndTop", color: colors.text },
          data: marks.lines
        },
        markArea: { silent: true, data: marks.areas }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function initGoalFields(form) {
    function update() {
      var checked = form.querySelector("input[name=direction]:checked");
      var range = checked && checked.value === "in_range";
      form.querySelectorAll("[data-goal]").forEach(function (field) {
        field.hidden = (field.getAttribute("data-goal") === "range") !== range;
      });
    }
    form.addEventListener("change", function (event) {
      if (event.target && event.target.name === "direction") update();
    });
    update();
  }

  function initAutosubmit(form) {
    form.addEventListener("change", function () { form.requestSubmit ? form.requestSubmit() : form.submit(); });
    var button = form.querySelector("button[type=submit]");
    if (button) button.hidden = true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-kpi-chart]").forEach(initChart);
    document.querySelectorAll("[data-kpi-form]").forEach(initGoalFields);
    document.querySelectorAll("[data-autosubmit]").forEach(initAutosubmit);
  });
})();
