// Maps of the analysis pages: communes as circle markers on a plain background (tiles only when
// the deployment names its own tile server in data-tile-url).
// - data-mode="initiatives": circles sized by the number of active initiatives; the popup lists
//   them with links to their records.
// - data-mode="gaps": circles coloured by the number of sectors covered.
// Data comes from a json_script element; everything from the data goes in as text, never HTML.
(function () {
  "use strict";
  var element = document.getElementById("analysis-map");
  var source = document.getElementById("analysis-map-data");
  if (!element || !source || typeof window.L === "undefined") {
    return;
  }
  var points = JSON.parse(source.textContent);
  if (!points.length) {
    element.hidden = true;
    return;
  }
  var L = window.L;
  var mode = element.getAttribute("data-mode");
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
  // The colours of Bootstrap's danger, warning, info and success, as in the legend.
  var levelColours = ["#dc3545", "#ffc107", "#0dcaf0", "#198754"];
  var largest = 1;
  points.forEach(function (point) {
    largest = Math.max(largest, point.count || 0);
  });

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) {
      node.className = className;
    }
    return node;
  }

  function popup(point) {
    var box = document.createElement("div");
    box.setAttribute("dir", "auto");
    box.appendChild(text("p", point.name, "fw-semibold mb-1"));
    box.appendChild(text("p", point.summary, "small mb-1"));
    if (point.initiatives && point.initiatives.length) {
      var list = document.createElement("ul");
      list.className = "list-unstyled small mb-0";
      point.initiatives.forEach(function (initiative) {
        var item = document.createElement("li");
        var link = text("a", initiative.title);
        link.setAttribute("href", initiative.url);
        link.setAttribute("dir", "auto");
        item.appendChild(link);
        if (initiative.organisation) {
          item.appendChild(document.createTextNode(" — "));
          item.appendChild(text("span", initiative.organisation, "text-body-secondary"));
        }
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    if (point.more) {
      box.appendChild(text("p", point.more, "small mb-0 mt-1"));
    }
    return box;
  }

  var positions = [];
  points.forEach(function (point) {
    var position = [point.lat, point.lng];
    positions.push(position);
    var colour = "#0b5563";
    var radius = 8;
    if (mode === "gaps") {
      colour = levelColours[point.level] || colour;
    } else {
      radius = 6 + 16 * Math.sqrt((point.count || 0) / largest);
    }
    var marker = L.circleMarker(position, {
      radius: radius,
      color: mode === "gaps" ? "#343a40" : colour,
      weight: 1.5,
      fillColor: colour,
      fillOpacity: 0.6,
    });
    var label = text("span", point.name + " — " + point.summary);
    marker.bindTooltip(label, { direction: "top" });
    if (mode !== "gaps") {
      marker.bindPopup(popup(point));
    }
    marker.addTo(map);
  });
  if (positions.length === 1) {
    map.setView(positions[0], 11);
  } else {
    map.fitBounds(positions, { padding: [30, 30], maxZoom: 12 });
  }
})();
