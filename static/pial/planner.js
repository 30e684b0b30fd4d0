// The planner's progress page: asks the run's state every second and updates the bar;
// reloads the page when the proposal is ready (or the run ended).
(function () {
  var box = document.getElementById("planner-progress");
  if (!box || (box.dataset.state !== "QUEUED" && box.dataset.state !== "RUNNING")) { return; }
  var bar = document.getElementById("planner-bar");
  var step = document.getElementById("planner-step");
  var state = document.getElementById("planner-state");
  var live = document.getElementById("planner-live");
  var lastTenth = -1;
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (data.state !== "QUEUED" && data.state !== "RUNNING") { window.location.reload(); return; }
        bar.value = data.progress; bar.textContent = data.progress + " %";
        step.textContent = data.step; state.textContent = data.label;
        var tenth = Math.floor(data.progress / 10);
        if (tenth !== lastTenth) { lastTenth = tenth; live.textContent = data.progress + " % — " + data.step; }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
