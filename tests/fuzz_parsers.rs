//! Every parser of server answers (and of config.json, timestamps and the
//! list URL) fed arbitrary bytes and mutated contract examples: it may refuse,
//! never panic. A short run is part of `cargo test`; PROPTEST_CASES raises it
//! (`PROPTEST_CASES=100000 cargo test --test fuzz_parsers`).
#![cfg(not(target_arch = "wasm32"))]

use lifecycle_console::config::AppConfig;
use lifecycle_console::domain::{GrantAction, Timestamp, UserQuery};
use lifecycle_console::http::ApiResponse;
use lifecycle_console::providers::{
    weavr, zitadel, zitadel_grants, zitadel_orgs, zitadel_v2, zitadel_v3alpha,
};
use proptest::prelude::*;

/// Contract examples (contracts/ZITADEL.md, contracts/WEAVR.md) to mutate.
const EXAMPLES: &[&str] = &[
    r#"{"details":{"sequence":"12","changeDate":"2024-08-02T11:00:00.5Z","resourceOwner":"69629023906488334"},"user":{"userId":"69629012906488334","details":{"sequence":"12","changeDate":"2024-08-02T11:00:00.5Z","resourceOwner":"69629023906488334"},"state":"USER_STATE_ACTIVE","username":"minnie-mouse","loginNames":["minnie-mouse@acme.example.com"],"preferredLoginName":"minnie-mouse@acme.example.com","human":{"profile":{"givenName":"Minnie","familyName":"Mouse","displayName":"Minnie Mouse","preferredLanguage":"en","gender":"GENDER_FEMALE"},"email":{"email":"minnie@acme.example.com","isVerified":true},"passwordChanged":"2024-07-01T08:00:00Z"}}}"#,
    r#"{"details":{"totalResult":"2","processedSequence":"267831","timestamp":"2024-08-02T11:00:01.2Z"},"sortingColumn":"USER_FIELD_NAME_CREATION_DATE","result":[{"userId":"1","state":"USER_STATE_LOCKED"}]}"#,
    r#"{"details":{"sequence":"13","changeDate":"2024-08-02T11:05:09.871Z","resourceOwner":"69629023906488334"}}"#,
    r#"{"details":{"id":"69629012906488334","changed":"2024-08-02T11:07:00Z","owner":{"type":"OWNER_TYPE_ORG","id":"69629023906488334"}}}"#,
    r#"{"details":{"id":"1","changed":"2024-08-02T11:00:00Z","owner":"69629023906488334"}}"#,
    r#"{"details":{"totalResult":"1","processedSequence":"268002","viewTimestamp":"2024-08-02T11:06:01Z"},"result":[{"id":"70000000000000001","details":{"sequence":"367","creationDate":"2024-06-01T09:00:00Z","changeDate":"2024-08-02T11:06:00.1Z","resourceOwner":"69629023906488334"},"roleKeys":["reader"],"state":"USER_GRANT_STATE_INACTIVE","projectName":"Portal"}]}"#,
    r#"{"code":9,"message":"User already inactive (COMMAND-5gunjw0cd7)","details":[{"@type":"type.googleapis.com/zitadel.v1.ErrorDetail","id":"COMMAND-5gunjw0cd7","message":"User already inactive"}]}"#,
    r#"{"code":"failed_precondition","message":"x (COMMAND-5gunjw0cd7)","details":[{"type":"zitadel.v1.ErrorDetail","value":"CgtD","debug":{"id":"COMMAND-5gunjw0cd7","message":"x"}}]}"#,
    r#"{"id":"110747174434373672","identity":{"type":"CORPORATE","id":"110747174434373120"},"name":"Ada","surname":"Lovelace","email":"ada@example.com","active":true,"dateOfBirth":{"year":1990,"month":12,"day":10}}"#,
    r#"{"users":[{"id":"1","buyerId":"2","name":"Ada","surname":"Lovelace","email":"ada@example.com","active":false}],"count":1,"responseCount":1}"#,
    r#"{"message":"Bad request","syntaxErrors":{"invalidFields":[{"fieldName":"limit","error":"RANGE","params":["1","100"]}]}}"#,
    r#"{"connections":[{"name":"Sandbox","provider":"zitadel-v2","apiBaseUrl":"","timeoutSeconds":2.5}]}"#,
];

const STATUSES: &[u16] = &[
    200, 204, 400, 401, 403, 404, 409, 413, 422, 429, 500, 501, 502, 503, 418,
];

/// Runs every parser on one answer; the results do not matter, only that
/// each returns.
fn parse_everything(status: u16, body: &str) {
    let response = ApiResponse {
        status,
        content_type: Some("application/json".into()),
        retry_after: Some(body.chars().take(12).collect()),
        body: body.to_string(),
    };
    let _ = zitadel_v2::read_user("1", &response);
    let _ = zitadel_v2::read_list(&response);
    let _ = zitadel_v2::read_action(&response);
    let _ = zitadel_v3alpha::read_user("1", &response);
    let _ = zitadel_v3alpha::read_action(&response);
    let _ = zitadel_orgs::read_memberships(&response);
    let _ = zitadel_orgs::read_list(&response);
    let _ = zitadel_grants::read_list(&response);
    let _ = zitadel_grants::read_grant(&response);
    for action in GrantAction::ALL {
        let _ = zitadel_grants::read_action(action, &response);
    }
    let _ = weavr::read_user("1", &response);
    let _ = weavr::read_list(&response);
    let _ = weavr::read_action(&response);
    let _ = weavr::error_from_response(&response);
    let _ = zitadel::error_from_response(&response);
    let _ = AppConfig::parse(body);
    let _ = Timestamp::parse(body);
    let _ = UserQuery::from_params(|key| Some(format!("{key}{body}")));
    let _ = weavr::is_email(body);
}

/// One mutation of a byte string: cut it, change a byte, or insert bytes.
fn mutate(example: &str, at: usize, op: u8, bytes: &[u8]) -> String {
    let mut data = example.as_bytes().to_vec();
    let at = at % (data.len() + 1);
    match op % 4 {
        0 => data.truncate(at),
        1 if at < data.len() => data[at] = bytes.first().copied().unwrap_or(b'"'),
        2 => {
            data.splice(at..at, bytes.iter().copied());
        }
        _ => {
            let end = (at + bytes.len()).min(data.len());
            data.drain(at..end);
        }
    }
    String::from_utf8_lossy(&data).into_owned()
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(status in proptest::sample::select(STATUSES), bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        parse_everything(status, &String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_contract_examples_never_panic(
        which in 0..EXAMPLES.len(),
        mutations in proptest::collection::vec((any::<usize>(), any::<u8>(), proptest::collection::vec(any::<u8>(), 0..8)), 1..6),
        status in proptest::sample::select(STATUSES),
    ) {
        let mut body = EXAMPLES[which].to_string();
        for (at, op, bytes) in &mutations {
            body = mutate(&body, *at, *op, bytes);
        }
        parse_everything(status, &body);
    }

    #[test]
    fn json_made_of_arbitrary_values_never_panics(value in arbitrary_json(), status in proptest::sample::select(STATUSES)) {
        parse_everything(status, &value.to_string());
    }
}

/// JSON values of any shape, with the field names the parsers look for, so
/// the wrong types reach deep into the wire structs.
fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    const KEYS: &[&str] = &[
        "user",
        "details",
        "result",
        "users",
        "userGrant",
        "state",
        "sequence",
        "changeDate",
        "creationDate",
        "resourceOwner",
        "owner",
        "type",
        "id",
        "userId",
        "human",
        "machine",
        "profile",
        "email",
        "active",
        "count",
        "totalResult",
        "code",
        "message",
        "errorCode",
        "syntaxErrors",
        "invalidFields",
        "connections",
        "name",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)
            .unwrap_or_default()),
        "[ -~]{0,20}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(
                |pairs| serde_json::Value::Object(
                    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                )
            ),
        ]
    })
}
