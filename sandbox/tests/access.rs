//! Who may do what, and the texts of the answers, as ZITADEL v4.13.1 gives them
//! (ZITADEL.md Corrections 5; `internal/api/authz/*.go`, `internal/static/i18n/*.yaml`).

use sandbox::grants::GrantBehaviour;
use sandbox::seed::{
    grant_ids, ids, ACME_MANAGER_TOKEN, ACME_ORG_ID, GLOBEX_MANAGER_TOKEN, OWNER_TOKEN,
    VIEWER_TOKEN,
};
use sandbox::state::Settings;
use sandbox::test_support::{TestResponse, TestSandbox};
use serde_json::json;

fn assert_error(response: &TestResponse, status: u16, code: i64, id: &str, text: &str) {
    assert_eq!(response.status, status, "{}", response.text);
    assert_eq!(
        response.json(),
        json!({
            "code": code,
            "message": format!("{text} ({id})"),
            "details": [{
                "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                "id": id,
                "message": text
            }]
        })
    );
}

/// `POST path` with an empty body, as `token`'s caller asking for German texts.
async fn post_in_german(sandbox: &TestSandbox, path: &str, token: &str) -> TestResponse {
    sandbox
        .call_with(
            "POST",
            path,
            &[
                ("authorization", &format!("Bearer {token}")),
                ("accept-language", "de"),
            ],
            Some("{}"),
        )
        .await
}

fn membership_not_found(response: &TestResponse) {
    assert_error(response, 404, 5, "AUTHZ-cdgFk", "membership not found");
}

#[tokio::test]
async fn a_caller_without_a_role_in_the_users_org_has_lost_access() {
    let sandbox = TestSandbox::new();
    // Globex's manager on ACME's users: v2 reads and writes.
    membership_not_found(&sandbox.get_user(ids::MINNIE, GLOBEX_MANAGER_TOKEN).await);
    for action in ["deactivate", "lock", "delete"] {
        membership_not_found(&sandbox.act(ids::MINNIE, action, GLOBEX_MANAGER_TOKEN).await);
    }
    // A user that does not exist is still "not found" first.
    let unknown = sandbox
        .get_user("999999999999999999", GLOBEX_MANAGER_TOKEN)
        .await;
    assert_eq!(unknown.error_id().as_deref(), Some("QUERY-Dfbg2"));
    // Management v1 in ACME's context: the interceptor checks the org of the context.
    let grants = sandbox
        .call_with(
            "POST",
            "/management/v1/users/grants/_search",
            &[
                ("authorization", &format!("Bearer {GLOBEX_MANAGER_TOKEN}")),
                ("x-zitadel-orgid", ACME_ORG_ID),
            ],
            Some("{}"),
        )
        .await;
    membership_not_found(&grants);
    // In its own org all is well.
    assert_eq!(
        sandbox
            .get_user(ids::PLUTO, GLOBEX_MANAGER_TOKEN)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn missing_permissions_have_zitadels_ids() {
    let sandbox = TestSandbox::new();
    // v2 command: `CheckPermission` (`permissions.go`).
    assert_error(
        &sandbox.act(ids::MINNIE, "lock", VIEWER_TOKEN).await,
        403,
        7,
        "AUTH-AWfge",
        "No matching permissions found",
    );
    // Management v1: the authorization interceptor (`authorization.go`).
    let path = format!(
        "/management/v1/users/{}/grants/{}/_deactivate",
        ids::MINNIE,
        grant_ids::MINNIE_PORTAL
    );
    assert_error(
        &sandbox
            .call("POST", &path, Some(VIEWER_TOKEN), Some("{}"))
            .await,
        403,
        7,
        "AUTH-5mWD2",
        "No matching permissions found",
    );
}

#[tokio::test]
async fn auth_header_errors() {
    let sandbox = TestSandbox::new();
    let path = format!("/v2/users/{}", ids::MINNIE);
    for header in [
        "bearer sandbox-owner-pat",
        "sandbox-owner-pat",
        "Bearer a Bearer b",
    ] {
        let response = sandbox
            .call_with("GET", &path, &[("authorization", header)], None)
            .await;
        assert_error(&response, 401, 16, "AUTH-toLo1", "invalid auth header");
    }
    // An unknown token: the key, untranslated, even for a German caller.
    for headers in [
        vec![("authorization", "Bearer no-such-token")],
        vec![
            ("authorization", "Bearer no-such-token"),
            ("accept-language", "de"),
        ],
        vec![("authorization", "Bearer ")],
    ] {
        let response = sandbox.call_with("GET", &path, &headers, None).await;
        assert_error(&response, 401, 16, "AUTH-7fs1e", "Errors.Token.Invalid");
    }
}

#[tokio::test]
async fn texts_follow_accept_language() {
    let sandbox = TestSandbox::new();
    let path = "/v2/users/999999999999999999";
    let auth = format!("Bearer {OWNER_TOKEN}");
    let german = sandbox
        .call_with(
            "GET",
            path,
            &[
                ("authorization", &auth),
                ("accept-language", "de-DE,de;q=0.9,en;q=0.5"),
            ],
            None,
        )
        .await;
    assert_error(
        &german,
        404,
        5,
        "QUERY-Dfbg2",
        "Benutzer konnte nicht gefunden werden",
    );
    let english = sandbox
        .call_with(
            "GET",
            path,
            &[("authorization", &auth), ("accept-language", "en, de")],
            None,
        )
        .await;
    assert_error(&english, 404, 5, "QUERY-Dfbg2", "User could not be found");
    // A state refusal.
    let refusal = post_in_german(
        &sandbox,
        &format!("/v2/users/{}/unlock", ids::MINNIE),
        OWNER_TOKEN,
    )
    .await;
    assert_error(
        &refusal,
        400,
        9,
        "COMMAND-olb9vb0oca",
        "Benutzer ist nicht gesperrt",
    );
    // Permission texts are no translation keys: they stay.
    let denied = post_in_german(
        &sandbox,
        &format!("/v2/users/{}/lock", ids::MINNIE),
        VIEWER_TOKEN,
    )
    .await;
    assert_error(
        &denied,
        403,
        7,
        "AUTH-AWfge",
        "No matching permissions found",
    );
}

#[tokio::test]
async fn legacy_grant_refusals_have_the_v2_texts() {
    let sandbox = TestSandbox::with_settings(Settings {
        grant_behaviour: GrantBehaviour::Legacy,
        ..Settings::default()
    });
    let path = format!(
        "/management/v1/users/{}/grants/{}/_reactivate",
        ids::MINNIE,
        grant_ids::MINNIE_PORTAL
    );
    let refused = sandbox
        .call("POST", &path, Some(ACME_MANAGER_TOKEN), Some("{}"))
        .await;
    assert_error(
        &refused,
        400,
        9,
        "COMMAND-1ML0v",
        "User grant is not deactivated",
    );
    let german = post_in_german(&sandbox, &path, ACME_MANAGER_TOKEN).await;
    assert_error(
        &german,
        400,
        9,
        "COMMAND-1ML0v",
        "Benutzer Berechtigung ist nicht deaktiviert",
    );
}

#[tokio::test]
async fn the_grant_behaviour_switches_at_runtime() {
    let sandbox = TestSandbox::new();
    let path = format!(
        "/management/v1/users/{}/grants/{}/_reactivate",
        ids::MINNIE,
        grant_ids::MINNIE_PORTAL
    );
    let repeat = sandbox
        .call("POST", &path, Some(ACME_MANAGER_TOKEN), Some("{}"))
        .await;
    assert_eq!(repeat.status, 200, "{}", repeat.text);
    sandbox.settings(r#"{"grantBehaviour":"legacy"}"#).await;
    let refused = sandbox
        .call("POST", &path, Some(ACME_MANAGER_TOKEN), Some("{}"))
        .await;
    assert_eq!(refused.error_id().as_deref(), Some("COMMAND-1ML0v"));
}
