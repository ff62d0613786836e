// 办理成效: bar chart of 满意率 with its 95% interval; data comes from the #figures-data json_script tag.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("figures-chart");
    var src = document.getElementById("figures-data");
    if (!el || !src || typeof window.echarts === "undefined") return;
    var d = JSON.parse(src.textContent);
    var pct = function (v) { return v === null ? null : Math.round(v * 1000) / 10; };
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: ["满意率", "区间下限", "区间上限"] },
      grid: { left: 40, right: 10, bottom: 80 },
      xAxis: { type: "category", data: d.names, axisLabel: { rotate: 30, interval: 0 } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [
        { name: "满意率", type: "bar", data: d.rate.map(pct), itemStyle: { color: "#c0392b" } },
        { name: "区间下限", type: "line", data: d.low.map(pct), symbol: "triangle" },
        { name: "区间上限", type: "line", data: d.high.map(pct), symbol: "triangle" }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
