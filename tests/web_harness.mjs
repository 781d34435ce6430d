// Node runs the page's Python side from a built site (python -m tools.web), for the tests.
//
//   node tests/web_harness.mjs SITE REQUEST_JSON
//
// REQUEST_JSON: {"exec": "python code"} runs that code on the site's files and prints its
// lines; or {"options": {...main.start's...}, "frames": N, "presses": [[frame, key, pressed]],
// "nvm": hex or null} boots the app, runs until a deterministic run stops (or N frames),
// and prints one JSON object: lines, problems, settings_toml, settings, frame, done, frames,
// map_updates and palette_updates (refreshes that sent each), nvm.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [site, requestText] = process.argv.slice(2);
const request = JSON.parse(requestText);
const load = (name) => import(pathToFileURL(path.join(site, name)).href);
const { boot, interpreter } = await load("engine.mjs");
const { loadMicroPython } = await load("micropython.mjs");
const texts = JSON.parse(fs.readFileSync(path.join(site, "python.json"), "utf8"));
const files = texts.map(([name, text]) => [name, new TextEncoder().encode(text)]);
const lines = [];
const log = (line) => lines.push(line);

if (request.exec !== undefined) {
  const mp = await interpreter({ loadMicroPython, files, log });
  mp.runPython(request.exec);
  process.stdout.write(lines.join("\n") + "\n");
} else {
  let stored = request.nvm ?? null;
  const nvm = { load: () => stored, save: (hex) => (stored = hex) };
  let clock = 0; // a live run's clock: 40 ms a frame, so live runs repeat too
  const { page, panel } = await boot({
    loadMicroPython, files, options: request.options, log, nvm, now: () => clock,
  });
  const presses = request.presses || [];
  let frames = 0;
  let done = false;
  while (!done && (request.frames === undefined || frames < request.frames)) {
    for (const [frame, key, pressed] of presses) if (frame === frames) page.press(key, pressed);
    done = page.step();
    frames++;
    clock += 40;
  }
  process.stdout.write(JSON.stringify({
    lines,
    problems: JSON.parse(page.problems_json()),
    settings_toml: page.settings_toml(),
    settings: JSON.parse(page.settings_json()),
    frame: panel.frame(),
    done,
    frames,
    map_updates: panel.mapUpdates,
    palette_updates: panel.paletteUpdates,
    nvm: stored,
  }) + "\n");
}
