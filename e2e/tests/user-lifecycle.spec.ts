import { expect, test, type Page } from '@playwright/test';

// Seeded by the sandbox on every `--reset`: these never change.
const USER_ID = '226000000000000001';
const DISPLAY_NAME = 'Minnie Mouse';
const OWNER_PAT = 'sandbox-owner-pat';
const ORG_ID = '69629023906488334';

/** Collects console errors and uncaught page errors for the whole journey. */
function watchConsole(page: Page): string[] {
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

test('an admin deactivates and reactivates a user', async ({ page }) => {
  const consoleErrors = watchConsole(page);

  await test.step('a deep link to a user asks to sign in first', async () => {
    await page.goto(`/users/${USER_ID}`);
    await expect(page).toHaveURL(
      new RegExp(`/sign-in\\?next=${encodeURIComponent(`/users/${USER_ID}`)}$`),
    );
  });

  // The user's own badge sits in the header next to the h1; the page also lists the
  // user's grants, each with a badge of its own.
  const userBadge = page
    .locator('header', { has: page.getByRole('heading', { level: 1 }) })
    .getByTestId('state-badge');

  await test.step('signing in with a personal access token returns to the user', async () => {
    await page.getByLabel('Personal access token').fill(OWNER_PAT);
    await page.getByRole('button', { name: 'Sign in with the token', exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/users/${USER_ID}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(DISPLAY_NAME);
    await expect(userBadge).toHaveText('Active');
  });

  const deactivate = page.getByRole('button', { name: 'Deactivate', exact: true });
  const reactivate = page.getByRole('button', { name: 'Reactivate', exact: true });

  await test.step('deactivating asks for confirmation', async () => {
    await expect(deactivate).toBeEnabled();
    await deactivate.click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('heading')).toContainText(`Deactivate ${DISPLAY_NAME}`);
    await dialog.getByRole('button', { name: 'Deactivate', exact: true }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step('the page shows the state and details the server confirmed', async () => {
    await expect(userBadge).toHaveText('Inactive');
    await expect(reactivate).toBeEnabled();
    await expect(deactivate).toBeDisabled();
    const details = page.getByTestId('details');
    await expect(details).toContainText('Organization');
    await expect(details).toContainText(ORG_ID);
  });

  await test.step('reactivating needs no confirmation', async () => {
    await reactivate.click();
    await expect(page.getByRole('dialog')).toHaveCount(0);
    await expect(userBadge).toHaveText('Active');
    await expect(deactivate).toBeEnabled();
  });

  expect(consoleErrors, 'no console errors during the journey').toEqual([]);
});
