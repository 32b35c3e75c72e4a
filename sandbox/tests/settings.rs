//! `/debug/settings` and the behaviours it switches: list lag (ZITADEL.md Corrections
//! 6), over-counting totals (Corrections 3) and the imitated release (Corrections 2).

use sandbox::seed::{grant_ids, ids, ACME_MANAGER_TOKEN, OWNER_TOKEN};
use sandbox::test_support::{TestResponse, TestSandbox};
use serde_json::{json, Value};
use std::time::Duration;

async fn set(sandbox: &TestSandbox, body: &str) -> TestResponse {
    sandbox.settings(body).await
}

/// `POST /management/v1/users/grants/_search` (ListUserGrants) with `body`.
async fn search_grants(sandbox: &TestSandbox, token: &str, body: &str) -> TestResponse {
    sandbox
        .call(
            "POST",
            "/management/v1/users/grants/_search",
            Some(token),
            Some(body),
        )
        .await
}

#[tokio::test]
async fn settings_are_listed_and_changed_all_or_nothing() {
    let sandbox = TestSandbox::new();
    let defaults = sandbox.call("GET", "/debug/settings", None, None).await;
    assert_eq!(defaults.status, 200);
    assert_eq!(
        defaults.json(),
        json!({
            "userSchemaFeature": true,
            "listLagMs": 1000,
            "overcountTotals": false,
            "zitadelVersion": "4.13.1",
            "grantBehaviour": "idempotent",
            "v3alphaGetUser": false
        })
    );
    let changed = set(&sandbox, r#"{"listLagMs": 0, "zitadelVersion": "v2.57"}"#).await;
    assert_eq!(changed.status, 200);
    assert_eq!(changed.json()["listLagMs"], 0);
    assert_eq!(changed.json()["zitadelVersion"], "2.57.0");
    for bad in [
        r#"{"listLagMs": -1}"#,
        r#"{"overcountTotals": "yes"}"#,
        r#"{"zitadelVersion": "four"}"#,
        r#"{"grantBehaviour": "sometimes"}"#,
        r#"{"v3alphaGetUser": 1}"#,
        r#"{"listLagMs": 5, "colour": "red"}"#,
        "[]",
        "not json",
    ] {
        let refused = set(&sandbox, bad).await;
        assert_eq!(refused.status, 400, "{bad}");
        assert!(refused.json()["error"].as_str().is_some(), "{bad}");
    }
    let unchanged = sandbox.call("GET", "/debug/settings", None, None).await;
    assert_eq!(unchanged.json()["listLagMs"], 0);
}

#[tokio::test]
async fn before_2_58_there_is_no_v2_user_service() {
    let sandbox = TestSandbox::new();
    set(&sandbox, r#"{"zitadelVersion": "2.57.3"}"#).await;
    for response in [
        sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await,
        sandbox.list_users("{}", OWNER_TOKEN).await,
        sandbox.act(ids::MINNIE, "lock", OWNER_TOKEN).await,
        // Routing comes before auth.
        sandbox
            .call("GET", &format!("/v2/users/{}", ids::MINNIE), None, None)
            .await,
    ] {
        assert_eq!(response.status, 404);
        assert_eq!(response.json(), json!({"code": 5, "message": "Not Found"}));
    }
    // Management v1 is there.
    let grants = search_grants(&sandbox, OWNER_TOKEN, "{}").await;
    assert_eq!(grants.status, 200);
    set(&sandbox, r#"{"zitadelVersion": "2.58.0"}"#).await;
    assert_eq!(sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.status, 200);
}

fn state_in_list(list: &TestResponse) -> Value {
    list.json()["result"][0]["state"].clone()
}

#[tokio::test]
async fn user_lists_lag_while_single_reads_are_current() {
    let sandbox = TestSandbox::new();
    // A long lag, so that a slow machine cannot let the list catch up meanwhile.
    set(&sandbox, r#"{"listLagMs": 60000}"#).await;
    let one_user = format!(
        r#"{{"queries":[{{"inUserIdsQuery":{{"userIds":["{}"]}}}}]}}"#,
        ids::MINNIE
    );
    let before = sandbox.list_users(&one_user, OWNER_TOKEN).await;
    assert_eq!(state_in_list(&before), "USER_STATE_ACTIVE");
    let written = sandbox.act(ids::MINNIE, "deactivate", OWNER_TOKEN).await;
    assert_eq!(written.status, 200);
    let single = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await;
    assert_eq!(single.json()["user"]["state"], "USER_STATE_INACTIVE");
    let lagging = sandbox.list_users(&one_user, OWNER_TOKEN).await;
    assert_eq!(
        state_in_list(&lagging),
        "USER_STATE_ACTIVE",
        "{}",
        lagging.text
    );
    // The list's own details say how far it has got.
    let processed: u64 = lagging.json()["details"]["processedSequence"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("processedSequence");
    let before_processed: u64 = before.json()["details"]["processedSequence"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("processedSequence");
    assert_eq!(processed, before_processed);
    // A filter sees the old state too.
    let inactive = sandbox
        .list_users(
            r#"{"queries":[{"stateQuery":{"state":"USER_STATE_INACTIVE"}}]}"#,
            OWNER_TOKEN,
        )
        .await;
    let shows_minnie = inactive.json()["result"]
        .as_array()
        .is_some_and(|users| users.iter().any(|u| u["userId"] == ids::MINNIE));
    assert!(!shows_minnie, "{}", inactive.text);
    // Once the lag has passed, the list shows the write.
    set(&sandbox, r#"{"listLagMs": 300}"#).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let caught_up = sandbox.list_users(&one_user, OWNER_TOKEN).await;
    assert_eq!(state_in_list(&caught_up), "USER_STATE_INACTIVE");
    // Writes never lag: the user is inactive for the commands at once.
    set(&sandbox, r#"{"listLagMs": 60000}"#).await;
    let again = sandbox.act(ids::MINNIE, "reactivate", OWNER_TOKEN).await;
    assert_eq!(again.status, 200);
    let repeat = sandbox.act(ids::MINNIE, "reactivate", OWNER_TOKEN).await;
    assert_eq!(repeat.error_id().as_deref(), Some("COMMAND-s5qqcz97hf"));
    // A removed user stays in the list, as a minute ago, until the lag has passed.
    sandbox.act(ids::MINNIE, "delete", OWNER_TOKEN).await;
    assert_eq!(sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.status, 404);
    let ghost = sandbox.list_users(&one_user, OWNER_TOKEN).await;
    assert_eq!(state_in_list(&ghost), "USER_STATE_ACTIVE", "{}", ghost.text);
}

#[tokio::test]
async fn grant_lists_lag_while_single_reads_are_current() {
    let sandbox = TestSandbox::new();
    set(&sandbox, r#"{"listLagMs": 60000}"#).await;
    let grant_path = format!(
        "/management/v1/users/{}/grants/{}",
        ids::MINNIE,
        grant_ids::MINNIE_PORTAL
    );
    let written = sandbox
        .call(
            "POST",
            &format!("{grant_path}/_deactivate"),
            Some(ACME_MANAGER_TOKEN),
            Some("{}"),
        )
        .await;
    assert_eq!(written.status, 200, "{}", written.text);
    let single = sandbox
        .call("GET", &grant_path, Some(ACME_MANAGER_TOKEN), None)
        .await;
    assert_eq!(
        single.json()["userGrant"]["state"],
        "USER_GRANT_STATE_INACTIVE"
    );
    let query = format!(
        r#"{{"queries":[{{"userIdQuery":{{"userId":"{}"}}}}]}}"#,
        ids::MINNIE
    );
    let list = search_grants(&sandbox, ACME_MANAGER_TOKEN, &query).await;
    let portal = list.json()["result"]
        .as_array()
        .and_then(|grants| {
            grants
                .iter()
                .find(|g| g["id"] == grant_ids::MINNIE_PORTAL)
                .cloned()
        })
        .expect("the portal grant in the list");
    assert_eq!(portal["state"], "USER_GRANT_STATE_ACTIVE");
    set(&sandbox, r#"{"listLagMs": 0}"#).await;
    let now = search_grants(&sandbox, ACME_MANAGER_TOKEN, &query).await;
    assert!(
        now.text.contains("USER_GRANT_STATE_INACTIVE"),
        "{}",
        now.text
    );
}

fn total(list: &TestResponse) -> u64 {
    list.json()["details"]["totalResult"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

fn rows(list: &TestResponse) -> usize {
    list.json()["result"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn overcounting_totals_drop_unreadable_rows_after_paging() {
    let sandbox = TestSandbox::new();
    let all = sandbox.list_users("{}", OWNER_TOKEN).await;
    let everyone = total(&all);
    let acme = sandbox.list_users("{}", ACME_MANAGER_TOKEN).await;
    assert!(total(&acme) < everyone);
    assert_eq!(rows(&acme) as u64, total(&acme));
    set(&sandbox, r#"{"overcountTotals": true}"#).await;
    let over = sandbox.list_users("{}", ACME_MANAGER_TOKEN).await;
    assert_eq!(total(&over), everyone);
    assert_eq!(rows(&over) as u64, total(&acme));
    // A page comes back short.
    let page = sandbox
        .list_users(
            r#"{"query":{"limit":5},"sortingColumn":"USER_FIELD_NAME_USER_NAME","queries":[{"userNameQuery":{"userName":"p","method":"TEXT_QUERY_METHOD_STARTS_WITH"}}]}"#,
            ACME_MANAGER_TOKEN,
        )
        .await;
    // "pluto" is Globex's: counted, not shown.
    assert_eq!(total(&page), 1, "{}", page.text);
    assert_eq!(rows(&page), 0, "{}", page.text);
}
