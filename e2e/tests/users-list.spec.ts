import { expect, test } from '@playwright/test';
import { OWNER_PAT, armFault, generated, signIn, watchConsole } from './helpers';

test('search, filter, open a user, and Back restores the view', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/users');
  await signIn(page, 'Personal access token', OWNER_PAT);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users');

  await page.getByLabel('Search name, user name, email or id', { exact: true }).fill('duck');
  await expect(page).toHaveURL(/\/users\?q=duck$/);
  const rows = page.locator('tbody tr');
  await expect(rows.first()).toContainText('Duck');
  for (const row of await rows.all()) await expect(row).toContainText('Duck');

  await page.getByLabel('State', { exact: true }).selectOption('locked');
  await expect(page).toHaveURL(/\/users\?q=duck&state=locked$/);
  await expect(rows).toHaveCount(2); // Daisy and Dewey
  await page.getByRole('link', { name: 'Daisy Duck' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Daisy Duck');

  await page.goBack();
  await expect(page).toHaveURL(/\/users\?q=duck&state=locked$/);
  await expect(page.getByLabel('State', { exact: true })).toHaveValue('locked');
  await expect(page.getByLabel('Search name, user name, email or id', { exact: true })).toHaveValue('duck');
  await expect(rows).toHaveCount(2);

  // Keyboard only: the first row's link is reachable and opens the user.
  await page.getByRole('link', { name: 'Daisy Duck' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Daisy Duck');
  expect(errors).toEqual([]);
});

test('a bulk deactivate reports each outcome, keeps the failed row selected and the reason on each user', async ({ page }) => {
  const errors = watchConsole(page);
  const [first, second, failing] = [generated(21), generated(22), generated(24)];
  await page.goto('/users?size=100');
  await signIn(page, 'Personal access token', OWNER_PAT);
  await expect(page).toHaveURL(/\/users\?size=100$/); // back where the admin was, query and all
  await armFault(page, 'POST', `/v2/users/${failing}/deactivate`, 'status=503');
  // The second user's change goes through, but its reason cannot be stored.
  await armFault(page, 'POST', `/v2/users/${second}/metadata`, 'status=503');

  for (const id of [first, second, failing]) {
    await page.locator(`tr[data-user-id="${id}"] input[type=checkbox]`).check();
  }
  await expect(page.getByText('3 selected')).toBeVisible();
  await page.locator('.bulk').getByRole('button', { name: 'Deactivate', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByRole('heading')).toHaveText('Deactivate 3 selected users?');
  await dialog.getByLabel('Reason').fill('Team disbanded');
  await dialog.getByRole('button', { name: 'Deactivate', exact: true }).click();

  const results = page.getByTestId('bulk-results');
  await expect(results.getByRole('heading')).toHaveText('Deactivate: 2 done, 0 skipped, 1 failed');
  await expect(results.locator(`li[data-user-id="${failing}"]`)).toContainText('Failed: The server is having trouble (HTTP 503)');
  await expect(results.locator(`li[data-user-id="${second}"]`)).toContainText('The reason could not be stored on the user');
  await expect(results.locator(`li[data-user-id="${first}"]`)).not.toContainText('reason');
  await expect(page.getByText('1 selected')).toBeVisible();
  await expect(page.locator(`tr[data-user-id="${failing}"] input[type=checkbox]`)).toBeChecked();
  await expect(page.locator(`tr[data-user-id="${first}"] input[type=checkbox]`)).not.toBeChecked();
  await expect(page.locator(`tr[data-user-id="${first}"]`).getByTestId('state-badge')).toHaveText('Inactive');
  await expect(page.locator(`tr[data-user-id="${failing}"]`).getByTestId('state-badge')).toHaveText('Active');
  // The failed requests' 503s are the only console errors the browser reports.
  expect(errors.filter((e) => !e.includes('503'))).toEqual([]);

  // The reason is kept on the user whose change it explains: their history shows it.
  await page.locator(`tr[data-user-id="${first}"] a`).click();
  const deactivated = page.getByTestId('history-table').locator('tbody tr[data-event-type="user.deactivated"]').first();
  await expect(deactivated.getByTestId('history-reason')).toHaveText('Team disbanded');
});

test('a bigger page size replaces the rows: each user once', async ({ page }) => {
  await page.goto('/users?size=20');
  await signIn(page, 'Personal access token', OWNER_PAT);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(20);
  await page.getByLabel('Per page', { exact: true }).selectOption('50');
  await expect(rows).toHaveCount(50);
  const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-user-id')));
  expect(new Set(ids).size).toBe(50);
});
