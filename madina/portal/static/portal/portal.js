// The portal's only script, small and optional: every page works without it.
// No inline scripts: the content-security policy forbids them.
(function () {
  "use strict";

  // "Leave quickly": replace this page, and its entry in the history, with a neutral site, so that
  // the Back button does not bring it back. The link alone (without this script) still leaves.
  var leave = document.getElementById("leave-quickly");
  function leaveNow(event) {
    if (event) {
      event.preventDefault();
    }
    document.title = "";
    document.body.hidden = true;
    window.location.replace(leave.getAttribute("data-leave-url"));
  }
  if (leave) {
    leave.addEventListener("click", leaveNow);
    // Pressing Escape three times quickly leaves too (for a keyboard, without looking for the button).
    var presses = [];
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") {
        return;
      }
      var now = Date.now();
      presses = presses.filter(function (time) {
        return now - time < 1500;
      });
      presses.push(now);
      if (presses.length >= 3) {
        leaveNow(event);
      }
    });
  }

  // "Near me": the browser's location, asked only when the person presses the button, is used in
  // this page only to sort the services by distance. It is never sent to the server or kept.
  var nearMe = document.getElementById("near-me");
  var list = document.getElementById("service-results");
  if (nearMe && list && "geolocation" in navigator) {
    nearMe.hidden = false;
    var status = document.getElementById("near-me-status");
    nearMe.addEventListener("click", function () {
      status.textContent = nearMe.getAttribute("data-waiting");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var lat = position.coords.latitude;
          var lng = position.coords.longitude;
          var items = Array.prototype.slice.call(list.querySelectorAll("[data-lat]"));
          var unplaced = Array.prototype.slice.call(list.querySelectorAll("li:not([data-lat])"));
          function distance(item) {
            var dLat = ((parseFloat(item.getAttribute("data-lat")) - lat) * Math.PI) / 180;
            var dLng = ((parseFloat(item.getAttribute("data-lng")) - lng) * Math.PI) / 180;
            var a =
              Math.sin(dLat / 2) * Math.sin(dLat / 2) +
              Math.cos((lat * Math.PI) / 180) *
                Math.cos((parseFloat(item.getAttribute("data-lat")) * Math.PI) / 180) *
                Math.sin(dLng / 2) *
                Math.sin(dLng / 2);
            return 6371 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
          }
          items.forEach(function (item) {
            var km = distance(item);
            item.setAttribute("data-km", km);
            var label = item.querySelector(".distance");
            if (label) {
              label.textContent = label.getAttribute("data-template").replace("%s", km.toFixed(1));
              label.hidden = false;
            }
          });
          items.sort(function (a, b) {
            return parseFloat(a.getAttribute("data-km")) - parseFloat(b.getAttribute("data-km"));
          });
          items.concat(unplaced).forEach(function (item) {
            list.appendChild(item);
          });
          status.textContent = nearMe.getAttribute("data-done");
        },
        function () {
          status.textContent = nearMe.getAttribute("data-refused");
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
      );
    });
  }
})();
