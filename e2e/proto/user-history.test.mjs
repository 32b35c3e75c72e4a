// A user's history (management v1 ListUserChanges) and the console's reason record
// (user metadata: v2 SetUserMetadata, management v1 Set/GetUserMetadata), as the
// console calls them (src/providers/zitadel_history.rs).

import { test } from "node:test";
import assert from "node:assert/strict";
import { fromJson } from "@bufbuild/protobuf";
import {
  GetUserMetadataResponseSchema,
  ListUserMetadataRequestSchema,
  ListUserMetadataResponseSchema,
  ListUserChangesRequestSchema,
  ListUserChangesResponseSchema,
  SetUserMetadataRequestSchema as SetUserMetadataV1RequestSchema,
  SetUserMetadataResponseSchema as SetUserMetadataV1ResponseSchema,
} from "@zitadel/proto/zitadel/management_pb";
import {
  LockUserResponseSchema,
  SetUserMetadataRequestSchema,
  SetUserMetadataResponseSchema,
} from "@zitadel/proto/zitadel/user/v2/user_service_pb";
import { ACME_ORG_ID, VIEWER_TOKEN, call, expectError, expectOk, generatedUserId } from "./zitadel.mjs";

const acme = { "x-zitadel-orgid": ACME_ORG_ID };
const base64 = (text) => Buffer.from(text, "utf8").toString("base64");

/** The console's ListUserChanges body; the gateway drops unknown fields, so check it. */
function changesBody(query) {
  const body = { query };
  fromJson(ListUserChangesRequestSchema, { ...body, userId: "1" });
  return body;
}

test("ListUserChanges: newest first, paged by sequence and limit, editors named", async () => {
  const user = generatedUserId(41);
  expectOk(await call("POST", `/v2/users/${user}/lock`, { body: {} }), LockUserResponseSchema);
  const first = await call("POST", `/management/v1/users/${user}/changes/_search`, {
    body: changesBody({ limit: 1 }),
    headers: { ...acme, "accept-language": "de" },
  });
  const page = expectOk(first, ListUserChangesResponseSchema);
  assert.equal(page.result.length, 1);
  const [newest] = page.result;
  assert.equal(newest.eventType.key, "EventTypes.user.locked");
  assert.equal(newest.eventType.localizedMessage, "Benutzer gesperrt");
  assert.ok(newest.editorId && newest.editorPreferredLoginName);
  const older = await call("POST", `/management/v1/users/${user}/changes/_search`, {
    body: changesBody({ sequence: newest.sequence.toString(), limit: 10 }),
    headers: acme,
  });
  const rest = expectOk(older, ListUserChangesResponseSchema).result;
  assert.ok(rest.length >= 1);
  for (const change of rest) assert.ok(change.sequence < newest.sequence);
  // A user without changes in the org in context: an empty message.
  const none = await call("POST", "/management/v1/users/1/changes/_search", { body: changesBody({}), headers: acme });
  assert.equal(expectOk(none, ListUserChangesResponseSchema).result.length, 0);
});

test("SetUserMetadata v2 and v1, GetUserMetadata and ListUserMetadata v1; a reader may not write", async () => {
  const user = generatedUserId(42);
  const v2Body = { metadata: [{ key: "proto-test", value: base64("v2 value") }] };
  fromJson(SetUserMetadataRequestSchema, { ...v2Body, userId: user });
  expectOk(await call("POST", `/v2/users/${user}/metadata`, { body: v2Body }), SetUserMetadataResponseSchema);

  const read = await call("GET", `/management/v1/users/${user}/metadata/proto-test`, { headers: acme });
  const metadata = expectOk(read, GetUserMetadataResponseSchema).metadata;
  assert.equal(new TextDecoder().decode(metadata.value), "v2 value");

  const v1Body = { value: base64("v1 value") };
  fromJson(SetUserMetadataV1RequestSchema, { ...v1Body, id: user, key: "proto-test" });
  const set = await call("POST", `/management/v1/users/${user}/metadata/proto-test`, { body: v1Body, headers: acme });
  expectOk(set, SetUserMetadataV1ResponseSchema);

  const refused = await call("POST", `/management/v1/users/${user}/metadata/proto-test`, {
    body: v1Body,
    headers: acme,
    token: VIEWER_TOKEN,
  });
  assert.equal(expectError(refused, 403, 7), "AUTH-5mWD2");
  // The console reads its key with ListUserMetadata: an unset key lists nothing (200).
  const search = (key) => {
    const body = { queries: [{ keyQuery: { key } }] };
    fromJson(ListUserMetadataRequestSchema, { ...body, id: user });
    return body;
  };
  const listed = await call("POST", `/management/v1/users/${user}/metadata/_search`, {
    body: search("proto-test"),
    headers: acme,
  });
  const found = expectOk(listed, ListUserMetadataResponseSchema).result;
  assert.equal(found.length, 1);
  assert.equal(new TextDecoder().decode(found[0].value), "v1 value");
  const unset = await call("POST", `/management/v1/users/${user}/metadata/_search`, {
    body: search("never-set"),
    headers: acme,
  });
  assert.equal(expectOk(unset, ListUserMetadataResponseSchema).result.length, 0);
  const missing = await call("GET", `/management/v1/users/${user}/metadata/never-set`, { headers: acme });
  assert.equal(expectError(missing, 404, 5), "QUERY-Rgh32");
});
