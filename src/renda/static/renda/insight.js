// 研判: after an agency hint is accepted in 待交办, pick that agency in the batch form and tick the row.
(function () {
  if (window.rendaInsight) return;
  window.rendaInsight = true;
  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = document.querySelector("[data-insight-lead]:not([data-insight-applied])");
    if (!panel) return;
    panel.setAttribute("data-insight-applied", "1");
    var form = panel.closest("form");
    if (!form) return;
    var lead = form.querySelector("select[name=lead]");
    if (lead) lead.value = panel.getAttribute("data-insight-lead");
    var row = panel.closest("tr");
    var tick = row && row.querySelector("input[type=checkbox][name=ids]");
    if (tick) tick.checked = true;
  });
})();
