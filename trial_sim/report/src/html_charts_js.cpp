// The page's own script: turns the report's chart list (JSON written by
// html_report.cpp) into Vega specifications and renders them. Kept as one
// raw string so the binary needs no data file of its own besides Debian's
// Vega; it runs after the Vega modules are loaded (html_page in html_report.cpp).
#include "html_report_parts.hpp"

namespace twinsim::trial::detail {

const char* html_charts_js() {
  return R"JS(
(function () {
  'use strict';
  var report = JSON.parse(document.getElementById('twinsim-data').textContent);
  var palette = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac', '#eeca3b'];
  var W = 560, H = 260;

  function colour(domain) {
    return {name: 'colour', type: 'ordinal', domain: domain, range: palette};
  }
  function uniq(rows, key) {
    var seen = [], out = [];
    rows.forEach(function (r) { if (seen.indexOf(r[key]) < 0) { seen.push(r[key]); out.push(r[key]); } });
    return out;
  }
  function axes(xTitle, yTitle) {
    return [{orient: 'bottom', scale: 'x', title: xTitle}, {orient: 'left', scale: 'y', title: yTitle, grid: true}];
  }
  function legend(title) {
    return [{fill: 'colour', title: title, orient: 'right'}];
  }

  // Grouped bars per x with 95 % error bars (value +/- 1.96 SE), optionally a
  // reference line (e.g. the true P(DLT) curve) drawn in black.
  function barsSpec(c) {
    // One bar per x (a chart by design): no slots within the band.
    var solo = c.data.every(function (r) { return r.x === r.series; });
    c.data.forEach(function (r) { r.slot = solo ? '' : r.series; });
    var series = uniq(c.data, 'series');
    var spec = {
      width: W, height: H, padding: 5,
      data: [{name: 'table', values: c.data}, {name: 'line', values: c.line || []}],
      scales: [
        {name: 'x', type: 'band', domain: uniq(c.data, 'x'), range: 'width', padding: 0.2},
        {name: 'inner', type: 'band', domain: uniq(c.data, 'slot'), range: [0, {signal: "bandwidth('x')"}], padding: 0.1},
        {name: 'y', type: 'linear', domain: {fields: [{data: 'table', field: 'hi'}, {data: 'table', field: 'value'}, {data: 'line', field: 'y'}]},
         range: 'height', nice: true, zero: true},
        colour(series)
      ],
      axes: axes(c.x_title, c.y_title),
      legends: legend(c.series_title || 'design'),
      marks: [
        {type: 'rect', from: {data: 'table'}, encode: {enter: {
          x: {scale: 'x', field: 'x', offset: {scale: 'inner', field: 'slot'}},
          width: {scale: 'inner', band: 1}, y: {scale: 'y', field: 'value'}, y2: {scale: 'y', value: 0},
          fill: {scale: 'colour', field: 'series'}, tooltip: {signal: "datum.series + ' ' + datum.x + ': ' + format(datum.value, '.4~g')"}}}},
        {type: 'rule', from: {data: 'table'}, encode: {enter: {
          x: {scale: 'x', field: 'x', offset: {signal: "scale('inner', datum.slot) + bandwidth('inner') / 2"}},
          y: {scale: 'y', field: 'lo'}, y2: {scale: 'y', field: 'hi'}, stroke: {value: '#222'}, strokeWidth: {value: 1.5}}}},
        {type: 'line', from: {data: 'line'}, encode: {enter: {
          x: {scale: 'x', field: 'x', band: 0.5}, y: {scale: 'y', field: 'y'}, stroke: {value: '#000'}, strokeWidth: {value: 2}}}},
        {type: 'symbol', from: {data: 'line'}, encode: {enter: {
          x: {scale: 'x', field: 'x', band: 0.5}, y: {scale: 'y', field: 'y'}, fill: {value: '#000'}, size: {value: 30},
          tooltip: {signal: "datum.label + ': ' + format(datum.y, '.3f')"}}}}
      ]
    };
    return spec;
  }

  // Forest plot: one row per comparison, point and 95 % interval, a rule at 0.
  function forestSpec(c) {
    var rows = uniq(c.data, 'row');
    return {
      width: W, height: Math.max(60, 24 * rows.length), padding: 5,
      data: [{name: 'table', values: c.data}],
      scales: [
        {name: 'y', type: 'band', domain: rows, range: 'height', padding: 0.3},
        {name: 'x', type: 'linear', domain: {fields: [{data: 'table', field: 'lo'}, {data: 'table', field: 'hi'}, {data: 'table', field: 'value'}]},
         range: 'width', nice: true, zero: true},
        colour(uniq(c.data, 'series'))
      ],
      axes: [{orient: 'bottom', scale: 'x', title: c.x_title, grid: true}, {orient: 'left', scale: 'y', title: null, labelLimit: 420}],
      legends: legend('design'),
      marks: [
        {type: 'rule', encode: {enter: {x: {scale: 'x', value: 0}, y: {value: 0}, y2: {signal: 'height'}, stroke: {value: '#888'}, strokeDash: {value: [4, 3]}}}},
        {type: 'rule', from: {data: 'table'}, encode: {enter: {
          y: {scale: 'y', field: 'row', band: 0.5}, x: {scale: 'x', field: 'lo'}, x2: {scale: 'x', field: 'hi'},
          stroke: {scale: 'colour', field: 'series'}, strokeWidth: {value: 2}}}},
        {type: 'symbol', from: {data: 'table'}, encode: {enter: {
          y: {scale: 'y', field: 'row', band: 0.5}, x: {scale: 'x', field: 'value'}, shape: {value: 'diamond'}, size: {value: 90},
          fill: {scale: 'colour', field: 'series'},
          tooltip: {signal: "datum.row + ': ' + format(datum.value, '.4~g') + ' [' + format(datum.lo, '.4~g') + ', ' + format(datum.hi, '.4~g') + ']'"}}}}
      ]
    };
  }

  // Percentile bands (5-95 % area, median line) of a time course, one colour per dose.
  function bandsSpec(c) {
    var series = uniq(c.data, 'series');
    return {
      width: W, height: H, padding: 5,
      data: [{name: 'table', values: c.data}],
      scales: [
        {name: 'x', type: 'linear', domain: {data: 'table', field: 't'}, range: 'width', nice: true, zero: false},
        {name: 'y', type: 'linear', domain: {fields: [{data: 'table', field: 'lo'}, {data: 'table', field: 'hi'}]}, range: 'height', nice: true, zero: false},
        colour(series)
      ],
      axes: axes(c.x_title, c.y_title),
      legends: legend(c.series_title || 'dose'),
      marks: [{
        type: 'group', from: {facet: {name: 'one', data: 'table', groupby: 'series'}},
        marks: [
          {type: 'area', from: {data: 'one'}, encode: {enter: {
            x: {scale: 'x', field: 't'}, y: {scale: 'y', field: 'lo'}, y2: {scale: 'y', field: 'hi'},
            fill: {scale: 'colour', field: 'series'}, fillOpacity: {value: 0.18}}}},
          {type: 'line', from: {data: 'one'}, encode: {enter: {
            x: {scale: 'x', field: 't'}, y: {scale: 'y', field: 'mid'}, stroke: {scale: 'colour', field: 'series'}, strokeWidth: {value: 2}}}}
        ]
      }]
    };
  }

  // Box per x and series: whiskers 5-95 %, box 25-75 %, tick at the median.
  function boxesSpec(c) {
    var series = uniq(c.data, 'series');
    var mid = "scale('inner', datum.series) + bandwidth('inner') / 2";
    return {
      width: W, height: H, padding: 5,
      data: [{name: 'table', values: c.data}],
      scales: [
        {name: 'x', type: 'band', domain: uniq(c.data, 'x'), range: 'width', padding: 0.2},
        {name: 'inner', type: 'band', domain: series, range: [0, {signal: "bandwidth('x')"}], padding: 0.2},
        {name: 'y', type: 'linear', domain: {fields: [{data: 'table', field: 'q05'}, {data: 'table', field: 'q95'}]}, range: 'height', nice: true, zero: true},
        colour(series)
      ],
      axes: axes(c.x_title, c.y_title),
      legends: legend(c.series_title || 'design'),
      marks: [
        {type: 'rule', from: {data: 'table'}, encode: {enter: {
          x: {scale: 'x', field: 'x', offset: {signal: mid}}, y: {scale: 'y', field: 'q05'}, y2: {scale: 'y', field: 'q95'}, stroke: {value: '#444'}}}},
        {type: 'rect', from: {data: 'table'}, encode: {enter: {
          x: {scale: 'x', field: 'x', offset: {scale: 'inner', field: 'series'}}, width: {scale: 'inner', band: 1},
          y: {scale: 'y', field: 'q25'}, y2: {scale: 'y', field: 'q75'}, fill: {scale: 'colour', field: 'series'}, stroke: {value: '#444'},
          tooltip: {signal: "datum.series + ' ' + datum.x + ': median ' + format(datum.q50, '.4~g') + ' (n = ' + datum.n + ')'"}}}},
        {type: 'rect', from: {data: 'table'}, encode: {enter: {
          x: {scale: 'x', field: 'x', offset: {scale: 'inner', field: 'series'}}, width: {scale: 'inner', band: 1},
          y: {scale: 'y', field: 'q50'}, height: {value: 2}, fill: {value: '#000'}}}}
      ]
    };
  }

  // Heat map: one cell per (x, y) with its value printed in it.
  function heatmapSpec(c) {
    var xs = uniq(c.data, 'x'), ys = uniq(c.data, 'y');
    return {
      width: Math.max(W, 60 * xs.length), height: Math.max(80, 36 * ys.length), padding: 5,
      data: [{name: 'table', values: c.data}],
      scales: [
        {name: 'x', type: 'band', domain: xs, range: 'width'},
        {name: 'y', type: 'band', domain: ys, range: 'height'},
        {name: 'fill', type: 'linear', domain: {data: 'table', field: 'value'}, range: {scheme: 'viridis'}, zero: false}
      ],
      axes: [{orient: 'bottom', scale: 'x', title: c.x_title, labelAngle: -40, labelAlign: 'right'}, {orient: 'left', scale: 'y', title: c.y_title}],
      legends: [{fill: 'fill', title: c.value_title, type: 'gradient'}],
      marks: [
        {type: 'rect', from: {data: 'table'}, encode: {enter: {
          x: {scale: 'x', field: 'x'}, width: {scale: 'x', band: 1}, y: {scale: 'y', field: 'y'}, height: {scale: 'y', band: 1},
          fill: {scale: 'fill', field: 'value'}, tooltip: {signal: "datum.x + ' / ' + datum.y + ': ' + datum.text"}}}},
        {type: 'text', from: {data: 'table'}, encode: {enter: {
          x: {scale: 'x', field: 'x', band: 0.5}, y: {scale: 'y', field: 'y', band: 0.5}, text: {field: 'text'},
          align: {value: 'center'}, baseline: {value: 'middle'}, fill: {value: '#fff'}, fontSize: {value: 10}}}}
      ]
    };
  }

  var builders = {bars: barsSpec, forest: forestSpec, bands: bandsSpec, boxes: boxesSpec, heatmap: heatmapSpec};
  var root = document.getElementById('twinsim-charts');
  var done = report.charts.map(function (c) {
    var section = document.createElement('section');
    section.className = 'chart';
    var h = document.createElement('h3');
    h.textContent = c.title;
    section.appendChild(h);
    if (c.note) {
      var p = document.createElement('p');
      p.className = 'note';
      p.textContent = c.note;
      section.appendChild(p);
    }
    var div = document.createElement('div');
    div.className = 'view';
    div.id = 'chart-' + c.id;
    section.appendChild(div);
    root.appendChild(section);
    var spec = builders[c.type](c);
    var view = new vega.View(vega.parse(spec), {renderer: 'svg', container: div, hover: true});
    return view.runAsync().then(function () {
      if (div.querySelector('svg')) div.setAttribute('data-rendered', '1');
    });
  });
  Promise.all(done).then(function () {
    var rendered = document.querySelectorAll('.view[data-rendered="1"]').length;
    document.body.setAttribute('data-twinsim-charts', String(report.charts.length));
    document.body.setAttribute('data-twinsim-rendered', String(rendered));
  }, function (e) {
    console.error('twinsim report: ' + e);
  });
})();
)JS";
}

}  // namespace twinsim::trial::detail
