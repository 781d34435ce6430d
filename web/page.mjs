// The page: the browser as the board's host. It loads the project's Python into
// MicroPython-WebAssembly (engine.mjs) and gives the app what the board gives code.py: the
// panel (a canvas with the LED look), the two buttons (on screen and the keys U and D), a
// millisecond clock, the nvm (localStorage) and the serial console (a panel). What the app
// does with them is all Python; nothing of it is written again here.
//
// The address carries the settings (?NN_LAYERS=2,4,1&NN_ACTIVATION=tanh) and the page's own
// options: seed=S (NN_SEED, as python -m sim --seed), batches=N (a deterministic run, as
// python -m sim --batches N: simulated clock, as fast as it can, then it stops) and fps=F.
// window.nnMatrix is for tests and measurements: frame() (the panel as 6144 r, g, b values,
// the simulator's --png pixels), done, ready, firstFrameMs, pythonMs (Python time of the
// latest frames), frames; performance marks nn-matrix:files-fetched, nn-matrix:app-started
// and nn-matrix:first-frame time the start.
import { loadMicroPython } from "./micropython.mjs";
import { WIDTH, HEIGHT, boot, panelTables } from "./engine.mjs";

const PAGE_OPTIONS = ["seed", "batches", "fps"];
const STORAGE_KEY = "nn-matrix.nvm";
const SCALE = 10; // canvas pixels per LED
const LED_FILL = 0.75; // disc diameter as a share of the LED pitch (sim/ledlook.py)
const KEPT_LINES = 500;
const KEPT_TIMINGS = 1000;
const SLICE_MS = 40; // a deterministic run gives the browser a turn this often

const $ = (id) => document.getElementById(id);
const api = {
  ready: false, // a frame has been drawn
  done: false, // a deterministic run has finished
  firstFrameMs: null, // ms from navigation to the first frame on the canvas
  pythonMs: [], // Python time of each of the latest frames, ms
  frames: 0,
  error: null,
  frame: () => null,
};
window.nnMatrix = api;

// --- the address -------------------------------------------------------------------------

function wholeNumber(text, lo, hi) {
  if (!/^[0-9]+$/.test(text)) return null;
  const value = Number(text);
  return value >= lo && value <= hi ? value : null;
}

// {overrides, batches, fps, problems} from the query string.
function readAddress(search) {
  const params = new URLSearchParams(search);
  const overrides = {};
  for (const [key, value] of params) if (!PAGE_OPTIONS.includes(key)) overrides[key] = value;
  if (params.has("seed")) overrides.NN_SEED = params.get("seed"); // as python -m sim --seed
  const problems = [];
  let batches = null;
  if (params.has("batches")) {
    batches = wholeNumber(params.get("batches"), 1, 1e9);
    if (batches === null) {
      problems.push(`page address: batches=${params.get("batches")} is not a whole number of at least 1; running live`);
    }
  }
  let fps = 25;
  if (params.has("fps")) {
    fps = wholeNumber(params.get("fps"), 1, 250);
    if (fps === null) {
      problems.push(`page address: fps=${params.get("fps")} is not a whole number 1..250; using 25`);
      fps = 25;
    }
  }
  return { overrides, batches, fps, problems };
}

// --- what the page shows -------------------------------------------------------------------

function showProblems(lines) {
  const list = $("problems");
  for (const line of lines) {
    const item = document.createElement("li");
    item.textContent = line;
    list.append(item);
  }
  list.hidden = list.children.length === 0;
}

function setStatus(text) {
  $("status").textContent = text;
}

const consoleLines = [];
function log(line) {
  consoleLines.push(line);
  if (consoleLines.length > KEPT_LINES) consoleLines.splice(0, consoleLines.length - KEPT_LINES);
  scheduleConsole();
}

let consolePending = false;
function scheduleConsole() {
  if (consolePending) return;
  consolePending = true;
  requestAnimationFrame(() => {
    consolePending = false;
    const box = $("console");
    const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    box.textContent = consoleLines.join("\n");
    if (atEnd) box.scrollTop = box.scrollHeight;
  });
}

function fail(error) {
  api.error = String(error && error.message ? error.message : error);
  showProblems([`The app stopped: ${api.error}`]);
  setStatus("Stopped.");
  console.error(error);
}

// --- the panel -----------------------------------------------------------------------------

// Black everywhere but a disc per LED, drawn over the scaled-up panel (sim/ledlook.py).
function gapMask() {
  const mask = document.createElement("canvas");
  mask.width = WIDTH * SCALE;
  mask.height = HEIGHT * SCALE;
  const context = mask.getContext("2d");
  const image = context.createImageData(mask.width, mask.height);
  const centre = SCALE / 2;
  const radiusSquared = ((SCALE * LED_FILL) / 2) ** 2;
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) {
      const dx = (x % SCALE) + 0.5 - centre;
      const dy = (y % SCALE) + 0.5 - centre;
      image.data[4 * (x + mask.width * y) + 3] = dx * dx + dy * dy <= radiusSquared ? 0 : 255;
    }
  }
  context.putImageData(image, 0, 0);
  return mask;
}

function canvasPainter(panel, bitDepth) {
  const canvas = $("panel");
  const context = canvas.getContext("2d");
  context.imageSmoothingEnabled = false;
  const small = document.createElement("canvas");
  small.width = WIDTH;
  small.height = HEIGHT;
  const smallContext = small.getContext("2d");
  const image = smallContext.createImageData(WIDTH, HEIGHT);
  image.data.fill(255); // opaque
  const tables = panelTables(bitDepth);
  const mask = gapMask();
  return function paint() {
    if (!panel.changed || panel.updates === 0) return;
    panel.changed = false;
    panel.pixels(tables, image.data, 4);
    smallContext.putImageData(image, 0, 0);
    context.drawImage(small, 0, 0, canvas.width, canvas.height);
    context.drawImage(mask, 0, 0);
    if (!api.ready) {
      api.ready = true;
      api.firstFrameMs = performance.now();
      performance.mark("nn-matrix:first-frame");
    }
  };
}

// --- the buttons ---------------------------------------------------------------------------

function typing(target) {
  return target && target.closest && target.closest("input, select, textarea");
}

function wireButtons(press) {
  const buttons = [$("up"), $("down")];
  const down = [false, false];
  // `event`'s timeStamp is when the browser saw the change, on the page clock's time line:
  // a busy frame does not make a hold look shorter or longer than it was.
  const set = (key, pressed, event) => {
    if (down[key] === pressed) return;
    down[key] = pressed;
    buttons[key].classList.toggle("pressed", pressed);
    press(key, pressed, event ? event.timeStamp : performance.now());
  };
  buttons.forEach((button, key) => {
    button.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      button.setPointerCapture(event.pointerId);
      set(key, true, event);
    });
    for (const type of ["pointerup", "pointercancel", "lostpointercapture"]) {
      button.addEventListener(type, (event) => set(key, false, event));
    }
    button.addEventListener("contextmenu", (event) => event.preventDefault());
    button.addEventListener("keydown", (event) => {
      if (event.key !== " " && event.key !== "Enter") return;
      event.preventDefault();
      if (!event.repeat) set(key, true, event);
    });
    button.addEventListener("keyup", (event) => {
      if (event.key !== " " && event.key !== "Enter") return;
      event.preventDefault();
      set(key, false, event);
    });
  });
  const KEYS = { u: 0, d: 1 };
  window.addEventListener("keydown", (event) => {
    const key = KEYS[(event.key || "").toLowerCase()];
    if (key === undefined || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    event.preventDefault();
    if (!event.repeat) set(key, true, event);
  });
  window.addEventListener("keyup", (event) => {
    const key = KEYS[(event.key || "").toLowerCase()];
    if (key !== undefined) set(key, false, event);
  });
  window.addEventListener("blur", () => {
    set(0, false);
    set(1, false);
  });
}

// --- the settings panel --------------------------------------------------------------------

function control(entry) {
  const current = entry.value ?? entry.default;
  let element;
  let choices = entry.choices;
  if (entry.kind === "bool") choices = ["1", "0"];
  if (choices) {
    element = document.createElement("select");
    const names = choices.includes(current) ? choices : [...choices, current];
    for (const name of names) {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = choices.includes(name) ? name : `${name} (not valid)`;
      element.append(option);
    }
  } else {
    element = document.createElement("input");
    element.type = "text";
    element.spellcheck = false;
    element.autocomplete = "off";
  }
  element.value = current;
  element.name = entry.key;
  element.id = `setting-${entry.key}`;
  return element;
}

function describe(entry) {
  let text = `${entry.help}; default ${entry.default}`;
  if (entry.range) text += `, ${entry.range[0]} to ${entry.range[1]}`;
  return text;
}

function wireSettings(page, address) {
  const entries = JSON.parse(page.settings_json());
  const fields = $("fields");
  for (const entry of entries) {
    const label = document.createElement("label");
    label.htmlFor = `setting-${entry.key}`;
    label.textContent = entry.key;
    const help = document.createElement("small");
    help.textContent = describe(entry);
    const row = document.createElement("div");
    row.className = "field";
    row.append(label, control(entry), help);
    fields.append(row);
  }
  const kept = new URLSearchParams();
  const given = new URLSearchParams(address);
  for (const name of ["batches", "fps"]) if (given.has(name)) kept.set(name, given.get(name));
  const go = (params) => {
    const query = params.toString();
    location.href = query ? `?${query}` : location.pathname;
  };
  $("settings-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const params = new URLSearchParams(kept);
    for (const entry of entries) {
      const value = $(`setting-${entry.key}`).value;
      if (value !== (entry.shipped ?? entry.default)) params.set(entry.key, value);
    }
    go(params);
  });
  $("defaults").addEventListener("click", () => go(kept));
  $("show-toml").addEventListener("click", () => {
    const box = $("toml-box");
    box.hidden = !box.hidden;
    $("toml").value = page.settings_toml();
  });
  $("copy-toml").addEventListener("click", async () => {
    const text = $("toml");
    try {
      await navigator.clipboard.writeText(text.value);
    } catch {
      text.select(); // no clipboard access (e.g. plain http): leave it selected to copy
    }
  });
}

// --- running ---------------------------------------------------------------------------------

function browserNvm() {
  let refused = false;
  return {
    load() {
      try {
        return localStorage.getItem(STORAGE_KEY);
      } catch {
        return null;
      }
    },
    save(hex) {
      try {
        localStorage.setItem(STORAGE_KEY, hex);
      } catch {
        if (!refused) log("this browser does not keep data for the page: checkpoints are lost on reload");
        refused = true;
      }
    },
  };
}

function timedStep(page) {
  const start = performance.now();
  const done = page.step();
  api.pythonMs.push(performance.now() - start);
  if (api.pythonMs.length > KEPT_TIMINGS) api.pythonMs.shift();
  api.frames++;
  return done;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

function runLive(page, fps) {
  const frameMs = 1000 / fps;
  let next = performance.now();
  let shown = 0;
  const tick = () => {
    try {
      timedStep(page);
    } catch (error) {
      fail(error);
      return;
    }
    const now = performance.now();
    next += frameMs;
    if (next < now - frameMs) next = now; // fell behind (a background tab): do not catch up
    if (now - shown > 1000) {
      shown = now;
      setStatus(`Training live, ${fps} frames a second; Python ${median(api.pythonMs.slice(-fps)).toFixed(1)} ms a frame.`);
    }
    setTimeout(tick, Math.max(0, next - now));
  };
  tick();
}

function runDeterministic(page, batches, paint) {
  const slice = () => {
    const until = performance.now() + SLICE_MS;
    let done = false;
    try {
      while (!done && performance.now() < until) done = timedStep(page);
    } catch (error) {
      fail(error);
      return;
    }
    if (done) {
      paint();
      setStatus(`Finished: ${batches} batches on a simulated clock, as python -m sim --batches ${batches}.`);
      api.done = true;
    } else {
      setStatus(`Deterministic run: batch ${page.printed} of ${batches}...`);
      setTimeout(slice, 0);
    }
  };
  slice();
}

// The Python files as [path, bytes], from python.json (make web writes it).
async function fetchFiles() {
  const response = await fetch("python.json");
  if (!response.ok) throw new Error(`python.json: HTTP ${response.status}`);
  const encoder = new TextEncoder();
  return (await response.json()).map(([path, text]) => [path, encoder.encode(text)]);
}

async function main() {
  const address = readAddress(location.search);
  showProblems(address.problems);
  const files = fetchFiles().then((loaded) => {
    performance.mark("nn-matrix:files-fetched");
    return loaded;
  });
  const { page, panel, bitDepth } = await boot({
    loadMicroPython,
    files,
    options: { overrides: address.overrides, batches: address.batches, fps: address.fps },
    log,
    nvm: browserNvm(),
  });
  performance.mark("nn-matrix:app-started");
  api.frame = () => panel.frame();
  api.settingsToml = () => page.settings_toml();
  showProblems(JSON.parse(page.problems_json()).map((line) => `settings.toml: ${line}`));
  wireSettings(page, location.search);
  wireButtons((key, pressed, ms) => page.press(key, pressed, ms));
  const paint = canvasPainter(panel, bitDepth);
  const animate = () => {
    paint();
    requestAnimationFrame(animate);
  };
  requestAnimationFrame(animate);
  if (address.batches === null) runLive(page, address.fps);
  else runDeterministic(page, address.batches, paint);
}

main().catch(fail);
