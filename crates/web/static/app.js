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

// Pages that follow something changing (a running plan job, the attendance QR) name a refresh
// interval in <meta name="cakap-refresh">; a script reload, not <meta http-equiv="refresh">,
// which assistive technology cannot pause (axe: meta-refresh). Typing in a field postpones it.
(function () {
  var m = document.querySelector('meta[name="cakap-refresh"]');
  var secs = m ? parseInt(m.getAttribute("content"), 10) : 0;
  if (!(secs > 0)) { return; }
  var tick = function () {
    var a = document.activeElement;
    if (a && (a.tagName === "INPUT" || a.tagName === "TEXTAREA" || a.tagName === "SELECT")) { setTimeout(tick, secs * 1000); return; }
    window.location.reload();
  };
  setTimeout(tick, secs * 1000);
})();
