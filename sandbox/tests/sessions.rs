//! Session API v2 (ListSessions, DeleteSession) and a service user's personal access
//! tokens and keys (management v1), with ZITADEL v4.13.1's permission rules.

use sandbox::seed::{
    credential_ids, ids, session_ids, ACME_MANAGER_TOKEN, ACME_ORG_ID, GLOBEX_MANAGER_TOKEN,
    GLOBEX_ORG_ID, INSTANCE_ID, OWNER_TOKEN, VIEWER_TOKEN,
};
use sandbox::state::Settings;
use sandbox::test_support::{wire_time, TestResponse, TestSandbox};
use serde_json::{json, Value};

const UNKNOWN_SESSION: &str = "89999999999999999";

async fn sessions_of(sandbox: &TestSandbox, user_id: &str, token: &str) -> TestResponse {
    let body = json!({"queries": [{"userIdQuery": {"id": user_id}}]}).to_string();
    sandbox
        .call("POST", "/v2/sessions/search", Some(token), Some(&body))
        .await
}

fn session_ids_in(response: &TestResponse) -> Vec<String> {
    assert_eq!(response.status, 200, "{}", response.text);
    response.json()["sessions"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|s| s["id"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn delete_session(sandbox: &TestSandbox, session_id: &str, token: &str) -> TestResponse {
    sandbox
        .call(
            "DELETE",
            &format!("/v2/sessions/{session_id}"),
            Some(token),
            Some("{}"),
        )
        .await
}

#[tokio::test]
async fn list_sessions_by_user_answers_zitadels_session_shape() {
    let sandbox = TestSandbox::new();
    let response = sessions_of(&sandbox, ids::GYRO, OWNER_TOKEN).await;
    assert_eq!(
        session_ids_in(&response),
        [session_ids::GYRO_LAPTOP, session_ids::GYRO_PHONE]
    );
    let body = response.json();
    assert_eq!(body["details"]["totalResult"], "2");
    assert!(body["details"]["timestamp"].is_string());
    let session = &body["sessions"][0];
    // added, user checked, password checked
    assert_eq!(session["sequence"], "3");
    let user = &session["factors"]["user"];
    assert_eq!(user["id"], ids::GYRO);
    assert_eq!(user["organizationId"], ACME_ORG_ID);
    assert_eq!(user["loginName"], "gyro-gearloose@acme.example.com");
    assert_eq!(user["displayName"], "Gyro Gearloose");
    assert!(wire_time(&session["changeDate"]) >= wire_time(&session["creationDate"]));
    assert!(session["factors"]["password"]["verifiedAt"].is_string());
    assert_eq!(session["userAgent"]["description"], "Firefox on Linux");
    assert!(session.get("metadata").is_none() && session.get("expirationDate").is_none());
}

#[tokio::test]
async fn other_queries_and_paging() {
    let sandbox = TestSandbox::new();
    let body = json!({
        "query": {"limit": 1, "asc": false},
        "sortingColumn": "SESSION_FIELD_NAME_CREATION_DATE",
        "queries": [{"idsQuery": {"ids": [session_ids::GYRO_LAPTOP, session_ids::GYRO_PHONE]}}]
    })
    .to_string();
    let response = sandbox
        .call(
            "POST",
            "/v2/sessions/search",
            Some(OWNER_TOKEN),
            Some(&body),
        )
        .await;
    assert_eq!(session_ids_in(&response), [session_ids::GYRO_PHONE]);
    assert_eq!(response.json()["details"]["totalResult"], "2");

    let unknown = r#"{"queries":[{"nameQuery":{}}]}"#;
    let refused = sandbox
        .call(
            "POST",
            "/v2/sessions/search",
            Some(OWNER_TOKEN),
            Some(unknown),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert_eq!(refused.error_id().as_deref(), Some("GRPC-Sfefs"));
}

#[tokio::test]
async fn who_sees_which_sessions() {
    let sandbox = TestSandbox::new();
    // session.read on the instance: IAM_OWNER_VIEWER.
    let viewer = sessions_of(&sandbox, ids::GYRO, VIEWER_TOKEN).await;
    assert_eq!(session_ids_in(&viewer).len(), 2);
    // No role in ACME: the sessions are left out, and the total follows (the
    // PermissionCheckV2 way, the sandbox's default).
    let globex = sessions_of(&sandbox, ids::GYRO, GLOBEX_MANAGER_TOKEN).await;
    assert!(session_ids_in(&globex).is_empty());
    assert!(globex.json()["details"].get("totalResult").is_none());

    // With totals that overcount, as SearchSessions without that feature.
    let overcounting = TestSandbox::with_settings(Settings {
        overcount_totals: true,
        ..Settings::default()
    });
    let globex = sessions_of(&overcounting, ids::GYRO, GLOBEX_MANAGER_TOKEN).await;
    assert!(session_ids_in(&globex).is_empty());
    assert_eq!(globex.json()["details"]["totalResult"], "2");
}

#[tokio::test]
async fn delete_session_needs_session_delete_and_is_idempotent() {
    let sandbox = TestSandbox::new();
    let viewer = delete_session(&sandbox, session_ids::GYRO_LAPTOP, VIEWER_TOKEN).await;
    assert_eq!(viewer.status, 403, "{}", viewer.text);
    assert_eq!(viewer.error_id().as_deref(), Some("AUTH-AWfge"));
    let globex = delete_session(&sandbox, session_ids::GYRO_LAPTOP, GLOBEX_MANAGER_TOKEN).await;
    assert_eq!(globex.status, 404, "{}", globex.text);
    assert_eq!(globex.error_id().as_deref(), Some("AUTHZ-cdgFk"));

    let deleted = delete_session(&sandbox, session_ids::GYRO_LAPTOP, ACME_MANAGER_TOKEN).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    let details = deleted.json()["details"].clone();
    assert_eq!(details["sequence"], "4");
    assert_eq!(details["resourceOwner"], INSTANCE_ID);
    assert!(details["changeDate"].is_string());
    assert_eq!(
        session_ids_in(&sessions_of(&sandbox, ids::GYRO, OWNER_TOKEN).await),
        [session_ids::GYRO_PHONE]
    );

    // Again: nothing written, the same details.
    let again = delete_session(&sandbox, session_ids::GYRO_LAPTOP, ACME_MANAGER_TOKEN).await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json()["details"], details);

    // An unknown session has no user: only instance-wide session.delete will do,
    // and the answer has empty details.
    let unknown = delete_session(&sandbox, UNKNOWN_SESSION, OWNER_TOKEN).await;
    assert_eq!(unknown.status, 200, "{}", unknown.text);
    assert_eq!(unknown.json(), json!({"details": {}}));
    let org_only = delete_session(&sandbox, UNKNOWN_SESSION, ACME_MANAGER_TOKEN).await;
    assert_eq!(org_only.status, 404, "{}", org_only.text);
    assert_eq!(org_only.error_id().as_deref(), Some("AUTHZ-cdgFk"));

    // A session token the sandbox never issued.
    let with_token = sandbox
        .call(
            "DELETE",
            &format!("/v2/sessions/{}", session_ids::GYRO_PHONE),
            Some(OWNER_TOKEN),
            Some(r#"{"sessionToken":"forged"}"#),
        )
        .await;
    assert_eq!(with_token.status, 403, "{}", with_token.text);
    assert_eq!(with_token.error_id().as_deref(), Some("COMMAND-sGr42"));
}

/// v4.12.0 and later: deactivating (or locking) a user drops their sessions from the
/// session projection; the aggregates stay, so DeleteSession still terminates them,
/// and reactivating does not bring them back.
#[tokio::test]
async fn deactivation_hides_the_sessions_which_can_still_be_terminated() {
    let sandbox = TestSandbox::new();
    let deactivated = sandbox.act(ids::GLADSTONE, "deactivate", OWNER_TOKEN).await;
    assert_eq!(deactivated.status, 200, "{}", deactivated.text);
    assert!(session_ids_in(&sessions_of(&sandbox, ids::GLADSTONE, OWNER_TOKEN).await).is_empty());

    let deleted = delete_session(&sandbox, session_ids::GLADSTONE_PHONE, OWNER_TOKEN).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.json()["details"]["sequence"], "4");

    let reactivated = sandbox.act(ids::GLADSTONE, "reactivate", OWNER_TOKEN).await;
    assert_eq!(reactivated.status, 200, "{}", reactivated.text);
    assert!(session_ids_in(&sessions_of(&sandbox, ids::GLADSTONE, OWNER_TOKEN).await).is_empty());

    let locked = sandbox.act(ids::MINNIE, "lock", OWNER_TOKEN).await;
    assert_eq!(locked.status, 200, "{}", locked.text);
    assert!(session_ids_in(&sessions_of(&sandbox, ids::MINNIE, OWNER_TOKEN).await).is_empty());
}

async fn v1(
    sandbox: &TestSandbox,
    method: &str,
    path: &str,
    token: &str,
    org: Option<&str>,
) -> TestResponse {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("authorization", auth.as_str())];
    if let Some(org) = org {
        headers.push(("x-zitadel-orgid", org));
    }
    let body = (method == "POST").then_some("{}");
    sandbox.call_with(method, path, &headers, body).await
}

fn result_ids(response: &TestResponse) -> Vec<String> {
    assert_eq!(response.status, 200, "{}", response.text);
    response.json()["result"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|s| s["id"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_service_users_tokens_and_keys_are_listed_in_zitadels_shape() {
    let sandbox = TestSandbox::new();
    let pats_path = format!("/management/v1/users/{}/pats/_search", ids::DEPLOY_ROBOT);
    let pats = v1(&sandbox, "POST", &pats_path, OWNER_TOKEN, None).await;
    // Newest first unless `asc`.
    assert_eq!(
        result_ids(&pats),
        [
            credential_ids::DEPLOY_ROBOT_PAT_OPS,
            credential_ids::DEPLOY_ROBOT_PAT_CI
        ]
    );
    let body = pats.json();
    assert_eq!(body["details"]["totalResult"], "2");
    assert!(body["details"]["viewTimestamp"].is_string());
    let pat = &body["result"][0];
    assert_eq!(pat["scopes"], json!(["openid", "profile"]));
    assert_eq!(pat["details"]["resourceOwner"], ACME_ORG_ID);
    assert!(wire_time(&pat["expirationDate"]) > wire_time(&pat["details"]["creationDate"]));

    let keys_path = format!("/management/v1/users/{}/keys/_search", ids::DEPLOY_ROBOT);
    let keys = v1(&sandbox, "POST", &keys_path, VIEWER_TOKEN, None).await;
    assert_eq!(result_ids(&keys).len(), 2);
    let key: Value = keys.json()["result"][0].clone();
    assert_eq!(key["type"], "KEY_TYPE_JSON");
    assert_eq!(key["details"]["changeDate"], key["details"]["creationDate"]);

    // A person has none; another organization's context sees none.
    let human = format!("/management/v1/users/{}/pats/_search", ids::GYRO);
    let none = v1(&sandbox, "POST", &human, OWNER_TOKEN, None).await;
    assert!(result_ids(&none).is_empty());
    assert!(none.json()["details"].get("totalResult").is_none());
    let elsewhere = v1(
        &sandbox,
        "POST",
        &pats_path,
        OWNER_TOKEN,
        Some(GLOBEX_ORG_ID),
    )
    .await;
    assert!(result_ids(&elsewhere).is_empty());
    // No role in ACME.
    let globex = v1(
        &sandbox,
        "POST",
        &pats_path,
        GLOBEX_MANAGER_TOKEN,
        Some(ACME_ORG_ID),
    )
    .await;
    assert_eq!(globex.status, 404, "{}", globex.text);
    assert_eq!(globex.error_id().as_deref(), Some("AUTHZ-cdgFk"));
}

#[tokio::test]
async fn removing_tokens_and_keys_needs_user_write() {
    let sandbox = TestSandbox::new();
    let pat = format!(
        "/management/v1/users/{}/pats/{}",
        ids::DEPLOY_ROBOT,
        credential_ids::DEPLOY_ROBOT_PAT_CI
    );
    let viewer = v1(&sandbox, "DELETE", &pat, VIEWER_TOKEN, Some(ACME_ORG_ID)).await;
    assert_eq!(viewer.status, 403, "{}", viewer.text);
    assert_eq!(viewer.error_id().as_deref(), Some("AUTH-5mWD2"));

    let removed = v1(&sandbox, "DELETE", &pat, ACME_MANAGER_TOKEN, None).await;
    assert_eq!(removed.status, 200, "{}", removed.text);
    let details = removed.json()["details"].clone();
    assert_eq!(details["resourceOwner"], ACME_ORG_ID);
    assert!(details["changeDate"].is_string() && details.get("creationDate").is_none());

    let again = v1(&sandbox, "DELETE", &pat, ACME_MANAGER_TOKEN, None).await;
    assert_eq!(again.status, 404, "{}", again.text);
    assert_eq!(again.error_id().as_deref(), Some("COMMAND-4m77G"));
    assert_eq!(
        again.json()["message"],
        "Personal Access Token not found (COMMAND-4m77G)"
    );

    let key = format!(
        "/management/v1/users/{}/keys/{}",
        ids::DEPLOY_ROBOT,
        credential_ids::DEPLOY_ROBOT_KEY_1
    );
    let removed = v1(&sandbox, "DELETE", &key, OWNER_TOKEN, None).await;
    assert_eq!(removed.status, 200, "{}", removed.text);
    let gone = v1(&sandbox, "DELETE", &key, OWNER_TOKEN, None).await;
    assert_eq!(gone.status, 404, "{}", gone.text);
    assert_eq!(
        gone.json()["message"],
        "Machine key not found (COMMAND-4m77G)"
    );

    let pats_path = format!("/management/v1/users/{}/pats/_search", ids::DEPLOY_ROBOT);
    let left = v1(&sandbox, "POST", &pats_path, OWNER_TOKEN, None).await;
    assert_eq!(result_ids(&left), [credential_ids::DEPLOY_ROBOT_PAT_OPS]);
    // The user's own details did not move (no reducer for these events).
    let user = sandbox
        .get_user(ids::DEPLOY_ROBOT, OWNER_TOKEN)
        .await
        .json();
    assert_eq!(user["details"]["sequence"], "1");
}

/// A lagging list replays a recent user's events, tokens and keys among them, on
/// copies of the projections: it must neither fail nor touch the real rows.
#[tokio::test]
async fn a_lagging_list_replays_a_service_users_credential_events() {
    let sandbox = TestSandbox::with_settings(Settings {
        list_lag: std::time::Duration::from_secs(3600),
        ..Settings::default()
    });
    let locked = sandbox.act(ids::DEPLOY_ROBOT, "lock", OWNER_TOKEN).await;
    assert_eq!(locked.status, 200, "{}", locked.text);
    let list = sandbox
        .call(
            "POST",
            "/management/v1/users/grants/_search",
            Some(OWNER_TOKEN),
            Some("{}"),
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let pats_path = format!("/management/v1/users/{}/pats/_search", ids::DEPLOY_ROBOT);
    let pats = v1(&sandbox, "POST", &pats_path, OWNER_TOKEN, None).await;
    assert_eq!(result_ids(&pats).len(), 2);
}

/// Before v4.12.0 a deactivated user's sessions stay listed (issue 10307), and
/// DeleteSession ends them; before v2.58.0 there is no `/v2/sessions` at all.
#[tokio::test]
async fn older_releases_keep_listing_a_deactivated_users_sessions() {
    use sandbox::switches::ZitadelVersion;
    let v4_11 = TestSandbox::with_settings(Settings {
        zitadel_version: ZitadelVersion(4, 11, 0),
        ..Settings::default()
    });
    let deactivated = v4_11.act(ids::GYRO, "deactivate", OWNER_TOKEN).await;
    assert_eq!(deactivated.status, 200, "{}", deactivated.text);
    assert_eq!(
        session_ids_in(&sessions_of(&v4_11, ids::GYRO, OWNER_TOKEN).await),
        [session_ids::GYRO_LAPTOP, session_ids::GYRO_PHONE]
    );
    let ended = delete_session(&v4_11, session_ids::GYRO_LAPTOP, OWNER_TOKEN).await;
    assert_eq!(ended.status, 200, "{}", ended.text);
    assert_eq!(
        session_ids_in(&sessions_of(&v4_11, ids::GYRO, OWNER_TOKEN).await),
        [session_ids::GYRO_PHONE]
    );

    let v2_57 = TestSandbox::with_settings(Settings {
        zitadel_version: ZitadelVersion(2, 57, 0),
        ..Settings::default()
    });
    let missing = sessions_of(&v2_57, ids::GYRO, OWNER_TOKEN).await;
    assert_eq!(missing.status, 404, "{}", missing.text);
    assert!(
        missing.error_id().is_none(),
        "the gateway's routing 404: {}",
        missing.text
    );
}
