// Offboarding's calls: zitadel.session.v2.SessionService (ListSessions, DeleteSession;
// src/providers/zitadel_sessions.rs) and a service user's personal access tokens and
// keys in zitadel.management.v1.ManagementService (src/providers/zitadel_machine_credentials.rs).

import { test } from "node:test";
import assert from "node:assert/strict";
import { fromJson } from "@bufbuild/protobuf";
import {
  DeleteSessionResponseSchema,
  ListSessionsRequestSchema,
  ListSessionsResponseSchema,
} from "@zitadel/proto/zitadel/session/v2/session_service_pb";
import {
  ListMachineKeysRequestSchema,
  ListMachineKeysResponseSchema,
  ListPersonalAccessTokensRequestSchema,
  ListPersonalAccessTokensResponseSchema,
  RemoveMachineKeyResponseSchema,
  RemovePersonalAccessTokenResponseSchema,
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

const GYRO = "226000000000000013"; // two sessions (sandbox/src/seed/sessions.rs)
const GYRO_LAPTOP = "80000000000000004";
const GYRO_PHONE = "80000000000000005";
const DEPLOY_ROBOT = "226000000000000015"; // a service user with two PATs and two keys
const ROBOT_PAT = "81000000000000001";
const ROBOT_KEY = "82000000000000001";
const UNKNOWN_SESSION = "89999999999999999";
const acme = { "x-zitadel-orgid": ACME_ORG_ID };

/** The console's ListSessions body (zitadel_sessions.rs `list_request`). */
function sessionsOf(userId) {
  const body = { query: { limit: 1000, asc: true }, queries: [{ userIdQuery: { id: userId } }] };
  // The gateway drops unknown fields: a misspelt query would list every session.
  fromJson(ListSessionsRequestSchema, body);
  return body;
}

test("ListSessions by user id answers ZITADEL's Session messages", async () => {
  const list = expectOk(
    await call("POST", "/v2/sessions/search", { body: sessionsOf(GYRO) }),
    ListSessionsResponseSchema,
  );
  assert.deepEqual(
    list.sessions.map((s) => s.id),
    [GYRO_LAPTOP, GYRO_PHONE],
  );
  assert.equal(list.details.totalResult, 2n);
  const [session] = list.sessions;
  assert.equal(session.factors.user.id, GYRO);
  assert.equal(session.factors.user.organizationId, ACME_ORG_ID);
  assert.ok(session.factors.password.verifiedAt);
  assert.equal(session.userAgent.description, "Firefox on Linux");

  // A user without sessions: the list and the total are left out.
  const none = await call("POST", "/v2/sessions/search", { body: sessionsOf(DEPLOY_ROBOT) });
  expectOk(none, ListSessionsResponseSchema);
  assert.equal(none.json.sessions, undefined);
});

test("ListSessions: a query it does not know is InvalidArgument", async () => {
  const answer = await call("POST", "/v2/sessions/search", { body: { queries: [{ nameQuery: {} }] } });
  assert.equal(expectError(answer, 400, 3), "GRPC-Sfefs");
});

test("DeleteSession: refusals, then the session ends, and again is the same answer", async () => {
  const path = `/v2/sessions/${GYRO_LAPTOP}`;
  assert.equal(expectError(await call("DELETE", path, { token: VIEWER_TOKEN, body: {} }), 403, 7), "AUTH-AWfge");
  const forged = await call("DELETE", `/v2/sessions/${GYRO_PHONE}`, { body: { sessionToken: "forged" } });
  assert.equal(expectError(forged, 403, 7), "COMMAND-sGr42");

  const first = expectOk(await call("DELETE", path, { token: ACME_MANAGER_TOKEN }), DeleteSessionResponseSchema);
  assert.ok(first.details.sequence > 0n && first.details.changeDate);
  const again = await call("DELETE", path, { token: ACME_MANAGER_TOKEN, body: {} });
  expectOk(again, DeleteSessionResponseSchema);
  assert.equal(again.json.details.sequence, first.details.sequence.toString());

  const unknown = await call("DELETE", `/v2/sessions/${UNKNOWN_SESSION}`, {});
  expectOk(unknown, DeleteSessionResponseSchema);
  assert.deepEqual(unknown.json, { details: {} });
  assert.equal(
    expectError(await call("DELETE", `/v2/sessions/${UNKNOWN_SESSION}`, { token: ACME_MANAGER_TOKEN }), 404, 5),
    "AUTHZ-cdgFk",
  );

  const left = expectOk(await call("POST", "/v2/sessions/search", { body: sessionsOf(GYRO) }), ListSessionsResponseSchema);
  assert.deepEqual(
    left.sessions.map((s) => s.id),
    [GYRO_PHONE],
  );
});

test("ListPersonalAccessTokens and ListMachineKeys of a service user", async () => {
  const listBody = { query: { limit: 1000, asc: true } };
  fromJson(ListPersonalAccessTokensRequestSchema, { userId: DEPLOY_ROBOT, ...listBody });
  fromJson(ListMachineKeysRequestSchema, { userId: DEPLOY_ROBOT, ...listBody });
  const pats = expectOk(
    await call("POST", `/management/v1/users/${DEPLOY_ROBOT}/pats/_search`, { body: listBody, headers: acme }),
    ListPersonalAccessTokensResponseSchema,
  );
  assert.equal(pats.result.length, 2);
  assert.equal(pats.details.totalResult, 2n);
  assert.deepEqual(pats.result[0].scopes, ["openid"]);
  const keys = expectOk(
    await call("POST", `/management/v1/users/${DEPLOY_ROBOT}/keys/_search`, {
      body: listBody,
      headers: acme,
      token: VIEWER_TOKEN,
    }),
    ListMachineKeysResponseSchema,
  );
  assert.equal(keys.result.length, 2);
  // In another organisation's context the user has none.
  const elsewhere = await call("POST", `/management/v1/users/${DEPLOY_ROBOT}/pats/_search`, {
    body: listBody,
    headers: { "x-zitadel-orgid": GLOBEX_ORG_ID },
  });
  expectOk(elsewhere, ListPersonalAccessTokensResponseSchema);
  assert.equal(elsewhere.json.result, undefined);
});

test("RemovePersonalAccessToken and RemoveMachineKey: user.write, then gone", async () => {
  const pat = `/management/v1/users/${DEPLOY_ROBOT}/pats/${ROBOT_PAT}`;
  assert.equal(expectError(await call("DELETE", pat, { token: VIEWER_TOKEN, headers: acme }), 403, 7), "AUTH-5mWD2");
  expectOk(await call("DELETE", pat, { token: ACME_MANAGER_TOKEN, headers: acme }), RemovePersonalAccessTokenResponseSchema);
  assert.equal(expectError(await call("DELETE", pat, { headers: acme }), 404, 5), "COMMAND-4m77G");

  const key = `/management/v1/users/${DEPLOY_ROBOT}/keys/${ROBOT_KEY}`;
  expectOk(await call("DELETE", key, { headers: acme }), RemoveMachineKeyResponseSchema);
  assert.equal(expectError(await call("DELETE", key, { headers: acme }), 404, 5), "COMMAND-4m77G");
});
