/* site-search.js: search in the static copy of the portal (renkei build-site), with no server.
   The index (search-index.js, loaded before this script) holds each project's text folded the way the portal
   folds it (renkei.domain.text.fold_for_search): NFKC, lower case, hiragana for katakana, no middle dots.
   A query is folded alike and split at white space; a project matches when its text holds every term, so a
   two-character word such as 交通 matches anywhere, as Japanese has no spaces between words.
   As in the portal (renkei.web.search_terms), a term in kana that begins a member's reading also matches the
   member's name (かんだ finds the projects of 苅田町), and an empty result suggests what to try
   (renkei.web.suggestion): one term alone, a matching member's page and projects, a close project name
   (rapidfuzz's partial ratio, written out below), each with the number of results it leads to. */
(function () {
  "use strict";
  var index = window.RENKEI_SEARCH || { projects: [], municipalities: [], rules: {} };
  var rules = index.rules || {};
  var endings = rules.endings || ["ちょう", "まち", "むら", "そん", "し"];
  var cutoff = rules.cutoff || 70, limit = rules.limit || 3;
  var form = document.querySelector("form.site-search");
  var input = document.getElementById("q");
  var heading = document.getElementById("h-results");
  var list = document.getElementById("search-results");
  var members = document.getElementById("search-members");
  var suggestions = document.getElementById("search-suggestions");
  var wordsBlock = document.getElementById("suggest-words");
  var words = { count: "{count}", kinds: {} };
  if (!form || !input || !heading || !list) { return; }
  try { if (wordsBlock) { words = JSON.parse(wordsBlock.textContent || "{}"); } } catch (error) { /* keep defaults */ }

  var JOINED = /((?:[A-Za-z]・)+[A-Za-z])([^\sA-Za-z・]\S*)/g;
  function fold(text) {
    var normal = text.normalize("NFKC").replace(JOINED, function (whole, letters, word) {
      return whole + " " + letters.split("・").map(function (letter) { return letter + word; }).join(" ");
    });
    return normal.toLowerCase()
      .replace(/[\u30a1-\u30f6]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x60); })
      .replace(/[・･·‧]/g, "");
  }
  function terms(query) {  /* renkei.domain.text.search_terms: control characters dropped, NFKC, split, folded */
    return query.replace(/[\u0000-\u001f\u007f-\u009f]/g, function (c) { return /\s/.test(c) ? c : ""; })
      .normalize("NFKC").split(/\s+/).filter(function (t) { return t.length > 0; }).map(fold);
  }
  function written(query) { return query.split(/\s+/).filter(function (t) { return t.length > 0; }); }
  function isKana(term) { return /^[\u3041-\u3096\u30fc]+$/.test(term); }
  function stem(reading) {
    for (var i = 0; i < endings.length; i++) {
      var ending = endings[i];
      if (reading.length > ending.length && reading.slice(-ending.length) === ending) {
        return reading.slice(0, -ending.length);
      }
    }
    return reading;
  }
  function readsAs(term, reading) {  /* renkei.web.search_terms.reads_as */
    if (!term || !isKana(term) || reading.indexOf(term) !== 0) { return false; }
    return Array.from(term).length >= 3 || term === stem(reading);
  }
  function variants(term) {
    var found = [term];
    index.municipalities.forEach(function (m) { if (readsAs(term, m[3])) { found.push(m[2]); } });
    return found;
  }
  function matches(text, allVariants) {
    return allVariants.every(function (term) {
      return term.some(function (variant) { return text.indexOf(variant) >= 0; });
    });
  }
  function findProjects(words) {
    var all = words.map(variants);
    return index.projects.filter(function (p) { return matches(p[4], all); });
  }
  function findMembers(words) {  /* renkei.web.suggestion.matching_members */
    if (!words.length) { return []; }
    return index.municipalities.filter(function (m) {
      return words.every(function (term) { return m[2].indexOf(term) >= 0 || readsAs(term, m[3]); });
    });
  }

  /* rapidfuzz.fuzz.partial_ratio: the best fuzz.ratio of the shorter string against windows of the longer. */
  function lcs(a, b) {
    var row = new Array(b.length + 1).fill(0);
    for (var i = 1; i <= a.length; i++) {
      var previous = 0;
      for (var j = 1; j <= b.length; j++) {
        var kept = row[j];
        row[j] = a[i - 1] === b[j - 1] ? previous + 1 : Math.max(row[j], row[j - 1]);
        previous = kept;
      }
    }
    return row[b.length];
  }
  function ratio(a, b) {
    var total = a.length + b.length;
    return total ? 1 - (total - 2 * lcs(a, b)) / total : 1;
  }
  function partialImpl(shorter, longer) {
    var best = 0, chars = new Set(shorter), n = shorter.length, m = longer.length, i;
    for (i = 1; i < n; i++) {
      if (chars.has(longer[i - 1])) { best = Math.max(best, ratio(shorter, longer.slice(0, i))); }
    }
    for (i = 0; i < m - n; i++) {
      if (chars.has(longer[i + n - 1])) { best = Math.max(best, ratio(shorter, longer.slice(i, i + n))); }
    }
    for (i = Math.max(m - n, 0); i < m; i++) {
      if (chars.has(longer[i])) { best = Math.max(best, ratio(shorter, longer.slice(i))); }
    }
    return best * 100;
  }
  function partialRatio(a, b) {
    var s1 = Array.from(a), s2 = Array.from(b);
    if (!s1.length && !s2.length) { return 100; }
    var score = s1.length <= s2.length ? partialImpl(s1, s2) : partialImpl(s2, s1);
    if (score !== 100 && s1.length === s2.length) { score = Math.max(score, partialImpl(s2, s1)); }
    return score;
  }
  function closeNames(query) {  /* renkei.web.suggestion.close_names */
    var folded = fold(query).trim();
    if (Array.from(folded).length < 2) { return []; }
    var scored = [];
    index.projects.forEach(function (p, at) {
      var score = partialRatio(folded, p[5]);
      if (score >= cutoff) { scored.push({ project: p, score: score, at: at }); }
    });
    scored.sort(function (x, y) { return y.score - x.score || x.at - y.at; });
    return scored.slice(0, limit).map(function (s) { return s.project; });
  }
  function suggest(query, words) {  /* renkei.web.suggestion.suggest, for a page with no filters */
    var found = [];
    if (words.length > 1) {
      written(query).forEach(function (term) {
        var n = findProjects(terms(term)).length;
        if (n) { found.push({ kind: "term", label: term, href: "?q=" + encodeURIComponent(term), count: n }); }
      });
    }
    findMembers(words).forEach(function (m) {
      found.push({ kind: "municipality", label: m[1], href: m[0], count: null });
      if (m[5]) { found.push({ kind: "municipality_filter", label: m[1], href: m[4], count: m[5] }); }
    });
    closeNames(query).forEach(function (p) { found.push({ kind: "name", label: p[1], href: p[0], count: null }); });
    return found;
  }

  function element(tag, text, attributes) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }
  function japanese(text) { return /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/.test(text); }
  function showSuggestions(found) {
    if (!suggestions) { return; }
    var items = suggestions.querySelector("ul");
    items.textContent = "";
    found.forEach(function (s) {
      var around = words.kinds[s.kind] || ["", ""];
      var item = element("li"), link = element("a", "", { href: s.href });
      link.appendChild(document.createTextNode(around[0]));
      link.appendChild(element("span", s.label, japanese(s.label) ? { lang: "ja" } : {}));
      link.appendChild(document.createTextNode(around[1]));
      item.appendChild(link);
      if (s.count !== null) {
        item.appendChild(document.createTextNode(" "));
        item.appendChild(element("span", words.count.replace("{count}", s.count.toLocaleString()), { "class": "count" }));
      }
      items.appendChild(item);
    });
    suggestions.hidden = !found.length;
  }
  function show(query) {
    var words = terms(query);
    list.textContent = "";
    if (members) { members.textContent = ""; members.hidden = true; }
    showSuggestions([]);
    if (!words.length) { heading.textContent = ""; return; }
    var found = findProjects(words);
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
    var towns = findMembers(words);
    if (members && towns.length) {
      members.appendChild(document.createTextNode(members.getAttribute("data-label") + ": "));
      towns.forEach(function (m, i) {
        if (i) { members.appendChild(document.createTextNode("、")); }
        members.appendChild(element("a", m[1], { href: m[0], lang: "ja" }));
      });
      members.hidden = false;
    }
    if (!found.length) { showSuggestions(suggest(query, words)); }
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
