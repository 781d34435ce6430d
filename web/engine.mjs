// The page's engine: MicroPython-WebAssembly running the project's own Python, and the panel
// it draws on. No DOM here, so Node runs it too (tests/web_harness.mjs).
//
// The Python side is web/python/main.py (code.py's wiring with the page's stand-ins); it
// imports `webhost`, the functions below. Its displayio sends the panel's index map when
// layers change and the palette entries written at each refresh; Panel keeps both and
// turns them into pixels: exact RGB565 colours for frame() (the simulator's --png), and
// the LEDs' light at the panel's bit depth for the canvas (the simulator's GIF).

export const WIDTH = 64;
export const HEIGHT = 32;

// One little-endian unsigned number of `bytes` bytes from hex text at `at`.
function hexNumber(text, at, bytes) {
  let value = 0;
  for (let b = bytes - 1; b >= 0; b--) {
    value = value * 256 + parseInt(text.substr(at + 2 * b, 2), 16);
  }
  return value;
}

// A `bits`-wide channel as 8 bits, its top bits repeated into the low bits (sim/rgb565.py).
export function widen(value, bits) {
  value <<= 8 - bits;
  while (bits < 8) {
    value |= value >> bits;
    bits *= 2;
  }
  return value & 0xff;
}

// The PWM level (0 .. 2**bitDepth - 1) the panel drives for a `bits`-wide channel.
function panelLevel(value, bits, bitDepth) {
  if (bitDepth === 6 && bits === 5) return (value << 1) | (value >> 4);
  return value >> (bits - bitDepth);
}

// Python's round(): halves go to the even neighbour.
function roundHalfEven(x) {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest !== 0.5) return Math.round(x);
  return floor % 2 === 0 ? floor : floor + 1;
}

// A linear light fraction 0..1 as an sRGB byte (IEC 61966-2-1).
function srgbEncode(linear) {
  const encoded = linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055;
  return roundHalfEven(encoded * 255);
}

// Lookup tables [red, green, blue] from each RGB565 channel's value to one byte.
function channelTables(convert) {
  return [5, 6, 5].map((bits) => Uint8Array.from({ length: 1 << bits }, (_, v) => convert(v, bits)));
}

const EXACT = channelTables(widen);

// The panel: which page palette entry each pixel shows, and the page palette.
export class Panel {
  constructor() {
    this.cells = new Uint16Array(WIDTH * HEIGHT);
    this.colours = new Uint32Array(1 << 16);
    this.changed = true; // since the canvas was last drawn
    this.updates = 0; // refreshes received
    this.mapUpdates = 0; // ... that changed the index map
    this.paletteUpdates = 0; // ... that changed palette entries
  }

  // What displayio.PanelDisplay.refresh sends: a rectangle of the index map (w 0: none) and
  // palette entries, both little-endian hex.
  update(x, y, w, h, cells, entries) {
    let at = 0;
    for (let row = y; row < y + h; row++) {
      for (let column = x; column < x + w; column++, at += 4) {
        this.cells[column + WIDTH * row] = hexNumber(cells, at, 2);
      }
    }
    for (let at = 0; at < entries.length; at += 16) {
      this.colours[hexNumber(entries, at, 4)] = hexNumber(entries, at + 8, 4);
    }
    this.updates++;
    if (w) this.mapUpdates++;
    if (entries.length) this.paletteUpdates++;
    if (w || entries.length) this.changed = true;
  }

  // Bytes r, g, b per pixel through channel tables, as displayio's RGB565 holds each colour.
  pixels(tables, out, stride) {
    const [red, green, blue] = tables;
    for (let p = 0; p < WIDTH * HEIGHT; p++) {
      const colour = this.colours[this.cells[p]];
      out[stride * p] = red[(colour >> 19) & 0x1f];
      out[stride * p + 1] = green[(colour >> 10) & 0x3f];
      out[stride * p + 2] = blue[(colour >> 3) & 0x1f];
    }
    return out;
  }

  // The 64x32 panel as 6144 numbers, r, g, b row by row: the simulator's --png pixels.
  frame() {
    return Array.from(this.pixels(EXACT, new Uint8Array(3 * WIDTH * HEIGHT), 3));
  }
}

// The LEDs' light at `bitDepth` as sRGB bytes: tables for Panel.pixels (sim/rgb565.py).
export function panelTables(bitDepth) {
  const top = (1 << bitDepth) - 1;
  return channelTables((value, bits) => srgbEncode(panelLevel(value, bits, bitDepth) / top));
}

function makeFolders(fs, path) {
  const parts = path.split("/").slice(0, -1);
  for (let depth = 1; depth <= parts.length; depth++) {
    const folder = "/" + parts.slice(0, depth).join("/");
    if (!fs.analyzePath(folder).exists) fs.mkdir(folder);
  }
}

// MicroPython with `files` ([path, Uint8Array], or a promise of them) laid out from its
// root like the CIRCUITPY drive, printing lines to `log`.
export async function interpreter({ loadMicroPython, files, log }) {
  const mp = await loadMicroPython({ stdout: log, stderr: log, linebuffer: true });
  for (const [path, bytes] of await files) {
    makeFolders(mp.FS, path);
    mp.FS.writeFile("/" + path, bytes);
  }
  return mp;
}

// Start the app on an interpreter(): `options` go to main.start (overrides, batches, fps);
// `log(line)` gets the serial console; `nvm` ({load(), save(hex)}) keeps the checkpoints of
// a live run; `now()` is the live clock in ms (performance.now by default).
// Returns {page, panel, bitDepth}: page.step() runs one frame (true once a deterministic run
// has stopped), page.press(key, pressed, ms) feeds a button (ms: the event's timeStamp).
export async function boot({ loadMicroPython, files, options, log, nvm, now }) {
  const panel = new Panel();
  const mp = await interpreter({ loadMicroPython, files, log });
  mp.registerJsModule("webhost", {
    now: now || (() => performance.now()),
    show: (x, y, w, h, cells, entries) => panel.update(x, y, w, h, cells, entries),
    log: (line) => log(line),
    save_nvm: (hex) => nvm && nvm.save(hex),
  });
  const stored = options.batches == null && nvm ? nvm.load() : null;
  const page = mp.pyimport("main").start(JSON.stringify({ ...options, stored }));
  return { mp, page, panel, bitDepth: page.bit_depth };
}
