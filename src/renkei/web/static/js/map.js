/* map.js: link the map and its table — hovering or focusing a municipality highlights its row and back.
   No inline styles: only class names change. The map works fully without this script. */
(function () {
  "use strict";
  function codeOf(link) {
    var match = /\/municipalities\/(\d{6})/.exec(link.getAttribute("href") || "");
    return match ? match[1] : null;
  }
  function setHover(code, on) {
    document.querySelectorAll('tr[data-code="' + code + '"]').forEach(function (row) {
      row.classList.toggle("hover", on);
    });
    document.querySelectorAll("svg.map a").forEach(function (link) {
      if (codeOf(link) === code) {
        var path = link.querySelector("path");
        if (path) { path.classList.toggle("hover", on); }
      }
    });
  }
  document.querySelectorAll("svg.map a").forEach(function (link) {
    var code = codeOf(link);
    if (!code) { return; }
    ["mouseenter", "focus"].forEach(function (name) { link.addEventListener(name, function () { setHover(code, true); }); });
    ["mouseleave", "blur"].forEach(function (name) { link.addEventListener(name, function () { setHover(code, false); }); });
  });
  document.querySelectorAll("tr[data-code]").forEach(function (row) {
    var code = row.getAttribute("data-code");
    row.addEventListener("mouseenter", function () { setHover(code, true); });
    row.addEventListener("mouseleave", function () { setHover(code, false); });
  });
})();
