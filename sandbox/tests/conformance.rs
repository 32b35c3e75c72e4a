//! Conformance: every response shape the sandbox gives, each endpoint's success and
//! each error, is validated against the OpenAPI descriptions in
//! `shared/contracts/specs/` (see its README for their provenance), and every refused
//! transition is checked for the error id the contracts document.
//!
//! * ZITADEL: `zitadel-user-lifecycle-subset.derived.swagger.json` (Swagger 2.0, whose
//!   schemas are close to JSON Schema draft 4), response schemas by path, method and
//!   status (or `default`); for the org switcher's calls, which the subset leaves out,
//!   the merged `apidocs.swagger.json` it was derived from.
//! * Weavr: `derived-multi-users-auth-subset.json` (OpenAPI 3.1, JSON Schema 2020-12)
//!   and `derived-payment-run-users-auth-subset.json` (OpenAPI 3.0, validated as
//!   draft 4); the response's declared content, or none, and its required headers.
//!
//! The specs allow any extra property. To catch a misspelt or invented field, every
//! object schema that lists `properties` is made closed (`additionalProperties:
//! false`) unless it says otherwise; an `allOf` of inline objects is merged first.
//!
//! Where a spec itself is wrong, the test says so and works around it here; the
//! sandbox follows the contract (the `.md` files), not the defect.

use jsonschema::Draft;
use sandbox::grants::GrantBehaviour;
use sandbox::seed::schema_user_ids as schema;
use sandbox::seed::{grant_ids, ids, ACME_MANAGER_TOKEN, GLOBEX_ORG_ID, OWNER_TOKEN, VIEWER_TOKEN};
use sandbox::state::Settings;
use sandbox::test_support::{TestResponse, TestSandbox};
use sandbox::weavr::seed::{ids as weavr_ids, ADMIN_TOKEN, CREATOR_TOKEN};
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const UNKNOWN_USER: &str = "999999999999999999";
const UNKNOWN_GRANT: &str = "79999999999999999";
const UNKNOWN_WEAVR_USER: &str = "110747174434379999";

/// `shared/` lies beside the repository (here and in CI).
fn specs_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/contracts/specs")
}

fn load_spec(file: &str) -> Value {
    let path = specs_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| {
        panic!(
            "cannot read the spec {} ({err}). The conformance tests need the contracts' \
             specs in shared/contracts/specs/, beside the repository's root directory.",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("{}: not JSON: {err}", path.display()))
}

/// A copy of `schema` in which objects with `properties` accept no other property.
fn closed(schema: &Value) -> Value {
    let Some(map) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let value = match key.as_str() {
            "properties" | "definitions" | "patternProperties" => closed_map(value),
            "items" | "additionalProperties" | "not" if value.is_object() => closed(value),
            "allOf" | "anyOf" | "oneOf" => {
                Value::Array(value.as_array().into_iter().flatten().map(closed).collect())
            }
            // Examples, enums and defaults are data, not schemas.
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    merge_inline_all_of(&mut out);
    if out.contains_key("properties") && !out.contains_key("additionalProperties") {
        out.insert("additionalProperties".into(), Value::Bool(false));
    }
    Value::Object(out)
}

fn closed_map(value: &Value) -> Value {
    match value.as_object() {
        Some(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), closed(v))).collect()),
        None => value.clone(),
    }
}

/// `allOf: [{properties…}, {properties…}]` → one object, so that closing it does not
/// make each part reject the others' properties.
fn merge_inline_all_of(schema: &mut Map<String, Value>) {
    let Some(Value::Array(parts)) = schema.get("allOf") else {
        return;
    };
    if !parts
        .iter()
        .all(|p| p.get("properties").is_some() && p.get("$ref").is_none())
    {
        return;
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    for part in parts {
        if let Some(props) = part["properties"].as_object() {
            properties.extend(props.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        required.extend(part["required"].as_array().into_iter().flatten().cloned());
    }
    schema.remove("allOf");
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), Value::Array(required));
}

fn validate(root: &Value, draft: Draft, body: &Value, context: &str) {
    let validator = jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .build(root)
        .unwrap_or_else(|err| panic!("{context}: the schema does not compile: {err}"));
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{context}: {body}\n{}",
        errors.join("\n")
    );
}

// ZITADEL

struct Zitadel {
    spec: Value,
    definitions: Value,
}

impl Zitadel {
    fn load() -> Self {
        let spec = load_spec("zitadel-user-lifecycle-subset.derived.swagger.json");
        let definitions = closed_map(&spec["definitions"]);
        Zitadel { spec, definitions }
    }

    /// The org switcher's calls, ListMyProjectOrgs and GetMyOrg, from the merged spec:
    /// its paths lack their service's prefix (specs/README.md), so each is named by
    /// its operation id; only the definitions they reach are kept.
    fn load_org_calls() -> Self {
        let merged = load_spec("apidocs.swagger.json");
        let mut paths = Map::new();
        for (path, method, operation, prefix) in [
            (
                "/global/projectorgs/_search",
                "post",
                "AuthService_ListMyProjectOrgs",
                "/auth/v1",
            ),
            (
                "/orgs/me",
                "get",
                "ManagementService_GetMyOrg",
                "/management/v1",
            ),
        ] {
            let item = &merged["paths"][path];
            assert_eq!(item[method]["operationId"], operation, "{path}");
            paths.insert(format!("{prefix}{path}"), item.clone());
        }
        let paths = Value::Object(paths);
        let definitions = reachable_definitions(&merged["definitions"], &paths);
        Zitadel {
            spec: json!({ "paths": paths }),
            definitions: closed_map(&definitions),
        }
    }

    /// Checks `response` against the spec's response for `template` and `method`.
    fn check(&self, template: &str, method: &str, response: &TestResponse) {
        let context = format!("{method} {template} → {}", response.status);
        let responses = &self.spec["paths"][template][method.to_lowercase()]["responses"];
        assert!(responses.is_object(), "{context}: not in the spec");
        let declared = responses
            .get(response.status.as_str())
            .unwrap_or(&responses["default"]);
        let schema = closed(&declared["schema"]);
        assert_eq!(
            response.header("content-type"),
            Some("application/json"),
            "{context}"
        );
        let root = json!({"definitions": self.definitions, "allOf": [schema]});
        validate(&root, Draft::Draft4, &response.json(), &context);
    }

    /// Sends a request, checks its status and its shape.
    async fn expect(
        &self,
        sandbox: &TestSandbox,
        template: &str,
        (method, path): (&str, &str),
        headers: &[(&str, &str)],
        status: u16,
    ) -> TestResponse {
        let body = match method {
            "POST" if template.contains("/resources/v3alpha/") && template.ends_with("_search") => {
                Some("[]")
            }
            "POST" if template.contains("/resources/v3alpha/") => None,
            "POST" => Some("{}"),
            _ => None,
        };
        let response = sandbox.call_with(method, path, headers, body).await;
        assert_eq!(
            response.status, status,
            "{method} {path}: {}",
            response.text
        );
        self.check(template, method, &response);
        response
    }
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// The definitions `from` refers to (`#/definitions/…`), and those they refer to.
fn reachable_definitions(all: &Value, from: &Value) -> Value {
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(name) = map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix("#/definitions/"))
                {
                    out.push(name.to_string());
                }
                map.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Map::new();
    let mut pending = Vec::new();
    refs(from, &mut pending);
    while let Some(name) = pending.pop() {
        if found.contains_key(&name) {
            continue;
        }
        let definition = all[&name].clone();
        assert!(definition.is_object(), "definition {name} is missing");
        refs(&definition, &mut pending);
        found.insert(name, definition);
    }
    Value::Object(found)
}

#[tokio::test]
async fn zitadel_v2_responses_match_the_spec() {
    let spec = Zitadel::load();
    let sandbox = TestSandbox::new();
    let owner = bearer(OWNER_TOKEN);
    let auth: &[(&str, &str)] = &[("authorization", &owner)];
    let user = "/v2/users/{userId}";
    let minnie = format!("/v2/users/{}", ids::MINNIE);

    // Mickey has every optional profile field set; Pluto none (`nickName: ""`,
    // `preferredLanguage: "und"`, `gender: "GENDER_UNSPECIFIED"`, `phone: {}`).
    for id in [
        ids::MINNIE,
        ids::BUILD_BOT,
        ids::GOOFY,
        ids::DAISY,
        ids::MICKEY,
        ids::PLUTO,
    ] {
        spec.expect(
            &sandbox,
            user,
            ("GET", &format!("/v2/users/{id}")),
            auth,
            200,
        )
        .await;
    }
    spec.expect(
        &sandbox,
        user,
        ("GET", &format!("/v2/users/{UNKNOWN_USER}")),
        auth,
        404,
    )
    .await;
    spec.expect(&sandbox, user, ("GET", &minnie), &[], 401)
        .await;
    spec.expect(
        &sandbox,
        user,
        ("GET", &minnie),
        &[("authorization", "Bearer nope")],
        401,
    )
    .await;
    // No role in Globex: membership not found (`AUTHZ-cdgFk`).
    let manager = bearer(ACME_MANAGER_TOKEN);
    let pluto = format!("/v2/users/{}", ids::PLUTO);
    spec.expect(
        &sandbox,
        user,
        ("GET", &pluto),
        &[("authorization", &manager)],
        404,
    )
    .await;

    let list = |body: &'static str| {
        let sandbox = &sandbox;
        let spec = &spec;
        async move {
            let response = sandbox.list_users(body, OWNER_TOKEN).await;
            spec.check("/v2/users", "POST", &response);
            response
        }
    };
    assert_eq!(
        list(r#"{"query":{"limit":3},"sortingColumn":"USER_FIELD_NAME_USER_NAME"}"#)
            .await
            .status,
        200
    );
    assert_eq!(
        list(r#"{"queries":[{"userNameQuery":{"userName":"nobody"}}]}"#)
            .await
            .status,
        200
    );
    assert_eq!(list(r#"{"query":{"limit":5000}}"#).await.status, 400);
    assert_eq!(list(r#"{"queries":[{}]}"#).await.status, 400);

    for (action, id, status) in [
        ("lock", ids::MINNIE, 200),
        ("unlock", ids::MINNIE, 200),
        ("deactivate", ids::MINNIE, 200),
        ("reactivate", ids::MINNIE, 200),
        ("lock", ids::DONALD, 400),
        ("unlock", ids::DONALD, 400),
        ("deactivate", ids::DONALD, 400),
        ("reactivate", ids::MINNIE, 400),
        ("lock", UNKNOWN_USER, 404),
        ("deactivate", "", 400),
    ] {
        let template = format!("/v2/users/{{userId}}/{action}");
        let path = format!("/v2/users/{id}/{action}");
        spec.expect(&sandbox, &template, ("POST", &path), auth, status)
            .await;
    }
    let viewer = bearer(VIEWER_TOKEN);
    let lock = format!("/v2/users/{}/lock", ids::MINNIE);
    spec.expect(
        &sandbox,
        "/v2/users/{userId}/lock",
        ("POST", &lock),
        &[("authorization", &viewer)],
        403,
    )
    .await;
    spec.expect(&sandbox, user, ("DELETE", &minnie), auth, 200)
        .await;
    spec.expect(&sandbox, user, ("DELETE", &minnie), auth, 404)
        .await;

    // A fault's error body is a gateway error too.
    let faulted = sandbox
        .call_with(
            "GET",
            &pluto,
            &[("authorization", &owner), ("x-sandbox-fault", "status=503")],
            None,
        )
        .await;
    assert_eq!(faulted.status, 503);
    spec.check(user, "GET", &faulted);
}

#[tokio::test]
async fn zitadel_v3alpha_responses_match_the_spec() {
    let spec = Zitadel::load();
    let sandbox = TestSandbox::new();
    let owner = bearer(OWNER_TOKEN);
    let auth: &[(&str, &str)] = &[("authorization", &owner)];
    let base = "/resources/v3alpha/users";
    let one = "/resources/v3alpha/users/{id}";

    // GetUser is not implemented (501) and SearchUsers is a stub, as on v4.13.1.
    for id in [schema::SCARLETT, ids::MINNIE, UNKNOWN_USER] {
        spec.expect(&sandbox, one, ("GET", &format!("{base}/{id}")), auth, 501)
            .await;
    }
    let search = "/resources/v3alpha/users/_search";
    for query in ["?query.limit=4", "?query.limit=1001"] {
        spec.expect(
            &sandbox,
            search,
            ("POST", &format!("{search}{query}")),
            auth,
            200,
        )
        .await;
    }

    for (action, id, status) in [
        ("lock", schema::SCARLETT, 200),
        ("lock", schema::SCARLETT, 404),
        ("unlock", schema::SCARLETT, 200),
        ("unlock", schema::SCARLETT, 404),
        ("deactivate", schema::SCARLETT, 200),
        ("deactivate", schema::SCARLETT, 404),
        ("activate", schema::SCARLETT, 200),
        ("activate", schema::SCARLETT, 404),
        // A v2 user is no schema user.
        ("lock", ids::MINNIE, 404),
        ("lock", "", 400),
    ] {
        let template = format!("{one}/_{action}");
        let path = format!("{base}/{id}/_{action}");
        spec.expect(&sandbox, &template, ("POST", &path), auth, status)
            .await;
    }
    let viewer = bearer(VIEWER_TOKEN);
    let lock = format!("{base}/{}/_lock", schema::SCARLETT);
    spec.expect(
        &sandbox,
        &format!("{one}/_lock"),
        ("POST", &lock),
        &[("authorization", &viewer)],
        403,
    )
    .await;
    let amber = format!("{base}/{}", schema::AMBER);
    spec.expect(&sandbox, one, ("DELETE", &amber), auth, 200)
        .await;
    spec.expect(&sandbox, one, ("DELETE", &amber), auth, 404)
        .await;
}

#[tokio::test]
async fn zitadel_v1_grant_responses_match_the_spec() {
    let spec = Zitadel::load();
    for behaviour in [GrantBehaviour::Idempotent, GrantBehaviour::Legacy] {
        let sandbox = TestSandbox::with_settings(Settings {
            grant_behaviour: behaviour,
            ..Settings::default()
        });
        let owner = bearer(OWNER_TOKEN);
        let auth: &[(&str, &str)] = &[("authorization", &owner)];
        let one = "/management/v1/users/{userId}/grants/{grantId}";
        let grant = |user: &str, grant: &str| format!("/management/v1/users/{user}/grants/{grant}");
        let minnie_portal = grant(ids::MINNIE, grant_ids::MINNIE_PORTAL);

        spec.expect(&sandbox, one, ("GET", &minnie_portal), auth, 200)
            .await;
        spec.expect(
            &sandbox,
            one,
            ("GET", &grant(ids::MINNIE, UNKNOWN_GRANT)),
            auth,
            404,
        )
        .await;
        let pluto = grant(ids::PLUTO, grant_ids::PLUTO_INTRANET);
        let globex: &[(&str, &str)] = &[
            ("authorization", &owner),
            ("x-zitadel-orgid", GLOBEX_ORG_ID),
        ];
        spec.expect(&sandbox, one, ("GET", &pluto), globex, 200)
            .await;
        let nowhere: &[(&str, &str)] = &[("authorization", &owner), ("x-zitadel-orgid", "1")];
        spec.expect(&sandbox, one, ("GET", &pluto), nowhere, 403)
            .await;

        let search = "/management/v1/users/grants/_search";
        for (body, status) in [
            (r#"{"query":{"limit":3}}"#, 200),
            (r#"{"queries":[{"userIdQuery":{"userId":"1"}}]}"#, 200),
            (r#"{"query":{"limit":1001}}"#, 400),
        ] {
            let response = sandbox.call_with("POST", search, auth, Some(body)).await;
            assert_eq!(response.status, status, "{body}");
            spec.check(search, "POST", &response);
        }

        let repeat = if behaviour == GrantBehaviour::Legacy {
            400
        } else {
            200
        };
        for (action, status) in [
            ("_deactivate", 200),
            ("_deactivate", repeat),
            ("_reactivate", 200),
            ("_reactivate", repeat),
        ] {
            let path = format!("{minnie_portal}/{action}");
            spec.expect(
                &sandbox,
                &format!("{one}/{action}"),
                ("POST", &path),
                auth,
                status,
            )
            .await;
        }
        let missing = format!("{}/_deactivate", grant(ids::MINNIE, UNKNOWN_GRANT));
        spec.expect(
            &sandbox,
            &format!("{one}/_deactivate"),
            ("POST", &missing),
            auth,
            404,
        )
        .await;
        spec.expect(&sandbox, one, ("DELETE", &minnie_portal), auth, 200)
            .await;
        spec.expect(&sandbox, one, ("DELETE", &minnie_portal), auth, 404)
            .await;
    }
}

#[tokio::test]
async fn zitadel_org_switcher_responses_match_the_spec() {
    let spec = Zitadel::load_org_calls();
    let sandbox = TestSandbox::new();
    let owner = bearer(OWNER_TOKEN);
    let manager = bearer(ACME_MANAGER_TOKEN);
    let search = "/auth/v1/global/projectorgs/_search";
    for token in [&owner, &manager] {
        let auth: &[(&str, &str)] = &[("authorization", token)];
        spec.expect(&sandbox, search, ("POST", search), auth, 200)
            .await;
    }
    spec.expect(&sandbox, search, ("POST", search), &[], 401)
        .await;
    let auth: &[(&str, &str)] = &[("authorization", &owner)];
    for (body, status) in [
        (
            r#"{"query":{"limit":1},"queries":[{"idQuery":{"id":"69629023906488335"}}]}"#,
            200,
        ),
        (r#"{"queries":[{"nameQuery":{"name":"nothing"}}]}"#, 200),
        (r#"{"query":{"limit":1001}}"#, 400),
    ] {
        let response = sandbox.call_with("POST", search, auth, Some(body)).await;
        assert_eq!(response.status, status, "{body}: {}", response.text);
        spec.check(search, "POST", &response);
    }

    let me = "/management/v1/orgs/me";
    spec.expect(&sandbox, me, ("GET", me), auth, 200).await;
    let globex: &[(&str, &str)] = &[
        ("authorization", &manager),
        ("x-zitadel-orgid", GLOBEX_ORG_ID),
    ];
    spec.expect(&sandbox, me, ("GET", me), globex, 200).await;
    let nowhere: &[(&str, &str)] = &[("authorization", &owner), ("x-zitadel-orgid", "1")];
    spec.expect(&sandbox, me, ("GET", me), nowhere, 403).await;
    spec.expect(&sandbox, me, ("GET", me), &[], 401).await;
}

/// Two examples in the ZITADEL spec contradict its own schema (specs/README.md). An
/// example is not validated, so nothing needs patching; this pins down that the
/// sandbox sends what the schema says, not what the example shows.
#[tokio::test]
async fn wrong_examples_in_the_zitadel_spec_are_not_followed() {
    let spec = Zitadel::load();
    let definitions = &spec.spec["definitions"];
    // Spec defect 1: Details.owner's example is the bare string "69629023906488334",
    // but the schema is the object v3alphaOwner {type, id}, which servers send.
    let owner = &definitions["zitadelresourcesobjectv3alphaDetails"]["properties"]["owner"];
    assert!(owner["example"].is_string() && owner["$ref"] == "#/definitions/v3alphaOwner");
    // Spec defect 2: ListDetails.appliedLimit's example is the number 100, but it is a
    // uint64, so a JSON string on the wire.
    let applied = &definitions["objectv3alphaListDetails"]["properties"]["appliedLimit"];
    assert!(applied["example"].is_number() && applied["type"] == "string");

    let sandbox = TestSandbox::new();
    let lock = format!("/resources/v3alpha/users/{}/_lock", schema::SCARLETT);
    let locked = sandbox
        .call("POST", &lock, Some(OWNER_TOKEN), None)
        .await
        .json();
    assert!(locked["details"]["owner"].is_object(), "{locked}");
    // The search is a stub on real servers (`{}`), so no `appliedLimit` to check.
}

/// Contract §7.1, §7.2 and §7.3: every refused transition, its status, gRPC code and id.
#[tokio::test]
async fn every_refused_transition_has_the_documented_error_id() {
    let spec = Zitadel::load();
    let sandbox = TestSandbox::with_settings(Settings {
        grant_behaviour: GrantBehaviour::Legacy,
        ..Settings::default()
    });
    let owner = bearer(OWNER_TOKEN);
    let auth: &[(&str, &str)] = &[("authorization", &owner)];
    // Scrooge stands for a removed user, Huey's Billing grant for a removed grant.
    assert_eq!(
        sandbox
            .act(ids::SCROOGE, "delete", OWNER_TOKEN)
            .await
            .status,
        200
    );
    let huey_billing = format!(
        "/management/v1/users/{}/grants/{}",
        ids::HUEY,
        grant_ids::HUEY_BILLING
    );
    assert_eq!(
        sandbox
            .call("DELETE", &huey_billing, Some(OWNER_TOKEN), None)
            .await
            .status,
        200
    );

    // v2 (§7.1): FP 400 / code 9 for a wrong state, NF 404 / code 5 for removed or unknown.
    let v2: [(&str, &str, u16, &str); 17] = [
        ("lock", ids::DAISY, 400, "COMMAND-lgws8wtsqf"),
        ("lock", ids::DONALD, 400, "COMMAND-lgws8wtsqf"),
        ("lock", ids::SCROOGE, 404, "COMMAND-450yxuqrh1"),
        ("unlock", ids::MINNIE, 400, "COMMAND-olb9vb0oca"),
        ("unlock", ids::GOOFY, 400, "COMMAND-olb9vb0oca"),
        ("unlock", ids::DONALD, 400, "COMMAND-olb9vb0oca"),
        ("unlock", UNKNOWN_USER, 404, "COMMAND-x377t913pw"),
        ("deactivate", ids::GOOFY, 400, "COMMAND-gvx4kct9r2"),
        ("deactivate", ids::DONALD, 400, "COMMAND-5gunjw0cd7"),
        ("deactivate", ids::SCROOGE, 404, "COMMAND-5gp2p62iin"),
        ("reactivate", ids::MINNIE, 400, "COMMAND-s5qqcz97hf"),
        ("reactivate", ids::GOOFY, 400, "COMMAND-s5qqcz97hf"),
        ("reactivate", ids::DAISY, 400, "COMMAND-s5qqcz97hf"),
        ("reactivate", UNKNOWN_USER, 404, "COMMAND-9hy5kzbuk6"),
        ("delete", ids::SCROOGE, 404, "COMMAND-bd4ir1mblj"),
        ("delete", UNKNOWN_USER, 404, "COMMAND-bd4ir1mblj"),
        ("lock", "", 400, "COMMAND-agz3eczifm"),
    ];
    for (action, user, status, id) in v2 {
        let response = sandbox.act(user, action, OWNER_TOKEN).await;
        let context = format!("v2 {action} {user}: {}", response.text);
        assert_eq!(response.status, status, "{context}");
        let code = match (status, id) {
            (404, _) => 5,
            (_, "COMMAND-agz3eczifm") => 3,
            _ => 9,
        };
        assert_eq!(response.error_code(), Some(code), "{context}");
        assert_eq!(response.error_id().as_deref(), Some(id), "{context}");
        let template = if action == "delete" {
            "/v2/users/{userId}".to_string()
        } else {
            format!("/v2/users/{{userId}}/{action}")
        };
        let method = if action == "delete" { "DELETE" } else { "POST" };
        spec.check(&template, method, &response);
    }

    // v3alpha (§7.2): every refusal is NotFound.
    // On schema users, and on v2 users, which are none.
    let v3: [(&str, &str, &str); 9] = [
        ("lock", schema::RUBY, "COMMAND-G4LOrnjY7q"),
        ("lock", UNKNOWN_USER, "COMMAND-G4LOrnjY7q"),
        ("unlock", schema::SCARLETT, "COMMAND-gpBv46Lh9m"),
        ("unlock", ids::DAISY, "COMMAND-gpBv46Lh9m"),
        ("deactivate", schema::ROSE, "COMMAND-Ob6lR5iFTe"),
        ("deactivate", ids::MINNIE, "COMMAND-Ob6lR5iFTe"),
        ("activate", schema::SCARLETT, "COMMAND-rQjbBr4J3j"),
        ("activate", schema::RUBY, "COMMAND-rQjbBr4J3j"),
        ("delete", ids::MINNIE, "COMMAND-syHyCsGmvM"),
    ];
    for (action, user, id) in v3 {
        let (method, template) = if action == "delete" {
            ("DELETE", "/resources/v3alpha/users/{id}".to_string())
        } else {
            ("POST", format!("/resources/v3alpha/users/{{id}}/_{action}"))
        };
        let path = template.replace("{id}", user);
        let response = spec
            .expect(&sandbox, &template, (method, &path), auth, 404)
            .await;
        assert_eq!(response.error_code(), Some(5), "v3 {action} {user}");
        assert_eq!(
            response.error_id().as_deref(),
            Some(id),
            "v3 {action} {user}"
        );
    }

    // Grants (§7.3), legacy behaviour here; the idempotent repeats are 200 (above).
    let grant = |user: &str, grant: &str| format!("/management/v1/users/{user}/grants/{grant}");
    let grants: [(&str, String, u16, &str); 8] = [
        (
            "_deactivate",
            grant(ids::MINNIE, grant_ids::MINNIE_BILLING),
            400,
            "COMMAND-1S9gx",
        ),
        (
            "_reactivate",
            grant(ids::MINNIE, grant_ids::MINNIE_PORTAL),
            400,
            "COMMAND-1ML0v",
        ),
        ("_deactivate", huey_billing.clone(), 404, "COMMAND-3M9sd"),
        (
            "_deactivate",
            grant(ids::PLUTO, grant_ids::PLUTO_INTRANET),
            404,
            "COMMAND-3M9sd",
        ),
        (
            "_reactivate",
            grant(ids::MINNIE, UNKNOWN_GRANT),
            404,
            "COMMAND-Lp0gs",
        ),
        (
            "_reactivate",
            grant(ids::PLUTO, grant_ids::PLUTO_INTRANET),
            404,
            "COMMAND-Lp0gs",
        ),
        ("", huey_billing.clone(), 404, "COMMAND-1My0t"),
        ("_deactivate", grant(ids::MINNIE, ""), 400, "COMMAND-N2OhG"),
    ];
    let one = "/management/v1/users/{userId}/grants/{grantId}";
    for (action, path, status, id) in grants {
        let (method, template, path) = if action.is_empty() {
            ("DELETE", one.to_string(), path)
        } else {
            (
                "POST",
                format!("{one}/{action}"),
                format!("{path}/{action}"),
            )
        };
        let response = spec
            .expect(&sandbox, &template, (method, &path), auth, status)
            .await;
        let code = match (status, id) {
            (404, _) => 5,
            (_, "COMMAND-N2OhG") => 3,
            _ => 9,
        };
        assert_eq!(response.error_code(), Some(code), "{method} {path}");
        assert_eq!(response.error_id().as_deref(), Some(id), "{method} {path}");
    }
}

// Weavr

struct Weavr {
    spec: Value,
    draft: Draft,
    /// Where the spec's paths live in the sandbox.
    base: &'static str,
}

impl Weavr {
    fn multi() -> Self {
        Weavr {
            spec: load_spec("derived-multi-users-auth-subset.json"),
            draft: Draft::Draft202012,
            base: "/weavr-upstream/multi",
        }
    }

    fn payment_run() -> Self {
        let mut spec = load_spec("derived-payment-run-users-auth-subset.json");
        // Spec defect: User.addedBy declares `required: [roleNames, userId]` but names
        // the property `rolesNames` (WEAVR.md §4). The sandbox sends `rolesNames`, the
        // property as declared; the requirement is corrected here.
        fix_added_by_required(&mut spec);
        Weavr {
            spec,
            // OpenAPI 3.0 schemas are a JSON Schema draft 4 dialect.
            draft: Draft::Draft4,
            base: "/weavr-upstream/payment-run",
        }
    }

    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value["$ref"].as_str() {
            Some(reference) => {
                let pointer = reference.trim_start_matches('#');
                self.spec.pointer(pointer).unwrap_or(&Value::Null)
            }
            None => value,
        }
    }

    /// Checks status, body and required headers against the spec's response.
    fn check(&self, template: &str, method: &str, response: &TestResponse) {
        let context = format!("{method} {}{template} → {}", self.base, response.status);
        let responses = &self.spec["paths"][template][method.to_lowercase()]["responses"];
        assert!(responses.is_object(), "{context}: not in the spec");
        let declared = responses
            .get(response.status.as_str())
            .map(|r| self.resolve(r))
            .unwrap_or_else(|| panic!("{context}: status not declared"));
        for (name, header) in declared["headers"].as_object().into_iter().flatten() {
            if self.resolve(header)["required"] == true {
                assert!(
                    response.header(name).is_some(),
                    "{context}: header {name} missing"
                );
            }
        }
        match declared["content"].get("application/json") {
            None => assert_eq!(response.text, "", "{context}: no body is declared"),
            Some(content) => {
                assert_eq!(
                    response.header("content-type"),
                    Some("application/json"),
                    "{context}"
                );
                let root = json!({
                    "components": {"schemas": closed_map(&self.spec["components"]["schemas"])},
                    "allOf": [closed(&content["schema"])],
                });
                validate(&root, self.draft, &response.json(), &context);
            }
        }
    }

    async fn expect(
        &self,
        sandbox: &TestSandbox,
        template: &str,
        (method, path): (&str, &str),
        headers: &[(&str, &str)],
        status: u16,
    ) -> TestResponse {
        let url = format!("{}{path}", self.base);
        let body = path
            .ends_with("login_with_password")
            .then_some(r#"{"email":"root@example.com","password":{"value":"sandbox-password"}}"#);
        let response = sandbox.call_with(method, &url, headers, body).await;
        assert_eq!(response.status, status, "{method} {url}: {}", response.text);
        self.check(template, method, &response);
        response
    }
}

fn fix_added_by_required(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("required") == Some(&json!(["roleNames", "userId"])) {
                map.insert("required".into(), json!(["rolesNames", "userId"]));
            }
            map.values_mut().for_each(fix_added_by_required);
        }
        Value::Array(items) => items.iter_mut().for_each(fix_added_by_required),
        _ => {}
    }
}

/// The cases both products share. `v1` is Payment Run's path prefix.
async fn weavr_cases(weavr: &Weavr, v1: &str, sandbox: &TestSandbox) {
    let admin = bearer(ADMIN_TOKEN);
    let key = "sandbox-weavr-api-key";
    let auth: &[(&str, &str)] = &[("api-key", key), ("authorization", &admin)];
    let users = format!("{v1}/users");
    let one = format!("{v1}/users/{{user_id}}");
    let ada = format!("{v1}/users/{}", weavr_ids::ADA);
    let unknown = format!("{v1}/users/{UNKNOWN_WEAVR_USER}");

    weavr
        .expect(sandbox, &users, ("GET", &users), auth, 200)
        .await;
    weavr
        .expect(
            sandbox,
            &users,
            ("GET", &format!("{users}?active=false&limit=1")),
            auth,
            200,
        )
        .await;
    weavr
        .expect(
            sandbox,
            &users,
            ("GET", &format!("{users}?limit=500")),
            auth,
            400,
        )
        .await;
    weavr
        .expect(sandbox, &users, ("GET", &users), &[("api-key", key)], 401)
        .await;
    weavr
        .expect(
            sandbox,
            &users,
            ("GET", &users),
            &[("authorization", &admin)],
            401,
        )
        .await;
    weavr.expect(sandbox, &one, ("GET", &ada), auth, 200).await;
    weavr
        .expect(sandbox, &one, ("GET", &unknown), auth, 404)
        .await;
    for action in ["deactivate", "deactivate", "activate", "activate"] {
        let template = format!("{one}/{action}");
        weavr
            .expect(
                sandbox,
                &template,
                ("POST", &format!("{ada}/{action}")),
                auth,
                204,
            )
            .await;
        weavr
            .expect(
                sandbox,
                &template,
                ("POST", &format!("{unknown}/{action}")),
                auth,
                404,
            )
            .await;
        weavr
            .expect(
                sandbox,
                &template,
                ("POST", &format!("{ada}/{action}")),
                &[("api-key", key)],
                401,
            )
            .await;
    }

    let login = format!("{v1}/login_with_password");
    let token = weavr
        .expect(sandbox, &login, ("POST", &login), &[("api-key", key)], 200)
        .await
        .json()["token"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let bad = sandbox
        .call_with(
            "POST",
            &format!("{}{login}", weavr.base),
            &[("api-key", key)],
            Some("{}"),
        )
        .await;
    assert_eq!(bad.status, 400);
    weavr.check(&login, "POST", &bad);
    let logout = format!("{v1}/logout");
    let session = bearer(&token);
    weavr
        .expect(
            sandbox,
            &logout,
            ("POST", &logout),
            &[("api-key", key), ("authorization", &session)],
            204,
        )
        .await;
    weavr
        .expect(
            sandbox,
            &logout,
            ("POST", &logout),
            &[("api-key", key), ("authorization", &session)],
            401,
        )
        .await;

    // Faults answer in the declared styles too.
    for (fault, status) in [
        ("retry-after=3", 429),
        ("status=500", 500),
        ("status=503", 503),
    ] {
        let response = sandbox
            .call_with(
                "GET",
                &format!("{}{users}", weavr.base),
                &[auth[0], auth[1], ("x-sandbox-fault", fault)],
                None,
            )
            .await;
        assert_eq!(response.status, status, "{fault}");
        weavr.check(&users, "GET", &response);
    }
}

#[tokio::test]
async fn weavr_multi_responses_match_the_spec() {
    let weavr = Weavr::multi();
    let sandbox = TestSandbox::new();
    weavr_cases(&weavr, "", &sandbox).await;
    // Wrong credentials: Multi declares a 403 without a body on login.
    let wrong = sandbox
        .call_with(
            "POST",
            "/weavr-upstream/multi/login_with_password",
            &[("api-key", "sandbox-weavr-api-key")],
            Some(r#"{"email":"root@example.com","password":{"value":"no"}}"#),
        )
        .await;
    assert_eq!(wrong.status, 403);
    weavr.check("/login_with_password", "POST", &wrong);
    // Multi declares no 409 on activate/deactivate; the sandbox answers 409 there only
    // for a duplicate idempotency-ref in flight, which the spec does not cover.
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn weavr_payment_run_responses_match_the_spec() {
    let weavr = Weavr::payment_run();
    let sandbox = Arc::new(TestSandbox::new());
    weavr_cases(&weavr, "/v1", &sandbox).await;

    let key = "sandbox-weavr-api-key";
    let creator = bearer(CREATOR_TOKEN);
    let not_admin: &[(&str, &str)] = &[("api-key", key), ("authorization", &creator)];
    let ada = format!("/v1/users/{}", weavr_ids::ADA);
    weavr
        .expect(&sandbox, "/v1/users", ("GET", "/v1/users"), not_admin, 403)
        .await;
    weavr
        .expect(
            &sandbox,
            "/v1/users/{user_id}",
            ("GET", &ada),
            not_admin,
            403,
        )
        .await;
    let deactivate = format!("{ada}/deactivate");
    weavr
        .expect(
            &sandbox,
            "/v1/users/{user_id}/deactivate",
            ("POST", &deactivate),
            not_admin,
            403,
        )
        .await;

    // 409 IDEMPOTENT_REQUEST_IN_PROGRESS: a duplicate while the first is held.
    let admin = bearer(ADMIN_TOKEN);
    let url = format!("/weavr-upstream/payment-run{deactivate}");
    let first = {
        let (sandbox, url, admin) = (sandbox.clone(), url.clone(), admin.clone());
        tokio::spawn(async move {
            let headers = [
                ("api-key", key),
                ("authorization", admin.as_str()),
                ("idempotency-ref", "conformance"),
                ("x-sandbox-fault", "latency=800"),
            ];
            sandbox.call_with("POST", &url, &headers, None).await
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let headers = [
        ("api-key", key),
        ("authorization", admin.as_str()),
        ("idempotency-ref", "conformance"),
    ];
    let duplicate = sandbox.call_with("POST", &url, &headers, None).await;
    assert_eq!(duplicate.status, 409);
    weavr.check("/v1/users/{user_id}/deactivate", "POST", &duplicate);
    let first = first.await.expect("first request");
    assert_eq!(first.status, 204);
    weavr.check("/v1/users/{user_id}/deactivate", "POST", &first);

    // Wrong credentials on login: the contract (WEAVR.md §2.2, §7) says a login 403
    // has no body; the Payment Run spec declares its generic 403 body on
    // acquireAuthToken. The sandbox follows the contract, so only the status and the
    // request-ref are checked here.
    let wrong = sandbox
        .call_with(
            "POST",
            "/weavr-upstream/payment-run/v1/login_with_password",
            &[("api-key", key)],
            Some(r#"{"email":"root@example.com","password":{"value":"no"}}"#),
        )
        .await;
    assert_eq!(wrong.status, 403);
    assert_eq!(wrong.text, "");
    assert!(wrong.header("request-ref").is_some());
}

#[test]
fn closing_schemas_rejects_unknown_fields_and_merges_all_of() {
    let schema = json!({"allOf": [
        {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
        {"type": "object", "properties": {"b": {"type": "object", "properties": {"c": {}}}}}
    ]});
    let root = json!({"allOf": [closed(&schema)]});
    let compile = |root: &Value| jsonschema::draft4::new(root).expect("compiles");
    assert!(compile(&root).is_valid(&json!({"a": "x", "b": {"c": 1}})));
    assert!(!compile(&root).is_valid(&json!({"a": "x", "typo": 1})));
    assert!(!compile(&root).is_valid(&json!({"a": "x", "b": {"d": 1}})));
    assert!(!compile(&root).is_valid(&json!({"b": {}})));
}

fn fake_response(status: u16, body: Value) -> TestResponse {
    let mut headers = axum::http::HeaderMap::new();
    headers.insert("content-type", "application/json".parse().expect("header"));
    headers.insert("request-ref", "abc".parse().expect("header"));
    TestResponse {
        status: axum::http::StatusCode::from_u16(status).expect("status"),
        headers,
        text: body.to_string(),
    }
}

/// The checks above would catch a misspelt field…
#[test]
#[should_panic(expected = "was unexpected")]
fn a_misspelt_zitadel_field_is_caught() {
    let body = json!({"details": {"sequence": "2", "changeDate": "2024-08-02T11:05:09Z", "resourceOwner": "1"}, "userID": "1"});
    Zitadel::load().check("/v2/users/{userId}", "GET", &fake_response(200, body));
}

/// …and a wrongly typed one.
#[test]
#[should_panic(expected = "is not of type")]
fn a_wrongly_typed_weavr_field_is_caught() {
    let body = json!({"id": "1", "buyerId": "2", "name": "A", "surname": "B", "email": "a@b.c",
                      "active": "yes", "roles": ["CREATOR"]});
    Weavr::payment_run().check("/v1/users/{user_id}", "GET", &fake_response(200, body));
}
