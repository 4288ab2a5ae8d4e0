/* site-search.js: search in the static copy of the portal (renkei build-site), with no server.
   The index (search-index.js, loaded before this script) holds each project's text folded the way the portal
   folds it (renkei.domain.text.fold_for_search): NFKC, lower case, hiragana for katakana, no middle dots.
   A query is folded alike and split at white space; a project matches when its text holds every term, so a
   two-character word such as 交通 matches anywhere, as Japanese has no spaces between words. */
(function () {
  "use strict";
  var index = window.RENKEI_SEARCH || { projects: [], municipalities: [] };
  var form = document.querySelector("form.site-search");
  var input = document.getElementById("q");
  var heading = document.getElementById("h-results");
  var list = document.getElementById("search-results");
  var members = document.getElementById("search-members");
  if (!form || !input || !heading || !list) { return; }

  function fold(text) {
    return text.normalize("NFKC").toLowerCase()
      .replace(/[\u30a1-\u30f6]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x60); })
      .replace(/[・･·‧]/g, "");
  }
  function terms(query) {
    return fold(query).split(/\s+/).filter(function (t) { return t.length > 0; });
  }
  function matches(text, words) {
    for (var i = 0; i < words.length; i++) { if (text.indexOf(words[i]) < 0) { return false; } }
    return true;
  }
  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }
  function show(query) {
    var words = terms(query);
    list.textContent = "";
    if (members) { members.textContent = ""; members.hidden = true; }
    if (!words.length) { heading.textContent = ""; return; }
    var found = index.projects.filter(function (p) { return matches(p[4], words); });
    heading.textContent = found.length
      ? heading.getAttribute("data-found").replace("{count}", found.length.toLocaleString())
      : heading.getAttribute("data-none");
    found.forEach(function (p) {
      var item = element("li", "", { "class": "card" });
      var title = element("h3", "", { "class": "card-title" });
      title.appendChild(element("a", p[1], { href: p[0], lang: "ja" }));
      item.appendChild(title);
      if (p[2]) { item.appendChild(element("p", p[2], { "class": "hint", lang: "ja" })); }
      if (p[3]) { item.appendChild(element("p", p[3], { "class": "snippet", lang: "ja" })); }
      list.appendChild(item);
    });
    var towns = index.municipalities.filter(function (m) { return matches(m[2], words); });
    if (members && towns.length) {
      members.appendChild(document.createTextNode(members.getAttribute("data-label") + ": "));
      towns.forEach(function (m, i) {
        if (i) { members.appendChild(document.createTextNode("、")); }
        members.appendChild(element("a", m[1], { href: m[0], lang: "ja" }));
      });
      members.hidden = false;
    }
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  show(query);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(input.value);
    if (window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", "?q=" + encodeURIComponent(input.value)); } catch (e) { /* file:// */ }
    }
  });
}());
