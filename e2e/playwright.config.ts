import { defineConfig, type Project } from '@playwright/test';

// Two projects:
// - `journeys` (tests/): `cargo xtask test e2e` starts the sandbox serving the release
//   bundle (dist/) and passes its address as BASE_URL.
// - `hosting` (hosting/): `cargo xtask test hosting` starts nginx with the `cargo xtask
//   dist` server at / and /admin/ in front of a sandbox, and passes NGINX_URL,
//   NGINX_SUB_PATH_URL, SANDBOX_URL and WEAVR_API_KEY. It exists only when NGINX_URL is
//   set, so that a plain `npx playwright test` runs the journeys alone.
// Running Playwright by hand needs the same variables.
const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error(
    'BASE_URL is not set. Run `cargo xtask test e2e`, or start the sandbox with ' +
      '`--serve dist` and run `BASE_URL=http://127.0.0.1:PORT npx playwright test`.',
  );
}

const projects: Project[] = [{ name: 'journeys', testDir: 'tests' }];
if (process.env.NGINX_URL) {
  projects.push({
    name: 'hosting',
    testDir: 'hosting',
    // Its own folder: Playwright empties a project's output folder when it starts.
    outputDir: 'test-results/hosting',
    use: { baseURL: process.env.NGINX_URL },
  });
}

export default defineConfig({
  projects,
  // One worker: every journey writes to the same sandbox database.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: process.env.REPORT_FILE ?? 'test-results/report.json' }]],
  use: {
    baseURL,
    // The console follows the browser's language: the journeys read English.
    locale: 'en-US',
    headless: true,
    trace: 'off',
    screenshot: 'only-on-failure',
    // Playwright's own browser download does not work here; Debian's Chromium does.
    // The network flags keep Chromium from stalling on the closed network.
    launchOptions: {
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
    },
  },
});
