//! What a pasted list needs of the sandbox: GetMyUser (`GET /auth/v1/users/me`,
//! `internal/api/grpc/auth/user.go`) names the caller's own user, and ListUsers'
//! exact queries (`internal/query/search_query.go`) find every user of a shared
//! email and none by a prefix.

use sandbox::seed::{ids, ACME_MANAGER_TOKEN, ACME_ORG_ID, OWNER_TOKEN, SHARED_EMAIL};
use sandbox::test_support::{default_values, TestSandbox};
use serde_json::Value;

#[tokio::test]
async fn my_user_is_the_tokens_user() {
    let sandbox = TestSandbox::new();
    let owner = sandbox
        .call("GET", "/auth/v1/users/me", Some(OWNER_TOKEN), None)
        .await;
    assert_eq!(owner.status, 200, "{}", owner.text);
    let body = owner.json();
    assert!(default_values(&body).is_empty(), "{body}");
    let user = &body["user"];
    assert_eq!(user["id"], ids::CONSOLE_ADMIN);
    assert_eq!(user["userName"], "console-admin");
    assert_eq!(user["state"], "USER_STATE_ACTIVE");
    assert_eq!(user["preferredLoginName"], "console-admin@acme.example.com");
    assert_eq!(user["details"]["resourceOwner"], ACME_ORG_ID);
    assert!(user["machine"]["name"].is_string() && user.get("human").is_none());

    let manager = sandbox
        .call("GET", "/auth/v1/users/me", Some(ACME_MANAGER_TOKEN), None)
        .await;
    assert_eq!(manager.json()["user"]["id"], ids::ACME_USER_MANAGER);

    let nobody = sandbox.call("GET", "/auth/v1/users/me", None, None).await;
    assert_eq!(nobody.status, 401);
}

fn ids_of(body: &Value) -> Vec<String> {
    let mut ids: Vec<String> = body["result"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|u| u["userId"].as_str().map(str::to_string))
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn exact_queries_find_a_shared_email_twice_and_never_a_prefix() {
    let sandbox = TestSandbox::new();
    let search = |email: &str, login: &str, id: &str| {
        format!(
            r#"{{"query":{{"limit":100}},"queries":[{{"orQuery":{{"queries":[
            {{"emailQuery":{{"emailAddress":"{email}","method":"TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE"}}}},
            {{"loginNameQuery":{{"loginName":"{login}","method":"TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE"}}}},
            {{"inUserIdsQuery":{{"userIds":["{id}"]}}}}]}}}}]}}"#
        )
    };
    let shared = sandbox
        .list_users(&search(&SHARED_EMAIL.to_uppercase(), "x", "x"), OWNER_TOKEN)
        .await;
    assert_eq!(shared.status, 200, "{}", shared.text);
    assert_eq!(ids_of(&shared.json()), [ids::CHIP, ids::DALE]);

    let by_login_and_id = sandbox
        .list_users(
            &search("x", "Minnie-Mouse@acme.example.com", ids::DONALD),
            OWNER_TOKEN,
        )
        .await;
    assert_eq!(ids_of(&by_login_and_id.json()), [ids::MINNIE, ids::DONALD]);

    // A prefix of each matches nothing.
    let prefixes = sandbox
        .list_users(
            &search(
                "rescue-rangers@acme",
                "minnie-mouse@acme",
                "22600000000000000",
            ),
            OWNER_TOKEN,
        )
        .await;
    assert_eq!(ids_of(&prefixes.json()), Vec::<String>::new());
}

#[tokio::test]
async fn an_exact_login_name_is_user_name_at_domain_whatever_the_user_name_holds() {
    let sandbox = TestSandbox::new();
    let find = |login: &str, method: &str| {
        format!(
            r#"{{"queries":[{{"loginNameQuery":{{"loginName":"{login}","method":"{method}"}}}}]}}"#
        )
    };
    let cases = [
        // A user name that is itself an address: the last `@` starts the domain.
        (
            "admin@acme.example@acme.example.com",
            "TEXT_QUERY_METHOD_EQUALS",
            vec![ids::ADA_ADMIN],
        ),
        (
            "ADMIN@acme.example@ACME.example.com",
            "TEXT_QUERY_METHOD_EQUALS",
            vec![],
        ),
        (
            "ADMIN@acme.example@ACME.example.com",
            "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE",
            vec![ids::ADA_ADMIN],
        ),
        (
            "minnie-mouse@acme.example.com",
            "TEXT_QUERY_METHOD_EQUALS",
            vec![ids::MINNIE],
        ),
        (
            "minnie-mouse",
            "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE",
            vec![],
        ),
        (
            "minnie-mouse@acme",
            "TEXT_QUERY_METHOD_EQUALS_IGNORE_CASE",
            vec![],
        ),
        // Other methods still compare the whole login name.
        (
            "minnie-mouse@acme",
            "TEXT_QUERY_METHOD_STARTS_WITH",
            vec![ids::MINNIE],
        ),
    ];
    for (login, method, expected) in cases {
        let response = sandbox.list_users(&find(login, method), OWNER_TOKEN).await;
        assert_eq!(response.status, 200, "{login}: {}", response.text);
        assert_eq!(ids_of(&response.json()), expected, "{login} {method}");
    }
}
