// Tables read as cards on a phone (pmo.css): each cell says its column through data-label. The
// shared list templates write it; for any other register (.table-register, .table-cards) this
// copies each column's heading onto its cells, on load and whenever htmx swaps a table in. A
// static file, as the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var TABLES = "table.table-register, table.table-cards";

  function headings(table) {
    var row = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    var names = [];
    if (!row) return names;
    Array.prototype.forEach.call(row.cells, function (cell) {
      var name = cell.textContent.replace(/[▲▼↕]/g, "").replace(/\s+/g, " ").trim();
      for (var i = 0; i < (cell.colSpan || 1); i++) names.push(name);
    });
    return names;
  }

  function label(table) {
    var names = headings(table);
    if (!names.length) return;
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && cell.colSpan === 1 && names[column] !== undefined) {
            cell.setAttribute("data-label", names[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function labelWithin(root) {
    if (root.matches && root.matches(TABLES)) label(root);
    Array.prototype.forEach.call(root.querySelectorAll(TABLES), label);
  }

  document.addEventListener("DOMContentLoaded", function () { labelWithin(document); });
  document.addEventListener("htmx:load", function (event) { labelWithin(event.target); });
})();
