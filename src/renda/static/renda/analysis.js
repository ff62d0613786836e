// 民意趋势: line chart of the top categories per period; data from the #analysis-data json_script tag.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("analysis-chart");
    var src = document.getElementById("analysis-data");
    if (!el || !src || typeof window.echarts === "undefined") return;
    var d = JSON.parse(src.textContent);
    var names = d.series.map(function (s) { return s.name; });
    var series = d.series.map(function (s) { return { name: s.name, type: "line", data: s.data }; });
    series.push({ name: "合计", type: "bar", data: d.total, itemStyle: { color: "#e8c4bf" }, z: 1 });
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: names.concat(["合计"]), type: "scroll" },
      grid: { left: 40, right: 10, bottom: 60 },
      xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
