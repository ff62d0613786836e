// 民意直通车 form: show htmx error fragments (400/429), reset narrower places, optional "use my location".
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400 || status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_division") {
      var grid = document.getElementById("grid-box");
      if (grid) grid.innerHTML = "";
    }
  });
  var button = document.getElementById("locate-me");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var status = document.getElementById("locate-status");
    status.textContent = "正在获取位置…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_latitude").value = pos.coords.latitude.toFixed(6);
      document.getElementById("id_longitude").value = pos.coords.longitude.toFixed(6);
      status.textContent = "已记录您当前的位置。";
    }, function () {
      status.textContent = "无法获取位置，可直接填写详细地址。";
    }, { timeout: 10000 });
  });
})();
