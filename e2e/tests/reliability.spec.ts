import { expect, test } from '@playwright/test';
import { OWNER_PAT, action, confirmAction, generated, signIn, subjectBadge } from './helpers';

test('offline: the page says so, keeps the confirmed state, and the retry acts once', async ({ page, context }) => {
  const id = generated(25);
  await page.goto(`/users/${id}`);
  await signIn(page, 'Personal access token', OWNER_PAT);
  await expect(subjectBadge(page)).toHaveText('Active');
  const sequence = page.getByTestId('details').locator('dt:text-is("Sequence") + dd');
  const before = Number(await sequence.textContent());

  await context.setOffline(true);
  const name = (await page.getByRole('heading', { level: 1 }).textContent())!;
  await confirmAction(page, 'Deactivate', `Deactivate ${name}?`);
  // The change's alert comes last; before it, the failed re-read says the
  // page shows the last state the server confirmed.
  const changeAlert = page.getByRole('alert').last();
  await expect(changeAlert).toContainText('The server could not be reached');
  await expect(changeAlert).toContainText('Check your network connection');
  await expect(page.getByText('the page shows the last state the server confirmed')).toBeVisible();
  await expect(subjectBadge(page)).toHaveText('Active');

  await context.setOffline(false);
  await changeAlert.getByRole('button', { name: 'Try again' }).click();
  await expect(subjectBadge(page)).toHaveText('Inactive');
  await expect(sequence).toHaveText(String(before + 1));
  await expect(action(page, 'Reactivate')).toBeEnabled();
  await expect(page.getByRole('alert')).toHaveCount(0);
});
