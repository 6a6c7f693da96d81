// Madina's progressive enhancements. No inline scripts: the content-security policy forbids them.
(function () {
  "use strict";
  // Forms marked data-confirm ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
})();
