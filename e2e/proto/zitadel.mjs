// Shared helpers of the wire tests: call the sandbox, and read its answers strictly
// with ZITADEL's own message definitions (npm `@zitadel/proto`, generated from
// ZITADEL's protos). `fromJson` without `ignoreUnknownFields` refuses a field the
// message does not have, a value of the wrong type and an unknown enum name, so any
// drift of the sandbox's answers from ZITADEL's fails a test.

import assert from "node:assert/strict";
import { create, createFileRegistry, createRegistry, fromJson, toJson } from "@bufbuild/protobuf";
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  file_google_protobuf_any,
} from "@bufbuild/protobuf/wkt";
import { ErrorDetailSchema } from "@zitadel/proto/zitadel/message_pb";

/** The sandbox under test; `cargo xtask test proto` starts one and sets this. */
export const BASE_URL = (() => {
  const url = process.env.SANDBOX_URL;
  if (!url) {
    throw new Error("SANDBOX_URL is not set: run these tests with `cargo xtask test proto`");
  }
  return url.replace(/\/$/, "");
})();

/** Tokens and ids the sandbox seeds (sandbox/src/seed.rs). */
export const OWNER_TOKEN = "sandbox-owner-pat";
export const ACME_MANAGER_TOKEN = "sandbox-acme-manager-pat";
export const VIEWER_TOKEN = "sandbox-viewer-pat";
export const ACME_ORG_ID = "69629023906488334";
export const GLOBEX_ORG_ID = "69629023906488335";

/** The n-th user `--seed N` generates (seed.rs `generated_user_id`); xtask seeds 60. */
export function generatedUserId(n) {
  return (226_000_001_000_000_000n + BigInt(n)).toString();
}

/**
 * `google.rpc.Status`, the body of every error ZITADEL's REST gateway sends.
 * `@zitadel/proto` does not ship it, so it is described here field for field as
 * googleapis' `google/rpc/status.proto` defines it: code 1, message 2, details 3.
 */
const statusFile = create(FileDescriptorProtoSchema, {
  name: "google/rpc/status.proto",
  package: "google.rpc",
  syntax: "proto3",
  dependency: ["google/protobuf/any.proto"],
  messageType: [
    {
      name: "Status",
      field: [
        field("code", 1, FieldDescriptorProto_Type.INT32),
        field("message", 2, FieldDescriptorProto_Type.STRING),
        {
          ...field("details", 3, FieldDescriptorProto_Type.MESSAGE),
          label: FieldDescriptorProto_Label.REPEATED,
          typeName: ".google.protobuf.Any",
        },
      ],
    },
  ],
});

function field(name, number, type) {
  return { name, number, type, label: FieldDescriptorProto_Label.OPTIONAL, jsonName: name };
}

export const StatusSchema = createFileRegistry(statusFile, (name) =>
  name === "google/protobuf/any.proto" ? file_google_protobuf_any : undefined,
).getMessage("google.rpc.Status");

/** `details` of a Status are `Any`s; ZITADEL's errors carry a `zitadel.v1.ErrorDetail`. */
const detailTypes = createRegistry(ErrorDetailSchema);
const ERROR_DETAIL_TYPE = "type.googleapis.com/zitadel.v1.ErrorDetail";

/**
 * One HTTP call. `body` is sent as JSON (`rawBody` as it is); the answer's body is parsed as JSON (an
 * answer that is not JSON fails the test: every ZITADEL REST answer is).
 */
export async function call(method, path, { token = OWNER_TOKEN, body, rawBody, headers = {} } = {}) {
  const init = { method, headers: { accept: "application/json", ...headers } };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (body !== undefined || rawBody !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = rawBody ?? JSON.stringify(body);
  }
  const response = await fetch(`${BASE_URL}${path}`, init);
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    assert.fail(`${method} ${path}: answer ${response.status} is not JSON: ${text.slice(0, 200)}`);
  }
  return { method, path, status: response.status, json };
}

/**
 * `fromJson` without `ignoreUnknownFields`; the error names the call and the body.
 * Then the message is written back with `toJson` and must give the body again:
 * ZITADEL's gateway writes protojson's canonical form (lowerCamelCase names, 64-bit
 * integers as strings, enum names, defaults left out), which `fromJson` alone would
 * not insist on (it also takes proto names, numbers for enums and int64s).
 */
export function strict(schema, answer, options = {}) {
  const where = `${answer.method} ${answer.path} (${answer.status})`;
  let message;
  try {
    message = fromJson(schema, answer.json, options);
  } catch (error) {
    assert.fail(`${where}: not a ${schema.typeName}: ${error.message}\nbody: ${JSON.stringify(answer.json)}`);
  }
  assert.deepEqual(
    answer.json,
    toJson(schema, message, options),
    `${where}: not the canonical JSON of ${schema.typeName} that ZITADEL's gateway writes`,
  );
  return message;
}

/** A 200 whose body is the response message `schema`. */
export function expectOk(answer, schema) {
  assert.equal(
    answer.status,
    200,
    `${answer.method} ${answer.path}: expected 200, got ${answer.status}: ${JSON.stringify(answer.json)}`,
  );
  return strict(schema, answer);
}

/**
 * An error answer: `httpStatus` with a strict `google.rpc.Status` of gRPC `code`.
 * Returns the ZITADEL error id (`zitadel.v1.ErrorDetail.id`) or undefined when the
 * error has no detail (the gateway's own routing errors).
 */
export function expectError(answer, httpStatus, code) {
  assert.equal(
    answer.status,
    httpStatus,
    `${answer.method} ${answer.path}: expected ${httpStatus}, got ${answer.status}: ${JSON.stringify(answer.json)}`,
  );
  const status = strict(StatusSchema, answer, { registry: detailTypes });
  assert.equal(status.code, code, `${answer.method} ${answer.path}: gRPC code`);
  assert.ok(status.details.length <= 1, "at most one error detail");
  const [detail] = status.details;
  if (!detail) return undefined;
  assert.equal(detail.typeUrl, ERROR_DETAIL_TYPE);
  // The detail's fields were checked against ErrorDetail by the strict parse above.
  const { id, message } = answer.json.details[0];
  assert.ok(id, "the error detail has an id");
  assert.ok(status.message.includes(message), "the message repeats the detail's text");
  return id;
}
