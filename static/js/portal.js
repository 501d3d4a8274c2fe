// Progressive enhancement only: every flow works without this file.
(function () {
  "use strict";

  // Texts come from the page (base.html), translated like every other string of the portal.
  function message(name, values) {
    var text = document.body.getAttribute("data-msg-" + name.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); })) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("%(" + key + ")s").join(values[key]); });
    return text;
  }
  function number(value) { return value.toLocaleString(document.documentElement.lang || "sv"); }

  // A live count near a field's limit. The server refuses a text that is too long with a clear
  // message; the browser never cuts it (the forms render `data-maxlength`, not `maxlength`).
  function setUpCounters(root) {
    root.querySelectorAll("[data-maxlength]").forEach(function (field) {
      var limit = parseInt(field.getAttribute("data-maxlength"), 10);
      if (!limit || field.dataset.counted) { return; }
      field.dataset.counted = "1";
      var counter = document.createElement("p");
      counter.className = "char-count";
      counter.id = field.id + "_count";
      field.insertAdjacentElement("afterend", counter);
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
      function update() {
        var length = field.value.length;
        counter.classList.toggle("char-count--over", length > limit);
        if (length > limit) {
          counter.textContent = message("countOver", {count: number(length - limit), limit: number(limit)});
        } else if (length >= limit * 0.9) {
          counter.textContent = message("countLeft", {count: number(limit - length), limit: number(limit)});
        } else {
          counter.textContent = "";
        }
      }
      field.addEventListener("input", update);
      update();
    });
  }

  function csrfCookie() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  // The step page: autosave (htmx) with a record, per box, of what the server holds.
  function setUpStepForm(form) {
    var boxes = Array.prototype.slice.call(form.querySelectorAll("textarea[data-answer]"));
    function baseInput(code) { return form.querySelector("input[name='base-" + code + "']"); }
    // acked: the text the server is known to hold for this box (null: not known to be saved).
    // shown: the text of the version the box's base points at, while the box still shows it.
    var acked = {}, shown = {};
    boxes.forEach(function (box) {
      var code = box.getAttribute("data-answer");
      var known = !box.hasAttribute("data-unsaved");
      if (known && box.value !== box.defaultValue) {
        // The browser put back text from an earlier visit of this page (Back): it belongs to
        // no version this page knows, so a save of it must be compared, never written over.
        var base = baseInput(code);
        if (base) { base.value = "0:-"; }
        known = false;
      }
      acked[code] = known ? box.defaultValue : null;
      shown[code] = known ? box.defaultValue : null;
    });
    function keptAside() {
      // The writer's own text kept beside the stored one after "Använd den sparade texten".
      return Array.prototype.some.call(form.querySelectorAll("input[name^='mine-']"), function (input) {
        return input.value !== "";
      });
    }
    function unsaved() {
      return keptAside() || boxes.some(function (box) { return box.value !== acked[box.getAttribute("data-answer")]; });
    }
    var submitting = false;
    form.addEventListener("submit", function () {
      submitting = true;
      // Signing in again (in another tab) gives a new CSRF token: send the current one.
      var token = csrfCookie(), field = form.querySelector("input[name='csrfmiddlewaretoken']");
      if (token && field) { field.value = token; }
    });
    // A save that was stopped (Esc, a dropped connection) leaves the page here: typing on counts again.
    form.addEventListener("input", function () { submitting = false; });
    window.addEventListener("pageshow", function () { submitting = false; });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && unsaved()) { event.preventDefault(); event.returnValue = ""; }
    });
    form.addEventListener("htmx:configRequest", function (event) {
      // Django reads the form's token before the header: both must be the current one.
      var token = csrfCookie(), field = form.querySelector("input[name='csrfmiddlewaretoken']");
      if (!token) { return; }
      event.detail.headers["X-CSRFToken"] = token;
      if (field) { field.value = token; }
      if (event.detail.parameters) { event.detail.parameters["csrfmiddlewaretoken"] = token; }
    });

    form.addEventListener("htmx:beforeRequest", function (event) {
      // Exactly what this request carries, box by box.
      var sent = {};
      var data = event.detail.requestConfig && event.detail.requestConfig.formData;
      boxes.forEach(function (box) {
        var code = box.getAttribute("data-answer");
        var value = data && data.get ? data.get(box.name) : box.value;
        sent[code] = (value === null || value === undefined ? box.value : String(value)).replace(/\r\n/g, "\n");
      });
      event.detail.xhr.portalSent = sent;
    });

    form.addEventListener("htmx:afterSwap", function (event) {
      var sent = event.detail.xhr && event.detail.xhr.portalSent;
      var script = document.getElementById("autosave-data");
      if (!sent || !script) { return; }
      var results = JSON.parse(script.textContent).results || [];
      results.forEach(function (result) {
        var code = result.code;
        var box = form.querySelector("textarea[data-answer='" + code + "']");
        var base = baseInput(code);
        if (!box || !base) { return; }
        var posted = sent[code];
        if (result.outcome === "saved" || result.outcome === "unchanged") {
          // The base moves to a version whose text is exactly what this box posted.
          base.value = result.base;
          acked[code] = sent[code];
          shown[code] = box.value === sent[code] ? sent[code] : null;
        } else if (result.outcome === "untouched") {
          acked[code] = sent[code];
        } else if (result.outcome === "stale") {
          var status = document.getElementById("status-" + code);
          // The box was left as loaded when it was sent: if it still is, show the colleague's
          // text and stand on its version. If the writer has typed since, leave both alone.
          var untouched = shown[code] !== null && box.value === shown[code] && posted === shown[code];
          if (untouched) {
            box.value = result.text;
            base.value = result.current_base;
            acked[code] = box.value;
            shown[code] = box.value;
          }
          if (status) {
            var part = status.querySelector("[data-stale='" + (untouched ? "applied" : "kept") + "']");
            if (part) { part.hidden = false; }
          }
        }
      });
    });

    function showError(text) {
      var status = document.getElementById("autosave-status");
      if (!status) { return; }
      status.innerHTML = "";
      var span = document.createElement("span");
      span.className = "error-message";
      span.textContent = text;
      status.appendChild(span);
    }
    form.addEventListener("htmx:sendError", function () { showError(message("offline")); });
    form.addEventListener("htmx:responseError", function () { showError(message("serverError")); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so that screen readers announce the problems.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
    setUpCounters(document);
    var form = document.getElementById("step-form");
    if (form) { setUpStepForm(form); }
  });
})();
