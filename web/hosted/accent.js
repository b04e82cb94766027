// The app's accent colour on the hosted pages: from the one "#rrggbb" the developer chose, a
// light and a dark variant that meet WCAG AA (4.5:1) as link text on the pages' surfaces, the
// button colours with a readable foreground, set as custom properties through CSSOM (the pages'
// Content-Security-Policy forbids inline styles, not CSSOM).

/** The surfaces text sits on, as hosted.css paints them: the card and the page behind it. */
const SURFACES = {
  light: ["#ffffff", "#f6f7f9"],
  dark: ["#161b22", "#0d1117"],
};

/** What text on an accent button may be: the most contrast of the two is always 4.58:1 or more. */
const INKS = ["#ffffff", "#000000"];

/** Text contrast (WCAG 2.x AA, normal size) and what makes a button stand out from its surface. */
const TEXT_CONTRAST = 4.5;
const SHAPE_CONTRAST = 3;

/** `[r, g, b]` (0–255) of "#rrggbb", or null for anything else. */
export function parseHex(text) {
  const match = /^#([0-9a-f]{6})$/i.exec(String(text ?? "").trim());
  if (!match) return null;
  const value = parseInt(match[1], 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

export const toHex = (rgb) => "#" + rgb.map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");

/** The relative luminance of WCAG 2.x. */
export function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrast(one, two) {
  const [hi, lo] = [luminance(one), luminance(two)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}

const mix = (from, to, share) => from.map((v, i) => v + (to[i] - v) * share);

/** The least contrast of `rgb` with any of `surfaces`. */
const leastContrast = (rgb, surfaces) => Math.min(...surfaces.map((s) => contrast(rgb, parseHex(s))));

/** `rgb` moved towards `towards` in small steps until it has `ratio` with every surface. */
function readableOn(rgb, surfaces, towards, ratio) {
  for (let step = 0; step <= 40; step++) {
    const candidate = mix(rgb, towards, step / 40).map(Math.round);
    if (leastContrast(candidate, surfaces) >= ratio) return candidate;
  }
  return towards;
}

/** The better ink on `rgb`. */
const inkOn = (rgb) => INKS.map(parseHex).sort((a, b) => contrast(rgb, b) - contrast(rgb, a))[0];

/**
 * The accent in one scheme: `accent` (links and focus rings, 4.5:1 on the surfaces), `button`
 * (the chosen colour itself when it stands out 3:1 from the surfaces, else `accent`) and
 * `buttonInk` (its text).
 */
function variant(rgb, scheme) {
  const surfaces = SURFACES[scheme];
  const towards = scheme === "light" ? [0, 0, 0] : [255, 255, 255];
  const accent = readableOn(rgb, surfaces, towards, TEXT_CONTRAST);
  const button = leastContrast(rgb, surfaces) >= SHAPE_CONTRAST ? rgb : accent;
  return { accent: toHex(accent), button: toHex(button), buttonInk: toHex(inkOn(button)) };
}

/** The light and dark variants of "#rrggbb", or null when it is not one. */
export function accentPalette(hex) {
  const rgb = parseHex(hex);
  return rgb ? { light: variant(rgb, "light"), dark: variant(rgb, "dark") } : null;
}

/**
 * Sets `--brand-{light,dark}-{accent,button,ink}` on `element` (hosted.css picks the scheme's);
 * nothing for a missing or malformed colour, so the pages' own blue stays.
 */
export function applyAccent(element, hex) {
  const palette = accentPalette(hex);
  if (!palette) return null;
  for (const scheme of ["light", "dark"]) {
    const { accent, button, buttonInk } = palette[scheme];
    element.style.setProperty(`--brand-${scheme}-accent`, accent);
    element.style.setProperty(`--brand-${scheme}-button`, button);
    element.style.setProperty(`--brand-${scheme}-ink`, buttonInk);
  }
  return palette;
}
