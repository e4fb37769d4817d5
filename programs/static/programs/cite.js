// "Cite this": a Copy button beside each citation. Without scripts, the reader selects the text
// of the read-only box (a click selects it all) and copies it by hand.
"use strict";
document.querySelectorAll("textarea[data-copy]").forEach((box) => {
  box.addEventListener("focus", () => box.select());
  const button = document.createElement("button");
  button.type = "button";
  button.className = "copy";
  button.textContent = `Copy ${box.dataset.copy}`;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(box.value);
    } catch {
      box.select();
      document.execCommand("copy");
    }
    button.textContent = "Copied";
    setTimeout(() => { button.textContent = `Copy ${box.dataset.copy}`; }, 2000);
  });
  box.after(button);
});
