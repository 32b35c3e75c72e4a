import { expect, test } from '@playwright/test';
import {
  ACME, OWNER_PAT, SCHEMA_USER_ACTIVE, WEAVR_ADMIN_TOKEN, action, confirmAction, signIn, subjectBadge, useConnection, watchConsole,
} from './helpers';

test('an admin opens a schema user by id and locks and unlocks it through ZITADEL v3alpha', async ({ page }) => {
  const errors = watchConsole(page);
  const id = SCHEMA_USER_ACTIVE;
  await page.goto('/users');
  await useConnection(page, 'Sandbox ZITADEL v3alpha');
  await signIn(page, 'Personal access token', OWNER_PAT);
  // v3alpha cannot list its users: the page says so and opens one by id.
  await expect(page.getByText('cannot list users')).toBeVisible();
  await expect(page.locator('table.users')).toHaveCount(0);
  await page.getByLabel('User id').fill(id);
  await page.getByRole('button', { name: 'Open a user by id' }).click();
  await expect(page).toHaveURL(new RegExp(`/users/${id}$`));
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`User ${id}`);
  await expect(page.getByTestId('state-unreadable')).toContainText('cannot read a user');
  await expect(subjectBadge(page)).toHaveCount(0); // no state the server did not confirm

  await confirmAction(page, 'Lock', `Lock ${id}?`);
  await expect(subjectBadge(page)).toHaveText('Locked');
  const details = page.getByTestId('details');
  await expect(details).toContainText('Organization');
  await expect(details).toContainText(ACME);
  await expect(details).not.toContainText('Sequence'); // v3alpha details have none

  await action(page, 'Unlock').click();
  // Unlock confirms "not locked", not "active": lock is a flag beside the state.
  await expect(subjectBadge(page)).toHaveText('Not locked');

  // Locking twice is refused with the id ZITADEL also uses for unknown ids.
  await confirmAction(page, 'Lock', `Lock ${id}?`);
  await expect(subjectBadge(page)).toHaveText('Locked');
  await confirmAction(page, 'Lock', `Lock ${id}?`);
  await expect(page.getByRole('alert')).toContainText('Not found, or not possible in this state');
  await expect(page.getByRole('alert')).toContainText('COMMAND-G4LOrnjY7q');
  // This page saw a change of this id confirmed: it is a schema user, so the
  // refusal does not suggest the id might be a v2 user's.
  await expect(page.getByTestId('same-id-on-v2')).toHaveCount(0);
  await action(page, 'Unlock').click();
  await expect(subjectBadge(page)).toHaveText('Not locked');

  await page.goto('/users');
  await expect(page.getByTestId('recent-users')).toContainText(id);

  // A v2 user's id is no user of this API; the refusal offers the same id
  // on the v2 connection of the same server.
  const mickey = '226000000000000002';
  await page.goto(`/users/${mickey}`);
  await expect(page.getByTestId('state-unreadable')).toBeVisible();
  await confirmAction(page, 'Deactivate', `Deactivate ${mickey}?`);
  await expect(page.getByRole('alert')).toContainText('COMMAND-Ob6lR5iFTe');
  await page.getByRole('link', { name: 'Open it on Sandbox ZITADEL v2' }).click();
  await signIn(page, 'Personal access token', OWNER_PAT);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mickey Mouse');
  await expect(subjectBadge(page)).toHaveText('Active');

  // The browser logs the answers this journey expects: GetUser's 501 (no
  // release implements it) and the refusals' 404.
  const expected = (e: string) =>
    e.includes('/resources/v3alpha/users/') && /status of (501|404)/.test(e);
  expect(errors.filter((e) => !expected(e))).toEqual([]);
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
  // The grant list lags the removal (its projection, 1 s in the sandbox):
  // until it catches up the row shows the state the removal confirmed,
  // never the one before; then the grant is gone.
  const removed = grantRow.getByTestId('state-badge').filter({ hasText: 'Removed' });
  await expect(removed.or(page.getByText('This user has no grants here.'))).toBeVisible();
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
