import { NGINX_URL, SANDBOX_URL, SUB_PATH_URL, expect, test } from './fixtures';

// The sandbox's OIDC user (sandbox --help).
const LOGIN = 'admin@acme.example';
const PASSWORD = 'Sandbox-Password-1';
const USER = '226000000000000003';

for (const [where, base] of [['/', `${NGINX_URL}/`], ['/admin/', SUB_PATH_URL]] as const) {
  test(`OIDC sign-in through nginx at ${where}: the callback deep link, the token call under CSP`, async ({ page }) => {
    const documents: { url: string; status: number }[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() === 'document') {
        documents.push({ url: response.url(), status: response.status() });
      }
    });

    await page.goto(`${base}users/${USER}`);
    await expect(page).toHaveURL(new RegExp(`^${base}sign-in\\?next=`));
    await page.getByRole('button', { name: 'Sign in with ZITADEL' }).click();
    // The issuer's own page, on its own origin.
    await expect(page).toHaveURL(new RegExp(`^${SANDBOX_URL}/`));
    await page.getByLabel('Login name').fill(LOGIN);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await expect(page).toHaveURL(`${base}users/${USER}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Donald Duck');
    // The issuer sent the browser back to a deep link of the app, which nginx answered
    // with index.html (the fallback), and the app then redeemed the code cross-origin.
    const callback = documents.find((d) => d.url.startsWith(`${base}auth/callback?`));
    expect(callback, `a document load of ${base}auth/callback`).toBeTruthy();
    expect(callback!.status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(`${base}sign-in`);
    await expect(page.getByRole('button', { name: 'Sign in with ZITADEL' })).toBeVisible();
  });
}
