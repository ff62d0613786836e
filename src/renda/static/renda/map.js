/* renda 电子分布图: the stations map (#map) and a station's location map (#station-map).
 *
 * Works with no internet: the background is our own division outlines (GeoJSON
 * from /map/data.json); a tile layer is added only when the page passes a tile
 * URL (settings.RENDA_MAP_TILE_URL) in data- attributes. CSP-safe: no inline
 * script or style attributes, popups are built as DOM nodes (no HTML strings).
 */
(function () {
  "use strict";

  var CHINA = { center: [35.0, 105.0], zoom: 4 };
  var TOWNSHIP_MIN_ZOOM = 11;
  var FALLBACK_COLOR = "#555555";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function baseMap(container, options) {
    var map = L.map(container, Object.assign({ preferCanvas: true, zoomSnap: 0.5 }, options || {}));
    map.attributionControl.setPrefix("Leaflet");
    var url = container.dataset.tileUrl;
    if (url) {
      var tileOptions = { attribution: container.dataset.tileAttribution || "", maxZoom: 18 };
      if (container.dataset.tileSubdomains) tileOptions.subdomains = container.dataset.tileSubdomains.split(",");
      L.tileLayer(url, tileOptions).addTo(map);
    } else {
      container.classList.add("map-offline");
    }
    return map;
  }

  function outlineLayer(geojson, level, withTiles) {
    var fillOpacity = withTiles ? 0.08 : 0.55;
    return L.geoJSON(geojson, {
      interactive: level === "county",
      style: function () {
        return level === "county"
          ? { color: "#8e1414", weight: 2, opacity: 0.8, fillColor: "#ffffff", fillOpacity: fillOpacity }
          : { color: "#9a7b7b", weight: 1, opacity: 0.7, dashArray: "4 3", fill: false };
      },
      onEachFeature: function (feature, layer) {
        if (feature.properties && feature.properties.name) {
          layer.bindTooltip(feature.properties.name, { sticky: true, direction: "top" });
        }
      },
    });
  }

  function hasFeatures(fc) {
    return fc && fc.features && fc.features.length > 0;
  }

  function popupFor(station, kindLabel) {
    var box = el("div", "map-popup");
    box.appendChild(el("strong", null, station.name));
    box.appendChild(el("div", "muted", kindLabel + (station.theme ? " · " + station.theme : "")));
    if (station.address) box.appendChild(el("div", null, "地址：" + station.address));
    if (station.hours) box.appendChild(el("div", null, "开放时间：" + station.hours));
    var link = el("a", null, "查看详情 →");
    link.href = station.url;
    box.appendChild(el("div")).appendChild(link);
    return box;
  }

  function fetchData(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  /* ---- the full map ---- */
  function stationsMap(container) {
    var form = document.getElementById("map-filters");
    var select = document.getElementById("map-county");
    var status = document.getElementById("map-status");
    var map = baseMap(container);
    map.setView(CHINA.center, CHINA.zoom);

    function say(text) {
      if (status) status.textContent = text;
    }
    say("正在加载家站点……");
    if (form) form.hidden = false;

    fetchData(container.dataset.dataUrl)
      .then(function (data) {
        var kinds = {};
        (data.kinds || []).forEach(function (k) {
          kinds[k.value] = k;
        });
        var counties = outlineLayer(data.outlines.county, "county", !!container.dataset.tileUrl).addTo(map);
        var townships = outlineLayer(data.outlines.township, "township", !!container.dataset.tileUrl);
        var countyBounds = {};
        counties.eachLayer(function (layer) {
          var code = layer.feature.properties.code;
          var b = layer.getBounds();
          countyBounds[code] = countyBounds[code] ? countyBounds[code].extend(b) : L.latLngBounds(b.getSouthWest(), b.getNorthEast());
        });

        var markers = L.featureGroup().addTo(map);
        var all = data.stations.map(function (s) {
          var kind = kinds[s.kind] || { label: s.kind, color: FALLBACK_COLOR };
          var marker = L.circleMarker([s.lat, s.lng], {
            radius: 7,
            color: "#ffffff",
            weight: 1.5,
            fillColor: kind.color,
            fillOpacity: 0.95,
          });
          marker.bindPopup(popupFor(s, kind.label));
          marker.bindTooltip(s.name, { direction: "top", offset: [0, -6] });
          return { station: s, marker: marker };
        });

        (data.counties || []).forEach(function (c) {
          var option = el("option", null, c.name);
          option.value = c.code;
          select.appendChild(option);
        });

        function selectedKinds() {
          var chosen = {};
          form.querySelectorAll("input[name=kind]").forEach(function (box) {
            if (box.checked) chosen[box.value] = true;
          });
          return chosen;
        }

        function refresh(fit, initial) {
          var chosen = selectedKinds();
          var county = select.value;
          markers.clearLayers();
          all.forEach(function (item) {
            if (chosen[item.station.kind] && (!county || item.station.county === county)) markers.addLayer(item.marker);
          });
          var shown = markers.getLayers().length;
          var text = "显示 " + shown + " 个家站点";
          if (data.without_location) text += "（另有 " + data.without_location + " 个家站点未标注位置，可在名录中查看）";
          say(text);
          if (!fit) return;
          var bounds = county ? countyBounds[county] : null;
          if (!bounds && county && shown) bounds = markers.getBounds();
          if (!bounds && hasFeatures(data.outlines.county)) bounds = counties.getBounds();
          if (!bounds && shown) bounds = markers.getBounds();
          if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15, animate: !initial });
        }

        var townshipZoom = TOWNSHIP_MIN_ZOOM;
        function toggleTownships() {
          if (map.getZoom() >= townshipZoom && hasFeatures(data.outlines.township)) {
            if (!map.hasLayer(townships)) townships.addTo(map);
          } else if (map.hasLayer(townships)) {
            map.removeLayer(townships);
          }
          markers.bringToFront && markers.bringToFront();
        }

        form.addEventListener("change", function (event) {
          refresh(event.target === select);
        });
        form.addEventListener("submit", function (event) {
          event.preventDefault();
        });
        refresh(true, true);
        // Townships appear one zoom step in from the whole-area view (or at TOWNSHIP_MIN_ZOOM).
        townshipZoom = Math.min(TOWNSHIP_MIN_ZOOM, map.getZoom() + 1);
        map.on("zoomend", toggleTownships);
        toggleTownships();
      })
      .catch(function () {
        say("地图数据加载失败，请稍后重试，或查看家站点名录。");
      });
  }

  /* ---- one station's location ---- */
  function stationMap(container) {
    var lat = parseFloat(container.dataset.lat);
    var lng = parseFloat(container.dataset.lng);
    if (isNaN(lat) || isNaN(lng)) return;
    var map = baseMap(container, { scrollWheelZoom: false });
    map.setView([lat, lng], 14);
    var marker = L.circleMarker([lat, lng], {
      radius: 9,
      color: "#ffffff",
      weight: 2,
      fillColor: container.dataset.color || FALLBACK_COLOR,
      fillOpacity: 1,
    }).addTo(map);
    marker.bindTooltip(container.dataset.name || "", { permanent: true, direction: "top", offset: [0, -8] });
    if (!container.dataset.dataUrl) return;
    fetchData(container.dataset.dataUrl)
      .then(function (data) {
        outlineLayer(data.outlines.county, "county", !!container.dataset.tileUrl).addTo(map);
        outlineLayer(data.outlines.township, "township", !!container.dataset.tileUrl).addTo(map);
        marker.bringToFront();
      })
      .catch(function () {
        /* the marker alone is still useful */
      });
  }

  function start() {
    if (typeof L === "undefined") return;
    var full = document.getElementById("map");
    if (full && full.dataset.dataUrl) stationsMap(full);
    var one = document.getElementById("station-map");
    if (one) stationMap(one);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
