/* The Plan tab's Gantt chart, for those who may edit the plan (ADR 0045): each task is a
   focusable group (one in the tab order; the arrow keys move between them, Home and End to the
   first and last); Enter opens the task's form; + and - move its start a working day later or
   earlier; dragging a bar (not a summary) to another day starts the task there. Moves post the
   page's hidden form #gantt-move to the task's form address, as a person without this script
   would post the form itself: the server schedules the plan again and shows the page at the
   task. Nothing is drawn or computed here beyond where the pointer is. */
(function () {
  "use strict";
  var DAY_MS = 86400000;
  var chart = document.querySelector("svg.gantt[data-editable]");
  var form = document.getElementById("gantt-move");
  if (!chart || !form) { return; }
  var tasks = Array.prototype.slice.call(chart.querySelectorAll(".gantt-task"));
  var perDay = parseFloat(chart.getAttribute("data-per-day"));

  function taskUrl(uid) {
    return form.getAttribute("data-task-url").replace(/\/0\/$/, "/" + uid + "/");
  }

  function post(task, fields) {
    form.setAttribute("action", taskUrl(task.getAttribute("data-uid")));
    Object.keys(fields).forEach(function (name) { form.elements[name].value = fields[name]; });
    task.setAttribute("aria-busy", "true");
    form.submit();
  }

  function focusOn(task) {
    tasks.forEach(function (other) { other.setAttribute("tabindex", other === task ? "0" : "-1"); });
    task.focus();
  }

  function addDays(isoDay, days) {
    var parts = isoDay.split("-").map(Number);
    var moved = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]) + days * DAY_MS);
    return moved.toISOString().slice(0, 10);
  }

  tasks.forEach(function (task, index) {
    task.addEventListener("keydown", function (event) {
      var next = null;
      if (event.key === "ArrowDown") { next = tasks[index + 1]; }
      else if (event.key === "ArrowUp") { next = tasks[index - 1]; }
      else if (event.key === "Home") { next = tasks[0]; }
      else if (event.key === "End") { next = tasks[tasks.length - 1]; }
      else if (event.key === "Enter" || event.key === "e") {
        event.preventDefault();
        window.location.assign(taskUrl(task.getAttribute("data-uid")) + "?next=" +
          encodeURIComponent(form.elements.next.value));
        return;
      } else if ((event.key === "+" || event.key === "=" || event.key === "-") &&
                 task.getAttribute("data-kind") !== "summary") {
        event.preventDefault();
        post(task, { action: "shift", days: event.key === "-" ? "-1" : "1", start: "" });
        return;
      } else { return; }
      event.preventDefault();
      if (next) { focusOn(next); }
    });
    task.addEventListener("focus", function () {
      tasks.forEach(function (other) { other.setAttribute("tabindex", other === task ? "0" : "-1"); });
    });
  });

  // Dragging: the bar follows the pointer sideways; dropped a whole day or more away, it moves.
  var dragging = null;
  chart.addEventListener("pointerdown", function (event) {
    var task = event.target.closest(".gantt-task");
    if (!task || task.getAttribute("data-kind") === "summary" || event.target.classList.contains("gantt-row")) {
      return;
    }
    var scale = chart.getBoundingClientRect().width / chart.viewBox.baseVal.width;
    dragging = { task: task, x: event.clientX, scale: scale, days: 0 };
    chart.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  chart.addEventListener("pointermove", function (event) {
    if (!dragging) { return; }
    var dx = (event.clientX - dragging.x) / dragging.scale;
    dragging.days = Math.round(dx / perDay);
    dragging.task.setAttribute("transform", "translate(" + dragging.days * perDay + " 0)");
    dragging.task.classList.add("dragging");
  });
  function drop(event) {
    if (!dragging) { return; }
    var done = dragging;
    dragging = null;
    if (chart.hasPointerCapture(event.pointerId)) { chart.releasePointerCapture(event.pointerId); }
    if (done.days === 0 || event.type === "pointercancel") {
      done.task.removeAttribute("transform");
      done.task.classList.remove("dragging");
      focusOn(done.task);
      return;
    }
    post(done.task, { action: "move", start: addDays(done.task.getAttribute("data-start"), done.days), days: "" });
  }
  chart.addEventListener("pointerup", drop);
  chart.addEventListener("pointercancel", drop);

  // Back from a save: the task that was edited or moved has the focus again.
  var wanted = window.location.hash && document.getElementById(window.location.hash.slice(1));
  if (wanted && wanted.classList.contains("gantt-task")) {
    focusOn(wanted);
  }
})();
