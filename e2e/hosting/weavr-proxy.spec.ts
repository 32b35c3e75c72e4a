import { request as http } from 'node:http';
import type { Page } from '@playwright/test';
import { WEAVR_ADMIN_TOKEN, action, signIn, subjectBadge, useConnection } from '../tests/helpers';
import { NGINX_URL, WEAVR_API_KEY, expect, test } from './fixtures';

/** Everything the page's scripts can read, as one string. */
async function pageVisibleData(page: Page): Promise<string> {
  return page.evaluate(() => {
    const dump = (s: Storage) => JSON.stringify(Object.fromEntries(Object.entries(s)));
    return [
      document.documentElement.outerHTML,
      dump(localStorage),
      dump(sessionStorage),
      document.cookie,
      JSON.stringify(performance.getEntries().map((e) => e.name)),
    ].join('\n');
  });
}

test('an admin changes Weavr users through nginx, and the api-key never reaches the page', async ({ page, guard }) => {
  const weavrAnswers: { url: string; status: number; requestRef?: string }[] = [];
  page.on('response', async (response) => {
    if (new URL(response.url()).pathname.startsWith('/weavr/')) {
      const headers = await response.allHeaders();
      weavrAnswers.push({ url: response.url(), status: response.status(), requestRef: headers['request-ref'] });
    }
  });
  const sentHeaders: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/weavr/')) sentHeaders.push(...Object.keys(request.headers()));
  });

  await page.goto('/users');
  await useConnection(page, 'Sandbox Weavr Multi');
  await signIn(page, 'Auth token', WEAVR_ADMIN_TOKEN);
  await expect(page).toHaveURL(/\/users$/);
  await page.getByRole('link', { name: 'Alan Turing' }).click();
  await expect(subjectBadge(page)).toHaveText('Inactive');
  await action(page, 'Reactivate').click();
  await expect(subjectBadge(page)).toHaveText('Active');
  await page.reload();
  await expect(subjectBadge(page)).toHaveText('Active');

  // Payment Run with email and password: login_with_password goes through nginx too.
  await useConnection(page, 'Sandbox Weavr Payment Run');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.getByLabel('Email').fill('root@example.com');
  await page.getByLabel('Password').fill('sandbox-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('link', { name: 'Ada Lovelace' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  // The calls went to nginx, same origin, and came back with Weavr's request-ref.
  expect(weavrAnswers.length).toBeGreaterThan(3);
  for (const answer of weavrAnswers) {
    expect(new URL(answer.url).origin, answer.url).toBe(NGINX_URL);
    expect(answer.status, answer.url).toBeLessThan(300);
    expect(answer.requestRef, `request-ref of ${answer.url}`).toBeTruthy();
  }
  expect(weavrAnswers.some((a) => a.url.includes('/weavr/multi/users'))).toBeTruthy();
  expect(weavrAnswers.some((a) => a.url.includes('/weavr/payment-run/v1/users'))).toBeTruthy();
  expect(weavrAnswers.some((a) => a.url.endsWith('/weavr/payment-run/v1/login_with_password'))).toBeTruthy();
  // The page never sends a key; nginx adds it.
  expect(sentHeaders).not.toContain('api-key');

  // Nothing the page can read holds the key (answers were checked by the guard).
  await Promise.all(guard.pending);
  expect(guard.leaks).toEqual([]);
  expect(await pageVisibleData(page)).not.toContain(WEAVR_API_KEY);
});

test('nginx replaces an api-key the browser sends, and passes only the allowed paths', async ({ page }) => {
  await page.goto('/users');
  const results = await page.evaluate(async (token) => {
    const call = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(path, { headers: { authorization: `Bearer ${token}`, ...headers } });
      await response.text();
      return { path, status: response.status, requestRef: response.headers.get('request-ref') };
    };
    return [
      // A wrong key from the page: the Weavr API would answer 401, but nginx sent its own.
      await call('/weavr/multi/users', { 'api-key': 'wrong-key' }),
      await call('/weavr/payment-run/v1/users', { 'Api-Key': 'wrong-key' }),
      // Not on the list (WEAVR.md §1): refused by nginx, never reaching Weavr.
      await call('/weavr/multi/corporates'),
      await call('/weavr/multi/usersx'),
      await call('/weavr/multi/'),
      await call('/weavr/payment-run/users'),
      await call('/weavr/payment-run/v1/buyers'),
    ];
  }, WEAVR_ADMIN_TOKEN);
  expect(results.slice(0, 2).map((r) => r.status)).toEqual([200, 200]);
  for (const refused of results.slice(2)) {
    expect(refused.status, refused.path).toBe(404);
    expect(refused.requestRef, `${refused.path} reached Weavr`).toBeNull();
  }
});

/** A request with its path exactly as written (browsers and fetch normalise dots). */
function rawGet(path: string): Promise<{ status: number; requestRef?: string }> {
  const url = new URL(NGINX_URL);
  return new Promise((resolve, reject) => {
    const req = http(
      { host: url.hostname, port: url.port, path, headers: { authorization: `Bearer ${WEAVR_ADMIN_TOKEN}` } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, requestRef: res.headers['request-ref'] as string | undefined }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('dot segments, plain or encoded, cannot step out of the allowed Weavr paths', async () => {
  for (const path of [
    '/weavr/multi/users/../corporates',
    '/weavr/multi/users/%2e%2e/corporates',
    '/weavr/multi/users/..%2Fcorporates',
    '/weavr/multi/users/%2E%2E%2Fcorporates',
    '/weavr/multi/users/..%5Ccorporates',
  ]) {
    const { status, requestRef } = await rawGet(path);
    expect([400, 404], `${path}: ${status}`).toContain(status);
    if (status === 404 && requestRef) {
      // Reached Weavr: only acceptable as a users path the API itself refused.
      expect(path, `${path} reached Weavr outside /users`).toMatch(/^\/weavr\/multi\/users\/[^/]*$/);
    }
  }
});

test('the CSP is enforced: an injected inline script is blocked and reported', async ({ page, guard }) => {
  await page.goto('/users');
  await page.getByLabel('Personal access token').waitFor();
  const ran = await page.evaluate(() => {
    (window as unknown as { injected?: boolean }).injected = false;
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.head.append(script);
    return new Promise<boolean>((resolve) => setTimeout(() => resolve((window as unknown as { injected: boolean }).injected), 200));
  });
  expect(ran, 'the injected script ran').toBe(false);
  await expect.poll(() => guard.violations.length).toBe(1);
  expect(guard.violations[0]).toMatch(/^script-src-elem blocked inline/);
  // Expected here: the guard must not fail this test for it.
  guard.violations.length = 0;
  guard.problems.length = 0;
});
