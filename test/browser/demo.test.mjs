// The main job in a real browser: the demo (npm start) opened twice in Debian's Chromium; a
// sync run in one page shows up in the other without reload (a live query over WebSocket).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { root } from "../support/worker.mjs";

const CHROMIUM = process.env.LUNORA_CHROMIUM ?? "/usr/bin/chromium";
const PORT = 8799;
const base = `http://127.0.0.1:${PORT}`;
let demo;
let browser;
let log = "";

before(async () => {
  demo = spawn(process.execPath, [join(root, "scripts", "start-demo.mjs")], {
    cwd: root,
    env: { ...process.env, LUNORA_DEMO_PORT: String(PORT), WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  demo.stdout.on("data", (chunk) => (log += chunk));
  demo.stderr.on("data", (chunk) => (log += chunk));
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(base)).ok) break;
    } catch {
      /* not up yet */
    }
    if (demo.exitCode !== null) throw new Error(`demo exited:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
});

after(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((resolve) => demo.on("exit", resolve));
    demo.kill("SIGTERM");
    await exited;
  }
});

test("a sync in one page appears in another open page without reload", { skip: !existsSync(CHROMIUM) && "no chromium" }, async () => {
  const [a, b] = await Promise.all([browser.newPage(), browser.newPage()]);
  await Promise.all([a.goto(base), b.goto(base)]);
  // Both pages list the legacy rows (an action over ctx.sql) and hold a live subscription.
  await a.locator("#legacy tr").first().waitFor();
  await b.locator("#legacy tr").first().waitFor();
  const order = (await a.locator("#legacy tr").first().locator("td").first().textContent()).trim();
  assert.match(order, /^A-\d+$/);
  const before = await b.locator("#projections").textContent();
  assert.doesNotMatch(before, new RegExp(order), "not projected yet");

  await a.locator("#legacy tr").first().getByRole("button", { name: "Sync" }).click();
  // Page b never reloads: its WebSocket subscription delivers the new projection.
  await b.locator("#projections tr", { hasText: order }).waitFor({ timeout: 20_000 });
  await a.locator("#projections tr", { hasText: order }).waitFor({ timeout: 20_000 });
});
