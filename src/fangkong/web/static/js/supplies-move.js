// The orders page: the ticked orders go to the move form as one comma-separated list.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("move-form");
  if (!form) return;
  form.addEventListener("submit", function () {
    var ids = Array.prototype.map.call(document.querySelectorAll("input[name=pick]:checked"), function (box) { return box.value; });
    document.getElementById("move-ids").value = ids.join(",");
  });
});
