// The map by commune of the results dashboard: one proportional circle per commune (its area
// grows with the value), the value written on it, a grey circle and "<5" for a small cell.
// Points on a plain background, and tiles only when the deployment names its own tile server
// (data-tile-url). Data comes from a json_script element; no inline script (CSP). The table by
// commune under the map holds the same figures for readers who cannot see it.
(function () {
  "use strict";
  var element = document.getElementById("results-map");
  var source = document.getElementById("results-map-data");
  if (!element || !source || typeof window.L === "undefined") {
    return;
  }
  var communes = JSON.parse(source.textContent).filter(function (commune) {
    return commune.lat !== null && commune.lng !== null;
  });
  if (!communes.length) {
    element.hidden = true;
    return;
  }
  var L = window.L;
  var tileUrl = element.getAttribute("data-tile-url");
  var rightToLeft = document.documentElement.getAttribute("dir") === "rtl";
  var map = L.map(element, {
    scrollWheelZoom: false,
    attributionControl: Boolean(tileUrl),
    zoomControl: false,
  });
  L.control
    .zoom({
      position: rightToLeft ? "topright" : "topleft",
      zoomInTitle: element.getAttribute("data-zoom-in-title") || "+",
      zoomOutTitle: element.getAttribute("data-zoom-out-title") || "-",
    })
    .addTo(map);
  if (tileUrl) {
    L.tileLayer(tileUrl, {
      attribution: element.getAttribute("data-tile-attribution") || "",
      maxZoom: 18,
    }).addTo(map);
  }
  var LARGEST = 30; // radius in pixels of the highest value
  var SMALLEST = 4;
  var SUPPRESSED = 7;
  var highest = 0;
  communes.forEach(function (commune) {
    if (commune.value !== null && commune.value > highest) {
      highest = commune.value;
    }
  });
  var points = [];
  communes.forEach(function (commune) {
    var point = [commune.lat, commune.lng];
    points.push(point);
    var hidden = commune.value === null;
    var radius = SUPPRESSED;
    if (!hidden) {
      radius = highest ? Math.max(SMALLEST, LARGEST * Math.sqrt(commune.value / highest)) : SMALLEST;
    }
    var colour = hidden ? "#6c757d" : "#0d6efd";
    // Names and figures go in as text, never as HTML.
    var label = document.createElement("span");
    label.textContent = commune.label;
    label.setAttribute("dir", "ltr");
    var popup = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = commune.name;
    var figure = document.createElement("div");
    figure.textContent = commune.label;
    figure.setAttribute("dir", "ltr");
    popup.appendChild(name);
    popup.appendChild(figure);
    L.circleMarker(point, {
      radius: radius,
      color: colour,
      weight: 2,
      fillColor: colour,
      fillOpacity: hidden ? 0.25 : 0.45,
    })
      .bindTooltip(label, { permanent: true, direction: "center", opacity: 0.9 })
      .bindPopup(popup)
      .addTo(map);
  });
  if (points.length === 1) {
    map.setView(points[0], 11);
  } else {
    map.fitBounds(points, { padding: [40, 40], maxZoom: 12 });
  }
})();
