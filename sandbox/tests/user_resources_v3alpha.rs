//! ZITADEL user resources v3alpha as v4.13.1 serves them (ZITADEL.md Corrections 1):
//! the state changes act only on the seeded schema users, GetUser is 501, SearchUsers
//! `{}`, and the whole resource depends on the feature "User Schema".

use sandbox::seed::schema_user_ids as schema;
use sandbox::seed::{
    ids, ACME_MANAGER_TOKEN, ACME_ORG_ID, GLOBEX_MANAGER_TOKEN, GLOBEX_ORG_ID, OWNER_TOKEN,
    VIEWER_TOKEN,
};
use sandbox::test_support::{default_values, wire_time, TestResponse, TestSandbox};
use serde_json::json;

const UNKNOWN_ID: &str = "999999999999999999";
const BASE: &str = "/resources/v3alpha/users";

/// Every state change, with the error id of its NotFound answer on a user that is not
/// (or no longer) a schema user.
const EVERY_ACTION_NOT_FOUND: [(&str, &str); 5] = [
    ("lock", "COMMAND-G4LOrnjY7q"),
    ("unlock", "COMMAND-gpBv46Lh9m"),
    ("deactivate", "COMMAND-Ob6lR5iFTe"),
    ("activate", "COMMAND-rQjbBr4J3j"),
    ("delete", "COMMAND-syHyCsGmvM"),
];

async fn v3_act_as(
    sandbox: &TestSandbox,
    token: &str,
    user_id: &str,
    action: &str,
    query: &str,
) -> TestResponse {
    let (method, path) = if action == "delete" {
        ("DELETE", format!("{BASE}/{user_id}{query}"))
    } else {
        ("POST", format!("{BASE}/{user_id}/_{action}{query}"))
    };
    sandbox.call(method, &path, Some(token), None).await
}

async fn v3_act(sandbox: &TestSandbox, user_id: &str, action: &str) -> TestResponse {
    v3_act_as(sandbox, OWNER_TOKEN, user_id, action, "").await
}

/// v3alpha GetUser of `user_id` as `token`.
async fn v3_get(sandbox: &TestSandbox, user_id: &str, token: &str) -> TestResponse {
    sandbox
        .call("GET", &format!("{BASE}/{user_id}"), Some(token), None)
        .await
}

fn assert_not_found(response: &TestResponse, id: &str) {
    assert_eq!(response.status, 404, "{}", response.text);
    assert_eq!(
        response.json(),
        json!({
            "code": 5,
            "message": format!("User could not be found ({id})"),
            "details": [{
                "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                "id": id,
                "message": "User could not be found"
            }]
        })
    );
}

#[tokio::test]
async fn get_user_is_not_implemented_and_search_is_empty() {
    let sandbox = TestSandbox::new();
    for id in [schema::SCARLETT, ids::MINNIE, UNKNOWN_ID] {
        let response = v3_get(&sandbox, id, OWNER_TOKEN).await;
        assert_eq!(response.status, 501, "{id}");
        assert_eq!(
            response.json(),
            json!({"code": 12, "message": "method GetUser not implemented"})
        );
    }
    for body in [
        None,
        Some("[]"),
        Some(r#"[{"usernameFilter":{"username":"x"}}]"#),
    ] {
        let response = sandbox
            .call("POST", &format!("{BASE}/_search"), Some(OWNER_TOKEN), body)
            .await;
        assert_eq!(response.status, 200);
        assert_eq!(response.json(), json!({}));
    }
    // Both still need a token.
    let anonymous = sandbox
        .call("GET", &format!("{BASE}/{}", schema::SCARLETT), None, None)
        .await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn a_write_answers_the_write_models_details() {
    let sandbox = TestSandbox::new();
    let response = v3_act(&sandbox, schema::SCARLETT, "lock").await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert!(default_values(&body).is_empty(), "{body}");
    let details = &body["details"];
    assert_eq!(details["id"], schema::SCARLETT);
    assert_eq!(
        details["owner"],
        json!({"type": "OWNER_TYPE_ORG", "id": ACME_ORG_ID})
    );
    assert!(details["changed"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert!(details.get("created").is_none(), "{details}");
    assert_eq!(body.as_object().map(|o| o.len()), Some(1));
}

/// `internal/command/user_v3.go`: lock needs an existing, unlocked user; unlock a
/// locked one; deactivate an ACTIVE one (locked or not); activate an INACTIVE one.
/// Runs `steps` on `user_id` in order: each an action and what it must answer, 200
/// (`None`) or NotFound with the given error id.
async fn v3_steps(sandbox: &TestSandbox, user_id: &str, steps: &[(&str, Option<&str>)]) {
    for (action, not_found) in steps {
        let response = v3_act(sandbox, user_id, action).await;
        match not_found {
            Some(id) => assert_not_found(&response, id),
            None => assert_eq!(response.status, 200, "{action}: {}", response.text),
        }
    }
}

#[tokio::test]
async fn state_changes_follow_the_v3_write_model() {
    let sandbox = TestSandbox::new();
    // Scarlett: active.
    v3_steps(
        &sandbox,
        schema::SCARLETT,
        &[
            ("unlock", Some("COMMAND-gpBv46Lh9m")),
            ("activate", Some("COMMAND-rQjbBr4J3j")),
            ("lock", None),
            ("lock", Some("COMMAND-G4LOrnjY7q")),
            // Locked and active: deactivate is allowed, and the lock stays.
            ("deactivate", None),
            ("deactivate", Some("COMMAND-Ob6lR5iFTe")),
            ("unlock", None),
            ("activate", None),
        ],
    )
    .await;
    // Rose: inactive, can be locked while inactive.
    v3_steps(
        &sandbox,
        schema::ROSE,
        &[
            ("deactivate", Some("COMMAND-Ob6lR5iFTe")),
            ("lock", None),
            ("activate", None),
        ],
    )
    .await;
    // Ruby: locked and active.
    v3_steps(
        &sandbox,
        schema::RUBY,
        &[("lock", Some("COMMAND-G4LOrnjY7q")), ("deactivate", None)],
    )
    .await;
    // Amber: deleted, then nothing works on her.
    assert_eq!(v3_act(&sandbox, schema::AMBER, "delete").await.status, 200);
    for (action, id) in EVERY_ACTION_NOT_FOUND {
        assert_not_found(&v3_act(&sandbox, schema::AMBER, action).await, id);
    }
}

#[tokio::test]
async fn v2_users_and_unknown_ids_are_not_schema_users() {
    let sandbox = TestSandbox::new();
    for user in [ids::MINNIE, ids::DONALD, ids::DAISY, UNKNOWN_ID] {
        for (action, id) in EVERY_ACTION_NOT_FOUND {
            assert_not_found(&v3_act(&sandbox, user, action).await, id);
        }
    }
    // And v2 never sees a schema user.
    let get = sandbox.get_user(schema::SCARLETT, OWNER_TOKEN).await;
    assert_eq!(get.status, 404);
    assert_eq!(get.error_id().as_deref(), Some("QUERY-Dfbg2"));
    let list = sandbox
        .list_users(
            r#"{"queries":[{"inUserIdsQuery":{"userIds":["326000000000000001","326000000000000005"]}}]}"#,
            OWNER_TOKEN,
        )
        .await;
    assert_eq!(list.status, 200);
    assert!(list.json().get("result").is_none(), "{}", list.text);
}

#[tokio::test]
async fn the_organization_narrows_the_lookup() {
    let sandbox = TestSandbox::new();
    let other_org = format!("?organization.orgId={GLOBEX_ORG_ID}");
    assert_not_found(
        &v3_act_as(&sandbox, OWNER_TOKEN, schema::SCARLETT, "lock", &other_org).await,
        "COMMAND-G4LOrnjY7q",
    );
    let own_org = format!("?organization.org_id={ACME_ORG_ID}");
    let locked = v3_act_as(&sandbox, OWNER_TOKEN, schema::SCARLETT, "lock", &own_org).await;
    assert_eq!(locked.status, 200, "{}", locked.text);
    // `orgDomain` is ignored (`ResourceOwnerFromOrganization`: "TODO get org from domain").
    let by_domain = v3_act_as(
        &sandbox,
        OWNER_TOKEN,
        schema::SCARLETT,
        "unlock",
        "?organization.orgDomain=globex.example.com",
    )
    .await;
    assert_eq!(by_domain.status, 200, "{}", by_domain.text);
}

#[tokio::test]
async fn permissions_and_lost_access() {
    let sandbox = TestSandbox::new();
    // A read-only role on the instance: AUTH-AWfge.
    let viewer = v3_act_as(&sandbox, VIEWER_TOKEN, schema::SCARLETT, "lock", "").await;
    assert_eq!(viewer.status, 403);
    assert_eq!(viewer.error_id().as_deref(), Some("AUTH-AWfge"));
    assert_eq!(
        viewer.json()["message"],
        "No matching permissions found (AUTH-AWfge)"
    );
    // No role in ACME nor on the instance: membership not found.
    let globex = v3_act_as(&sandbox, GLOBEX_MANAGER_TOKEN, schema::SCARLETT, "lock", "").await;
    assert_eq!(globex.status, 404);
    assert_eq!(globex.error_id().as_deref(), Some("AUTHZ-cdgFk"));
    assert_eq!(
        globex.json()["message"],
        "membership not found (AUTHZ-cdgFk)"
    );
    // Existence and state come before permission.
    let refused = v3_act_as(&sandbox, VIEWER_TOKEN, schema::ROSE, "deactivate", "").await;
    assert_eq!(refused.error_id().as_deref(), Some("COMMAND-Ob6lR5iFTe"));
    // Managers of the user's org may.
    let acme = v3_act_as(&sandbox, ACME_MANAGER_TOKEN, schema::SCARLETT, "lock", "").await;
    assert_eq!(acme.status, 200);
    let jade = v3_act_as(
        &sandbox,
        GLOBEX_MANAGER_TOKEN,
        schema::JADE,
        "deactivate",
        "",
    )
    .await;
    assert_eq!(jade.status, 200);
    assert_eq!(jade.json()["details"]["owner"]["id"], GLOBEX_ORG_ID);
}

#[tokio::test]
async fn without_the_user_schema_feature_everything_but_get_is_refused() {
    let sandbox = TestSandbox::new();
    let off = sandbox.settings(r#"{"userSchemaFeature":false}"#).await;
    assert_eq!(off.status, 200);
    assert_eq!(off.json()["userSchemaFeature"], false);
    let expected = json!({
        "code": 9,
        "message": "Feature \"User Schema\" is not enabled (TODO)",
        "details": [{
            "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
            "id": "TODO",
            "message": "Feature \"User Schema\" is not enabled"
        }]
    });
    for action in ["lock", "unlock", "deactivate", "activate", "delete"] {
        for user in [schema::SCARLETT, UNKNOWN_ID] {
            let response = v3_act(&sandbox, user, action).await;
            assert_eq!(response.status, 400, "{action}");
            assert_eq!(response.json(), expected, "{action}");
        }
    }
    let search = sandbox
        .call(
            "POST",
            &format!("{BASE}/_search"),
            Some(OWNER_TOKEN),
            Some("[]"),
        )
        .await;
    assert_eq!(search.status, 400);
    assert_eq!(search.json(), expected);
    let get = v3_get(&sandbox, schema::SCARLETT, OWNER_TOKEN).await;
    assert_eq!(get.status, 501);
    // Switched on again, the writes work.
    sandbox.settings(r#"{"userSchemaFeature":true}"#).await;
    assert_eq!(v3_act(&sandbox, schema::SCARLETT, "lock").await.status, 200);
}

#[tokio::test]
async fn releases_before_2_63_have_no_v3alpha_users() {
    let sandbox = TestSandbox::new();
    let set_version = |version: &'static str| {
        let body = format!(r#"{{"zitadelVersion":"{version}"}}"#);
        let sandbox = &sandbox;
        async move {
            let response = sandbox.settings(&body).await;
            assert_eq!(response.status, 200, "{}", response.text);
        }
    };
    let gateway_404 = json!({"code": 5, "message": "Not Found"});

    // v2.60 registers the service without the `/resources/v3alpha/users` prefix in its
    // routes (`user_service.proto` at v2.60.0): none of these paths exists.
    set_version("2.60.4").await;
    for response in [
        v3_act(&sandbox, schema::SCARLETT, "lock").await,
        v3_act(&sandbox, schema::SCARLETT, "delete").await,
        sandbox
            .call("GET", &format!("{BASE}/{}", schema::SCARLETT), None, None)
            .await,
    ] {
        assert_eq!(response.status, 404);
        assert_eq!(response.json(), gateway_404);
    }

    // v2.61 and v2.62 route the paths but implement only CreateUser and DeleteUser
    // (`internal/api/grpc/resources/user/v3alpha/user.go` at v2.62.0).
    set_version("2.62.0").await;
    for (path, method) in [
        (format!("{BASE}/{}/_lock", schema::SCARLETT), "LockUser"),
        (format!("{BASE}/{}/_unlock", schema::RUBY), "UnlockUser"),
        (
            format!("{BASE}/{}/_deactivate", schema::SCARLETT),
            "DeactivateUser",
        ),
        (
            format!("{BASE}/{}/_reactivate", schema::ROSE),
            "ReactivateUser",
        ),
        (format!("{BASE}/_search"), "SearchUsers"),
    ] {
        let response = sandbox.call("POST", &path, Some(OWNER_TOKEN), None).await;
        assert_eq!(response.status, 501, "{path}: {}", response.text);
        assert_eq!(
            response.json(),
            json!({"code": 12, "message": format!("method {method} not implemented")}),
            "{path}"
        );
        // The auth interceptor runs first.
        assert_eq!(sandbox.call("POST", &path, None, None).await.status, 401);
    }
    let get = v3_get(&sandbox, schema::SCARLETT, OWNER_TOKEN).await;
    assert_eq!(get.status, 501);
    // Activate's path came with v2.63 (before it: `_reactivate`).
    let activate = v3_act(&sandbox, schema::ROSE, "activate").await;
    assert_eq!(activate.status, 404);
    assert_eq!(activate.json(), gateway_404);
    // Nothing changed: the refused calls wrote nothing.
    set_version("4.13.1").await;
    assert_eq!(v3_act(&sandbox, schema::RUBY, "unlock").await.status, 200);
    assert_eq!(v3_act(&sandbox, schema::RUBY, "lock").await.status, 200);
    set_version("2.62.0").await;
    // DeleteUser is implemented, behind the feature check, and ignores the
    // organisation (`getSchemaUserExists(ctx, "", id)` at v2.62.0).
    sandbox.settings(r#"{"userSchemaFeature":false}"#).await;
    let off = v3_act(&sandbox, schema::AMBER, "delete").await;
    assert_eq!(off.status, 400, "{}", off.text);
    sandbox.settings(r#"{"userSchemaFeature":true}"#).await;
    let wrong_org = format!("?organization.orgId={GLOBEX_ORG_ID}");
    let deleted = v3_act_as(&sandbox, OWNER_TOKEN, schema::AMBER, "delete", &wrong_org).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text);
    assert_eq!(deleted.json()["details"]["owner"]["id"], json!(ACME_ORG_ID));
    assert_not_found(
        &v3_act(&sandbox, schema::AMBER, "delete").await,
        "COMMAND-syHyCsGmvM",
    );
    // v2 is there.
    assert_eq!(sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.status, 200);
}

#[tokio::test]
async fn a_future_get_user_answers_with_the_schema_user() {
    let sandbox = TestSandbox::new();
    sandbox.settings(r#"{"v3alphaGetUser":true}"#).await;
    let get = |id, token| v3_get(&sandbox, id, token);
    let ruby = get(schema::RUBY, OWNER_TOKEN).await;
    assert_eq!(ruby.status, 200, "{}", ruby.text);
    let body = ruby.json();
    let user = &body["user"];
    assert_eq!(user["state"], json!("USER_STATE_LOCKED"));
    assert_eq!(user["details"]["id"], json!(schema::RUBY));
    assert_eq!(
        user["details"]["owner"],
        json!({"type": "OWNER_TYPE_ORG", "id": ACME_ORG_ID})
    );
    assert_eq!(user["data"]["givenName"], json!("Ruby"));
    assert_eq!(
        user["contact"]["email"]["address"],
        json!("ruby@acme.example.com")
    );
    assert!(user["schema"]["id"].is_string(), "{body}");
    assert!(
        wire_time(&user["details"]["created"]) < wire_time(&user["details"]["changed"]),
        "{body}"
    );
    // A write shows at once.
    assert_eq!(v3_act(&sandbox, schema::RUBY, "unlock").await.status, 200);
    let unlocked = get(schema::RUBY, OWNER_TOKEN).await.json();
    assert_eq!(unlocked["user"]["state"], json!("USER_STATE_ACTIVE"));
    // Not schema users, and callers without the right.
    assert_eq!(get(ids::MINNIE, OWNER_TOKEN).await.status, 404);
    assert_eq!(get(schema::RUBY, GLOBEX_MANAGER_TOKEN).await.status, 404);
    assert_eq!(get(schema::JADE, ACME_MANAGER_TOKEN).await.status, 404);
    assert_eq!(get(schema::JADE, GLOBEX_MANAGER_TOKEN).await.status, 200);
    // Without the switch, as every release: 501.
    sandbox.settings(r#"{"v3alphaGetUser":false}"#).await;
    assert_eq!(get(schema::RUBY, OWNER_TOKEN).await.status, 501);
}
