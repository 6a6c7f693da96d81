// The map of an organisation's communes: circle markers on a plain background, and tiles only
// when the deployment names its own tile server (data-tile-url). Data comes from a json_script
// element; no inline script, as the content-security policy requires.
(function () {
  "use strict";
  var element = document.getElementById("communes-map");
  var source = document.getElementById("communes-data");
  if (!element || !source || typeof window.L === "undefined") {
    return;
  }
  var communes = JSON.parse(source.textContent);
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
  // The zoom buttons in the page's language, at the start of the line.
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
  var points = [];
  communes.forEach(function (commune) {
    var point = [commune.lat, commune.lng];
    points.push(point);
    // Names go in as text, never as HTML.
    var label = document.createElement("span");
    label.textContent = commune.name;
    L.circleMarker(point, {
      radius: 9,
      color: "#0b5563",
      weight: 2,
      fillColor: "#0b5563",
      fillOpacity: 0.45,
    })
      .bindTooltip(label, { permanent: communes.length <= 8, direction: "top" })
      .addTo(map);
  });
  if (points.length === 1) {
    map.setView(points[0], 11);
  } else {
    map.fitBounds(points, { padding: [30, 30], maxZoom: 12 });
  }
})();
