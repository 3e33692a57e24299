// luoshi page behaviour; loaded as a file because the CSP forbids inline scripts.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
document.body && document.body.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("meta[name=csrf-token]");
  if (token) { event.detail.headers["X-CSRFToken"] = token.getAttribute("content"); }
});
// A form that comes back refused (400, 409, 422) carries its error and what was typed:
// swap it in. By default htmx drops 4xx responses, so 保存 seemed to do nothing.
document.body && document.body.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 400 || status === 409 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
// "原文 N" on a phone: the plan text is folded away; open it, then jump to the measure.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[href^='#m-']");
  var text = document.getElementById("plan-text");
  if (!link || !text || !window.bootstrap || window.getComputedStyle(text).display !== "none") { return; }
  event.preventDefault();
  text.addEventListener("shown.bs.collapse", function () { window.location.hash = link.getAttribute("href"); }, { once: true });
  window.bootstrap.Collapse.getOrCreateInstance(text, { toggle: false }).show();
});
