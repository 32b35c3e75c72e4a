// zitadel.user.v2.UserService, as the console calls it (src/providers/zitadel_v2.rs).

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DeactivateUserResponseSchema,
  DeleteUserResponseSchema,
  GetUserByIDResponseSchema,
  ListUsersRequestSchema,
  ListUsersResponseSchema,
  LockUserResponseSchema,
  ReactivateUserResponseSchema,
  UnlockUserResponseSchema,
} from "@zitadel/proto/zitadel/user/v2/user_service_pb";
import { GetMyUserResponseSchema } from "@zitadel/proto/zitadel/auth_pb";
import { fromJson } from "@bufbuild/protobuf";
import {
  ACME_ORG_ID,
  VIEWER_TOKEN,
  call,
  expectError,
  expectOk,
  generatedUserId,
  strict,
} from "./zitadel.mjs";

const MINNIE = "226000000000000001"; // active, ACME
const MICKEY = "226000000000000002"; // every optional profile field set
const DONALD = "226000000000000003"; // inactive
const DAISY = "226000000000000004"; // locked
const BUILD_BOT = "226000000000000006"; // machine user
const PLUTO = "226000000000000007"; // Globex; no nickname, language or phone
const CHIP = "226000000000000016"; // shares an email with Dale
const DALE = "226000000000000017";
const CONSOLE_ADMIN = "226000000000000100"; // the owner token's machine user

/** The body the console's ListUsers sends (zitadel_v2.rs `list_request`). */
function listBody({ offset = 0, limit = 25, queries = [], sortingColumn = "USER_FIELD_NAME_USER_NAME" }) {
  const body = { query: { offset: String(offset), limit, asc: true }, sortingColumn, queries };
  // ZITADEL's gateway discards request fields it does not know (DiscardUnknown in
  // internal/api/grpc/server/gateway.go): a misspelt filter would be dropped silently.
  fromJson(ListUsersRequestSchema, body);
  return body;
}

test("the strict parse refuses a field ZITADEL's message does not have, or a form protojson does not write", async () => {
  const answer = await call("GET", `/v2/users/${MINNIE}`);
  expectOk(answer, GetUserByIDResponseSchema);
  const { userId, ...user } = answer.json.user;
  const drifts = {
    "an unknown field": { userId, ...user, lifecycle: "ACTIVE" },
    "a wrong type": { userId, ...user, state: 1.5 },
    "an unknown enum name": { userId, ...user, state: "USER_STATE_SUSPENDED" },
    "a proto field name": { user_id: userId, ...user },
    "an enum as a number": { userId, ...user, state: 1 },
    "an int64 as a number": { userId, ...user, details: { ...user.details, sequence: Number(user.details.sequence) } },
    "a default value written out": { userId, ...user, preferredLoginName: "" },
  };
  for (const [drift, drifted] of Object.entries(drifts)) {
    assert.throws(
      () => strict(GetUserByIDResponseSchema, { ...answer, json: { ...answer.json, user: drifted } }),
      assert.AssertionError,
      `${drift} is refused`,
    );
  }
});

test("GetUserByID: human users in each state, a machine user, another org's user", async () => {
  for (const id of [MINNIE, DONALD, DAISY, BUILD_BOT, PLUTO]) {
    const response = expectOk(await call("GET", `/v2/users/${id}`), GetUserByIDResponseSchema);
    assert.equal(response.user.userId, id);
  }
  const machine = expectOk(await call("GET", `/v2/users/${BUILD_BOT}`), GetUserByIDResponseSchema);
  assert.equal(machine.user.type.case, "machine");
  const human = expectOk(await call("GET", `/v2/users/${MINNIE}`), GetUserByIDResponseSchema);
  assert.equal(human.user.type.case, "human");
  assert.equal(human.user.details.resourceOwner, ACME_ORG_ID);
});

test("GetUserByID: the optional profile fields ZITADEL always sets, empty and filled", async () => {
  // humanToPb (internal/api/grpc/user/v2/convert/human.go) sets nickName, displayName,
  // preferredLanguage, gender and the phone message even when empty; protojson then
  // writes them, and `strict` checks that toJson of ZITADEL's message writes them too.
  const pluto = await call("GET", `/v2/users/${PLUTO}`);
  const human = expectOk(pluto, GetUserByIDResponseSchema).user.type.value;
  assert.equal(human.profile.preferredLanguage, "und");
  assert.equal(human.profile.nickName, "");
  assert.deepEqual(pluto.json.user.human.phone, {});
  assert.equal(pluto.json.user.human.profile.gender, "GENDER_UNSPECIFIED");
  const mickey = await call("GET", `/v2/users/${MICKEY}`);
  expectOk(mickey, GetUserByIDResponseSchema);
  assert.deepEqual(mickey.json.user.human.phone, { phone: "+41791234567", isVerified: true });
  assert.equal(mickey.json.user.human.profile.nickName, "Mick");
});

test("GetUserByID of an unknown user: 404 Status", async () => {
  const id = expectError(await call("GET", "/v2/users/999999999999999999"), 404, 5);
  assert.equal(id, "QUERY-Dfbg2");
});

test("a path no route matches: the gateway's 404 Status, without an error detail", async () => {
  assert.equal(expectError(await call("GET", "/v2/no-such-service"), 404, 5), undefined);
});

test("an unknown token: 401 Status", async () => {
  expectError(await call("GET", `/v2/users/${MINNIE}`, { token: "no-such-token" }), 401, 16);
});

test("ListUsers: every page of the whole list", async () => {
  const seen = new Set();
  let total;
  for (let offset = 0; ; offset += 25) {
    const page = expectOk(
      await call("POST", "/v2/users", { body: listBody({ offset }) }),
      ListUsersResponseSchema,
    );
    total ??= page.details.totalResult;
    for (const user of page.result) seen.add(user.userId);
    if (page.result.length < 25) break;
  }
  assert.ok(seen.size > 50, `more than two pages of users (${seen.size})`);
  assert.ok(total >= BigInt(seen.size), "totalResult counts every user");
  // Every seeded shape (each state, human and machine, with and without phone,
  // nickname, language...) read singly too.
  for (const id of seen) {
    assert.equal(expectOk(await call("GET", `/v2/users/${id}`), GetUserByIDResponseSchema).user.userId, id);
  }
});

test("a body that is not JSON: 400 Status", async () => {
  expectError(await call("POST", "/v2/users", { rawBody: "{not json" }), 400, 3);
});

test("ListUsers with the console's queries and each sorting column", async () => {
  const method = "TEXT_QUERY_METHOD_CONTAINS_IGNORE_CASE";
  const search = (text) => ({
    orQuery: {
      queries: [
        { userNameQuery: { userName: text, method } },
        { displayNameQuery: { displayName: text, method } },
        { emailQuery: { emailAddress: text, method } },
        ...(/^\d+$/.test(text) ? [{ inUserIdsQuery: { userIds: [text] } }] : []),
      ],
    },
  });
  const cases = [
    [search("duck")],
    [search(MINNIE)],
    [{ stateQuery: { state: "USER_STATE_INACTIVE" } }],
    [search("mouse"), { stateQuery: { state: "USER_STATE_ACTIVE" } }],
    [search("no such user anywhere")],
  ];
  for (const queries of cases) {
    expectOk(await call("POST", "/v2/users", { body: listBody({ queries }) }), ListUsersResponseSchema);
  }
  for (const sortingColumn of [
    "USER_FIELD_NAME_USER_NAME",
    "USER_FIELD_NAME_DISPLAY_NAME",
    "USER_FIELD_NAME_EMAIL",
    "USER_FIELD_NAME_STATE",
    "USER_FIELD_NAME_CREATION_DATE",
  ]) {
    const page = expectOk(
      await call("POST", "/v2/users", { body: listBody({ limit: 10, sortingColumn }) }),
      ListUsersResponseSchema,
    );
    assert.equal(page.result.length, 10);
  }
  const none = expectOk(
    await call("POST", "/v2/users", { body: listBody({ queries: [search("no such user anywhere")] }) }),
    ListUsersResponseSchema,
  );
  assert.equal(none.result.length, 0);
});

test("ListUsers with a pasted list's exact queries (zitadel_lookup.rs): a shared email finds both users", async () => {
  const method = "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE";
  const queries = [
    {
      orQuery: {
        queries: [
          { emailQuery: { emailAddress: "Rescue-Rangers@acme.example.com", method } },
          { loginNameQuery: { loginName: "Rescue-Rangers@acme.example.com", method } },
          { loginNameQuery: { loginName: "minnie-mouse@acme.example.com", method } },
          { inUserIdsQuery: { userIds: ["Rescue-Rangers@acme.example.com", DONALD] } },
        ],
      },
    },
  ];
  const page = expectOk(
    await call("POST", "/v2/users", { body: listBody({ limit: 1000, queries, sortingColumn: "USER_FIELD_NAME_CREATION_DATE" }) }),
    ListUsersResponseSchema,
  );
  const ids = page.result.map((u) => u.userId).sort();
  assert.deepEqual(ids, [MINNIE, DONALD, CHIP, DALE].sort());
});

test("GetMyUser (auth v1): the token's own user", async () => {
  const me = expectOk(await call("GET", "/auth/v1/users/me"), GetMyUserResponseSchema);
  assert.equal(me.user.id, CONSOLE_ADMIN);
  assert.equal(me.user.type.case, "machine");
  const viewer = expectOk(await call("GET", "/auth/v1/users/me", { token: VIEWER_TOKEN }), GetMyUserResponseSchema);
  assert.equal(viewer.user.userName, "auditor");
});

test("deactivate, reactivate, lock, unlock, delete and their refusals", async () => {
  const user = generatedUserId(1);
  // The console sends `{}`, or `{"reason": ...}`, which ZITADEL's gateway discards.
  const post = (verb) => call("POST", `/v2/users/${user}/${verb}`, { body: { reason: "wire test" } });
  expectOk(await post("deactivate"), DeactivateUserResponseSchema);
  expectError(await post("deactivate"), 400, 9);
  expectOk(await post("reactivate"), ReactivateUserResponseSchema);
  expectError(await post("reactivate"), 400, 9);
  expectOk(await post("lock"), LockUserResponseSchema);
  expectError(await post("lock"), 400, 9);
  expectOk(await post("unlock"), UnlockUserResponseSchema);
  expectError(await post("unlock"), 400, 9);
  const deleted = expectOk(await call("DELETE", `/v2/users/${user}`), DeleteUserResponseSchema);
  assert.ok(deleted.details.sequence > 0n);
  expectError(await call("GET", `/v2/users/${user}`), 404, 5);
  expectError(await call("DELETE", `/v2/users/${user}`), 404, 5);
});

test("a read-only token may not deactivate: 403 Status", async () => {
  const answer = await call("POST", `/v2/users/${MINNIE}/deactivate`, { token: VIEWER_TOKEN, body: {} });
  expectError(answer, 403, 7);
  // The user is unchanged, and the single read shows it.
  const read = expectOk(await call("GET", `/v2/users/${MINNIE}`), GetUserByIDResponseSchema);
  assert.equal(read.user.state, 1 /* USER_STATE_ACTIVE */);
});
