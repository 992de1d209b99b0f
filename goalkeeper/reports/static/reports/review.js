/* The cycle review's charts: objectives by score band, for the whole scope and per team,
   drawn with ECharts from a json_script block (no inline script: the CSP forbids them).
   Final scores take the design's band colours; provisional ones stay neutral. */
(function () {
  "use strict";

  function token(name, fallback) {
    var value = getComputedStyle(document.body).getPropertyValue(name).trim();
    return value || fallback;
  }

  var FILLS = { full: ["--green-ink", "#14532d"], green: ["--green-fill", "#16a34a"], yellow: ["--amber-fill", "#f59e0b"], red: ["--red-fill", "#dc2626"] };

  function fill(tone, final) {
    if (!final) return token("--brand", "#4338ca");
    var found = FILLS[tone] || ["--text-3", "#5d6675"];
    return token(found[0], found[1]);
  }

  function base() {
    return {
      animation: false,
      textStyle: { color: token("--text-3", "#5d6675") },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }
    };
  }

  function drawBands(element, data) {
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    var option = base();
    option.grid = { left: 40, right: 16, top: 16, bottom: 28 };
    option.xAxis = { type: "category", data: data.bands.labels, axisTick: { show: false }, axisLabel: { interval: 0 } };
    option.yAxis = { type: "value", minInterval: 1, splitLine: { lineStyle: { color: token("--border", "#e3e6eb") } } };
    option.series = [{
      name: data.objectives || "Objectives",
      type: "bar",
      barMaxWidth: 56,
      data: data.bands.counts.map(function (count, index) {
        return { value: count, itemStyle: { color: fill(data.bands.tones[index], data.final), borderRadius: [4, 4, 0, 0] } };
      })
    }];
    chart.setOption(option);
    return chart;
  }

  function drawTeams(element, data) {
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    var option = base();
    var names = data.teams.names.slice().reverse();
    element.style.height = Math.max(160, 28 * names.length + 60) + "px";
    chart.resize();
    option.legend = { top: 0, textStyle: { color: token("--text-3", "#5d6675") } };
    option.grid = { left: 8, right: 16, top: 32, bottom: 8, containLabel: true };
    option.xAxis = { type: "value", minInterval: 1, splitLine: { lineStyle: { color: token("--border", "#e3e6eb") } } };
    option.yAxis = { type: "category", data: names, axisTick: { show: false }, axisLabel: { width: 160, overflow: "truncate" } };
    var shades = [0.55, 0.75, 0.9, 1];
    option.series = data.teams.series.map(function (band, index) {
      return {
        name: band.label,
        type: "bar",
        stack: "bands",
        barMaxWidth: 18,
        itemStyle: { color: fill(band.tone, data.final), opacity: data.final ? 1 : shades[index] },
        data: band.counts.slice().reverse()
      };
    });
    chart.setOption(option);
    return chart;
  }

  // The calibration: a bar per forecaster (lower is better), the coin toss as a line.
  function drawCalibration(element, data) {
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    var option = base();
    var names = data.calibration.names.slice().reverse();
    var scores = data.calibration.scores.slice().reverse();
    var brand = token("--brand", "#4338ca");
    var muted = token("--text-3", "#5d6675");
    element.style.height = Math.max(160, 28 * names.length + 60) + "px";
    chart.resize();
    option.grid = { left: 8, right: 24, top: 24, bottom: 8, containLabel: true };
    option.xAxis = { type: "value", min: 0, max: Math.max(0.5, Math.ceil(Math.max.apply(null, scores) * 10) / 10), splitLine: { lineStyle: { color: token("--border", "#e3e6eb") } } };
    option.yAxis = { type: "category", data: names, axisTick: { show: false }, axisLabel: { width: 160, overflow: "truncate" } };
    var modelIndex = data.calibration.model ? names.length - 1 : -1;
    option.series = [{
      name: data.calibration.label,
      type: "bar",
      barMaxWidth: 18,
      data: scores.map(function (score, index) {
        return { value: score, itemStyle: { color: brand, opacity: index === modelIndex ? 1 : 0.55, borderRadius: [0, 4, 4, 0] } };
      }),
      markLine: {
        symbol: "none",
        silent: true,
        data: [{ xAxis: data.calibration.coin, label: { formatter: data.calibration.coin_label, color: muted, position: "end" }, lineStyle: { color: muted, type: "dashed" } }]
      }
    }];
    chart.setOption(option);
    return chart;
  }

  function draw() {
    var source = document.getElementById("review-charts");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    var bands = document.querySelector("[data-review-chart='bands']");
    if (bands) charts.push(drawBands(bands, data));
    var teams = document.querySelector("[data-review-chart='teams']");
    if (teams && data.teams.names.length) charts.push(drawTeams(teams, data));
    var calibration = document.querySelector("[data-review-chart='calibration']");
    if (calibration && data.calibration) charts.push(drawCalibration(calibration, data));
    window.addEventListener("resize", function () {
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
