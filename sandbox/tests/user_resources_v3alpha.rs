//! ZITADEL user resources v3alpha (contract §6, §7.2) over the same users as v2.

use sandbox::seed::{grant_ids, ids, ACME_ORG_ID, GLOBEX_ORG_ID, OWNER_TOKEN, VIEWER_TOKEN};
use sandbox::test_support::{default_values, TestResponse, TestSandbox};
use serde_json::{json, Value};

const UNKNOWN_ID: &str = "999999999999999999";
const BASE: &str = "/resources/v3alpha/users";

async fn v3_act(sandbox: &TestSandbox, user_id: &str, action: &str, query: &str) -> TestResponse {
    let (method, path) = if action == "delete" {
        ("DELETE", format!("{BASE}/{user_id}{query}"))
    } else {
        ("POST", format!("{BASE}/{user_id}/_{action}{query}"))
    };
    sandbox.call(method, &path, Some(OWNER_TOKEN), None).await
}

async fn v3_get(sandbox: &TestSandbox, user_id: &str) -> TestResponse {
    sandbox
        .call("GET", &format!("{BASE}/{user_id}"), Some(OWNER_TOKEN), None)
        .await
}

async fn v2_state(sandbox: &TestSandbox, user_id: &str) -> Value {
    sandbox.get_user(user_id, OWNER_TOKEN).await.json()["user"]["state"].clone()
}

#[tokio::test]
async fn get_user_has_the_v3alpha_shape() {
    let sandbox = TestSandbox::new();
    let response = v3_get(&sandbox, ids::DAISY).await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(default_values(&body), Vec::<String>::new(), "{body}");
    let user = &body["user"];
    assert_eq!(user["state"], "USER_STATE_LOCKED");
    assert_eq!(
        user["contact"],
        json!({"email": {"address": "daisy-duck@acme.example.com", "isVerified": true}})
    );
    assert_eq!(user["data"]["username"], "daisy-duck");
    assert_eq!(user["data"]["givenName"], "Daisy");
    assert_eq!(user["schema"]["type"], "human");
    assert_eq!(user["schema"]["revision"], 1);
    let details = &user["details"];
    assert_eq!(details["id"], ids::DAISY);
    assert_eq!(
        details["owner"],
        json!({"type": "OWNER_TYPE_ORG", "id": ACME_ORG_ID})
    );
    assert!(details["created"].as_str() < details["changed"].as_str());
    assert!(details.get("sequence").is_none());

    // No INITIAL in v3: an initial user reads as ACTIVE; a service account has no contact.
    let goofy = v3_get(&sandbox, ids::GOOFY).await.json();
    assert_eq!(goofy["user"]["state"], "USER_STATE_ACTIVE");
    let bot = v3_get(&sandbox, ids::BUILD_BOT).await.json();
    assert_eq!(bot["user"]["schema"]["type"], "machine");
    assert_eq!(bot["user"]["data"]["name"], "Build Bot");
    assert!(bot["user"].get("contact").is_none());
    // Locked, then deactivated: INACTIVE, with the lock flag still set underneath.
    let louie = v3_get(&sandbox, ids::LOUIE).await.json();
    assert_eq!(louie["user"]["state"], "USER_STATE_INACTIVE");

    let unknown = v3_get(&sandbox, UNKNOWN_ID).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.error_id().as_deref(), Some("QUERY-Dfbg2"));
}

/// The users of a transition row: ACTIVE, INITIAL (v2), LOCKED, INACTIVE,
/// INACTIVE and locked, deleted, unknown.
const ROW_USERS: [&str; 7] = [
    ids::MINNIE,
    ids::GOOFY,
    ids::DAISY,
    ids::DONALD,
    ids::LOUIE,
    ids::SCROOGE,
    UNKNOWN_ID,
];

/// `Ok((v2 state after, v3 state after))` or `Err(error id)` (always 404 NotFound).
type Cell = Result<(&'static str, &'static str), &'static str>;

async fn check_row(action: &str, cells: [Cell; 7]) {
    let sandbox = TestSandbox::new();
    assert_eq!(
        v3_act(&sandbox, ids::SCROOGE, "delete", "").await.status,
        200
    );
    for (user_id, expected) in ROW_USERS.into_iter().zip(cells) {
        let before = sandbox.get_user(user_id, OWNER_TOKEN).await;
        let response = v3_act(&sandbox, user_id, action, "").await;
        let context = format!("{action} on {user_id}: {}", response.text);
        match expected {
            Ok((v2, v3)) => {
                assert_eq!(response.status, 200, "{context}");
                let details = &response.json()["details"];
                let mut keys: Vec<_> = details
                    .as_object()
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default();
                keys.sort();
                assert_eq!(keys, ["changed", "id", "owner"], "{context}");
                assert_eq!(details["id"], user_id);
                if v2 == "deleted" {
                    assert_eq!(sandbox.get_user(user_id, OWNER_TOKEN).await.status, 404);
                    assert_eq!(v3_get(&sandbox, user_id).await.status, 404);
                    continue;
                }
                let after = sandbox.get_user(user_id, OWNER_TOKEN).await.json();
                assert_eq!(after["user"]["state"], v2, "{context}");
                assert_eq!(
                    after["details"]["changeDate"], details["changed"],
                    "{context}"
                );
                assert_eq!(
                    v3_get(&sandbox, user_id).await.json()["user"]["state"],
                    v3,
                    "{context}"
                );
            }
            Err(id) => {
                assert_eq!(response.status, 404, "{context}");
                assert_eq!(response.error_code(), Some(5), "{context}");
                assert_eq!(response.error_id().as_deref(), Some(id), "{context}");
                let after = sandbox.get_user(user_id, OWNER_TOKEN).await;
                assert_eq!(after.text, before.text, "nothing written: {context}");
            }
        }
    }
}

const ACTIVE: &str = "USER_STATE_ACTIVE";
const INACTIVE: &str = "USER_STATE_INACTIVE";
const LOCKED: &str = "USER_STATE_LOCKED";

#[tokio::test]
async fn lock_follows_the_v3_table() {
    let refused = Err("COMMAND-G4LOrnjY7q");
    check_row(
        "lock",
        [
            Ok((LOCKED, LOCKED)),
            Ok((LOCKED, LOCKED)),
            refused,
            // v3 may lock an inactive user; v2 keeps reading INACTIVE.
            Ok((INACTIVE, INACTIVE)),
            refused,
            refused,
            refused,
        ],
    )
    .await;
}

#[tokio::test]
async fn unlock_follows_the_v3_table() {
    let refused = Err("COMMAND-gpBv46Lh9m");
    check_row(
        "unlock",
        [
            refused,
            refused,
            Ok((ACTIVE, ACTIVE)),
            refused,
            Ok((INACTIVE, INACTIVE)),
            refused,
            refused,
        ],
    )
    .await;
}

#[tokio::test]
async fn deactivate_follows_the_v3_table() {
    let refused = Err("COMMAND-Ob6lR5iFTe");
    check_row(
        "deactivate",
        [
            Ok((INACTIVE, INACTIVE)),
            Ok((INACTIVE, INACTIVE)),
            // The lock flag is ignored.
            Ok((INACTIVE, INACTIVE)),
            refused,
            refused,
            refused,
            refused,
        ],
    )
    .await;
}

#[tokio::test]
async fn activate_follows_the_v3_table() {
    let refused = Err("COMMAND-rQjbBr4J3j");
    check_row(
        "activate",
        [
            refused,
            refused,
            refused,
            Ok((ACTIVE, ACTIVE)),
            // Still locked underneath: v2 reads ACTIVE (ZITADEL #11176), v3 LOCKED.
            Ok((ACTIVE, LOCKED)),
            refused,
            refused,
        ],
    )
    .await;
}

#[tokio::test]
async fn delete_follows_the_v3_table() {
    let deleted = Ok(("deleted", "deleted"));
    let refused = Err("COMMAND-syHyCsGmvM");
    check_row(
        "delete",
        [
            deleted, deleted, deleted, deleted, deleted, refused, refused,
        ],
    )
    .await;
}

#[tokio::test]
async fn the_lock_flag_survives_deactivate_and_reactivate() {
    let sandbox = TestSandbox::new();
    for action in ["lock", "deactivate", "reactivate"] {
        assert_eq!(
            sandbox.act(ids::MINNIE, action, OWNER_TOKEN).await.status,
            200
        );
    }
    assert_eq!(v2_state(&sandbox, ids::MINNIE).await, ACTIVE);
    let v3 = v3_get(&sandbox, ids::MINNIE).await.json();
    assert_eq!(v3["user"]["state"], LOCKED);
    // v2 cannot unlock (not LOCKED there), v3 can.
    let v2_unlock = sandbox.act(ids::MINNIE, "unlock", OWNER_TOKEN).await;
    assert_eq!(v2_unlock.error_id().as_deref(), Some("COMMAND-olb9vb0oca"));
    assert_eq!(
        v3_act(&sandbox, ids::MINNIE, "unlock", "").await.status,
        200
    );
    assert_eq!(
        v3_get(&sandbox, ids::MINNIE).await.json()["user"]["state"],
        ACTIVE
    );
    // Both APIs wrote the same kind of events on one stream.
    let events = sandbox
        .store
        .blocking(|conn| sandbox::events::events_of(conn, "user", ids::MINNIE))
        .expect("events");
    let types: Vec<_> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "user.human.added",
            "user.locked",
            "user.deactivated",
            "user.reactivated",
            "user.unlocked"
        ]
    );
}

#[tokio::test]
async fn the_organization_must_match_when_given() {
    let sandbox = TestSandbox::new();
    let wrong = v3_act(
        &sandbox,
        ids::MINNIE,
        "lock",
        &format!("?organization.orgId={GLOBEX_ORG_ID}"),
    )
    .await;
    assert_eq!(wrong.status, 404);
    assert_eq!(wrong.error_id().as_deref(), Some("COMMAND-G4LOrnjY7q"));
    let domain = v3_act(
        &sandbox,
        ids::MINNIE,
        "lock",
        "?organization.orgDomain=globex.example.com",
    )
    .await;
    assert_eq!(domain.status, 404);
    assert_eq!(v2_state(&sandbox, ids::MINNIE).await, ACTIVE);

    let right = v3_act(
        &sandbox,
        ids::MINNIE,
        "lock",
        &format!("?organization.orgId={ACME_ORG_ID}"),
    )
    .await;
    assert_eq!(right.status, 200, "{}", right.text);
    assert_eq!(right.json()["details"]["owner"]["id"], ACME_ORG_ID);
    let pluto = v3_act(
        &sandbox,
        ids::PLUTO,
        "deactivate",
        &format!("?organization.org_id={GLOBEX_ORG_ID}"),
    )
    .await;
    assert_eq!(pluto.status, 200, "{}", pluto.text);
    assert_eq!(pluto.json()["details"]["owner"]["id"], GLOBEX_ORG_ID);
}

#[tokio::test]
async fn empty_ids_permissions_and_check_order() {
    let sandbox = TestSandbox::new();
    for (action, id) in [
        ("lock", "COMMAND-Eu8I2VAfjF"),
        ("unlock", "COMMAND-krXtYscQZh"),
        ("deactivate", "COMMAND-pjJhge86ZV"),
        ("activate", "COMMAND-17XupGvxBJ"),
    ] {
        let response = v3_act(&sandbox, "", action, "").await;
        assert_eq!(response.status, 400, "{action}: {}", response.text);
        assert_eq!(response.error_code(), Some(3));
        assert_eq!(response.error_id().as_deref(), Some(id), "{action}");
    }
    // The viewer may read but not write: 403 for an allowed transition…
    let path = format!("{BASE}/{}/_lock", ids::MINNIE);
    let denied = sandbox.call("POST", &path, Some(VIEWER_TOKEN), None).await;
    assert_eq!(denied.status, 403);
    assert_eq!(denied.error_id().as_deref(), Some("AUTHZ-HKJD33"));
    // …but the 404 of a refused one comes first.
    let path = format!("{BASE}/{}/_lock", ids::DAISY);
    let refused = sandbox.call("POST", &path, Some(VIEWER_TOKEN), None).await;
    assert_eq!(refused.status, 404);
    let read = sandbox
        .call(
            "GET",
            &format!("{BASE}/{}", ids::PLUTO),
            Some(VIEWER_TOKEN),
            None,
        )
        .await;
    assert_eq!(read.status, 200);
    let anonymous = sandbox.call("POST", &path, None, None).await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn deleting_a_user_removes_their_grants() {
    let sandbox = TestSandbox::new();
    assert_eq!(
        v3_act(&sandbox, ids::MINNIE, "delete", "").await.status,
        200
    );
    for grant in [grant_ids::MINNIE_PORTAL, grant_ids::MINNIE_BILLING] {
        let path = format!("/management/v1/users/{}/grants/{grant}", ids::MINNIE);
        let response = sandbox.call("GET", &path, Some(OWNER_TOKEN), None).await;
        assert_eq!(response.status, 404, "{grant}");
        let events = sandbox
            .store
            .blocking(move |conn| sandbox::events::events_of(conn, "usergrant", grant))
            .expect("events");
        assert_eq!(
            events.last().map(|e| e.event_type.as_str()),
            Some("user.grant.cascade.removed")
        );
    }
}

fn usernames(body: &Value) -> Vec<String> {
    body["result"]
        .as_array()
        .map(|users| {
            users
                .iter()
                .filter_map(|u| u["data"]["username"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

async fn search(sandbox: &TestSandbox, query: &str, filters: &str) -> TestResponse {
    sandbox
        .call(
            "POST",
            &format!("{BASE}/_search{query}"),
            Some(OWNER_TOKEN),
            Some(filters),
        )
        .await
}

#[tokio::test]
async fn search_filters_sorts_and_pages() {
    let sandbox = TestSandbox::new();
    let all = search(&sandbox, "", "[]").await;
    assert_eq!(all.status, 200, "{}", all.text);
    let body = all.json();
    assert_eq!(body["details"]["appliedLimit"], "100");
    assert_eq!(body["details"]["totalResult"], "17");
    assert!(body["details"]["timestamp"].is_string());
    assert!(body["details"].get("processedSequence").is_none());

    let locked = search(
        &sandbox,
        "?sortingColumn=FIELD_NAME_ID",
        r#"[{"stateFilter":{"state":"USER_STATE_LOCKED"}}]"#,
    )
    .await
    .json();
    assert_eq!(usernames(&locked), ["daisy-duck", "dewey-duck"]);

    let page = search(
        &sandbox,
        "?query.offset=1&query.limit=2&query.desc=true&sortingColumn=FIELD_NAME_ID",
        r#"[{"orFilter":{"queries":[
              {"usernameFilter":{"username":"duck","method":"TEXT_FILTER_METHOD_ENDS_WITH"}},
              {"emailFilter":{"address":"PLUTO@GLOBEX.EXAMPLE.COM","method":"TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE"}}]}},
            {"notFilter":{"query":{"stateFilter":{"state":"USER_STATE_INACTIVE"}}}}]"#,
    )
    .await
    .json();
    // Matches (by id): daisy, pluto, scrooge, huey, dewey; descending, skip one, take two.
    assert_eq!(page["details"]["totalResult"], "5");
    assert_eq!(page["details"]["appliedLimit"], "2");
    assert_eq!(usernames(&page), ["huey-duck", "scrooge-mcduck"]);

    let machines = search(
        &sandbox,
        "?sortingColumn=1",
        r#"[{"schemaTypeFilter":{"type":"machine"}}]"#,
    )
    .await
    .json();
    assert_eq!(
        usernames(&machines),
        ["build-bot", "console-admin", "acme-user-manager", "auditor"]
    );
    let none = search(&sandbox, "", r#"[{"userIdFilter":{"id":"nobody"}}]"#)
        .await
        .json();
    assert_eq!(none["details"].get("totalResult"), None);
    assert_eq!(none.get("result"), None);
}

#[tokio::test]
async fn search_rejects_bad_requests() {
    let sandbox = TestSandbox::new();
    let too_many = search(&sandbox, "?query.limit=1001", "[]").await;
    assert_eq!(too_many.status, 400);
    assert_eq!(too_many.error_id().as_deref(), Some("QUERY-4M0fs"));
    for (query, body) in [
        ("", "{}"),
        ("", "[{}]"),
        ("", r#"[{"stateFilter":{"state":"STATE_ACTIVE"}}]"#),
        ("?query.desc=maybe", "[]"),
        ("?sortingColumn=FIELD_NAME_MOOD", "[]"),
    ] {
        let response = search(&sandbox, query, body).await;
        assert_eq!(response.status, 400, "{query} {body}: {}", response.text);
        assert_eq!(response.error_code(), Some(3));
    }
}
