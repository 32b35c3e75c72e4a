//! The providers' OpenAPI descriptions (shared/contracts/specs) taken as data:
//! for every operation the console calls, an answer built from the spec's own
//! schemas and `example` values must parse, including the examples known to
//! disagree with real servers (a v3alpha `owner` given as a bare string).
#![cfg(not(target_arch = "wasm32"))]

use lifecycle_console::domain::{GrantAction, OwnerKind};
use lifecycle_console::http::{ApiError, ApiResponse};
use lifecycle_console::providers::{weavr, zitadel, zitadel_grants, zitadel_v2, zitadel_v3alpha};
use serde_json::{Map, Value};

fn spec(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/contracts/specs")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} is needed beside the repository ({e})", path.display()));
    serde_json::from_str(&text).expect("the spec is JSON")
}

/// An instance of `schema` made of the spec's examples, or plain values where
/// it gives none.
fn example(spec: &Value, schema: &Value, depth: usize) -> Value {
    // An example beside a `$ref` is what the published docs show, so it wins.
    if let Some(value) = schema.get("example") {
        return value.clone();
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let pointer = reference.trim_start_matches('#');
        let target = spec
            .pointer(pointer)
            .unwrap_or_else(|| panic!("unresolved {reference}"));
        return example(spec, target, depth);
    }
    if depth > 8 {
        return Value::Null;
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(object) = example(spec, part, depth + 1) {
                merged.extend(object);
            }
        }
        return Value::Object(merged);
    }
    if let Some(first) = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k)?.as_array()?.first())
    {
        return example(spec, first, depth + 1);
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let object = properties
            .iter()
            .map(|(name, property)| (name.clone(), example(spec, property, depth + 1)));
        return Value::Object(object.collect());
    }
    let kind = schema
        .get("type")
        .and_then(|t| t.as_str().or_else(|| t.as_array()?.first()?.as_str()));
    match kind {
        Some("array") => Value::Array(vec![example(spec, &schema["items"], depth + 1)]),
        Some("integer") | Some("number") => Value::from(1),
        Some("boolean") => Value::Bool(true),
        Some("object") => Value::Object(Map::new()),
        _ => {
            let enumerated = schema
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|values| {
                    values
                        .iter()
                        .find(|v| !v.as_str().unwrap_or_default().ends_with("UNSPECIFIED"))
                        .cloned()
                });
            enumerated.unwrap_or_else(|| match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => Value::from("2024-08-02T11:00:00Z"),
                _ => Value::from("example"),
            })
        }
    }
}

fn answer(status: u16, body: &Value) -> ApiResponse {
    ApiResponse {
        status,
        content_type: Some("application/json".into()),
        retry_after: None,
        body: body.to_string(),
    }
}

/// The example 200 answer of a Swagger 2.0 (ZITADEL) operation.
fn zitadel_ok(spec: &Value, path: &str, method: &str) -> ApiResponse {
    let schema = &spec["paths"][path][method]["responses"]["200"]["schema"];
    assert!(!schema.is_null(), "{method} {path} has a 200 schema");
    answer(200, &example(spec, schema, 0))
}

#[test]
fn zitadel_v2_answers_from_the_spec_parse() {
    let spec = spec("zitadel-user-lifecycle-subset.derived.swagger.json");
    let user = zitadel_v2::read_user("1", &zitadel_ok(&spec, "/v2/users/{userId}", "get"))
        .expect("GetUserByID");
    assert!(
        !user.username.is_empty() && !user.display_name.is_empty(),
        "{user:?}"
    );
    let page = zitadel_v2::read_list(&zitadel_ok(&spec, "/v2/users", "post")).expect("ListUsers");
    assert_eq!(page.users.len(), 1);
    for verb in ["deactivate", "reactivate", "lock", "unlock"] {
        let response = zitadel_ok(&spec, &format!("/v2/users/{{userId}}/{verb}"), "post");
        zitadel_v2::read_action(&response).unwrap_or_else(|e| panic!("{verb}: {e:?}"));
    }
    zitadel_v2::read_action(&zitadel_ok(&spec, "/v2/users/{userId}", "delete"))
        .expect("DeleteUser");
}

#[test]
fn zitadel_v3alpha_answers_from_the_spec_parse_with_the_string_owner_example() {
    let spec = spec("zitadel-user-lifecycle-subset.derived.swagger.json");
    for verb in ["_deactivate", "_activate", "_lock", "_unlock"] {
        let response = zitadel_ok(
            &spec,
            &format!("/resources/v3alpha/users/{{id}}/{verb}"),
            "post",
        );
        let details =
            zitadel_v3alpha::read_action(&response).unwrap_or_else(|e| panic!("{verb}: {e:?}"));
        // The spec's example owner is the bare id string (contracts §2.1).
        let owner = details.owner.expect("an owner");
        assert_eq!(
            (owner.kind, owner.id.as_str()),
            (OwnerKind::Unspecified, "69629023906488334"),
            "{verb}"
        );
    }
    let delete = zitadel_ok(&spec, "/resources/v3alpha/users/{id}", "delete");
    zitadel_v3alpha::read_action(&delete).expect("DeleteUser");
    zitadel_v3alpha::read_user(
        "1",
        &zitadel_ok(&spec, "/resources/v3alpha/users/{id}", "get"),
    )
    .expect("GetUser");
}

#[test]
fn management_v1_grant_answers_from_the_spec_parse() {
    let spec = spec("zitadel-user-lifecycle-subset.derived.swagger.json");
    let (grants, total) = zitadel_grants::read_list(&zitadel_ok(
        &spec,
        "/management/v1/users/grants/_search",
        "post",
    ))
    .expect("ListUserGrants");
    assert_eq!(grants.len(), 1);
    assert!(
        total >= 1,
        "the example's totalResult, a uint64 string, is read: {total}"
    );
    let grant_path = "/management/v1/users/{userId}/grants/{grantId}";
    let grant = zitadel_grants::read_grant(&zitadel_ok(&spec, grant_path, "get"))
        .expect("GetUserGrantByID");
    assert!(!grant.roles.is_empty(), "{grant:?}");
    for (suffix, method, action) in [
        ("/_deactivate", "post", GrantAction::Deactivate),
        ("/_reactivate", "post", GrantAction::Reactivate),
        ("", "delete", GrantAction::Remove),
    ] {
        let response = zitadel_ok(&spec, &format!("{grant_path}{suffix}"), method);
        zitadel_grants::read_action(action, &response)
            .unwrap_or_else(|e| panic!("{action:?}: {e:?}"));
    }
}

#[test]
fn the_zitadel_error_status_from_the_spec_is_read() {
    let spec = spec("zitadel-user-lifecycle-subset.derived.swagger.json");
    let schema =
        &spec["paths"]["/v2/users/{userId}/deactivate"]["post"]["responses"]["default"]["schema"];
    let body = example(&spec, schema, 0);
    for status in [400, 403, 404, 500] {
        let error = zitadel::error_from_response(&answer(status, &body));
        assert!(
            !matches!(error, ApiError::UnexpectedStatus { .. }),
            "{status}: {error:?}"
        );
    }
}

/// The example answer with `code` of an OpenAPI 3 (Weavr) operation, if declared with a JSON body.
fn weavr_example(spec: &Value, path: &str, method: &str, code: &str) -> Option<Value> {
    let mut response = &spec["paths"][path][method]["responses"][code];
    if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
        response = spec
            .pointer(reference.trim_start_matches('#'))
            .expect("a response");
    }
    let schema = response.pointer("/content/application~1json/schema")?;
    Some(example(spec, schema, 0))
}

#[test]
fn weavr_answers_from_both_specs_parse() {
    for (file, product, users) in [
        (
            "derived-multi-users-auth-subset.json",
            weavr::Product::Multi,
            "/users",
        ),
        (
            "derived-payment-run-users-auth-subset.json",
            weavr::Product::PaymentRun,
            "/v1/users",
        ),
    ] {
        let spec = spec(file);
        let by_id = format!("{users}/{{user_id}}");
        let user = weavr_example(&spec, &by_id, "get", "200").expect("a user schema");
        let user =
            weavr::read_user("1", &answer(200, &user)).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert!(!user.display_name.is_empty(), "{file}: {user:?}");
        let list = weavr_example(&spec, users, "get", "200").expect("a list schema");
        let page =
            weavr::read_list(&answer(200, &list)).unwrap_or_else(|e| panic!("{file}: {e:?}"));
        assert_eq!(page.users.len(), 1, "{file}");

        // Every declared error of deactivate is read as what its status means.
        let deactivate = format!("{by_id}/deactivate");
        let codes: Vec<String> = spec["paths"][&deactivate]["post"]["responses"]
            .as_object()
            .expect("declared responses")
            .keys()
            .filter(|code| code.starts_with('4') || code.starts_with('5'))
            .cloned()
            .collect();
        assert!(!codes.is_empty(), "{file}");
        for code in codes {
            let status: u16 = code.parse().unwrap();
            let body = weavr_example(&spec, &deactivate, "post", &code)
                .map(|b| b.to_string())
                .unwrap_or_default();
            let response = ApiResponse {
                status,
                content_type: None,
                retry_after: None,
                body,
            };
            let error = weavr::error_from_response(&response);
            assert!(
                !matches!(error, ApiError::UnexpectedStatus { .. }),
                "{file} {code}: {error:?}"
            );
            if status == 403 {
                assert_eq!(error.error_id(), Some("INSUFFICIENT_PERMISSIONS"), "{file}");
            }
        }
        let _ = product;
    }
}
