// Progressive enhancement only: every page works without this file.
document.addEventListener("submit", function (e) {
  var f = e.target;
  var msg = f.getAttribute && f.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) { e.preventDefault(); }
});

// Print buttons (no inline handlers: the CSP allows scripts from this file only).
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("[data-print]");
  if (b) { window.print(); }
});
