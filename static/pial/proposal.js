// The planner's proposal: « tout cocher / tout décocher » globally, per AESH and per student,
// and the count of ticked lines (announced politely to screen readers). Without this
// script the page works as it is: every line ticked, each box its own.
(function () {
  var form = document.getElementById("proposal-form");
  if (!form) { return; }
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][name=add], input[type=checkbox][name=drop]"));
  var count = document.getElementById("line-count");
  function update() {
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    count.textContent = ticked + (ticked > 1 ? " lignes cochées" : " ligne cochée") + " sur " + boxes.length;
  }
  function concerns(box, scope) {
    if (scope === "all") { return true; }
    if (scope.indexOf("aesh-") === 0) { return box.dataset.aesh === scope.slice(5); }
    if (scope.indexOf("student-") === 0) { return (" " + box.dataset.students + " ").indexOf(" " + scope.slice(8) + " ") >= 0; }
    return false;
  }
  Array.prototype.forEach.call(form.querySelectorAll("button[data-check]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var on = button.dataset.check === "on";
      boxes.forEach(function (box) { if (concerns(box, button.dataset.scope)) { box.checked = on; } });
      update();
    });
  });
  form.addEventListener("change", update);
  // Applying a large proposal takes a few seconds (every rule checked again, line by line):
  // say so, and do not send it twice.
  form.addEventListener("submit", function () {
    var submit = form.querySelector("button[type=submit]");
    if (submit) { submit.disabled = true; submit.textContent = "Application des lignes cochées…"; }
    count.textContent = "Application en cours : les règles sont vérifiées ligne par ligne.";
  });
  update();
})();
