// Searchable pickers (anju/core/pickers.py): <input data-picker="/pick/<module>/<kind>/"> inside a
// <div class="picker"> asks the endpoint as one types and lists at most twenty suggestions; a click, or
// the arrow keys and Enter, puts the record's code in the box and its summary under it. A typed code is
// still accepted: the form checks it when it is sent. With data-picker-append="<textarea name>" the chosen
// code is added as a line of that textarea instead, and the box is emptied for the next one.
(function () {
  "use strict";
  var timers = new WeakMap();
  var asked = new WeakMap();

  function parts(input) {
    var box = input.closest(".picker");
    return box ? { list: box.querySelector(".picker-list"), summary: box.querySelector(".picker-summary") } : null;
  }

  function close(input) {
    var p = parts(input);
    if (!p) return;
    p.list.hidden = true;
    p.list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
  }

  function append(target, value) {
    var lines = target.value.split(/[\n,，]+/).map(function (l) { return l.trim(); }).filter(Boolean);
    if (lines.indexOf(value) < 0) lines.push(value);
    target.value = lines.join("\n");
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function choose(input, option) {
    var p = parts(input);
    var target = input.dataset.pickerAppend && input.form ? input.form.elements[input.dataset.pickerAppend] : null;
    if (target) {
      append(target, option.dataset.value);
      input.value = "";
    } else {
      input.value = option.dataset.value;
    }
    if (p) p.summary.textContent = option.dataset.summary;
    close(input);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show(input, results) {
    var p = parts(input);
    if (!p) return;
    p.list.replaceChildren();
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = input.id + "-option-" + i;
      li.dataset.value = r.value;
      li.dataset.summary = r.summary;
      li.textContent = r.summary;
      p.list.appendChild(li);
    });
    if (!results.length) {
      var none = document.createElement("li");
      none.className = "picker-none muted";
      none.textContent = p.list.dataset.none || "—";
      p.list.appendChild(none);
    }
    p.list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function search(input) {
    var q = input.value.trim();
    if (!q) { close(input); return; }
    var url = input.dataset.picker + "?q=" + encodeURIComponent(q);
    asked.set(input, url);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (asked.get(input) === url) show(input, data.results || []); })
      .catch(function () { close(input); });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.picker) return;
    var p = parts(input);
    if (p) p.summary.textContent = "";
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { search(input); }, 200));
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.picker) return;
    var p = parts(input);
    if (!p || p.list.hidden) return;
    var options = Array.prototype.slice.call(p.list.querySelectorAll("[role=option]"));
    var current = options.findIndex(function (o) { return o.classList.contains("active"); });
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      var next = event.key === "ArrowDown" ? Math.min(current + 1, options.length - 1) : Math.max(current - 1, 0);
      options.forEach(function (o) { o.classList.remove("active"); o.removeAttribute("aria-selected"); });
      options[next].classList.add("active");
      options[next].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[next].id);
    } else if (event.key === "Enter" && current >= 0) {
      event.preventDefault();
      choose(input, options[current]);
    } else if (event.key === "Escape") {
      close(input);
    }
  });

  // Leaving the box (Tab, or a click elsewhere) closes its list; a click on a suggestion keeps the focus.
  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.dataset.picker) close(input);
  });

  document.addEventListener("mousedown", function (event) {
    if (!(event.target instanceof Element)) return;
    var option = event.target.closest(".picker-list [role=option]");
    if (option) {
      event.preventDefault();  // keeps the focus in the box
      choose(option.closest(".picker").querySelector("input[data-picker]"), option);
      return;
    }
    document.querySelectorAll(".picker input[data-picker][aria-expanded=true]").forEach(function (input) {
      if (!input.closest(".picker").contains(event.target)) close(input);
    });
  });
})();
