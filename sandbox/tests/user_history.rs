//! A user's history (management v1 ListUserChanges) and user metadata (v2 and v1
//! SetUserMetadata, v1 GetUserMetadata), as ZITADEL v4.13.1 answers them.

use sandbox::seed::{ids, ACME_MANAGER_TOKEN, GLOBEX_MANAGER_TOKEN, OWNER_TOKEN, VIEWER_TOKEN};
use sandbox::test_support::{wire_time, TestResponse, TestSandbox};
use serde_json::{json, Value};

async fn changes(sandbox: &TestSandbox, user_id: &str, token: &str, body: Value) -> TestResponse {
    sandbox
        .call(
            "POST",
            &format!("/management/v1/users/{user_id}/changes/_search"),
            Some(token),
            Some(&body.to_string()),
        )
        .await
}

fn sequences(response: &TestResponse) -> Vec<u64> {
    response.json()["result"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|c| c["sequence"].as_str().unwrap().parse().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn changes_are_newest_first_and_name_their_editor() {
    let sandbox = TestSandbox::new();
    assert_eq!(
        sandbox
            .act(ids::MINNIE, "deactivate", OWNER_TOKEN)
            .await
            .status,
        200
    );
    let response = changes(&sandbox, ids::MINNIE, OWNER_TOKEN, json!({})).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let listed = sequences(&response);
    assert!(listed.len() >= 2, "{}", response.text);
    assert!(listed.windows(2).all(|w| w[0] > w[1]), "newest first");
    let newest = &response.json()["result"][0];
    assert_eq!(newest["eventType"]["key"], "EventTypes.user.deactivated");
    assert_eq!(newest["eventType"]["localizedMessage"], "User deactivated");
    assert_eq!(newest["editorId"], ids::CONSOLE_ADMIN);
    assert_eq!(
        newest["editorPreferredLoginName"],
        "console-admin@acme.example.com"
    );
    assert!(newest["editorDisplayName"].is_string());
    let oldest = &response.json()["result"][listed.len() - 1];
    assert!(wire_time(&newest["changeDate"]) > wire_time(&oldest["changeDate"]));
}

#[tokio::test]
async fn sequence_and_limit_page_the_changes_and_asc_turns_them() {
    let sandbox = TestSandbox::new();
    for action in ["deactivate", "reactivate", "lock", "unlock"] {
        assert_eq!(
            sandbox.act(ids::MINNIE, action, OWNER_TOKEN).await.status,
            200
        );
    }
    let all = sequences(&changes(&sandbox, ids::MINNIE, OWNER_TOKEN, json!({})).await);
    let first = changes(
        &sandbox,
        ids::MINNIE,
        OWNER_TOKEN,
        json!({"query": {"limit": 2}}),
    )
    .await;
    assert_eq!(sequences(&first), all[..2]);
    let last_seen = sequences(&first)[1];
    let next = changes(
        &sandbox,
        ids::MINNIE,
        OWNER_TOKEN,
        json!({"query": {"sequence": last_seen.to_string(), "limit": 2}}),
    )
    .await;
    assert_eq!(sequences(&next), all[2..4]);
    let ascending = changes(
        &sandbox,
        ids::MINNIE,
        OWNER_TOKEN,
        json!({"query": {"asc": true, "sequence": "1", "limit": 1}}),
    )
    .await;
    assert_eq!(sequences(&ascending), vec![2]);
}

#[tokio::test]
async fn changes_follow_the_org_in_context_and_need_user_read() {
    let sandbox = TestSandbox::new();
    // An ACME user from Globex's context: the query filters by owner, so none.
    let other_org = changes(&sandbox, ids::MINNIE, GLOBEX_MANAGER_TOKEN, json!({})).await;
    assert_eq!(other_org.status, 200);
    assert_eq!(other_org.json(), json!({}));
    let unknown = changes(&sandbox, "1", OWNER_TOKEN, json!({})).await;
    assert_eq!((unknown.status.as_u16(), unknown.json()), (200, json!({})));
    let viewer = changes(&sandbox, ids::MINNIE, VIEWER_TOKEN, json!({})).await;
    assert_eq!(viewer.status, 200, "IAM_OWNER_VIEWER has user.read");
    let german = sandbox
        .call_with(
            "POST",
            &format!("/management/v1/users/{}/changes/_search", ids::MINNIE),
            &[
                ("authorization", &format!("Bearer {ACME_MANAGER_TOKEN}")),
                ("accept-language", "de"),
            ],
            Some("{}"),
        )
        .await;
    let texts: Vec<String> = german.json()["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c["eventType"]["localizedMessage"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        texts.contains(&"Benutzer hinzugefügt".to_string()),
        "{texts:?}"
    );
}

fn encoded(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[tokio::test]
async fn v2_metadata_is_set_and_read_back_through_v1_and_listed_as_a_change() {
    let sandbox = TestSandbox::new();
    let body = json!({"metadata": [{"key": "note", "value": encoded("left the company")}]});
    let set = sandbox
        .call(
            "POST",
            &format!("/v2/users/{}/metadata", ids::MINNIE),
            Some(OWNER_TOKEN),
            Some(&body.to_string()),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    assert!(set.json()["setDate"].is_string());
    let read = sandbox
        .call(
            "GET",
            &format!("/management/v1/users/{}/metadata/note", ids::MINNIE),
            Some(OWNER_TOKEN),
            None,
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json()["metadata"]["key"], "note");
    assert_eq!(
        read.json()["metadata"]["value"],
        encoded("left the company")
    );
    let newest = &changes(&sandbox, ids::MINNIE, OWNER_TOKEN, json!({}))
        .await
        .json()["result"][0];
    assert_eq!(newest["eventType"]["key"], "EventTypes.user.metadata.set");
    // The user's own details do not move: ZITADEL's user projection ignores metadata.
    let user = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.json();
    assert_ne!(user["details"]["sequence"], newest["sequence"]);
}

#[tokio::test]
async fn v1_metadata_is_set_in_the_org_in_context() {
    let sandbox = TestSandbox::new();
    let path = format!("/management/v1/users/{}/metadata/note", ids::MINNIE);
    let body = json!({"value": encoded("on leave")}).to_string();
    let set = sandbox
        .call("POST", &path, Some(OWNER_TOKEN), Some(&body))
        .await;
    assert_eq!(set.status, 200, "{}", set.text);
    assert!(set.json()["details"]["creationDate"].is_string());
    assert!(set.json()["details"]["sequence"].is_string());
    let viewer = sandbox
        .call("POST", &path, Some(VIEWER_TOKEN), Some(&body))
        .await;
    assert_eq!(viewer.status, 403);
    assert_eq!(viewer.error_id().as_deref(), Some("AUTH-5mWD2"));
    let missing = sandbox
        .call(
            "GET",
            &format!("/management/v1/users/{}/metadata/other", ids::MINNIE),
            Some(OWNER_TOKEN),
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.error_id().as_deref(), Some("QUERY-Rgh32"));
    let unknown_user = sandbox
        .call(
            "POST",
            "/management/v1/users/1/metadata/note",
            Some(OWNER_TOKEN),
            Some(&body),
        )
        .await;
    assert_eq!(unknown_user.status, 400);
    assert_eq!(unknown_user.error_id().as_deref(), Some("COMMAND-uXHNj"));
}

#[tokio::test]
async fn v2_metadata_needs_user_write_and_a_v4_server() {
    let sandbox = TestSandbox::new();
    let path = format!("/v2/users/{}/metadata", ids::MINNIE);
    let body = json!({"metadata": [{"key": "note", "value": encoded("x")}]}).to_string();
    let viewer = sandbox
        .call("POST", &path, Some(VIEWER_TOKEN), Some(&body))
        .await;
    assert_eq!(viewer.status, 403);
    let switched = sandbox.settings(r#"{"zitadelVersion":"3.4.9"}"#).await;
    assert_eq!(switched.status, 200);
    let old = sandbox
        .call("POST", &path, Some(OWNER_TOKEN), Some(&body))
        .await;
    assert_eq!(old.status, 404);
    assert_eq!(old.json(), json!({"code": 5, "message": "Not Found"}));
    let v1 = sandbox
        .call(
            "POST",
            &format!("/management/v1/users/{}/metadata/note", ids::MINNIE),
            Some(OWNER_TOKEN),
            Some(&json!({"value": encoded("x")}).to_string()),
        )
        .await;
    assert_eq!(v1.status, 200, "management v1 stays");
}

#[tokio::test]
async fn v1_metadata_is_listed_by_key_and_an_unset_key_lists_nothing() {
    let sandbox = TestSandbox::new();
    let search = |key: &str| json!({"queries": [{"keyQuery": {"key": key}}]}).to_string();
    let path = format!("/management/v1/users/{}/metadata/_search", ids::MINNIE);
    let none = sandbox
        .call("POST", &path, Some(OWNER_TOKEN), Some(&search("note")))
        .await;
    assert_eq!(none.status, 200, "{}", none.text);
    assert!(none.json().get("result").is_none(), "{}", none.text);
    for (key, value) in [("note", "on leave"), ("other", "x")] {
        let set = sandbox
            .call(
                "POST",
                &format!("/management/v1/users/{}/metadata/{key}", ids::MINNIE),
                Some(OWNER_TOKEN),
                Some(&json!({"value": encoded(value)}).to_string()),
            )
            .await;
        assert_eq!(set.status, 200, "{}", set.text);
    }
    let listed = sandbox
        .call("POST", &path, Some(OWNER_TOKEN), Some(&search("note")))
        .await;
    let result = listed.json()["result"].as_array().cloned().unwrap();
    assert_eq!(result.len(), 1, "{}", listed.text);
    assert_eq!(result[0]["value"], encoded("on leave"));
    assert_eq!(listed.json()["details"]["totalResult"], "1");
    let all = sandbox
        .call("POST", &path, Some(OWNER_TOKEN), Some("{}"))
        .await;
    assert_eq!(all.json()["result"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_seeded_history_names_the_console_admin_for_its_changes() {
    let sandbox = TestSandbox::new();
    // Donald is seeded inactive: added by the system, deactivated by the admin.
    let response = changes(&sandbox, ids::DONALD, OWNER_TOKEN, json!({})).await;
    let result = response.json()["result"].as_array().cloned().unwrap();
    assert_eq!(result.len(), 2, "{}", response.text);
    assert_eq!(result[0]["eventType"]["key"], "EventTypes.user.deactivated");
    assert_eq!(result[0]["editorId"], ids::CONSOLE_ADMIN);
    assert_eq!(result[1]["editorId"], "SYSTEM");
    assert!(result[1].get("editorDisplayName").is_none());
}
