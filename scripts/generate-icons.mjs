#!/usr/bin/env node
// Draws the Master IA logo (a white chat bubble with "IA" and a small sparkle on an emerald
// tile) and writes the PWA icons, the Apple touch icon and the favicons into public/.
//
//   node scripts/generate-icons.mjs
//
// Only Node built-ins are used: shapes are signed-distance functions in a 100×100 design
// space, each pixel is supersampled (n×n samples) for anti-aliasing, and PNGs are encoded by
// hand (zlib deflate + CRC-32). The output is committed, so nothing here runs at build time.

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const publicDir = path.join(root, "public");
const iconsDir = path.join(publicDir, "icons");

// ---------------------------------------------------------------------------------------------
// Brand
// ---------------------------------------------------------------------------------------------

const BRAND = {
  tileTop: [0x05, 0x96, 0x69], // emerald-600
  tileBottom: [0x06, 0x5f, 0x46], // emerald-800
  ink: [0x04, 0x78, 0x57], // emerald-700, the theme colour
  bubble: [0xff, 0xff, 0xff],
  sparkle: [0xa7, 0xf3, 0xd0], // emerald-200
  shadow: [0x02, 0x2c, 0x22],
};

// ---------------------------------------------------------------------------------------------
// Signed distance functions (negative inside), in design units
// ---------------------------------------------------------------------------------------------

const clamp = (v, lo, hi) => (v < lo ? lo : v > hi ? hi : v);

function sdRoundedBox(px, py, cx, cy, hw, hh, r) {
  const qx = Math.abs(px - cx) - hw + r;
  const qy = Math.abs(py - cy) - hh + r;
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - r;
}

function sdCapsule(px, py, ax, ay, bx, by, r) {
  const pax = px - ax;
  const pay = py - ay;
  const bax = bx - ax;
  const bay = by - ay;
  const h = clamp((pax * bax + pay * bay) / (bax * bax + bay * bay), 0, 1);
  return Math.hypot(pax - bax * h, pay - bay * h) - r;
}

/** Exact distance to a closed polygon (any simple polygon, convex or not). */
function sdPolygon(px, py, pts) {
  let d = (px - pts[0][0]) ** 2 + (py - pts[0][1]) ** 2;
  let sign = 1;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i, i++) {
    const [vix, viy] = pts[i];
    const [vjx, vjy] = pts[j];
    const ex = vjx - vix;
    const ey = vjy - viy;
    const wx = px - vix;
    const wy = py - viy;
    const t = clamp((wx * ex + wy * ey) / (ex * ex + ey * ey), 0, 1);
    const bx = wx - ex * t;
    const by = wy - ey * t;
    d = Math.min(d, bx * bx + by * by);
    const c1 = py >= viy;
    const c2 = py < vjy;
    const c3 = ex * wy > ey * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) sign = -sign;
  }
  return sign * Math.sqrt(d);
}

/** Union with a rounded fillet of width k where the two shapes meet. */
function smoothMin(a, b, k) {
  const h = Math.max(k - Math.abs(a - b), 0) / k;
  return Math.min(a, b) - (h * h * k) / 4;
}

// ---------------------------------------------------------------------------------------------
// The logo, in a 100×100 design space centred on (50, 50)
// ---------------------------------------------------------------------------------------------

const TAIL = [
  [26, 57],
  [44, 65],
  [22.5, 79.5],
];

function sparklePoints(cx, cy, outer, inner) {
  const pts = [];
  for (let i = 0; i < 8; i++) {
    const angle = (i * Math.PI) / 4 - Math.PI / 2;
    const r = i % 2 === 0 ? outer : inner;
    pts.push([cx + Math.cos(angle) * r, cy + Math.sin(angle) * r]);
  }
  return pts;
}
const SPARKLE = sparklePoints(84, 17, 8, 2.3);

function bubbleDistance(x, y) {
  const body = sdRoundedBox(x, y, 50, 44, 30, 23, 13);
  const tail = sdPolygon(x, y, TAIL) - 1.2;
  return smoothMin(body, tail, 5);
}

const LETTER = { radius: 3.3, top: 34, bottom: 55, iX: 35.5, aX: 56, spread: 9.6, barY: 48.2 };

/** "IA" with round caps: an I bar, an A of two legs meeting at the apex, and a crossbar. */
function lettersDistance(x, y, weight) {
  const r = LETTER.radius * weight;
  const top = LETTER.top + r;
  const bottom = LETTER.bottom - r;
  const { iX, aX, spread, barY } = LETTER;
  const barHalf = (spread * (barY - top)) / (bottom - top);
  const i = sdCapsule(x, y, iX, top, iX, bottom, r);
  const left = sdCapsule(x, y, aX, top, aX - spread, bottom, r);
  const right = sdCapsule(x, y, aX, top, aX + spread, bottom, r);
  const bar = sdCapsule(x, y, aX - barHalf, barY, aX + barHalf, barY, r * 0.72);
  return Math.min(i, left, right, bar);
}

/**
 * Builds a paint function for one variant.
 *  tile: "rounded" (transparent corners) or "full" (opaque, for maskable and Apple icons)
 *  scale: foreground scale around the centre (maskable icons keep it inside the safe circle)
 *  detail: false drops the shadow and sparkle (tiny favicons)
 *  weight: letter stroke multiplier (thicker at tiny sizes so "IA" survives)
 */
function logo({ tile, scale = 1, detail = true, weight = 1 }) {
  return (x, y) => {
    const layers = [];
    // Tile with a top-left to bottom-right gradient.
    const tileInside = tile === "full" ? -1 : sdRoundedBox(x, y, 50, 50, 50, 50, 22.5);
    if (tileInside >= 0) return layers;
    const t = clamp((x + y) / 200, 0, 1);
    layers.push([...mix(BRAND.tileTop, BRAND.tileBottom, t), 1]);

    // Foreground in its own (scaled) coordinates.
    const fx = 50 + (x - 50) / scale;
    const fy = 50 + (y - 50) / scale;

    if (detail) {
      // Soft drop shadow under the bubble.
      const sd = bubbleDistance(fx, fy - 2.2);
      const shadow = 1 - smoothstep(-1.5, 4.5, sd);
      if (shadow > 0) layers.push([...BRAND.shadow, 0.28 * shadow]);
    }
    if (bubbleDistance(fx, fy) < 0) {
      layers.push([...BRAND.bubble, 1]);
      if (lettersDistance(fx, fy, weight) < 0) layers.push([...BRAND.ink, 1]);
    }
    if (detail && sdPolygon(fx, fy, SPARKLE) - 0.6 < 0) layers.push([...BRAND.sparkle, 1]);
    return layers;
  };
}

function mix(a, b, t) {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

function smoothstep(e0, e1, v) {
  const t = clamp((v - e0) / (e1 - e0), 0, 1);
  return t * t * (3 - 2 * t);
}

// ---------------------------------------------------------------------------------------------
// Rasterizer: n×n samples per pixel, layers composited with "over", averaged premultiplied
// ---------------------------------------------------------------------------------------------

function render(size, paint, samples = 4) {
  const rgba = Buffer.alloc(size * size * 4);
  const unit = 100 / size;
  const count = samples * samples;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * unit;
          const y = (py + (sy + 0.5) / samples) * unit;
          // Composite this sample's layers bottom to top (premultiplied).
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const [lr, lg, lb, la] of paint(x, y)) {
            cr = lr * la + cr * (1 - la);
            cg = lg * la + cg * (1 - la);
            cb = lb * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const o = (py * size + px) * 4;
      if (a > 0) {
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(g / a);
        rgba[o + 2] = Math.round(b / a);
        rgba[o + 3] = Math.round((a / count) * 255);
      }
    }
  }
  return rgba;
}

// ---------------------------------------------------------------------------------------------
// PNG and ICO encoders
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** RGBA → PNG. Each row gets the filter (None/Sub/Up/Average/Paeth) with the smallest output. */
function encodePng(size, rgba, { opaque = false } = {}) {
  const channels = opaque ? 3 : 4;
  const stride = size * channels;
  const raw = Buffer.alloc(size * stride);
  for (let i = 0, j = 0; i < rgba.length; i += 4) {
    raw[j++] = rgba[i];
    raw[j++] = rgba[i + 1];
    raw[j++] = rgba[i + 2];
    if (!opaque) raw[j++] = rgba[i + 3];
  }
  const out = Buffer.alloc(size * (stride + 1));
  const candidate = Buffer.alloc(stride);
  for (let y = 0; y < size; y++) {
    const row = raw.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? raw.subarray((y - 1) * stride, y * stride) : null;
    let best = null;
    let bestScore = Infinity;
    for (let filter = 0; filter < 5; filter++) {
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const left = i >= channels ? row[i - channels] : 0;
        const up = prev ? prev[i] : 0;
        const upLeft = prev && i >= channels ? prev[i - channels] : 0;
        let predicted = 0;
        if (filter === 1) predicted = left;
        else if (filter === 2) predicted = up;
        else if (filter === 3) predicted = (left + up) >> 1;
        else if (filter === 4) predicted = paeth(left, up, upLeft);
        const v = (row[i] - predicted) & 0xff;
        candidate[i] = v;
        score += v < 128 ? v : 256 - v;
      }
      if (score < bestScore) {
        bestScore = score;
        best = { filter, bytes: Buffer.from(candidate) };
      }
    }
    const o = y * (stride + 1);
    out[o] = best.filter;
    best.bytes.copy(out, o + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = opaque ? 2 : 6; // colour type: RGB or RGBA
  header[10] = 0;
  header[11] = 0;
  header[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(out, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** ICO container holding PNG images (supported by every current browser and Windows Vista+). */
function encodeIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + images.length * 16;
  for (const { size, png } of images) {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry[2] = 0; // palette
    entry[3] = 0;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((image) => image.png)]);
}

// ---------------------------------------------------------------------------------------------
// SVG favicon (same geometry, vector)
// ---------------------------------------------------------------------------------------------

function faviconSvg() {
  const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`;
  const tail = TAIL.map(([x, y]) => `${x} ${y}`).join(" L");
  const sparkle = SPARKLE.map(([x, y]) => `${x.toFixed(2)} ${y.toFixed(2)}`).join(" L");
  const r = LETTER.radius;
  const top = LETTER.top + r;
  const bottom = LETTER.bottom - r;
  const { iX, aX, spread, barY } = LETTER;
  const barHalf = (spread * (barY - top)) / (bottom - top);
  const n = (v) => +v.toFixed(2);
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100" role="img" aria-label="Master IA">
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${hex(BRAND.tileTop)}"/>
      <stop offset="1" stop-color="${hex(BRAND.tileBottom)}"/>
    </linearGradient>
  </defs>
  <rect width="100" height="100" rx="22.5" fill="url(#tile)"/>
  <g fill="${hex(BRAND.bubble)}">
    <rect x="20" y="21" width="60" height="46" rx="13"/>
    <path d="M${tail} Z" stroke="${hex(BRAND.bubble)}" stroke-width="2.4" stroke-linejoin="round"/>
  </g>
  <g fill="none" stroke="${hex(BRAND.ink)}" stroke-width="${2 * r}" stroke-linecap="round" stroke-linejoin="round">
    <path d="M${iX} ${n(top)} V${n(bottom)}"/>
    <path d="M${n(aX - spread)} ${n(bottom)} L${aX} ${n(top)} L${n(aX + spread)} ${n(bottom)}"/>
    <path d="M${n(aX - barHalf)} ${barY} H${n(aX + barHalf)}" stroke-width="${n(1.44 * r)}"/>
  </g>
  <path d="M${sparkle} Z" fill="${hex(BRAND.sparkle)}" stroke="${hex(BRAND.sparkle)}" stroke-width="1.2" stroke-linejoin="round"/>
</svg>
`;
}

// ---------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------

mkdirSync(iconsDir, { recursive: true });

const standard = logo({ tile: "rounded" });
const fullBleed = logo({ tile: "full", scale: 0.94 });
// Maskable: launchers may crop to a circle of radius 40% around the centre; keep everything in it.
const maskable = logo({ tile: "full", scale: 0.7 });
// Favicons: no shadow or sparkle, a larger bubble and bolder letters so "IA" survives 16 px.
const favicon16 = logo({ tile: "rounded", detail: false, scale: 1.18, weight: 1.3 });
const favicon32 = logo({ tile: "rounded", detail: false, scale: 1.1, weight: 1.1 });

const outputs = [
  ["icons/icon-192.png", 192, standard, 4, false],
  ["icons/icon-512.png", 512, standard, 4, false],
  ["icons/icon-maskable-512.png", 512, maskable, 4, true],
  ["icons/apple-touch-icon-180.png", 180, fullBleed, 6, true],
];

for (const [file, size, paint, samples, opaque] of outputs) {
  const png = encodePng(size, render(size, paint, samples), { opaque });
  writeFileSync(path.join(publicDir, file), png);
  console.log(`wrote public/${file} (${size}×${size}, ${png.length} bytes)`);
}

const icoImages = [
  [16, favicon16],
  [32, favicon32],
  [48, standard],
].map(([size, paint]) => ({ size, png: encodePng(size, render(size, paint, 8)) }));
const ico = encodeIco(icoImages);
writeFileSync(path.join(publicDir, "favicon.ico"), ico);
console.log(`wrote public/favicon.ico (16, 32, 48; ${ico.length} bytes)`);

writeFileSync(path.join(publicDir, "favicon.svg"), faviconSvg());
console.log("wrote public/favicon.svg");
