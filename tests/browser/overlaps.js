// Every pair of text elements that overlap (by more than 1 px both ways) inside each
// Plotly chart on the page: titles, tick labels, axis titles, legends, annotations.
(selector) => {
  const found = [];
  document.querySelectorAll(selector).forEach((chart, index) => {
    const boxes = [];
    chart.querySelectorAll("svg text").forEach((node) => {
      const text = node.textContent.trim();
      const style = getComputedStyle(node);
      if (!text || style.visibility === "hidden" || style.display === "none") return;
      if (Number(style.opacity) === 0 || Number(node.getAttribute("opacity") ?? 1) === 0) return;
      const r = node.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) boxes.push({ text, r });
    });
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) found.push([index, boxes[i].text, boxes[j].text]);
      }
    }
  });
  return found;
}
