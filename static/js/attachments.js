// Rollcall attachments: when files are chosen in a composer, list them and ask for a description of
// each image at once (alt text). Without JavaScript the server asks instead, keeping the files.
(function () {
  "use strict";

  function describe(container, files) {
    container.innerHTML = "";
    Array.prototype.forEach.call(files, function (file, index) {
      var box = document.createElement("div");
      box.className = "attach__chosen";
      var name = document.createElement("p");
      name.className = "attach__file";
      name.textContent = file.name;
      box.append(name);
      var id = container.id + "-alt-" + index;
      if (/^image\//.test(file.type)) {
        var field = document.createElement("div");
        field.className = "field";
        var label = document.createElement("label");
        label.setAttribute("for", id);
        label.textContent = "Describe this image for people who can't see it";
        var input = document.createElement("input");
        input.type = "text";
        input.id = id;
        input.name = "alt_new";
        input.maxLength = 1000;
        input.setAttribute("data-alt-for", file.name);
        field.append(label, input);
        box.append(field);
      } else {
        var hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "alt_new"; // keeps each description paired with its file, in order
        hidden.value = "";
        box.append(hidden);
      }
      container.append(box);
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-attach-files]")) return;
    var container = document.getElementById(input.getAttribute("data-attach-files"));
    if (container) describe(container, input.files || []);
  });
})();
