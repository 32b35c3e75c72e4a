// Browser benchmarks of the release bundle, run by `cargo xtask bench`.
//
// Drives Debian's headless Chromium (the launch flags of playwright.config.ts) against
// the sandbox serving dist/, and writes raw samples as JSON to BENCH_OUT. It only
// measures: medians, percentiles and budgets are computed by xtask (xtask/src/bench.rs).
//
//   BASE_URL=http://127.0.0.1:PORT BENCH_OUT=out.json node bench/run.mjs
//
// Every time is read inside the page with performance.now() (origin: navigation start)
// and Resource Timing, so Playwright's own round trips are never part of a figure.
// A section that fails is written as {"error": "..."} and the others still run.

import { chromium } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import os from 'node:os';

const BASE = process.env.BASE_URL;
const OUT = process.env.BENCH_OUT;
if (!BASE || !OUT) {
  console.error('BASE_URL and BENCH_OUT must be set (cargo xtask bench sets them)');
  process.exit(2);
}
const int = (name, fallback) => {
  const value = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};
const COLD_RUNS = int('BENCH_COLD_RUNS', 25);
const COLD_WARMUP = 2;
const ACTIONS = int('BENCH_ACTIONS', 60);
const LIST_RUNS = int('BENCH_LIST_RUNS', 15);
const NAVIGATIONS = int('BENCH_NAVIGATIONS', 500);
const MEMORY_EVERY = 100;
const PASTE_LINES = int('BENCH_PASTE_LINES', 1000);
// BENCH_SECTIONS=memory,list runs only those (for working on one figure).
const SECTIONS = (process.env.BENCH_SECTIONS || 'cold_load,action,list,memory,paste_list,export').split(',');

const OWNER_TOKEN = 'sandbox-owner-pat';
// Seeded users (sandbox/src/seed.rs): Minnie (active, two grants) is opened cold;
// Scrooge (active, one grant) is locked and unlocked.
const COLD_USER = '226000000000000001';
const ACTION_USER = '226000000000000008';

// The same launch as e2e/playwright.config.ts: Debian's Chromium, no downloads.
const LAUNCH = {
  headless: true,
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

const BADGE = 'header [data-testid=state-badge]';

function log(line) {
  console.log(`bench: ${line}`);
}

/** The first connection of dist/config.json: the one a fresh tab uses. */
async function firstConnection() {
  const response = await fetch(`${BASE}/config.json`);
  const config = await response.json();
  const connection = config.connections?.[0];
  if (!connection || connection.provider !== 'zitadel-v2') {
    throw new Error(`the first connection of config.json is not zitadel-v2: ${JSON.stringify(connection)}`);
  }
  return connection;
}

/**
 * A fresh context signed in the way the app keeps a session: the token in
 * sessionStorage under `lifecycle-console.token.<connection name>` (src/auth/mod.rs),
 * set before any script of the page runs. Also keeps the wasm exports (for memory)
 * and page errors.
 */
async function signedInContext(browser, connectionName, errors) {
  const context = await browser.newContext();
  await context.addInitScript(
    ([key, token]) => {
      try {
        sessionStorage.setItem(key, token);
      } catch {
        // about:blank and opaque origins have no storage; nothing to sign in to there.
      }
      addEventListener('TrunkApplicationStarted', (event) => {
        window.__benchWasm = event.detail?.wasm;
      });
    },
    [`lifecycle-console.token.${connectionName}`, OWNER_TOKEN],
  );
  context.on('page', (page) => watchErrors(page, errors));
  return context;
}

function watchErrors(page, errors) {
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console.error: ${msg.text()}`);
  });
}

/**
 * Init script: records when `selector` first matches an element with text (or when
 * `count` elements match), with a MutationObserver on the whole document, and when
 * the frame after that has been painted (a task posted from the next
 * requestAnimationFrame runs after that frame's paint).
 */
function installProbe({ selector, count }) {
  const bench = (window.__bench = {});
  const reached = () => {
    const found = document.querySelectorAll(selector);
    if (count) return found.length >= count ? found.length : 0;
    return found.length > 0 && found[0].textContent.trim() !== '' ? 1 : 0;
  };
  const observer = new MutationObserver(() => {
    if (bench.at !== undefined) return;
    const n = reached();
    if (!n) return;
    bench.at = performance.now();
    bench.found = n;
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => (bench.paintedAt = performance.now()), 0));
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
}

/** Resource Timing of the page as plain objects. */
function resourcesIn(page) {
  return page.evaluate(() =>
    performance.getEntriesByType('resource').map((e) => ({
      name: e.name,
      initiatorType: e.initiatorType,
      startTime: e.startTime,
      responseStart: e.responseStart,
      responseEnd: e.responseEnd,
    })),
  );
}

const path = (url) => new URL(url).pathname;

async function coldLoad(browser, connection, errors) {
  const url = `${BASE}/users/${COLD_USER}`;
  const samples = [];
  for (let run = 0; run < COLD_WARMUP + COLD_RUNS; run++) {
    const context = await signedInContext(browser, connection.name, errors);
    await context.addInitScript(installProbe, { selector: BADGE });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__bench?.paintedAt !== undefined, null, { timeout: 30_000 });
    const probe = await page.evaluate(() => ({ ...window.__bench, badge: document.querySelector('header [data-testid=state-badge]').textContent.trim() }));
    const nav = await page.evaluate(() => {
      const n = performance.getEntriesByType('navigation')[0];
      return { responseEnd: n.responseEnd, domContentLoaded: n.domContentLoadedEventEnd };
    });
    const resources = await resourcesIn(page);
    // What the load transferred: the document and every request until the state showed.
    const requests = await page.evaluate(() =>
      [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')].map((e) => ({
        path: new URL(e.name).pathname,
        navigation: e.entryType === 'navigation',
        transfer_bytes: e.transferSize,
        body_bytes: e.encodedBodySize,
      })),
    );
    await context.close();
    const end = (test) => resources.find(test)?.responseEnd ?? null;
    const userRead = resources.find((r) => path(r.name) === `/v2/users/${COLD_USER}`);
    const sample = {
      ms: probe.at,
      painted_ms: probe.paintedAt,
      badge: probe.badge,
      html_end_ms: nav.responseEnd,
      dom_content_loaded_ms: nav.domContentLoaded,
      js_end_ms: end((r) => r.name.endsWith('.js')),
      wasm_end_ms: end((r) => r.name.endsWith('.wasm')),
      config_end_ms: end((r) => path(r.name) === '/config.json'),
      user_request_start_ms: userRead?.startTime ?? null,
      user_request_end_ms: userRead?.responseEnd ?? null,
      requests,
    };
    if (run >= COLD_WARMUP) samples.push(sample);
  }
  log(`cold load: ${samples.length} fresh loads of /users/${COLD_USER}`);
  return { url_path: `/users/${COLD_USER}`, warmup_loads_discarded: COLD_WARMUP, samples };
}

/** In the page: clicks `selector`, resolves when the user's badge reads `expected`. */
async function clickUntilBadge({ selector, label, expected, requestPath, badge }) {
  performance.clearResourceTimings();
  const shown = new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      const el = document.querySelector(badge);
      if (el && el.textContent.trim() === expected) {
        const at = performance.now();
        observer.disconnect();
        clearTimeout(timer);
        resolve(at);
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    const timer = setTimeout(() => {
      observer.disconnect();
      reject(new Error(`the badge did not read ${expected} within 10 s`));
    }, 10_000);
  });
  const button = [...document.querySelectorAll(selector)].find((b) => b.textContent.trim() === label);
  if (!button || button.disabled) throw new Error(`${selector} "${label}" is missing or disabled`);
  const clickedAt = performance.now();
  button.click();
  const shownAt = await shown;
  let request;
  for (let i = 0; i < 100 && !request; i++) {
    request = performance
      .getEntriesByType('resource')
      .find((e) => new URL(e.name).pathname === requestPath && e.startTime >= clickedAt);
    if (!request) await new Promise((r) => setTimeout(r, 10));
  }
  if (!request) throw new Error(`no Resource Timing entry for ${requestPath}`);
  return {
    clicked_at: clickedAt,
    total_ms: shownAt - clickedAt,
    request_ms: request.responseEnd - request.startTime,
    before_request_ms: request.startTime - clickedAt,
    after_response_ms: shownAt - request.responseEnd,
  };
}

async function actionLatency(browser, connection, errors) {
  const context = await signedInContext(browser, connection.name, errors);
  const page = await context.newPage();
  await page.goto(`${BASE}/users/${ACTION_USER}`);
  const badge = page.locator(BADGE);
  await badge.filter({ hasText: /\S/ }).waitFor();
  const samples = [];
  for (let i = 0; i < ACTIONS; i++) {
    const state = (await badge.textContent()).trim();
    let sample;
    if (state === 'Active') {
      // Lock asks first: the time runs from the dialog's own Lock button.
      await page.locator('.action-bar').first().getByRole('button', { name: 'Lock', exact: true }).click();
      await page.locator('dialog.confirm[open] button[type=submit]').waitFor();
      sample = await page.evaluate(clickUntilBadge, {
        selector: 'dialog.confirm[open] button[type=submit]',
        label: 'Lock',
        expected: 'Locked',
        requestPath: `/v2/users/${ACTION_USER}/lock`,
        badge: BADGE,
      });
      sample.action = 'lock';
    } else if (state === 'Locked') {
      // Unlock needs no confirmation: the time runs from its click.
      await page.locator('.action-bar').first().getByRole('button', { name: 'Unlock', exact: true }).waitFor();
      await page.waitForFunction(() => [...document.querySelectorAll('.action-bar button')].some((b) => b.textContent.trim() === 'Unlock' && !b.disabled));
      sample = await page.evaluate(clickUntilBadge, {
        selector: '.action-bar button',
        label: 'Unlock',
        expected: 'Active',
        requestPath: `/v2/users/${ACTION_USER}/unlock`,
        badge: BADGE,
      });
      sample.action = 'unlock';
    } else {
      throw new Error(`user ${ACTION_USER} is ${state}, neither Active nor Locked`);
    }
    samples.push(sample);
    // The page re-reads the user a second after a write; let it land so that it
    // never overlaps the next measurement.
    await page.waitForFunction(
      ({ userPath, after }) =>
        performance
          .getEntriesByType('resource')
          .some((e) => new URL(e.name).pathname === userPath && e.startTime > after && e.responseEnd > 0),
      { userPath: `/v2/users/${ACTION_USER}`, after: sample.clicked_at },
      { timeout: 10_000, polling: 50 },
    );
    await page.waitForTimeout(50);
  }
  await context.close();
  log(`actions: ${samples.length} lock/unlock on ${ACTION_USER}`);
  return { user_id: ACTION_USER, samples };
}

// The list is measured in a running app: the admin switches "Per page" from 20 to N.
// A fresh page load would also time the wasm's start-up compilation, which runs
// beside the first render (100 rows took 16 to 85 ms that way) and which the cold
// load figure already covers.
const LIST_START_SIZE = 20;
const LIST_SETTLE_MS = 500;

async function listRendering(browser, connection, errors) {
  const result = {};
  for (const size of [100, 1000]) {
    const samples = [];
    for (let run = 0; run < LIST_RUNS + 1; run++) {
      const context = await signedInContext(browser, connection.name, errors);
      const page = await context.newPage();
      await page.goto(`${BASE}/users?size=${LIST_START_SIZE}`);
      await page.waitForFunction(
        (n) => document.querySelectorAll('tbody tr').length === n,
        LIST_START_SIZE,
        { timeout: 60_000 },
      );
      await page.waitForTimeout(LIST_SETTLE_MS);
      await page.evaluate(() => performance.clearResourceTimings());
      await page.evaluate(installProbe, { selector: 'tbody tr', count: size });
      await page.selectOption('#users-page-size', String(size));
      await page.waitForFunction(() => window.__bench?.paintedAt !== undefined, null, { timeout: 60_000 });
      const probe = await page.evaluate(() => window.__bench);
      const rows = await page.evaluate(() => document.querySelectorAll('tbody tr').length);
      const list = (await resourcesIn(page)).filter((r) => path(r.name) === '/v2/users');
      await context.close();
      if (list.length !== 1) throw new Error(`expected one POST /v2/users, saw ${list.length}`);
      if (rows !== size) throw new Error(`expected ${size} rows, saw ${rows}`);
      const request = list[0];
      // The first load of each size only warms the browser and the server.
      if (run === 0) continue;
      samples.push({
        ms: probe.at - request.responseEnd,
        painted_ms: probe.paintedAt - request.responseEnd,
        request_ms: request.responseEnd - request.startTime,
        server_wait_ms: request.responseStart - request.startTime,
        rows,
      });
    }
    log(`list: ${samples.length} switches of /users from ${LIST_START_SIZE} to ${size} per page`);
    result[String(size)] = {
      url_path: `/users?size=${LIST_START_SIZE} -> Per page ${size}`,
      warmup_loads_discarded: 1,
      samples,
    };
  }
  return result;
}

/** Users to move between: the first ones the list shows (seeded and generated). */
async function someUserIds(count) {
  const response = await fetch(`${BASE}/v2/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OWNER_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: { limit: count, asc: true }, sortingColumn: 'USER_FIELD_NAME_DISPLAY_NAME' }),
  });
  if (!response.ok) throw new Error(`POST /v2/users answered ${response.status}`);
  const body = await response.json();
  return body.result.map((u) => u.userId);
}

/** In the page: router navigation without a reload, until the new user and grants show. */
async function navigateTo(id) {
  const before = document.querySelector('header.user-header');
  history.pushState(null, '', `/users/${id}`);
  dispatchEvent(new PopStateEvent('popstate', { state: null }));
  const started = performance.now();
  for (;;) {
    const header = document.querySelector('header.user-header');
    const grants = document.querySelector('section.grants');
    const settled =
      header &&
      header !== before &&
      header.querySelector('[data-testid=state-badge]')?.textContent.trim() &&
      grants &&
      !grants.textContent.includes('Loading grants');
    if (settled) return;
    if (document.querySelector('[role=alert]')) throw new Error(`an error shows on /users/${id}`);
    if (performance.now() - started > 10_000) throw new Error(`/users/${id} did not show within 10 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function memory(browser, connection, errors) {
  const ids = await someUserIds(20);
  const context = await signedInContext(browser, connection.name, errors);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${BASE}/users/${ids[0]}`);
  await page.locator(BADGE).filter({ hasText: /\S/ }).waitFor();
  await page.locator('section.grants').filter({ hasNotText: 'Loading grants' }).waitFor();
  const wasmAvailable = await page.evaluate(() => !!window.__benchWasm?.memory?.buffer);

  const reading = async (navigations) => {
    await page.evaluate(() => performance.clearResourceTimings());
    await page.waitForTimeout(100);
    for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name) => metrics.find((m) => m.name === name)?.value ?? null;
    const wasm = await page.evaluate(() => window.__benchWasm?.memory?.buffer?.byteLength ?? null);
    return {
      navigations,
      js_heap_used_bytes: metric('JSHeapUsedSize'),
      js_heap_total_bytes: metric('JSHeapTotalSize'),
      wasm_memory_bytes: wasm,
      dom_nodes: metric('Nodes'),
      js_event_listeners: metric('JSEventListeners'),
    };
  };

  const readings = [await reading(0)];
  for (let n = 1; n <= NAVIGATIONS; n++) {
    await page.evaluate(navigateTo, ids[n % ids.length]);
    if (n % MEMORY_EVERY === 0 || n === NAVIGATIONS) readings.push(await reading(n));
  }
  await cdp.detach();
  await context.close();
  log(`memory: ${NAVIGATIONS} navigations between ${ids.length} users`);
  return {
    method:
      'history.pushState + popstate (router navigation, no reload) between user pages, each waited ' +
      'until the user and its grants show; before each reading: HeapProfiler.collectGarbage x3; ' +
      'JS heap = CDP Performance.getMetrics JSHeapUsedSize; wasm = byteLength of the exported ' +
      'memory (from trunk\'s TrunkApplicationStarted event): linear memory only grows, so it is ' +
      'the high-water mark, not the live allocation',
    wasm_memory_available: wasmAvailable,
    user_ids: ids,
    readings,
  };
}

/**
 * Init script: watches the main thread for the whole run: every long task
 * (PerformanceObserver 'longtask', tasks over 50 ms) and the longest gap between
 * two animation frames, which is what the admin sees as a frozen page.
 */
function installResponsivenessProbe() {
  const probe = (window.__responsiveness = { longTasks: [], longestFrameGap: 0, frames: 0, watching: false });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (probe.watching) probe.longTasks.push(entry.duration);
    }
  }).observe({ type: 'longtask', buffered: false });
  let last;
  const frame = (now) => {
    if (probe.watching) {
      if (last !== undefined) probe.longestFrameGap = Math.max(probe.longestFrameGap, now - last);
      probe.frames++;
      last = now;
    } else {
      last = undefined;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** Active users to offboard: ids, and every other one by its email instead. */
async function pasteLines(count) {
  const response = await fetch(`${BASE}/v2/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OWNER_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: { limit: count, asc: false },
      sortingColumn: 'USER_FIELD_NAME_CREATION_DATE',
      queries: [{ stateQuery: { state: 'USER_STATE_ACTIVE' } }, { typeQuery: { type: 'TYPE_HUMAN' } }],
    }),
  });
  if (!response.ok) throw new Error(`POST /v2/users answered ${response.status}`);
  const users = (await response.json()).result;
  if (users.length !== count) throw new Error(`wanted ${count} active users, found ${users.length}`);
  return users.map((u, i) => (i % 2 === 1 && u.human?.email?.email ? u.human.email.email : u.userId));
}

async function pasteList(browser, connection, errors) {
  const lines = await pasteLines(PASTE_LINES);
  const context = await signedInContext(browser, connection.name, errors);
  await context.addInitScript(installResponsivenessProbe);
  const page = await context.newPage();
  await page.goto(`${BASE}/users/paste`);
  await page.locator('#paste-list').fill(lines.join('\n'));
  await page.evaluate(() => (window.__responsiveness.watching = true));
  const checkStarted = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Check the list', exact: true }).click();
  const runButton = page.getByRole('button', { name: `Deactivate ${PASTE_LINES} users`, exact: true });
  await runButton.waitFor({ timeout: 120_000 });
  const planned = await page.evaluate(() => performance.now());
  await runButton.click();
  const dialog = page.locator('dialog.confirm[open]');
  await dialog.getByRole('button', { name: 'Deactivate', exact: true }).waitFor();
  const runStarted = await page.evaluate(() => performance.now());
  await dialog.getByRole('button', { name: 'Deactivate', exact: true }).click();
  const status = page.getByTestId('run-status');
  await status.filter({ hasText: /^Finished/ }).waitFor({ timeout: 600_000 });
  const finished = await page.evaluate(() => performance.now());
  const probe = await page.evaluate(() => {
    const p = window.__responsiveness;
    p.watching = false;
    return { longTasks: p.longTasks, longestFrameGap: p.longestFrameGap, frames: p.frames };
  });
  const summary = (await status.textContent()).trim();
  await context.close();
  const expected = `Finished: ${PASTE_LINES} done, 0 skipped, 0 failed, 0 not sent`;
  if (summary !== expected) throw new Error(`the run ended with "${summary}", not "${expected}"`);
  log(`paste list: ${PASTE_LINES} lines checked and deactivated`);
  return {
    lines: PASTE_LINES,
    dry_run_ms: planned - checkStarted,
    run_ms: finished - runStarted,
    longest_task_ms: probe.longTasks.length ? Math.max(...probe.longTasks) : 0,
    long_tasks: probe.longTasks.length,
    longest_frame_gap_ms: probe.longestFrameGap,
    frames: probe.frames,
    outcome: summary,
  };
}

async function exportAll(browser, connection, errors) {
  const context = await signedInContext(browser, connection.name, errors);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${BASE}/users?size=20`);
  await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 20, null, { timeout: 60_000 });
  const heap = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? null;
  };
  const wasmBytes = () => page.evaluate(() => window.__benchWasm?.memory?.buffer?.byteLength ?? null);
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const heapBefore = await heap();
  const wasmBefore = await wasmBytes();
  const download = page.waitForEvent('download', { timeout: 900_000 });
  const started = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Export as CSV', exact: true }).click();
  // The heap's high-water mark while the export runs (sampled, no forced GC).
  let heapPeak = heapBefore;
  let done = false;
  const sampling = (async () => {
    while (!done) {
      heapPeak = Math.max(heapPeak, (await heap()) ?? 0);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const file = await download;
  const saved = await page.evaluate(() => performance.now());
  done = true;
  await sampling;
  const status = (await page.getByTestId('export-status').textContent()).trim();
  for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage');
  const heapAfter = await heap();
  const wasmAfter = await wasmBytes();
  const { stat, readFile } = await import('node:fs/promises');
  const filePath = await file.path();
  const bytes = (await stat(filePath)).size;
  const text = await readFile(filePath, 'utf8');
  const rows = text.split('\r\n').length - 2; // header, and the empty string after the last CRLF
  await cdp.detach();
  await context.close();
  log(`export: ${rows} users, ${bytes} bytes`);
  return {
    method:
      'Export as CSV on /users (no filter), from the click to the download event; JS heap = CDP ' +
      'JSHeapUsedSize, peak sampled every 250 ms during the export, before it and after the download, ' +
      'each after HeapProfiler.collectGarbage x3; wasm = byteLength of the exported memory (high-water mark)',
    rows,
    file_bytes: bytes,
    ms: saved - started,
    js_heap_before_bytes: heapBefore,
    js_heap_peak_bytes: heapPeak,
    js_heap_after_bytes: heapAfter,
    wasm_memory_before_bytes: wasmBefore,
    wasm_memory_after_bytes: wasmAfter,
    status,
  };
}

async function section(name, errors, work) {
  const started = Date.now();
  try {
    const result = await work();
    result.seconds = (Date.now() - started) / 1000;
    return result;
  } catch (err) {
    log(`${name} failed: ${err.stack ?? err}`);
    return { error: String(err.message ?? err), seconds: (Date.now() - started) / 1000 };
  }
}

const errors = [];
const browser = await chromium.launch(LAUNCH);
const results = {
  browser: `Chromium ${browser.version()}`,
  base_url: BASE,
  load_average_at_start: os.loadavg(),
  cpus: os.cpus().length,
};
try {
  const connection = await firstConnection();
  results.connection = connection.name;
  const benchmarks = {
    cold_load: () => coldLoad(browser, connection, errors),
    action: () => actionLatency(browser, connection, errors),
    list: () => listRendering(browser, connection, errors),
    memory: () => memory(browser, connection, errors),
    // Last: the pasted list deactivates 1,000 users.
    export: () => exportAll(browser, connection, errors),
    paste_list: () => pasteList(browser, connection, errors),
  };
  for (const [name, work] of Object.entries(benchmarks)) {
    results[name] = SECTIONS.includes(name)
      ? await section(name, errors, work)
      : { error: `not run (BENCH_SECTIONS=${SECTIONS.join(',')})` };
  }
} catch (err) {
  results.error = String(err.message ?? err);
  log(`failed: ${err.stack ?? err}`);
} finally {
  await browser.close();
}
results.load_average_at_end = os.loadavg();
results.page_errors = errors.slice(0, 50);
writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
log(`wrote ${OUT}`);
