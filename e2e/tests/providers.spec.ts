import { expect, test } from '@playwright/test';
import {
  ACME, OWNER_PAT, WEAVR_ADMIN_TOKEN, action, confirmAction, generated, signIn, subjectBadge, useConnection, watchConsole,
} from './helpers';

test('an admin locks and unlocks a user through ZITADEL v3alpha', async ({ page }) => {
  const errors = watchConsole(page);
  const id = generated(12);
  await page.goto('/users');
  await useConnection(page, 'Sandbox ZITADEL v3alpha');
  await signIn(page, 'Personal access token', OWNER_PAT);
  await page.goto(`/users/${id}`);
  await expect(subjectBadge(page)).toHaveText('Active');
  const name = (await page.getByRole('heading', { level: 1 }).textContent())!;

  await confirmAction(page, 'Lock', `Lock ${name}?`);
  await expect(subjectBadge(page)).toHaveText('Locked');
  const details = page.getByTestId('details');
  await expect(details).toContainText('Organization');
  await expect(details).toContainText(ACME);
  await expect(details).not.toContainText('Sequence'); // v3alpha details have none

  await action(page, 'Unlock').click();
  await expect(subjectBadge(page)).toHaveText('Active');
  expect(errors).toEqual([]);
});

test('an admin deactivates, reactivates and removes a grant', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/users/226000000000000002');
  await signIn(page, 'Personal access token', OWNER_PAT);
  const grantRow = page.locator('tr[data-grant-id="70000000000000003"]');
  await expect(grantRow).toContainText('editor');
  await grantRow.getByRole('link', { name: 'Portal' }).click();

  await expect(page).toHaveURL(/\/users\/226000000000000002\/grants\/70000000000000003$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Grant for Portal');
  await expect(subjectBadge(page)).toHaveText('Active');
  await confirmAction(page, 'Deactivate', 'Deactivate the grant for Portal?');
  await expect(subjectBadge(page)).toHaveText('Inactive');
  await action(page, 'Reactivate').click();
  await expect(subjectBadge(page)).toHaveText('Active');

  await page.getByRole('link', { name: '← Back to the user' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mickey Mouse');
  await expect(grantRow.getByTestId('state-badge')).toHaveText('Active');

  await grantRow.getByRole('link', { name: 'Portal' }).click();
  await confirmAction(page, 'Remove', 'Remove the grant for Portal?');
  await expect(subjectBadge(page)).toHaveText('Removed');
  await page.getByRole('link', { name: '← Back to the user' }).click();
  await expect(page.getByText('This user has no grants here.')).toBeVisible();
  expect(errors).toEqual([]);
});

test('an admin reactivates and deactivates a Weavr user', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/users');
  await useConnection(page, 'Sandbox Weavr Payment Run');
  await signIn(page, 'Auth token', WEAVR_ADMIN_TOKEN);
  await expect(page).toHaveURL(/\/users$/);

  await page.getByRole('link', { name: 'Alan Turing' }).click();
  await expect(subjectBadge(page)).toHaveText('Inactive');
  await expect(page.locator('.action-bar').first().getByRole('button')).toHaveText(['Deactivate', 'Reactivate']);
  await expect(page.getByTestId('details')).toContainText('Buyer');
  await expect(page.getByTestId('details')).not.toContainText('Changed'); // Weavr sends no timestamps

  await action(page, 'Reactivate').click();
  await expect(subjectBadge(page)).toHaveText('Active');
  await confirmAction(page, 'Deactivate', 'Deactivate Alan Turing?');
  await expect(subjectBadge(page)).toHaveText('Inactive');
  expect(errors).toEqual([]);
});
