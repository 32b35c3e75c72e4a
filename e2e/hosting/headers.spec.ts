import {
  NGINX_URL, SANDBOX_URL, SUB_PATH_URL, assetPaths, expect, expectSecurityHeaders, inlineScriptHashes, parseCsp, test,
} from './fixtures';

const IMMUTABLE = 'public, max-age=31536000, immutable';

for (const [where, base] of [['/', NGINX_URL + '/'], ['/admin/', SUB_PATH_URL]] as const) {
  test(`headers at ${where}: CSP for this build, caching, compression, fallback`, async ({ request }) => {
    const index = await request.get(base);
    expect(index.status()).toBe(200);
    expect(index.headers()['content-type']).toMatch(/^text\/html/);
    expect(index.headers()['cache-control']).toBe('no-cache');
    expectSecurityHeaders(index, 'index.html');
    const html = await index.text();
    expect(html).toContain(`<base href="${where}"`);

    // The CSP: this build's loader by its hash, our own files, wasm, the API origins.
    const csp = parseCsp(index.headers()['content-security-policy']);
    const hashes = inlineScriptHashes(html);
    expect(hashes.length, 'trunk writes one inline loader').toBe(1);
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", ...hashes]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", SANDBOX_URL]);
    expect(csp.get('base-uri')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    for (const [directive, sources] of csp) {
      expect(sources, directive).not.toContain("'unsafe-inline'");
      expect(sources, directive).not.toContain("'unsafe-eval'");
      expect(sources, directive).not.toContain('*');
    }

    // A deep link is index.html itself, not cached.
    const deep = await request.get(`${base}users/226000000000000002/grants/70000000000000003?tab=x`);
    expect(deep.status()).toBe(200);
    expect(deep.headers()['cache-control']).toBe('no-cache');
    expect(await deep.text()).toBe(html);
    expectSecurityHeaders(deep, 'a deep link');

    const config = await request.get(`${base}config.json`);
    expect(config.status()).toBe(200);
    expect(config.headers()['content-type']).toMatch(/^application\/json/);
    expect(config.headers()['cache-control']).toBe('no-cache');
    expectSecurityHeaders(config, 'config.json');

    // Hashed files: a year, immutable, gzip (precompressed) when asked for.
    const assets = assetPaths(html);
    for (const [kind, path, type] of [
      ['js', assets.js, /^(application|text)\/javascript/],
      ['wasm', assets.wasm, /^application\/wasm$/],
      ['css', assets.css, /^text\/css/],
    ] as const) {
      expect(path.startsWith(where), `${kind} under ${where}`).toBeTruthy();
      const asset = await request.get(new URL(path, base).href, { headers: { 'accept-encoding': 'gzip' } });
      expect(asset.status(), path).toBe(200);
      expect(asset.headers()['cache-control'], path).toBe(IMMUTABLE);
      expect(asset.headers()['content-type'], path).toMatch(type);
      expect(asset.headers()['content-encoding'], path).toBe('gzip');
      expect(asset.headers()['vary'], path).toMatch(/Accept-Encoding/i);
      expectSecurityHeaders(asset, path);
    }

    // A hashed file that is not there: a 404 nobody caches, not index.html.
    const missing = await request.get(`${base}lifecycle-console-0123456789abcdef.js`);
    expect(missing.status()).toBe(404);
    expect(missing.headers()['cache-control']).toBe('no-cache');
    expect(await missing.text()).not.toContain('<base');
    expectSecurityHeaders(missing, 'a missing asset');

    const dotfile = await request.get(`${base}.stage/index.html`);
    expect(dotfile.status()).toBe(404);
    expectSecurityHeaders(dotfile, 'a dot file');
  });
}

test('the sub-path server serves nothing outside /admin/', async ({ request }) => {
  const origin = new URL(SUB_PATH_URL).origin;
  for (const path of ['/', '/users/226000000000000002', '/config.json']) {
    const response = await request.get(origin + path);
    expect(response.status(), path).toBe(404);
    expectSecurityHeaders(response, `${path} outside the sub-path`);
  }
  const bare = await request.get(`${origin}/admin`, { maxRedirects: 0 });
  expect(bare.status()).toBe(301);
  expect(bare.headers()['location']).toBe('/admin/');
});

test('Weavr answers through nginx carry the same headers and are never stored', async ({ request }) => {
  const users = await request.get('/weavr/multi/users', {
    headers: { authorization: 'Bearer sandbox-weavr-admin-token' },
  });
  expect(users.status()).toBe(200);
  expect(users.headers()['cache-control']).toBe('no-store');
  expect(users.headers()['request-ref'], 'Weavr request-ref passed back').toBeTruthy();
  expectSecurityHeaders(users, 'a Weavr answer');
  // Weavr's rate-limit answer comes back whole (a sandbox fault stands in for it).
  const limited = await request.get('/weavr/payment-run/v1/users', {
    headers: { authorization: 'Bearer sandbox-weavr-admin-token', 'x-sandbox-fault': 'retry-after=7' },
  });
  expect(limited.status()).toBe(429);
  expect(limited.headers()['retry-after']).toBe('7');
  expect(limited.headers()['x-ratelimit-limit'], 'x-ratelimit-limit passed back').toBeTruthy();
  expect(limited.headers()['x-ratelimit-reset'], 'x-ratelimit-reset passed back').toBeTruthy();
  expectSecurityHeaders(limited, 'a Weavr 429');
  const refused = await request.get('/weavr/multi/corporates');
  expect(refused.status()).toBe(404);
  expect(refused.headers()['cache-control']).toBe('no-store');
  expectSecurityHeaders(refused, 'a refused Weavr path');
});
