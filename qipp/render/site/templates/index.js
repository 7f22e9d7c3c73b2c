/* The index's CCG table: sort by any column, filter by region or by code or name.
   Inlined into the page (nothing fetched); without it the table is a plain table. */
(function () {
  "use strict";
  var table = document.getElementById("ccg-table");
  var controls = document.getElementById("ccg-controls");
  if (!table || !controls || !table.tHead || !table.tBodies.length) return;
  var body = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var region = document.getElementById("ccg-region");
  var search = document.getElementById("ccg-search");
  var count = document.getElementById("ccg-count");
  var rows = function () { return Array.prototype.slice.call(body.rows); };

  function filter() {
    var wanted = region.value, text = search.value.trim().toLowerCase(), shown = 0, all = rows();
    all.forEach(function (row) {
      var show = (!wanted || row.getAttribute("data-region") === wanted) &&
        (!text || (row.getAttribute("data-search") || "").indexOf(text) !== -1);
      row.hidden = !show;
      if (show) shown += 1;
    });
    count.textContent = "Showing " + shown + " of " + all.length + " CCGs.";
  }

  // A cell's sort key: its data-value if it has one, else its text; null when missing.
  function key(row, column, numeric) {
    var cell = row.cells[column];
    var value = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    value = value.trim();
    if (value === "") return null;
    return numeric ? parseFloat(value) : value.toLowerCase();
  }

  function sortBy(header, column) {
    var descending = header.getAttribute("aria-sort") === "ascending";
    var numeric = header.classList.contains("num");
    headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
    rows().sort(function (a, b) {
      var x = key(a, column, numeric), y = key(b, column, numeric);
      if (x === null || y === null) return x === y ? 0 : (x === null ? 1 : -1);  // missing last
      var order = numeric ? x - y : x.localeCompare(y, "en", { numeric: true });
      return descending ? -order : order;
    }).forEach(function (row) { body.appendChild(row); });
  }

  headers.forEach(function (header, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (header.firstChild) button.appendChild(header.firstChild);
    header.appendChild(button);
    button.addEventListener("click", function () { sortBy(header, column); });
  });
  region.addEventListener("change", filter);
  search.addEventListener("input", filter);
  controls.hidden = false;
  filter();
})();
