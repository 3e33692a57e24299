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

// Random draws (supervision): recompute a revealed draw in the browser from its published
// pool and seed, with the algorithm of luoshi/supervision/draws.py, independently of the server.
(function () {
  const button = document.querySelector("[data-verify-draw]");
  const source = document.getElementById("draw-data");
  if (!button || !source) return;
  const out = document.getElementById("draw-verify-result");
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
  const sha = (text) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const canon = (v) => {
    if (Array.isArray(v)) return "[" + v.map(canon).join(",") + "]";
    if (v !== null && typeof v === "object") {
      return "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canon(v[k])).join(",") + "}";
    }
    return JSON.stringify(v);
  };
  const LIMIT = 1n << 256n;
  async function uniformBelow(seed, n, counter) {
    const bound = LIMIT - (LIMIT % n);
    for (;;) {
      const value = BigInt("0x" + hex(await sha(seed + ":" + counter)));
      counter += 1;
      if (value < bound) return [value % n, counter];
    }
  }
  async function drawFrom(pool, count, seed) {
    const remaining = pool.slice();
    const picked = [];
    let counter = 0;
    while (remaining.length && picked.length < count) {
      const total = remaining.reduce((sum, item) => sum + BigInt(item.weight || 1), 0n);
      let r;
      [r, counter] = await uniformBelow(seed, total, counter);
      for (let i = 0; i < remaining.length; i += 1) {
        r -= BigInt(remaining[i].weight || 1);
        if (r < 0n) {
          picked.push(remaining.splice(i, 1)[0]);
          break;
        }
      }
    }
    return picked;
  }
  button.addEventListener("click", async () => {
    if (!window.crypto || !crypto.subtle) {
      out.textContent = "此浏览器环境不支持 SHA-256 计算（需通过 HTTPS 访问）。";
      return;
    }
    const data = JSON.parse(source.textContent);
    const problems = [];
    if (hex(await sha(canon(data.pool))) !== data.pool_hash) problems.push("抽取范围与范围哈希不一致。");
    if (hex(await sha(data.seed)) !== data.commitment) problems.push("种子与承诺值不一致。");
    const again = await drawFrom(data.pool, data.count, data.seed);
    if (canon(again) !== canon(data.result)) problems.push("复算结果与公布结果不一致。");
    out.className = "small mt-2 " + (problems.length ? "text-danger" : "text-success");
    out.textContent = problems.length
      ? "验证未通过：" + problems.join(" ")
      : "验证通过：复算结果为 " + again.map((i) => i.label).join("、") + "，与公布结果一致。";
  });
})();
