#include "services/console/assets.h"

namespace tierhub::console {

absl::string_view ConsoleCss() {
  return R"css(body{font-family:"Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei",sans-serif;margin:0;color:#222}
header{background:#8b0000;color:#fff;padding:6px 12px}header a,header .user{color:#fff;margin:0 6px}
.inline{display:inline}main{padding:12px}table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #bbb;padding:3px 6px;text-align:left}td.n{text-align:right}
tr.behind td{background:#ffe0e0}tr.stale td,tr.silent td{background:#fff3c4}
.insecure{background:#ff0;color:#000;font-weight:bold;padding:6px 12px;text-align:center}
.error{color:#a00;font-weight:bold}.asof{color:#555}canvas{max-width:900px;max-height:360px}
form.filter input,form.filter select{margin-right:8px}
)css";
}

// Reads the region from the canvas's data attribute and draws what /api/v1/overview answers.
absl::string_view ConsoleJs() {
  return R"js('use strict';
document.addEventListener('DOMContentLoaded', function () {
  var canvas = document.getElementById('bars');
  if (!canvas || typeof Chart === 'undefined') return;
  var region = canvas.getAttribute('data-region');
  fetch('/api/v1/overview?region=' + encodeURIComponent(region), {credentials: 'same-origin'})
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var byChild = {};
      (data.rows || []).forEach(function (row) {
        var c = byChild[row.region_code] || (byChild[row.region_code] =
            {name: row.region_name, listed: 0, exited: 0, overdue: 0});
        c.listed += row.listed; c.exited += row.exited; c.overdue += row.overdue;
      });
      var keys = Object.keys(byChild).sort();
      new Chart(canvas, {type: 'bar', data: {
        labels: keys.map(function (k) { return byChild[k].name; }),
        datasets: [
          {label: canvas.getAttribute('data-listed'), data: keys.map(function (k) { return byChild[k].listed; }), backgroundColor: '#4a78b5'},
          {label: canvas.getAttribute('data-exited'), data: keys.map(function (k) { return byChild[k].exited; }), backgroundColor: '#3c9a5f'},
          {label: canvas.getAttribute('data-overdue'), data: keys.map(function (k) { return byChild[k].overdue; }), backgroundColor: '#c0392b'}]},
        options: {animation: false, responsive: true}});
      canvas.setAttribute('data-drawn', String(keys.length));
      var months = document.getElementById('months');
      if (months && data.exits_by_month) {
        new Chart(months, {type: 'bar', data: {
          labels: data.exits_by_month.map(function (_, i) { return String(i + 1); }),
          datasets: [{label: months.getAttribute('data-label'), data: data.exits_by_month,
                      backgroundColor: '#3c9a5f'}]},
          options: {animation: false, responsive: true}});
        months.setAttribute('data-drawn', data.exits_by_month.join(','));
      }
    });
});
)js";
}

}  // namespace tierhub::console
