// zitadel.management.v1.ManagementService: user grants as the console calls them
// (src/providers/zitadel_grants.rs, always with `x-zitadel-orgid`) and GetMyOrg.

import { test } from "node:test";
import assert from "node:assert/strict";
import { fromJson } from "@bufbuild/protobuf";
import {
  DeactivateUserGrantResponseSchema,
  GetMyOrgResponseSchema,
  GetUserGrantByIDResponseSchema,
  ListUserGrantRequestSchema,
  ListUserGrantResponseSchema,
  ReactivateUserGrantResponseSchema,
  RemoveUserGrantResponseSchema,
} from "@zitadel/proto/zitadel/management_pb";
import {
  ACME_MANAGER_TOKEN,
  ACME_ORG_ID,
  GLOBEX_ORG_ID,
  VIEWER_TOKEN,
  call,
  expectError,
  expectOk,
} from "./zitadel.mjs";

const MINNIE = "226000000000000001";
const HUEY = "226000000000000009";
const DEWEY = "226000000000000010";
const PLUTO = "226000000000000007";
const MINNIE_PORTAL = "70000000000000001"; // active
const MINNIE_BILLING = "70000000000000002"; // inactive
const HUEY_PORTAL = "70000000000000007"; // inactive
const DEWEY_BILLING = "70000000000000009";

const acme = { "x-zitadel-orgid": ACME_ORG_ID };

/** The body of the console's ListUserGrants (zitadel_grants.rs `list_request`). */
function listBody(userId) {
  const body = {
    query: { offset: "0", limit: 100, asc: true },
    queries: [{ userIdQuery: { userId } }],
  };
  // The gateway discards unknown request fields: a misspelt query would list everything.
  fromJson(ListUserGrantRequestSchema, body);
  return body;
}

test("ListUserGrants (_search) of users with active, inactive and no grants", async () => {
  for (const [user, count] of [
    [MINNIE, 2],
    [HUEY, 2],
    [DEWEY, 2],
    [PLUTO, 0],
  ]) {
    const answer = await call("POST", "/management/v1/users/grants/_search", {
      body: listBody(user),
      headers: acme,
    });
    const list = expectOk(answer, ListUserGrantResponseSchema);
    assert.equal(list.result.length, count, `grants of ${user} in ACME`);
    for (const grant of list.result) assert.equal(grant.userId, user);
  }
  // The other org's grants, read in that org.
  const globex = await call("POST", "/management/v1/users/grants/_search", {
    body: listBody(PLUTO),
    headers: { "x-zitadel-orgid": GLOBEX_ORG_ID },
  });
  assert.equal(expectOk(globex, ListUserGrantResponseSchema).result.length, 1);
});

test("GetUserGrantByID: active and inactive grants; an unknown one is a 404 Status", async () => {
  for (const [user, grant] of [
    [MINNIE, MINNIE_PORTAL],
    [MINNIE, MINNIE_BILLING],
    [HUEY, HUEY_PORTAL],
  ]) {
    const answer = await call("GET", `/management/v1/users/${user}/grants/${grant}`, { headers: acme });
    assert.equal(expectOk(answer, GetUserGrantByIDResponseSchema).userGrant.id, grant);
  }
  const missing = await call("GET", `/management/v1/users/${MINNIE}/grants/79999999999999999`, {
    headers: acme,
  });
  expectError(missing, 404, 5);
});

test("grant deactivate, reactivate and remove", async () => {
  const path = `/management/v1/users/${MINNIE}/grants/${MINNIE_PORTAL}`;
  const change = { body: { reason: "wire test" }, headers: acme, token: ACME_MANAGER_TOKEN };
  expectOk(await call("POST", `${path}/_deactivate`, change), DeactivateUserGrantResponseSchema);
  expectOk(await call("POST", `${path}/_reactivate`, change), ReactivateUserGrantResponseSchema);

  const removePath = `/management/v1/users/${DEWEY}/grants/${DEWEY_BILLING}`;
  expectOk(await call("DELETE", removePath, { headers: acme }), RemoveUserGrantResponseSchema);
  expectError(await call("GET", removePath, { headers: acme }), 404, 5);
  expectError(await call("DELETE", removePath, { headers: acme }), 404, 5);
});

test("a read-only token may not deactivate a grant: 403 Status", async () => {
  const path = `/management/v1/users/${HUEY}/grants/70000000000000006/_deactivate`;
  expectError(await call("POST", path, { token: VIEWER_TOKEN, body: {}, headers: acme }), 403, 7);
});

test("GetMyOrg: the organisation in x-zitadel-orgid", async () => {
  for (const org of [ACME_ORG_ID, GLOBEX_ORG_ID]) {
    const answer = await call("GET", "/management/v1/orgs/me", { headers: { "x-zitadel-orgid": org } });
    assert.equal(expectOk(answer, GetMyOrgResponseSchema).org.id, org);
  }
});
