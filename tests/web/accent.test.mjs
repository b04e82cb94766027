// The hosted pages' accent colour (web/hosted/accent.js) in Node: whatever "#rrggbb" a developer
// picks, the link colour meets WCAG AA (4.5:1) on the pages' light and dark surfaces, the button
// text 4.5:1 on the button, and a colour that already reads well is kept as it is.
// Run: node --test tests/web
import { test } from "node:test";
import assert from "node:assert/strict";
import { accentPalette, contrast, parseHex } from "../../web/hosted/accent.js";

const SURFACES = { light: ["#ffffff", "#f6f7f9"], dark: ["#161b22", "#0d1117"] };

/** Every 17th step of each channel: 4,096 colours, the extremes and the greys included. */
function* colours() {
  for (let r = 0; r <= 255; r += 17)
    for (let g = 0; g <= 255; g += 17)
      for (let b = 0; b <= 255; b += 17) yield "#" + [r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("");
}

test("every accent gives readable links and button text in light and dark", () => {
  for (const hex of colours()) {
    const palette = accentPalette(hex);
    for (const scheme of ["light", "dark"]) {
      const { accent, button, buttonInk } = palette[scheme];
      for (const surface of SURFACES[scheme]) {
        const ratio = contrast(parseHex(accent), parseHex(surface));
        assert.ok(ratio >= 4.5, `${hex} ${scheme}: link ${accent} on ${surface} is ${ratio.toFixed(2)}:1`);
        assert.ok(contrast(parseHex(button), parseHex(surface)) >= 3, `${hex} ${scheme}: button ${button} fades into ${surface}`);
      }
      const ink = contrast(parseHex(buttonInk), parseHex(button));
      assert.ok(ink >= 4.5, `${hex} ${scheme}: ${buttonInk} on ${button} is ${ink.toFixed(2)}:1`);
    }
  }
});

test("a colour that reads well is kept; light and dark variants move the right way", () => {
  const blue = accentPalette("#1F5FD6");
  assert.equal(blue.light.accent, "#1f5fd6");
  assert.equal(blue.light.button, "#1f5fd6");
  assert.equal(blue.light.buttonInk, "#ffffff");
  // Too dark on the dark surfaces: lightened for links; the button the same.
  assert.notEqual(blue.dark.accent, "#1f5fd6");
  assert.ok(contrast(parseHex(blue.dark.accent), [22, 27, 34]) >= 4.5);
  // A light yellow: darkened for links on white, its own colour kept for the button, black ink.
  const yellow = accentPalette("#ffd400");
  assert.notEqual(yellow.light.accent, "#ffd400");
  assert.equal(yellow.dark.accent, "#ffd400");
  assert.equal(yellow.dark.buttonInk, "#000000");
});

test("anything but #rrggbb is no accent", () => {
  for (const bad of ["", "red", "#fff", "#12345", "#1234567", "#12345g", null, undefined, "url(x)"]) {
    assert.equal(accentPalette(bad), null, String(bad));
  }
});
