// zitadel.resources.user.v3alpha.ZITADELUsers, as the console calls it
// (src/providers/zitadel_v3alpha.rs): GetUser, the state changes with the optional
// `?organization.orgId=`, and SearchUsers.
// v3alpha acts only on schema users of its own (ZITADEL v4's `schemauser`
// aggregate, internal/command/user_v3.go), which the sandbox seeds.

import { test } from "node:test";
import assert from "node:assert/strict";
import { fromJson } from "@bufbuild/protobuf";
import {
  ActivateUserResponseSchema,
  DeactivateUserResponseSchema,
  DeleteUserResponseSchema,
  GetUserResponseSchema,
  LockUserResponseSchema,
  SearchUsersResponseSchema,
  UnlockUserResponseSchema,
} from "@zitadel/proto/zitadel/resources/user/v3alpha/user_service_pb";
import { SearchFilterSchema } from "@zitadel/proto/zitadel/resources/user/v3alpha/query_pb";
import { ACME_ORG_ID, BASE_URL, call, expectError, expectOk } from "./zitadel.mjs";

const USERS = "/resources/v3alpha/users";
const MINNIE = "226000000000000001"; // a v2 user, ACME

/** The seeded schema users (sandbox/src/seed, `schema_user_ids`). */
const SCARLETT = "326000000000000001"; // active
const ROSE = "326000000000000002"; // inactive
const RUBY = "326000000000000003"; // locked, active
const AMBER = "326000000000000004"; // active, may be deleted

/** A v3alpha state change as the console sends it: no body, the org in the query. */
function change(verb, id, org = ACME_ORG_ID) {
  const query = org ? `?organization.orgId=${org}` : "";
  return verb === "delete"
    ? call("DELETE", `${USERS}/${id}${query}`)
    : call("POST", `${USERS}/${id}/_${verb}${query}`);
}

/** The console's answer check: the details of the change, owned by the org. */
function expectChanged(answer, schema, id) {
  const { details } = expectOk(answer, schema);
  assert.equal(details.id, id);
  assert.equal(details.owner?.id, ACME_ORG_ID);
  assert.ok(details.changed, "a change has a time");
  return details;
}

test("GetUser: 501 Unimplemented, as in every ZITADEL release", async () => {
  // Every user the search lists, in each state and of both schemas.
  const search = expectOk(
    await call("POST", `${USERS}/_search?query.limit=1000`, { body: [] }),
    SearchUsersResponseSchema,
  );
  const ids = [SCARLETT, MINNIE, ...search.result.map((user) => user.details.id)];
  for (const id of ids) {
    const answer = await call("GET", `${USERS}/${id}`);
    expectError(answer, 501, 12);
  }
});

/** The sandbox's runtime switches (`POST /debug/settings`, no token). */
async function settings(changes) {
  const response = await fetch(`${BASE_URL}/debug/settings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(changes),
  });
  assert.equal(response.status, 200, await response.text());
}

test("GetUser as a future server might answer it: a GetUserResponse", async () => {
  // No release implements GetUser; the sandbox's `v3alphaGetUser` answers it in the
  // shape of proto/zitadel/resources/user/v3alpha/user_service.proto, for the
  // console's use of such an answer (src/providers/zitadel_v3alpha.rs read_user).
  await settings({ v3alphaGetUser: true });
  try {
    const { user } = expectOk(await call("GET", `${USERS}/${RUBY}`), GetUserResponseSchema);
    assert.equal(user.details.id, RUBY);
    assert.equal(user.details.owner?.id, ACME_ORG_ID);
    assert.equal(user.data.givenName, "Ruby");
    assert.equal(user.contact.email.address, "ruby@acme.example.com");
    // zitadel.resources.user.v3alpha.State: USER_STATE_LOCKED = 4.
    assert.equal(user.state, 4);
  } finally {
    await settings({ v3alphaGetUser: false });
  }
  expectError(await call("GET", `${USERS}/${RUBY}`), 501, 12);
});

test("SearchUsers with no filter, a username filter and paging", async () => {
  // v3alpha's TextFilterMethod ends at TEXT_FILTER_METHOD_CONTAINS (= 4): it has no
  // IGNORE_CASE variant of CONTAINS and no ENDS_WITH.
  const filters = [{ usernameFilter: { username: "duck", method: "TEXT_FILTER_METHOD_CONTAINS" } }];
  for (const filter of filters) fromJson(SearchFilterSchema, filter);
  for (const [body, query] of [
    [[], ""],
    [filters, ""],
    [[], "?query.offset=0&query.limit=5"],
  ]) {
    expectOk(await call("POST", `${USERS}/_search${query}`, { body }), SearchUsersResponseSchema);
  }
});

test("schema users: lock, unlock, deactivate, activate, delete and their refusals", async () => {
  expectChanged(await change("lock", SCARLETT), LockUserResponseSchema, SCARLETT);
  assert.equal(expectError(await change("lock", SCARLETT), 404, 5), "COMMAND-G4LOrnjY7q");
  expectChanged(await change("unlock", SCARLETT), UnlockUserResponseSchema, SCARLETT);
  assert.equal(expectError(await change("unlock", SCARLETT), 404, 5), "COMMAND-gpBv46Lh9m");
  expectChanged(await change("deactivate", SCARLETT), DeactivateUserResponseSchema, SCARLETT);
  assert.equal(expectError(await change("deactivate", SCARLETT), 404, 5), "COMMAND-Ob6lR5iFTe");
  expectChanged(await change("activate", SCARLETT), ActivateUserResponseSchema, SCARLETT);
  assert.equal(expectError(await change("activate", SCARLETT), 404, 5), "COMMAND-rQjbBr4J3j");

  // Locked is a flag beside the state: a locked active user can be deactivated.
  expectChanged(await change("deactivate", RUBY), DeactivateUserResponseSchema, RUBY);
  expectChanged(await change("activate", RUBY, null), ActivateUserResponseSchema, RUBY);
  expectChanged(await change("activate", ROSE), ActivateUserResponseSchema, ROSE);
  expectChanged(await change("deactivate", ROSE), DeactivateUserResponseSchema, ROSE);

  expectChanged(await change("delete", AMBER), DeleteUserResponseSchema, AMBER);
  assert.equal(expectError(await change("delete", AMBER), 404, 5), "COMMAND-syHyCsGmvM");

  // A v2 user is no schema user: v3alpha does not find it.
  assert.equal(expectError(await change("lock", MINNIE), 404, 5), "COMMAND-G4LOrnjY7q");
});

test("an unknown id: 404 Status", async () => {
  expectError(await change("unlock", "999999999999999999"), 404, 5);
});
