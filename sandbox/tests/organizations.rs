//! The caller's organisations (ZITADEL.md Corrections 4): ListMyProjectOrgs with
//! ZITADEL's semantics, ListMyMemberships and v2 ListOrganizations.

use sandbox::seed::{
    ACME_MANAGER_TOKEN, ACME_ORG_ID, GLOBEX_MANAGER_TOKEN, GLOBEX_ORG_ID, INSTANCE_ID, OWNER_TOKEN,
    VIEWER_TOKEN,
};
use sandbox::test_support::{default_values, TestResponse, TestSandbox};
use serde_json::{json, Value};

async fn post(sandbox: &TestSandbox, path: &str, token: &str, body: &str) -> TestResponse {
    sandbox.call("POST", path, Some(token), Some(body)).await
}

fn result(response: &TestResponse) -> Vec<Value> {
    response.json()["result"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn project_orgs_are_those_with_a_user_grant_on_the_tokens_project() {
    let sandbox = TestSandbox::new();
    // A personal access token has no project, and the seeded admins have no user
    // grants: no organisation, whatever their roles.
    for token in [OWNER_TOKEN, ACME_MANAGER_TOKEN, VIEWER_TOKEN] {
        let response = post(&sandbox, "/auth/v1/global/projectorgs/_search", token, "{}").await;
        assert_eq!(response.status, 200);
        assert!(result(&response).is_empty(), "{}", response.text);
        assert!(response.json()["details"].get("totalResult").is_none());
    }
}

#[tokio::test]
async fn my_memberships_are_my_roles() {
    let sandbox = TestSandbox::new();
    let owner = post(
        &sandbox,
        "/auth/v1/memberships/me/_search",
        OWNER_TOKEN,
        "{}",
    )
    .await;
    assert_eq!(owner.status, 200, "{}", owner.text);
    let body = owner.json();
    assert!(default_values(&body).is_empty(), "{body}");
    assert_eq!(body["details"]["totalResult"], "1");
    let membership = &body["result"][0];
    assert_eq!(membership["iam"], true);
    assert_eq!(membership["roles"], json!(["IAM_OWNER"]));
    assert_eq!(membership["displayName"], "ZITADEL");
    assert_eq!(membership["details"]["resourceOwner"], INSTANCE_ID);
    assert!(membership.get("orgId").is_none());

    let manager = post(
        &sandbox,
        "/auth/v1/memberships/me/_search",
        GLOBEX_MANAGER_TOKEN,
        "{}",
    )
    .await;
    let memberships = result(&manager);
    assert_eq!(memberships.len(), 1);
    assert_eq!(memberships[0]["orgId"], GLOBEX_ORG_ID);
    assert_eq!(memberships[0]["displayName"], "Globex");
    assert_eq!(memberships[0]["roles"], json!(["ORG_USER_MANAGER"]));
    assert!(memberships[0].get("iam").is_none());
    assert!(memberships[0]["userId"].as_str().is_some());

    // Queries: all must match.
    let only_orgs = post(
        &sandbox,
        "/auth/v1/memberships/me/_search",
        OWNER_TOKEN,
        &format!(r#"{{"queries":[{{"orgQuery":{{"orgId":"{ACME_ORG_ID}"}}}}]}}"#),
    )
    .await;
    assert!(result(&only_orgs).is_empty());
    let iam = post(
        &sandbox,
        "/auth/v1/memberships/me/_search",
        OWNER_TOKEN,
        r#"{"queries":[{"iamQuery":{"iam":true}}]}"#,
    )
    .await;
    assert_eq!(result(&iam).len(), 1);
    let bad = post(
        &sandbox,
        "/auth/v1/memberships/me/_search",
        OWNER_TOKEN,
        r#"{"queries":[{}]}"#,
    )
    .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.error_id().as_deref(), Some("USER-dsg3z"));
}

fn names(response: &TestResponse) -> Vec<String> {
    result(response)
        .iter()
        .filter_map(|org| org["name"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn organizations_are_those_the_caller_may_read() {
    let sandbox = TestSandbox::new();
    let by_name = r#"{"query":{"asc":true},"sortingColumn":"ORGANIZATION_FIELD_NAME_NAME"}"#;
    let owner = post(&sandbox, "/v2/organizations/_search", OWNER_TOKEN, by_name).await;
    assert_eq!(owner.status, 200, "{}", owner.text);
    assert_eq!(names(&owner), ["ACME", "Globex"]);
    let body = owner.json();
    assert!(default_values(&body).is_empty(), "{body}");
    assert_eq!(body["details"]["totalResult"], "2");
    assert!(body.get("sortingColumn").is_none());
    let acme = &body["result"][0];
    assert_eq!(acme["id"], ACME_ORG_ID);
    assert_eq!(acme["state"], "ORGANIZATION_STATE_ACTIVE");
    assert_eq!(acme["primaryDomain"], "acme.example.com");
    assert_eq!(acme["details"]["resourceOwner"], ACME_ORG_ID);
    assert!(acme["details"]["creationDate"].as_str().is_some());
    // The viewer holds org.read on the instance.
    let viewer = post(&sandbox, "/v2/organizations/_search", VIEWER_TOKEN, by_name).await;
    assert_eq!(names(&viewer), ["ACME", "Globex"]);
    // An org manager sees their org, while the total counts all (v4.13.1 checks
    // `org.read` after paging).
    let manager = post(
        &sandbox,
        "/v2/organizations/_search",
        ACME_MANAGER_TOKEN,
        by_name,
    )
    .await;
    assert_eq!(names(&manager), ["ACME"]);
    assert_eq!(manager.json()["details"]["totalResult"], "2");
    // Queries.
    let named = post(
        &sandbox,
        "/v2/organizations/_search",
        OWNER_TOKEN,
        r#"{"queries":[{"nameQuery":{"name":"glo","method":"TEXT_QUERY_METHOD_STARTS_WITH_IGNORE_CASE"}}]}"#,
    )
    .await;
    assert_eq!(names(&named), ["Globex"]);
    let default_org = post(
        &sandbox,
        "/v2/organizations/_search",
        OWNER_TOKEN,
        r#"{"queries":[{"defaultQuery":{}}]}"#,
    )
    .await;
    assert_eq!(names(&default_org), ["ACME"]);
    let bad = post(
        &sandbox,
        "/v2/organizations/_search",
        OWNER_TOKEN,
        r#"{"queries":[{}]}"#,
    )
    .await;
    assert_eq!(bad.error_id().as_deref(), Some("ORG-vR9nC"));
    let anonymous = sandbox
        .call("POST", "/v2/organizations/_search", None, Some("{}"))
        .await;
    assert_eq!(anonymous.status, 401);
}
