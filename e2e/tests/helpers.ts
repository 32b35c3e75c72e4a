import { expect, type Locator, type Page } from '@playwright/test';

export const OWNER_PAT = 'sandbox-owner-pat';
export const WEAVR_ADMIN_TOKEN = 'sandbox-weavr-admin-token';
export const ACME = '69629023906488334';
/** SCARLETT, an active v3alpha schema user of ACME (sandbox/src/seed.rs, schema_user_ids). */
export const SCHEMA_USER_ACTIVE = '326000000000000001';

/** The n-th generated user of `sandbox --seed` (n % 10: 6 inactive, 7 locked, 8 initial). */
export function generated(n: number): string {
  return (226000001000000000n + BigInt(n)).toString();
}

/** Collects console errors and uncaught page errors for the whole journey. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const where = msg.location();
      errors.push(`console.error: ${msg.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return errors;
}

/** Chooses a connection in the top bar; the console then asks to sign in to it. */
export async function useConnection(page: Page, name: string): Promise<void> {
  await page.getByLabel('Connection').selectOption({ label: name });
}

/** Signs in on the sign-in page the console redirected to. */
export async function signIn(page: Page, field: string, token: string): Promise<void> {
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.getByLabel(field).fill(token);
  await page.getByRole('button', { name: 'Sign in with the token', exact: true }).click();
}

/** The badge of the page's subject, next to the h1 (grant rows have their own). */
export function subjectBadge(page: Page): Locator {
  return page.locator('header', { has: page.getByRole('heading', { level: 1 }) }).getByTestId('state-badge');
}

export function action(page: Page, name: string): Locator {
  return page.locator('.action-bar').first().getByRole('button', { name, exact: true });
}

/** Clicks a destructive action and confirms it in the dialog. */
export async function confirmAction(page: Page, name: string, heading: string): Promise<void> {
  await action(page, name).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText(heading);
  await dialog.getByRole('button', { name, exact: true }).click();
  await expect(dialog).toBeHidden();
}

/** Arms a sandbox fault for the next matching request(s). */
export async function armFault(page: Page, method: string, pathPrefix: string, fault: string, times = 1): Promise<void> {
  const response = await page.request.post('/debug/faults', { data: { pathPrefix, method, fault, times } });
  expect(response.ok(), `arming ${fault} on ${pathPrefix}`).toBeTruthy();
}
