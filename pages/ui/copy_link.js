// A read-only link with a copy button. The clipboard API needs a secure page (https or
// localhost); a class served over the school network falls back to execCommand("copy").
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
  input.value = data.url;
  input.setAttribute("aria-label", data.label);
  box.querySelector("span").textContent = data.label;
  Object.assign(box.dataset, { copy: data.copy, copied: data.copied, failed: data.failed });
  box.querySelector("button").textContent = data.copy;
}
