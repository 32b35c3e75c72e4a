import { test, expect, type Page } from '@playwright/test';
import { OWNER_PAT, confirmAction, generated, signIn, subjectBadge, useConnection, watchConsole } from './helpers';

// The sandbox's OIDC users (sandbox --help) and the organisations they see.
const ADMIN_LOGIN = 'admin@acme.example';
const PASSWORD = 'Sandbox-Password-1';
const GLOBEX = '69629023906488335';
const PLUTO = '226000000000000007'; // holds a grant of Globex only

/** From the console's sign-in page through the sandbox's login form, back to the console. */
async function signInWithZitadel(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign in with ZITADEL' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to the sandbox' })).toBeVisible();
  await page.getByLabel('Login name').fill(ADMIN_LOGIN);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function deactivate(page: Page): Promise<void> {
  const name = (await page.getByRole('heading', { level: 1 }).textContent())!;
  await confirmAction(page, 'Deactivate', `Deactivate ${name}?`);
}

/** Tokens stay in this tab's sessionStorage: never in localStorage or the address bar. */
async function expectTokenOnlyInTheTab(page: Page): Promise<void> {
  expect(page.url()).not.toMatch(/[?&](code|state|access_token|id_token)=/);
  const local = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  expect(local).not.toMatch(/token/i);
  const session = await page.evaluate(() => Object.keys(sessionStorage));
  expect(session.some((key) => key.startsWith('lifecycle-console.token.'))).toBeTruthy();
  // The PKCE verifier, state and nonce are used up by the callback.
  expect(session).not.toContain('lifecycle-console.oidc.pending');
}

async function serverState(page: Page, id: string): Promise<string> {
  const response = await page.request.get(`/v2/users/${id}`, { headers: { Authorization: `Bearer ${OWNER_PAT}` } });
  expect(response.ok()).toBeTruthy();
  return (await response.json()).user.state;
}

test('an admin signs in with ZITADEL (code + PKCE), acts, and signs out', async ({ page }) => {
  const consoleErrors = watchConsole(page);
  const id = generated(31);

  await test.step('a deep link asks to sign in, and OIDC sign-in returns to it', async () => {
    await page.goto(`/users/${id}`);
    await expect(page).toHaveURL(/\/sign-in\?next=/);
    await signInWithZitadel(page);
    await expect(page).toHaveURL(new RegExp(`/users/${id}$`));
    await expect(subjectBadge(page)).toHaveText('Active');
    await expectTokenOnlyInTheTab(page);
  });

  await test.step('the signed-in admin acts; the server confirms', async () => {
    await deactivate(page);
    await expect(subjectBadge(page)).toHaveText('Inactive');
    expect(await serverState(page, id)).toBe('USER_STATE_INACTIVE');
  });

  await test.step('signing out ends the session at ZITADEL and here', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    await expect(page.getByRole('button', { name: 'Sign in with ZITADEL' })).toBeVisible();
    const session = await page.evaluate(() => Object.keys(sessionStorage));
    expect(session.filter((key) => key.startsWith('lifecycle-console.token.'))).toEqual([]);
    await page.goto(`/users/${id}`);
    await expect(page).toHaveURL(/\/sign-in\?next=/);
  });

  expect(consoleErrors).toEqual([]);
});

test('a session that expires mid-action sends the admin to sign in, back to the page, with nothing done twice', async ({ page }) => {
  const id = generated(32);
  await page.goto(`/users/${id}`);
  await signInWithZitadel(page);
  await expect(subjectBadge(page)).toHaveText('Active');
  // The page has finished reading (its history is the last read): a read still
  // in flight when the token expires would end the session before the action.
  await expect(page.getByTestId('history-table')).toBeVisible();

  await test.step('the token expires; the next action is refused with 401', async () => {
    const expired = await page.request.post('/debug/tokens/_expire', { data: {} });
    expect(expired.ok()).toBeTruthy();
    await deactivate(page);
    await expect(page).toHaveURL(new RegExp(`/sign-in\\?next=${encodeURIComponent(`/users/${id}`)}$`));
    await expect(page.getByRole('status')).toContainText('Your session has ended');
    expect(await serverState(page, id)).toBe('USER_STATE_ACTIVE');
  });

  await test.step('signing in again returns to the user, still as the server has it', async () => {
    await signInWithZitadel(page);
    await expect(page).toHaveURL(new RegExp(`/users/${id}$`));
    await expect(subjectBadge(page)).toHaveText('Active');
    // Nothing was replayed behind the admin's back.
    await page.waitForTimeout(500);
    expect(await serverState(page, id)).toBe('USER_STATE_ACTIVE');
  });

  await test.step('acting again works, once', async () => {
    await deactivate(page);
    await expect(subjectBadge(page)).toHaveText('Inactive');
    expect(await serverState(page, id)).toBe('USER_STATE_INACTIVE');
  });
});

test('a refused or forged callback is explained, and signs nobody in', async ({ page }) => {
  await page.goto('/users');
  await page.getByRole('button', { name: 'Sign in with ZITADEL' }).click();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('heading', { name: 'Sign-in did not finish' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('access_denied');
  expect(page.url()).not.toContain('state=');

  // A callback this tab never asked for (a replayed or planted link).
  await page.goto('/auth/callback?code=planted&state=planted');
  await expect(page.getByRole('alert')).toContainText('no sign-in in progress');
  await page.getByRole('link', { name: 'Back to sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign in with ZITADEL' })).toBeVisible();
});

test('the organisation switcher changes whose grants are managed, on every page', async ({ page }) => {
  await page.goto(`/users/${PLUTO}`);
  await signIn(page, 'Personal access token', OWNER_PAT);
  const organisation = page.getByLabel('Organisation');
  await expect(organisation).toHaveValue('69629023906488334');
  await expect(page.getByText('This user has no grants here.')).toBeVisible();

  await organisation.selectOption({ label: 'Globex' });
  await expect(page).toHaveURL(new RegExp(`/users/${PLUTO}$`));
  await expect(page.getByRole('link', { name: /Globex Intranet/ })).toBeVisible();
  await page.goto('/users');
  await expect(page.getByLabel('Organisation')).toHaveValue(GLOBEX);
});

test('a Weavr admin signs in with email and password through the proxy', async ({ page }) => {
  await page.goto('/users');
  await useConnection(page, 'Sandbox Weavr Multi');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.getByLabel('Email').fill('root@example.com');
  await page.getByLabel('Password').fill('wrong');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('alert')).toHaveText('The email or the password is wrong.');
  await page.getByLabel('Password').fill('sandbox-password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.locator('tbody tr').first()).toBeVisible();
});

test('a connection added in Settings is offered and kept, without secrets', async ({ page }) => {
  await page.goto('/settings');
  await page.getByLabel('Name', { exact: true }).fill('Staging');
  await page.getByLabel('API address').fill('staging.example');
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByRole('alert')).toContainText('must start with https://');

  await page.getByLabel('API address').fill('https://staging.example');
  await page.getByRole('button', { name: 'Add connection' }).click();
  await expect(page.getByRole('status')).toContainText('Added “Staging”');
  await page.reload();
  await expect(page.getByRole('cell', { name: 'Staging', exact: true })).toBeVisible();
  await expect(page.getByLabel('Connection').locator('option', { hasText: 'Staging' })).toHaveCount(1);
  const kept = await page.evaluate(() => localStorage.getItem('lifecycle-console.connections'));
  expect(JSON.parse(kept ?? '[]')).toEqual([{ name: 'Staging', provider: 'zitadel-v2', apiBaseUrl: 'https://staging.example' }]);

  await page.getByRole('button', { name: 'Remove Staging' }).click();
  await expect(page.getByRole('cell', { name: 'Staging', exact: true })).toHaveCount(0);
});

test('a missing or wrong config.json is explained instead of a blank page', async ({ page }) => {
  const cases: [number, string, RegExp][] = [
    [404, 'Not Found', /could not be loaded \(HTTP 404\)/],
    [200, '{"connections": [', /config.json is not valid/],
    [200, '{"connections": []}', /lists no connections/],
    [200, '{"connections": [{"name": "X", "provider": "keycloak"}]}', /unknown variant `keycloak`/],
  ];
  for (const [status, body, says] of cases) {
    await page.route('**/config.json', (route) => route.fulfill({ status, body, contentType: 'application/json' }));
    await page.goto('/users');
    await expect(page.getByRole('heading', { name: 'The console is not configured' })).toBeVisible();
    await expect(page.getByRole('alert')).toContainText(says);
    await page.unroute('**/config.json');
  }
});
