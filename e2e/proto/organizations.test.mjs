// The calls that find the organisations an admin may work in: auth v1
// ListMyMemberships and org v2 ListOrganizations, which the console calls
// (src/providers/zitadel_orgs.rs), and ListMyProjectOrgs, which ZITADEL's own
// console calls and the sandbox serves with ZITADEL's semantics.

import { test } from "node:test";
import assert from "node:assert/strict";
import { fromJson } from "@bufbuild/protobuf";
import {
  ListMyMembershipsRequestSchema,
  ListMyMembershipsResponseSchema,
  ListMyProjectOrgsRequestSchema,
  ListMyProjectOrgsResponseSchema,
} from "@zitadel/proto/zitadel/auth_pb";
import {
  ListOrganizationsRequestSchema,
  ListOrganizationsResponseSchema,
} from "@zitadel/proto/zitadel/org/v2/org_service_pb";
import {
  ACME_MANAGER_TOKEN,
  ACME_ORG_ID,
  GLOBEX_ORG_ID,
  OWNER_TOKEN,
  VIEWER_TOKEN,
  call,
  expectOk,
} from "./zitadel.mjs";

/** The body the console sends to all three (zitadel_orgs.rs `list_body`). */
const paging = { query: { offset: "0", limit: 200, asc: true } };
// The gateway discards unknown request fields: each request must know every key.
for (const schema of [ListMyProjectOrgsRequestSchema, ListMyMembershipsRequestSchema, ListOrganizationsRequestSchema]) {
  fromJson(schema, paging);
}

const MEMBERSHIPS = "/auth/v1/memberships/me/_search";
const ORGANIZATIONS = "/v2/organizations/_search";

test("ListMyProjectOrgs for the owner, an org manager and a viewer", async () => {
  for (const token of [OWNER_TOKEN, ACME_MANAGER_TOKEN, VIEWER_TOKEN]) {
    const answer = await call("POST", "/auth/v1/global/projectorgs/_search", { token, body: paging });
    expectOk(answer, ListMyProjectOrgsResponseSchema);
  }
});

test("ListMyMemberships for the owner and an org manager", async () => {
  const owner = expectOk(
    await call("POST", MEMBERSHIPS, { token: OWNER_TOKEN, body: paging }),
    ListMyMembershipsResponseSchema,
  );
  assert.ok(
    owner.result.some((m) => m.type.case === "iam"),
    "the instance owner is a member of the instance",
  );
  const manager = expectOk(
    await call("POST", MEMBERSHIPS, { token: ACME_MANAGER_TOKEN, body: paging }),
    ListMyMembershipsResponseSchema,
  );
  assert.ok(manager.result.some((m) => m.type.case === "orgId" && m.type.value === ACME_ORG_ID), "the manager is an org member");
});

// ZITADEL v4.13.1 `internal/api/grpc/org/v2/query.go`: ListOrganizations filters the
// orgs by the caller's permission (SearchOrgs with checkPermission), no 403.
test("ListOrganizations (org v2): all orgs for the owner, its own for an org manager", async () => {
  const all = expectOk(
    await call("POST", ORGANIZATIONS, { token: OWNER_TOKEN, body: paging }),
    ListOrganizationsResponseSchema,
  );
  assert.deepEqual(all.result.map((org) => org.id).sort(), [ACME_ORG_ID, GLOBEX_ORG_ID]);
  const own = expectOk(
    await call("POST", ORGANIZATIONS, { token: ACME_MANAGER_TOKEN, body: paging }),
    ListOrganizationsResponseSchema,
  );
  assert.deepEqual(own.result.map((org) => org.id), [ACME_ORG_ID]);
});
