// A read-only link with a copy button. The clipboard API needs a secure page (https or
// localhost); a class served over the school network falls back to execCommand("copy").
// Without a url it shows the page's own address and follows it (Streamlit rewrites the
// address bar without an event, so the box looks twice a second and before copying).
const FOLLOW_MS = 500;

export default function ({ data, parentElement }) {
  let box = parentElement.querySelector(".copy-link");
  if (!box) {
    box = document.createElement("div");
    box.className = "copy-link";
    box.innerHTML = '<span></span><input type="text" readonly><button type="button"></button>';
    const input = box.querySelector("input");
    const button = box.querySelector("button");
    input.addEventListener("focus", () => input.select());
    button.addEventListener("click", async () => {
      if (box.follow) input.value = window.location.href;
      input.focus();
      input.select();
      let copied = false;
      try {
        await navigator.clipboard.writeText(input.value);
        copied = true;
      } catch {
        copied = document.execCommand("copy");
      }
      button.textContent = copied ? box.dataset.copied : box.dataset.failed;
      setTimeout(() => (button.textContent = box.dataset.copy), 2000);
    });
    parentElement.appendChild(box);
  }
  const input = box.querySelector("input");
  box.follow = data.url == null;
  input.value = box.follow ? window.location.href : data.url;
  clearInterval(box.timer);
  if (box.follow) {
    box.timer = setInterval(() => {
      if (input.value !== window.location.href) input.value = window.location.href;
    }, FOLLOW_MS);
  }
  input.setAttribute("aria-label", data.label);
  box.querySelector("span").textContent = data.label;
  Object.assign(box.dataset, { copy: data.copy, copied: data.copied, failed: data.failed });
  box.querySelector("button").textContent = data.copy;
  return () => clearInterval(box.timer);
}
