// An import's progress page: asks where the check or the save is every second and moves the
// bar; reloads the page (the preview, or the list once saved) when the work has ended.
(function () {
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = document.getElementById("import-bar");
  var step = document.getElementById("import-step");
  var state = document.getElementById("import-state");
  var live = document.getElementById("import-live");
  var lastTenth = -1;
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        if (!data.running) { window.location.reload(); return; }
        bar.value = data.percent; bar.textContent = data.percent + " %";
        if (data.step) { step.textContent = data.step; }
        state.textContent = data.label;
        var tenth = Math.floor(data.percent / 10);
        if (tenth !== lastTenth) { lastTenth = tenth; live.textContent = data.percent + " % — " + (data.step || data.label); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();
