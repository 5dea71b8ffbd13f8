// Rollcall: counting a draft the way its channel counts it, for the live count in the proposal form.
// The same rule as app/proposals/counting.py (read its docstring); the server's count is the one that
// decides. tests/data/x_count_cases.json holds the cases both must agree on. No dependencies.
(function (root) {
  "use strict";

  // twitter-text configuration v3.
  var X = {
    scale: 100,
    defaultWeight: 200,
    urlLength: 23,
    ranges: [[0, 4351, 100], [8192, 8205, 100], [8208, 8223, 100], [8242, 8247, 100]]
  };
  var GENERIC_TLDS = "com|org|net|gov|edu|int|mil|info|biz|io|app|dev|online|news|blog|site|tech|police|nhs|" +
    "scot|wales|cymru|london|media|social|charity|community|services";
  // Spelled out (no \w, \s or the i flag) so that JavaScript and Python read the patterns alike.
  var SPACE = "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
  var PICT = "\\u203c\\u2049\\u2122\\u2139\\u2194-\\u2199\\u21a9\\u21aa\\u231a\\u231b\\u2328\\u23cf\\u23e9-\\u23f3" +
    "\\u23f8-\\u23fa\\u24c2\\u25aa\\u25ab\\u25b6\\u25c0\\u25fb-\\u25fe\\u2600-\\u27bf\\u2934\\u2935\\u2b05-\\u2b07" +
    "\\u2b1b\\u2b1c\\u2b50\\u2b55\\u3030\\u303d\\u3297\\u3299\\u{1f000}-\\u{1f1e5}\\u{1f200}-\\u{1faff}";
  var MOD = "\\u{1f3fb}-\\u{1f3ff}";
  var EMOJI = "[\\u{1f1e6}-\\u{1f1ff}]{2}" +
    "|\\u{1f3f4}[\\u{e0020}-\\u{e007e}]+\\u{e007f}" +
    "|[0-9#*]\\ufe0f?\\u20e3" +
    "|[\\u00a9\\u00ae]\\ufe0f" +
    "|[" + PICT + "](?:\\ufe0f|[" + MOD + "])?(?:\\u200d[" + PICT + "](?:\\ufe0f|[" + MOD + "])?)*";

  function anyCase(word) {
    return word.replace(/[a-z]/g, function (c) { return "[" + c + c.toUpperCase() + "]"; });
  }

  var LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?";
  var TLD = GENERIC_TLDS.split("|").map(anyCase).join("|") + "|[A-Za-z]{2}";
  var URL = "(?:" + anyCase("http") + "[sS]?://|" + anyCase("www") + "\\.)[^" + SPACE + "]+" +
    "|(?<![A-Za-z0-9_@.\\-/])(?:" + LABEL + "\\.)+(?:" + TLD + ")(?![A-Za-z0-9_-])(?:[/?#][^" + SPACE + "]*)?";
  var TOKEN = new RegExp("(" + URL + ")|(" + EMOJI + ")", "uy");
  var TOKENS = new RegExp("(" + URL + ")|(" + EMOJI + ")", "ug");
  var TRAILING = ".,:;!?'\"";
  var IMAGE_URL = /\.(?:png|jpe?g|gif|webp|avif|svg|heic)(?:[?#]|$)/i;
  var SHORT_DOMAIN = /^[A-Za-z0-9-]+\.[A-Za-z]{2}$/;

  function occurrences(text, char) { return text.split(char).length - 1; }

  // Drop trailing punctuation that ends the sentence, not the link (balanced brackets stay).
  function trimUrl(url) {
    while (url) {
      var last = url.charAt(url.length - 1);
      if (TRAILING.indexOf(last) !== -1 || (last === ")" && occurrences(url, "(") < occurrences(url, ")"))) {
        url = url.slice(0, -1);
      } else {
        break;
      }
    }
    return url;
  }

  // A bare one-label country domain without a path ("gov.uk") is not a link, except t.co.
  function isLink(url) {
    var lower = url.toLowerCase();
    if (lower.indexOf("http://") === 0 || lower.indexOf("https://") === 0 || lower.indexOf("www.") === 0) return true;
    return lower === "t.co" || !SHORT_DOMAIN.test(url);
  }

  function links(text) {
    var found = [], normal = (text || "").normalize("NFC"), match;
    TOKENS.lastIndex = 0;
    while ((match = TOKENS.exec(normal)) !== null) {
      var url = trimUrl(match[1] || "");
      if (url && isLink(url)) found.push(url);
    }
    return found;
  }

  function weight(point) {
    for (var i = 0; i < X.ranges.length; i++) {
      if (X.ranges[i][0] <= point && point <= X.ranges[i][1]) return X.ranges[i][2];
    }
    return X.defaultWeight;
  }

  // The length X counts for a post (twitter-text config v3).
  function xWeightedLength(text) {
    var normal = (text || "").normalize("NFC"), total = 0, pos = 0;
    while (pos < normal.length) {
      TOKEN.lastIndex = pos;
      var match = TOKEN.exec(normal);
      if (match && match[1]) {
        var url = trimUrl(match[1]);
        if (url && isLink(url)) {
          total += X.urlLength * X.scale;
          pos += url.length;
          continue;
        }
        match = null;
      }
      if (match && match[2]) {
        total += X.defaultWeight;
        pos += match[0].length;
        continue;
      }
      var point = normal.codePointAt(pos);
      total += weight(point);
      pos += point > 0xffff ? 2 : 1;
    }
    return Math.floor(total / X.scale);
  }

  // Characters as a person counts them (Unicode code points after NFC).
  function characterLength(text) { return Array.from((text || "").normalize("NFC")).length; }

  var COUNTERS = { characters: characterLength, x_weighted: xWeightedLength };

  var api = {
    count: function (text, rule) { return (COUNTERS[rule] || characterLength)(text); },
    xWeightedLength: xWeightedLength,
    characterLength: characterLength,
    links: links,
    referencesImage: function (text) { return links(text).some(function (u) { return IMAGE_URL.test(u); }); }
  };
  root.RollcallCount = api;
  if (typeof module === "object" && module.exports) module.exports = api;
})(typeof window !== "undefined" ? window : globalThis);
