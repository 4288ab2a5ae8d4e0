/* charts.js: a readout for the server-drawn KPI charts. Pointing at (or tabbing to) a chart shows that
   year's values as text; the data comes from the <script type="application/json" class="chart-data">
   block beside each chart. Everything here only adds to charts that already work without script. */
(function () {
  "use strict";
  var WIDTH = 640, LEFT = 72, RIGHT = 16;
  var lang = document.documentElement.lang === "en" ? "en" : "ja";
  var names = lang === "en"
    ? { actual: "Actual", expected: "Expected", target: "Target", forecast: "Forecast" }
    : { actual: "実績", expected: "期待値", target: "目標", forecast: "予測" };

  function valueAt(points, year) {
    for (var i = 0; i < points.length; i++) { if (points[i][0] === year) { return points[i][1]; } }
    return null;
  }
  function format(value, unit) {
    return value.toLocaleString(lang === "en" ? "en-US" : "ja-JP", { maximumFractionDigits: 2 }) + (unit || "");
  }
  function describe(data, year) {
    var parts = [];
    ["actual", "expected", "target_line", "forecast"].forEach(function (key) {
      var value = valueAt(data[key] || [], year);
      if (value !== null) { parts.push(names[key === "target_line" ? "target" : key] + " " + format(value, data.unit)); }
    });
    return (lang === "en" ? "FY" + year : year + "年度") + ": " + (parts.length ? parts.join(" / ") : "—");
  }

  document.querySelectorAll("script.chart-data").forEach(function (block) {
    var article = document.getElementById(block.getAttribute("data-for"));
    var svg = article && article.querySelector("svg.chart");
    var data;
    try { data = JSON.parse(block.textContent || "{}"); } catch (error) { return; }
    if (!svg || !data.years || !data.years.length) { return; }
    var readout = document.createElement("p");
    readout.className = "hint readout";
    readout.setAttribute("aria-live", "polite");
    svg.parentNode.insertBefore(readout, svg.nextSibling);
    var index = data.years.length - 1;
    function show(i) {
      index = Math.max(0, Math.min(data.years.length - 1, i));
      readout.textContent = describe(data, data.years[index]);
    }
    svg.setAttribute("tabindex", "0");
    svg.addEventListener("mousemove", function (event) {
      var box = svg.getBoundingClientRect();
      var x = (event.clientX - box.left) * WIDTH / box.width;
      var band = (WIDTH - LEFT - RIGHT) / data.years.length;
      show(Math.floor((x - LEFT) / band));
    });
    svg.addEventListener("focus", function () { show(index); });
    svg.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { show(index - 1); event.preventDefault(); }
      if (event.key === "ArrowRight") { show(index + 1); event.preventDefault(); }
    });
  });
})();
