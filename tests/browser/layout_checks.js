// Reflow, text size and target size of the page as drawn now (see test_layout.py).
() => {
  const root = document.scrollingElement;
  const shown = (el) => {
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1;  // not clipped away like .visually-hidden
  };
  const name = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || el.name || "").trim();
    return `${el.tagName.toLowerCase()}${el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : ""} "${text.slice(0, 40)}"`;
  };
  // Past the right edge and not inside a box that clips or scrolls it (a photo
  // strip, a wide table, the map): fixed bars overflow without a scroll bar.
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > root.clientWidth + 1 && shown(el) && !clipped(el)) {
      wide.push(`${name(el)} right=${Math.round(box.right)}`);
    }
  }
  const smallText = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent || !shown(parent)) continue;
    if (parent.closest("svg, noscript, script, style")) continue;
    const size = parseFloat(getComputedStyle(parent).fontSize);
    if (size < 12) smallText.push(`${name(parent)} ${size}px`);
  }
  // WCAG 2.5.8: at least 24 × 24 CSS px, unless the target sits inline in a sentence.
  const inSentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    const block = el.parentElement;
    return block && block.innerText.trim().length > el.innerText.trim().length;
  };
  const smallTargets = [];
  const targets = document.body.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, label[for]"
  );
  for (const el of targets) {
    if (!shown(el) || el.closest(".leaflet-control-attribution")) continue;
    const box = el.getBoundingClientRect();
    if (box.width >= 23.5 && box.height >= 23.5) continue;
    if (inSentence(el)) continue;
    // A control whose label is the target (a checkbox with its label) counts by the label.
    if (el.labels && [...el.labels].some((l) => { const b = l.getBoundingClientRect(); return b.width >= 23.5 && b.height >= 23.5; })) continue;
    smallTargets.push(`${name(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
  }
  return {
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
    wide: wide.slice(0, 8),
    smallText: [...new Set(smallText)].slice(0, 10),
    smallTargets: [...new Set(smallTargets)].slice(0, 10),
  };
}
