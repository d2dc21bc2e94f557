/* Sortable result tables: a progressive enhancement; without it the server's order
   stands (sub-units best first, everything else by name).
   Each header of a table.sortable becomes a button; pressing it sorts the rows by that
   column, again reverses. A cell's data-sort holds its machine value (a score, a
   count; "" for "data belum cukup", which always sorts last); other cells sort by
   their text in the reader's language. aria-sort tells screen readers the order. */
(function () {
  "use strict";
  var collator = window.Intl ? new Intl.Collator(document.documentElement.lang || "id", {numeric: true}) : null;

  function value(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var raw = cell.getAttribute("data-sort");
    return raw === null ? cell.textContent.trim() : raw;
  }

  function compare(a, b) {
    if (a === "" || b === "") return (a === "") - (b === "");
    var x = Number(a), y = Number(b);
    if (!isNaN(x) && !isNaN(y)) return x - y;
    return collator ? collator.compare(a, b) : (a < b ? -1 : a > b ? 1 : 0);
  }

  function sort(table, header, index) {
    var body = table.tBodies[0];
    var rows = [].slice.call(body.rows).filter(function (r) { return r.cells.length > 1; });
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    [].forEach.call(table.tHead.rows[0].cells, function (th) { th.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.sort(function (r1, r2) {
      var a = value(r1, index), b = value(r2, index);
      if (a === "" || b === "") return (a === "") - (b === "");  // no value: last either way
      var order = compare(a, b);
      return ascending ? order : -order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  [].forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    [].forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var label = th.textContent.trim();
      if (!label) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sort(table, th, index); });
    });
  });
})();
