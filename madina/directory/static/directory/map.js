// The map of the services directory: circle markers on a plain background, and tiles only
// when the deployment names its own tile server (data-tile-url). Data comes from a json_script
// element; no inline script, as the content-security policy requires.
(function () {
  "use strict";
  var element = document.getElementById("services-map");
  var source = document.getElementById("services-data");
  if (!element || !source || typeof window.L === "undefined") {
    return;
  }
  var services = JSON.parse(source.textContent);
  if (!services.length) {
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
  services.forEach(function (service) {
    var point = [service.lat, service.lng];
    points.push(point);
    // Names go in as text, never as HTML.
    var label = document.createElement("span");
    label.textContent = service.name;
    var link = document.createElement("a");
    link.href = service.url;
    link.textContent = service.name;
    var organisation = document.createElement("div");
    organisation.textContent = service.organisation;
    var popup = document.createElement("div");
    popup.appendChild(link);
    popup.appendChild(organisation);
    L.circleMarker(point, {
      radius: 9,
      color: "#0b5563",
      weight: 2,
      fillColor: "#0b5563",
      fillOpacity: 0.45,
    })
      .bindTooltip(label, { direction: "top" })
      .bindPopup(popup)
      .addTo(map);
  });
  if (points.length === 1) {
    map.setView(points[0], 11);
  } else {
    map.fitBounds(points, { padding: [30, 30], maxZoom: 12 });
  }
})();
