import { defineConfig } from '@playwright/test';

// `cargo xtask test e2e` starts the sandbox serving the release bundle (dist/) and
// passes its address here. Running Playwright by hand needs the same.
const baseURL = process.env.BASE_URL;
if (!baseURL) {
  throw new Error(
    'BASE_URL is not set. Run `cargo xtask test e2e`, or start the sandbox with ' +
      '`--serve dist` and run `BASE_URL=http://127.0.0.1:PORT npx playwright test`.',
  );
}

export default defineConfig({
  testDir: 'tests',
  // One worker: every journey writes to the same sandbox database.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 30_000,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['json', { outputFile: 'test-results/report.json' }]],
  use: {
    baseURL,
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
