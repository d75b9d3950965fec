// The simulation page's progress bar: polls the run's JSON status every second and
// reloads the page (server-rendered result) when it has finished. A file, not inline
// script, so the page's CSP (default-src 'self') allows it; without it the page still
// works by reloading by hand.
(function () {
  "use strict";
  var box = document.getElementById("coa-sim");
  if (!box || box.getAttribute("data-finished") === "yes") { return; }
  var bar = document.getElementById("coa-progress");
  var text = document.getElementById("coa-progress-text");
  var state = document.getElementById("coa-sim-state");
  var noWorker = document.getElementById("coa-no-worker");
  var polls = 0;
  // Every tenth poll: is a worker running? The page says so plainly when none has been seen.
  function checkWorker() {
    fetch(box.getAttribute("data-worker-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (worker) {
        if (!worker) { return; }
        noWorker.hidden = !worker.missing;
        if (worker.missing) { state.textContent = "No worker is running"; }
      })
      .catch(function () { /* keep what is shown */ });
  }
  function poll() {
    fetch(box.getAttribute("data-status-url"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) { setTimeout(poll, 3000); return; }
        if (polls++ % 10 === 0) { checkWorker(); }
        if (status.status === "running" && noWorker.hidden) { state.textContent = "Running"; }
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
        text.textContent = status.processed + " of " + (status.total || "?") + " requests and quotes (" + status.percent + "%).";
        if (["done", "cancelled", "failed"].indexOf(status.status) >= 0) { window.location.reload(); }
        else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
}());
