/* Conditional questions: hide a question while the answer it depends on is not chosen.
   Only a convenience: the server ignores the answer to a question whose condition is not met. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-consultation]");
  if (!form) {
    return;
  }
  var blocks = form.querySelectorAll("[data-condition-name]");

  function chosen(name, value) {
    var inputs = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked && inputs[i].value === value) {
        var block = inputs[i].closest(".question");
        return !block || !block.hidden;
      }
    }
    return false;
  }

  function update() {
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var shown = chosen(block.dataset.conditionName, block.dataset.conditionValue);
      block.hidden = !shown;
      var fields = block.querySelectorAll("input, select, textarea");
      for (var j = 0; j < fields.length; j++) {
        fields[j].disabled = !shown;
      }
    }
  }

  form.addEventListener("change", update);
  update();
})();
