import { expect, test, type APIRequestContext } from '@playwright/test';
import { ACME, OWNER_PAT, signIn, subjectBadge, watchConsole } from './helpers';

// Gyro Gearloose: two sessions, an active and an inactive grant in ACME
// (sandbox/src/seed/sessions.rs, seed/grants.rs).
const GYRO = '226000000000000013';
const GYRO_PORTAL = '70000000000000010'; // active
const GYRO_BILLING = '70000000000000011'; // inactive
const auth = { authorization: `Bearer ${OWNER_PAT}`, 'x-zitadel-orgid': ACME };

async function sessionIds(request: APIRequestContext): Promise<string[]> {
  const response = await request.post('/v2/sessions/search', {
    headers: auth,
    data: { queries: [{ userIdQuery: { id: GYRO } }] },
  });
  expect(response.status()).toBe(200);
  const body = await response.json();
  return (body.sessions ?? []).map((s: { id: string }) => s.id);
}

async function grantState(request: APIRequestContext, grantId: string): Promise<string> {
  const response = await request.get(`/management/v1/users/${GYRO}/grants/${grantId}`, { headers: auth });
  expect(response.status()).toBe(200);
  return (await response.json()).userGrant.state;
}

test('an admin offboards a user with two sessions and a grant; the server confirms it', async ({ page }) => {
  const consoleErrors = watchConsole(page);

  await test.step('before: two sessions and an active grant on the server', async () => {
    expect(await sessionIds(page.request)).toHaveLength(2);
    expect(await grantState(page.request, GYRO_PORTAL)).toBe('USER_GRANT_STATE_ACTIVE');
  });

  await test.step('the user page offers offboarding', async () => {
    await page.goto(`/users/${GYRO}`);
    await signIn(page, 'Personal access token', OWNER_PAT);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gyro Gearloose');
    await expect(subjectBadge(page)).toHaveText('Active');
  });

  const section = page.getByTestId('offboard');
  await test.step('offboarding asks first, with a reason, and the admin picks lock', async () => {
    await section.getByLabel('Locking the user').check();
    await section.getByRole('button', { name: 'Offboard…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('heading')).toHaveText('Offboard Gyro Gearloose?');
    await dialog.getByLabel('Reason').fill('Contract ended');
    await dialog.getByRole('button', { name: 'Offboard', exact: true }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step('the checklist shows what the server confirmed', async () => {
    const summary = page.getByTestId('offboard-summary');
    await expect(summary).toHaveText('Offboarding complete: the server confirms every part.');
    const line = (part: string) => page.locator(`[data-testid=offboard-checklist] li[data-part=${part}]`);
    await expect(line('state')).toHaveAttribute('data-outcome', 'confirmed');
    await expect(line('state')).toContainText('The server shows the user as Locked.');
    await expect(line('sessions')).toContainText('Sessions ended: 2. Sessions still open: 0.');
    await expect(line('grants')).toContainText('Grants deactivated: 1. Active grants left: 0.');
    await expect(line('tokens')).toHaveAttribute('data-outcome', 'not-applicable');
    await expect(line('keys')).toHaveAttribute('data-outcome', 'not-applicable');
    await expect(subjectBadge(page)).toHaveText('Locked');
  });

  await test.step('the page follows: the grant list reads again, the history shows the lock with its reason', async () => {
    const grants = page.locator('section.grants tbody tr');
    await expect(grants).toHaveCount(2);
    for (const row of await grants.all()) await expect(row.getByTestId('state-badge')).toHaveText('Inactive');
    const locked = page.getByTestId('history-table').locator('tbody tr[data-event-type="user.locked"]').first();
    await expect(locked.getByTestId('history-reason')).toHaveText('Contract ended');
  });

  await test.step("the server's state, through the API", async () => {
    const user = await page.request.get(`/v2/users/${GYRO}`, { headers: auth });
    expect((await user.json()).user.state).toBe('USER_STATE_LOCKED');
    expect(await sessionIds(page.request)).toEqual([]);
    expect(await grantState(page.request, GYRO_PORTAL)).toBe('USER_GRANT_STATE_INACTIVE');
    expect(await grantState(page.request, GYRO_BILLING)).toBe('USER_GRANT_STATE_INACTIVE');
    // Each session was ended by id: a second DeleteSession finds it terminated and
    // answers its details (sequence 4: added, user, password checked, terminated).
    for (const id of ['80000000000000004', '80000000000000005']) {
      const again = await page.request.delete(`/v2/sessions/${id}`, { headers: auth });
      expect(again.status()).toBe(200);
      expect((await again.json()).details.sequence).toBe('4');
    }
  });

  expect(consoleErrors, 'no console errors during the journey').toEqual([]);
});
