/*
 * "Frage stellen": while the member picks topics, the channel field follows with the channel
 * sharing the most of them, until the member picks a channel themselves. Without scripting
 * the server picks it the same way when the field is left on its first option.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-question-form]");
  var select = form && form.querySelector("select[data-channel-topics]");
  if (!select) {
    return;
  }
  var topicsOf = {};
  select.dataset.channelTopics.split(" ").forEach(function (entry) {
    var parts = entry.split(":");
    topicsOf[parts[0]] = parts[1] ? parts[1].split(",") : [];
  });
  var chosenByMember = select.value !== "";

  select.addEventListener("change", function () {
    chosenByMember = select.value !== "";
  });

  form.addEventListener("change", function (changeEvent) {
    if (changeEvent.target.name !== "topics" || chosenByMember) {
      return;
    }
    var picked = Array.prototype.map.call(
      form.querySelectorAll("input[name=topics]:checked"),
      function (box) { return box.value; }
    );
    var best = "";
    var bestOverlap = 0;
    Array.prototype.forEach.call(select.options, function (option) {
      var overlap = (topicsOf[option.value] || []).filter(function (topic) {
        return picked.indexOf(topic) !== -1;
      }).length;
      if (overlap > bestOverlap) {
        best = option.value;
        bestOverlap = overlap;
      }
    });
    select.value = best;
  });
})();
