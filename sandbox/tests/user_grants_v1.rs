//! ZITADEL management v1 user grants (contract §5, §7.3), both grant behaviours.

use sandbox::grants::GrantBehaviour;
use sandbox::seed::{
    grant_ids, ids, project_ids, ACME_MANAGER_TOKEN, ACME_ORG_ID, GLOBEX_ORG_ID, OWNER_TOKEN,
    VIEWER_TOKEN,
};
use sandbox::state::Settings;
use sandbox::test_support::{default_values, wire_time, TestResponse, TestSandbox};
use serde_json::{json, Value};

const UNKNOWN_GRANT: &str = "79999999999999999";

fn grant_path(user_id: &str, grant_id: &str) -> String {
    format!("/management/v1/users/{user_id}/grants/{grant_id}")
}

async fn v1(
    sandbox: &TestSandbox,
    method: &str,
    path: &str,
    token: &str,
    org: Option<&str>,
    body: Option<&str>,
) -> TestResponse {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("authorization", auth.as_str())];
    if let Some(org) = org {
        headers.push(("x-zitadel-orgid", org));
    }
    sandbox.call_with(method, path, &headers, body).await
}

async fn get_grant(
    sandbox: &TestSandbox,
    user_id: &str,
    grant_id: &str,
    org: Option<&str>,
) -> TestResponse {
    v1(
        sandbox,
        "GET",
        &grant_path(user_id, grant_id),
        OWNER_TOKEN,
        org,
        None,
    )
    .await
}

/// `_deactivate`, `_reactivate` (with `{}`) or `remove` (DELETE).
async fn act(
    sandbox: &TestSandbox,
    user_id: &str,
    grant_id: &str,
    action: &str,
    org: Option<&str>,
) -> TestResponse {
    let path = grant_path(user_id, grant_id);
    if action == "remove" {
        v1(sandbox, "DELETE", &path, OWNER_TOKEN, org, None).await
    } else {
        v1(
            sandbox,
            "POST",
            &format!("{path}/_{action}"),
            OWNER_TOKEN,
            org,
            Some("{}"),
        )
        .await
    }
}

async fn search(sandbox: &TestSandbox, body: &str, token: &str, org: Option<&str>) -> TestResponse {
    v1(
        sandbox,
        "POST",
        "/management/v1/users/grants/_search",
        token,
        org,
        Some(body),
    )
    .await
}

fn grant_ids_of(body: &Value) -> Vec<String> {
    body["result"]
        .as_array()
        .map(|grants| {
            grants
                .iter()
                .filter_map(|g| g["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn event_count(sandbox: &TestSandbox) -> usize {
    sandbox
        .store
        .blocking(|conn| sandbox::events::all_events(conn))
        .expect("events")
        .len()
}

#[tokio::test]
async fn get_grant_has_the_v1_shape() {
    let sandbox = TestSandbox::new();
    let response = get_grant(
        &sandbox,
        ids::MINNIE,
        grant_ids::MINNIE_BILLING,
        Some(ACME_ORG_ID),
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(default_values(&body), Vec::<String>::new(), "{body}");
    let grant = &body["userGrant"];
    for (field, value) in [
        ("id", grant_ids::MINNIE_BILLING),
        ("state", "USER_GRANT_STATE_INACTIVE"),
        ("userId", ids::MINNIE),
        ("userName", "minnie-mouse"),
        ("displayName", "Minnie Mouse"),
        ("orgId", ACME_ORG_ID),
        ("orgName", "ACME"),
        ("projectId", project_ids::BILLING),
        ("projectName", "Billing"),
        ("userType", "TYPE_HUMAN"),
    ] {
        assert_eq!(grant[field], value, "{field}");
    }
    assert_eq!(grant["roleKeys"], json!(["admin", "auditor"]));
    let details = &grant["details"];
    assert_eq!(details["sequence"], "2");
    assert_eq!(details["resourceOwner"], ACME_ORG_ID);
    // ToViewDetailsPb: all four fields on reads.
    assert!(wire_time(&details["creationDate"]) < wire_time(&details["changeDate"]));

    // Without the header the caller's own org (ACME) applies.
    let own_org = get_grant(&sandbox, ids::MINNIE, grant_ids::MINNIE_PORTAL, None).await;
    assert_eq!(own_org.status, 200);
    assert_eq!(
        own_org.json()["userGrant"]["state"],
        "USER_GRANT_STATE_ACTIVE"
    );
    // The user id of the path must match too.
    let wrong_user = get_grant(&sandbox, ids::MICKEY, grant_ids::MINNIE_PORTAL, None).await;
    assert_eq!(wrong_user.status, 404);
    assert_eq!(wrong_user.error_id().as_deref(), Some("QUERY-wIPkA"));
}

#[tokio::test]
async fn the_org_context_scopes_every_call() {
    let sandbox = TestSandbox::new();
    // Pluto's grant belongs to Globex: missing in ACME, found in Globex.
    let in_acme = get_grant(&sandbox, ids::PLUTO, grant_ids::PLUTO_INTRANET, None).await;
    assert_eq!(in_acme.status, 404);
    let in_globex = get_grant(
        &sandbox,
        ids::PLUTO,
        grant_ids::PLUTO_INTRANET,
        Some(GLOBEX_ORG_ID),
    )
    .await;
    assert_eq!(in_globex.status, 200);
    assert_eq!(in_globex.json()["userGrant"]["orgName"], "Globex");
    for action in ["deactivate", "reactivate", "remove"] {
        let response = act(
            &sandbox,
            ids::PLUTO,
            grant_ids::PLUTO_INTRANET,
            action,
            Some(ACME_ORG_ID),
        )
        .await;
        assert_eq!(response.status, 404, "{action}");
    }

    let unknown_org = get_grant(
        &sandbox,
        ids::MINNIE,
        grant_ids::MINNIE_PORTAL,
        Some("1234"),
    )
    .await;
    assert_eq!(unknown_org.status, 403);
    assert_eq!(unknown_org.error_code(), Some(7));
    assert_eq!(unknown_org.error_id().as_deref(), Some("AUTH-Bs7Ds"));

    // The ACME manager has no role in Globex: the interceptor finds no membership in
    // the org of the context (`AUTHZ-cdgFk`, `internal/api/authz/permissions.go`).
    let path = grant_path(ids::PLUTO, grant_ids::PLUTO_INTRANET);
    let manager = v1(
        &sandbox,
        "GET",
        &path,
        ACME_MANAGER_TOKEN,
        Some(GLOBEX_ORG_ID),
        None,
    )
    .await;
    assert_eq!(manager.status, 404);
    assert_eq!(manager.error_id().as_deref(), Some("AUTHZ-cdgFk"));
    // The viewer reads but does not write.
    let path = grant_path(ids::MINNIE, grant_ids::MINNIE_PORTAL);
    assert_eq!(
        v1(&sandbox, "GET", &path, VIEWER_TOKEN, None, None)
            .await
            .status,
        200
    );
    let write = v1(
        &sandbox,
        "POST",
        &format!("{path}/_deactivate"),
        VIEWER_TOKEN,
        None,
        Some("{}"),
    )
    .await;
    // A role without the permission: the interceptor's `AUTH-5mWD2`.
    assert_eq!(write.status, 403);
    assert_eq!(write.error_id().as_deref(), Some("AUTH-5mWD2"));
    let anonymous = sandbox.call("GET", &path, None, None).await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn list_grants_filters_and_pages_within_the_org() {
    let sandbox = TestSandbox::new();
    let all = search(
        &sandbox,
        r#"{"query":{"limit":100,"asc":true}}"#,
        OWNER_TOKEN,
        Some(ACME_ORG_ID),
    )
    .await;
    assert_eq!(all.status, 200, "{}", all.text);
    let body = all.json();
    // Nine seeded in ACME before issue 18, five more for offboarding.
    assert_eq!(body["details"]["totalResult"], "13");
    assert!(body["details"]["processedSequence"].is_string());
    assert!(body["details"]["viewTimestamp"].is_string());
    let acme_grants = grant_ids_of(&body);
    assert_eq!(acme_grants.len(), 13);
    assert!(!acme_grants.contains(&grant_ids::PLUTO_INTRANET.to_string()));
    assert_eq!(acme_grants[0], grant_ids::MINNIE_PORTAL, "oldest first");
    for grant in body["result"].as_array().into_iter().flatten() {
        let mut keys: Vec<_> = grant["details"]
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default();
        keys.sort();
        assert_eq!(
            keys,
            ["changeDate", "creationDate", "resourceOwner", "sequence"]
        );
    }

    let globex = search(&sandbox, "{}", OWNER_TOKEN, Some(GLOBEX_ORG_ID))
        .await
        .json();
    assert_eq!(grant_ids_of(&globex), [grant_ids::PLUTO_INTRANET]);

    let cases = [
        (
            r#"{"queries":[{"userIdQuery":{"userId":"226000000000000001"}}]}"#,
            vec![grant_ids::MINNIE_BILLING, grant_ids::MINNIE_PORTAL],
        ),
        (
            r#"{"query":{"asc":true},"queries":[{"projectIdQuery":{"projectId":"69629099999999998"}}]}"#,
            vec![
                grant_ids::MINNIE_BILLING,
                grant_ids::HUEY_BILLING,
                grant_ids::DEWEY_BILLING,
                grant_ids::GYRO_BILLING,
                grant_ids::GLADSTONE_BILLING,
                grant_ids::DEPLOY_ROBOT_BILLING,
            ],
        ),
        (
            r#"{"query":{"asc":true},"queries":[{"roleKeyQuery":{"roleKey":"AUD","method":"TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE"}}]}"#,
            vec![grant_ids::MINNIE_BILLING],
        ),
        (
            r#"{"query":{"offset":"1","limit":2,"asc":true},"queries":[{"userNameQuery":{"userName":"duck","method":"TEXT_QUERY_METHOD_CONTAINS"}},{"projectNameQuery":{"projectName":"Portal"}}]}"#,
            vec![grant_ids::HUEY_PORTAL, grant_ids::DEWEY_PORTAL],
        ),
    ];
    for (request, expected) in cases {
        let response = search(&sandbox, request, OWNER_TOKEN, None).await;
        assert_eq!(response.status, 200, "{request}: {}", response.text);
        assert_eq!(grant_ids_of(&response.json()), expected, "{request}");
    }

    let too_many = search(&sandbox, r#"{"query":{"limit":1001}}"#, OWNER_TOKEN, None).await;
    assert_eq!(too_many.error_id().as_deref(), Some("QUERY-4M0fs"));
    let broken = search(&sandbox, r#"{"queries":[{}]}"#, OWNER_TOKEN, None).await;
    assert_eq!(broken.status, 400);
    assert_eq!(broken.error_code(), Some(3));
}

/// What one cell of §7.3 expects: `Ok(Some(new state))` a write, `Ok(None)` a 200
/// that writes nothing, `Err((status, id))`.
type Cell = Result<Option<&'static str>, (u16, &'static str)>;

/// Runs one action on: an ACTIVE grant, an INACTIVE grant, a removed grant, an unknown
/// one and one owned by another org.
async fn check_row(behaviour: GrantBehaviour, action: &str, cells: [Cell; 5]) {
    let sandbox = TestSandbox::with_settings(Settings {
        grant_behaviour: behaviour,
        ..Settings::default()
    });
    assert_eq!(
        act(
            &sandbox,
            ids::SCROOGE,
            grant_ids::SCROOGE_PORTAL,
            "remove",
            None
        )
        .await
        .status,
        200
    );
    let targets = [
        (ids::MINNIE, grant_ids::MINNIE_PORTAL),
        (ids::MINNIE, grant_ids::MINNIE_BILLING),
        (ids::SCROOGE, grant_ids::SCROOGE_PORTAL),
        (ids::MINNIE, UNKNOWN_GRANT),
        (ids::PLUTO, grant_ids::PLUTO_INTRANET),
    ];
    for ((user_id, grant_id), expected) in targets.into_iter().zip(cells) {
        let before = get_grant(&sandbox, user_id, grant_id, None).await;
        let events_before = event_count(&sandbox);
        let response = act(&sandbox, user_id, grant_id, action, None).await;
        let context = format!("{behaviour:?} {action} on {grant_id}: {}", response.text);
        match expected {
            Ok(written) => {
                assert_eq!(response.status, 200, "{context}");
                let details = &response.json()["details"];
                let mut keys: Vec<_> = details
                    .as_object()
                    .map(|o| o.keys().cloned().collect())
                    .unwrap_or_default();
                keys.sort();
                // DomainToChangeDetailsPb: no creationDate.
                assert_eq!(
                    keys,
                    ["changeDate", "resourceOwner", "sequence"],
                    "{context}"
                );
                let after = get_grant(&sandbox, user_id, grant_id, None).await;
                match written {
                    Some("removed") => {
                        assert_eq!(after.status, 404, "{context}");
                        assert_eq!(event_count(&sandbox), events_before + 1);
                    }
                    Some(state) => {
                        let grant = &after.json()["userGrant"];
                        assert_eq!(grant["state"], state, "{context}");
                        assert_eq!(
                            grant["details"]["sequence"], details["sequence"],
                            "{context}"
                        );
                        assert_eq!(
                            grant["details"]["changeDate"], details["changeDate"],
                            "{context}"
                        );
                        assert_eq!(event_count(&sandbox), events_before + 1);
                    }
                    None => {
                        // Idempotent repeat: details unchanged, nothing written.
                        assert_eq!(after.text, before.text, "{context}");
                        let old = &before.json()["userGrant"]["details"];
                        assert_eq!(details["sequence"], old["sequence"], "{context}");
                        assert_eq!(details["changeDate"], old["changeDate"], "{context}");
                        assert_eq!(event_count(&sandbox), events_before, "{context}");
                    }
                }
            }
            Err((status, id)) => {
                assert_eq!(response.status, status, "{context}");
                let code = if status == 404 { 5 } else { 9 };
                assert_eq!(response.error_code(), Some(code), "{context}");
                assert_eq!(response.error_id().as_deref(), Some(id), "{context}");
                assert_eq!(event_count(&sandbox), events_before, "{context}");
            }
        }
    }
}

const ACTIVE: &str = "USER_GRANT_STATE_ACTIVE";
const INACTIVE: &str = "USER_GRANT_STATE_INACTIVE";

#[tokio::test]
async fn deactivate_follows_the_table_in_both_behaviours() {
    let missing = Err((404, "COMMAND-3M9sd"));
    check_row(
        GrantBehaviour::Legacy,
        "deactivate",
        [
            Ok(Some(INACTIVE)),
            Err((400, "COMMAND-1S9gx")),
            missing,
            missing,
            missing,
        ],
    )
    .await;
    check_row(
        GrantBehaviour::Idempotent,
        "deactivate",
        [Ok(Some(INACTIVE)), Ok(None), missing, missing, missing],
    )
    .await;
}

#[tokio::test]
async fn reactivate_follows_the_table_in_both_behaviours() {
    let missing = Err((404, "COMMAND-Lp0gs"));
    check_row(
        GrantBehaviour::Legacy,
        "reactivate",
        [
            Err((400, "COMMAND-1ML0v")),
            Ok(Some(ACTIVE)),
            missing,
            missing,
            missing,
        ],
    )
    .await;
    check_row(
        GrantBehaviour::Idempotent,
        "reactivate",
        [Ok(None), Ok(Some(ACTIVE)), missing, missing, missing],
    )
    .await;
}

#[tokio::test]
async fn remove_follows_the_table_in_both_behaviours() {
    let missing = Err((404, "COMMAND-1My0t"));
    for behaviour in [GrantBehaviour::Legacy, GrantBehaviour::Idempotent] {
        check_row(
            behaviour,
            "remove",
            [
                Ok(Some("removed")),
                Ok(Some("removed")),
                missing,
                missing,
                missing,
            ],
        )
        .await;
    }
}

#[tokio::test]
async fn empty_grant_ids_and_bodies() {
    let sandbox = TestSandbox::new();
    for (action, id) in [
        ("deactivate", "COMMAND-N2OhG"),
        ("reactivate", "COMMAND-Qxy8v"),
    ] {
        let response = act(&sandbox, ids::MINNIE, "", action, None).await;
        assert_eq!(response.status, 400, "{action}: {}", response.text);
        assert_eq!(response.error_code(), Some(3));
        assert_eq!(response.error_id().as_deref(), Some(id), "{action}");
    }
    // `DELETE …/grants/` does not match the route (as on the gateway), so the remove
    // command's own check is exercised directly.
    let removed = sandbox.store.blocking(|conn| {
        sandbox::grants::change_grant(
            conn,
            ids::CONSOLE_ADMIN,
            ACME_ORG_ID,
            "",
            sandbox::grants::GrantAction::Remove,
            GrantBehaviour::Idempotent,
            None,
        )
    });
    let err = removed.expect_err("an empty id is refused");
    assert_eq!(err.status, 400);
    assert_eq!(
        err.detail.map(|(id, _)| id).as_deref(),
        Some("COMMAND-J9sc5")
    );
    let path = format!(
        "{}/_deactivate",
        grant_path(ids::MINNIE, grant_ids::MINNIE_PORTAL)
    );
    let no_body = v1(&sandbox, "POST", &path, OWNER_TOKEN, None, None).await;
    assert_eq!(no_body.status, 200, "an empty body stands for {{}}");
    let broken = v1(&sandbox, "POST", &path, OWNER_TOKEN, None, Some("[1]")).await;
    assert_eq!(broken.status, 400);
}

#[tokio::test]
async fn grant_events_record_who_did_what_and_survive_a_restart() {
    let sandbox = TestSandbox::new();
    let path = format!(
        "{}/_deactivate",
        grant_path(ids::MICKEY, grant_ids::MICKEY_PORTAL)
    );
    let response = v1(
        &sandbox,
        "POST",
        &path,
        ACME_MANAGER_TOKEN,
        None,
        Some("{}"),
    )
    .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let events = sandbox
        .store
        .blocking(|conn| sandbox::events::events_of(conn, "usergrant", grant_ids::MICKEY_PORTAL))
        .expect("events");
    let types: Vec<_> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["user.grant.added", "user.grant.deactivated"]);
    assert_eq!(events[1].actor, ids::ACME_USER_MANAGER);

    let sandbox = sandbox.reopen();
    let grant = get_grant(&sandbox, ids::MICKEY, grant_ids::MICKEY_PORTAL, None)
        .await
        .json();
    assert_eq!(grant["userGrant"]["state"], INACTIVE);
    assert_eq!(grant["userGrant"]["details"]["sequence"], "2");
    sandbox
        .store
        .blocking(sandbox::projection::rebuild)
        .expect("rebuild");
    let rebuilt = get_grant(&sandbox, ids::MICKEY, grant_ids::MICKEY_PORTAL, None)
        .await
        .json();
    assert_eq!(rebuilt, grant);
}
