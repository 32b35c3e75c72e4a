//! Weavr authorised users (WEAVR.md §1–§8) for Multi and Payment Run, through the
//! built-in proxy (`/weavr/…`, what the app calls) and the API itself
//! (`/weavr-upstream/…`).

use sandbox::state::Settings;
use sandbox::test_support::{TestResponse, TestSandbox};
use sandbox::weavr::seed::{ids, ADMIN_ID, ADMIN_TOKEN, CREATOR_TOKEN, IDENTITY_ID};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

const MULTI: &str = "/multi";
const PAYMENT_RUN: &str = "/payment-run/v1";
const UNKNOWN_ID: &str = "110747174434379999";

fn user_ids(body: &Value) -> Vec<String> {
    body["users"]
        .as_array()
        .map(|users| {
            users
                .iter()
                .filter_map(|u| u["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn assert_request_ref(response: &TestResponse) {
    let reference = response.header("request-ref").unwrap_or_default();
    assert!(
        !reference.is_empty(),
        "request-ref missing: {:?}",
        response.headers
    );
}

fn weavr_events(sandbox: &TestSandbox, aggregate_id: &str) -> Vec<String> {
    let aggregate_id = aggregate_id.to_string();
    sandbox
        .store
        .blocking(move |conn| sandbox::events::events_of(conn, "weavr_user", &aggregate_id))
        .expect("events")
        .into_iter()
        .map(|e| e.event_type)
        .collect()
}

#[tokio::test]
async fn multi_lists_users_with_filters_and_paging() {
    let sandbox = TestSandbox::new();
    let response = sandbox
        .weavr("GET", "/multi/users", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    assert_request_ref(&response);
    let body = response.json();
    assert_eq!(body["count"], 6);
    assert_eq!(body["responseCount"], 6);
    assert_eq!(
        body["users"][0],
        json!({
            "id": ids::ADA,
            "identity": {"type": "CORPORATE", "id": IDENTITY_ID},
            "name": "Ada", "surname": "Lovelace", "email": "ada@example.com",
            "mobile": {"countryCode": "+44", "number": "7700900123"},
            "active": true
        })
    );
    let inactive = sandbox
        .weavr("GET", "/multi/users?active=false", Some(ADMIN_TOKEN))
        .await
        .json();
    assert_eq!(user_ids(&inactive), [ids::ALAN, ids::EDSGER]);
    assert_eq!(inactive["users"][0]["active"], false);
    let page = sandbox
        .weavr("GET", "/multi/users?offset=1&limit=2", Some(ADMIN_TOKEN))
        .await
        .json();
    assert_eq!(user_ids(&page), [ids::GRACE, ids::ALAN]);
    assert_eq!(
        (page["count"].clone(), page["responseCount"].clone()),
        (json!(6), json!(2))
    );
    let by_email = sandbox
        .weavr(
            "GET",
            "/multi/users?email=Grace%40example.com",
            Some(ADMIN_TOKEN),
        )
        .await
        .json();
    assert_eq!(user_ids(&by_email), [ids::GRACE]);
    // Multi has no RBAC enabled: a non-admin may list.
    let creator = sandbox
        .weavr("GET", "/multi/users", Some(CREATOR_TOKEN))
        .await;
    assert_eq!(creator.status, 200);
}

#[tokio::test]
async fn paging_out_of_range_is_a_400_with_the_fields() {
    let sandbox = TestSandbox::new();
    for product in [MULTI, PAYMENT_RUN] {
        for query in [
            "limit=0",
            "limit=101",
            "offset=-1",
            "limit=ten",
            "active=yes",
        ] {
            let response = sandbox
                .weavr(
                    "GET",
                    &format!("{product}/users?{query}"),
                    Some(ADMIN_TOKEN),
                )
                .await;
            assert_eq!(response.status, 400, "{product} {query}");
            assert_request_ref(&response);
            let fields = &response.json()["syntaxErrors"]["invalidFields"];
            let name = query.split('=').next().unwrap_or_default();
            assert_eq!(fields[0]["fieldName"], name, "{query}: {fields}");
        }
    }
    let range = sandbox
        .weavr("GET", "/payment-run/v1/users?limit=101", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(
        range.json()["syntaxErrors"]["invalidFields"][0],
        json!({"fieldName": "limit", "error": "RANGE", "params": ["1", "100"]})
    );
}

#[tokio::test]
async fn payment_run_users_need_an_admin() {
    let sandbox = TestSandbox::new();
    let response = sandbox
        .weavr("GET", "/payment-run/v1/users", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(response.status, 200, "{}", response.text);
    let body = response.json();
    assert_eq!(body["count"], 6);
    let katherine = &body["users"][3];
    assert_eq!(katherine["id"], ids::KATHERINE);
    assert_eq!(katherine["buyerId"], IDENTITY_ID);
    assert_eq!(katherine["roles"], json!(["CREATOR", "CONTROLLER"]));
    assert_eq!(
        katherine["addedBy"],
        json!({"rolesNames": ["ADMIN"], "userId": ADMIN_ID})
    );
    assert!(katherine.get("identity").is_none());

    for (method, path) in [
        ("GET", "/payment-run/v1/users".to_string()),
        ("GET", format!("/payment-run/v1/users/{}", ids::ADA)),
        (
            "POST",
            format!("/payment-run/v1/users/{}/deactivate", ids::ADA),
        ),
    ] {
        let denied = sandbox.weavr(method, &path, Some(CREATOR_TOKEN)).await;
        assert_eq!(denied.status, 403, "{path}");
        assert_eq!(
            denied.json(),
            json!({"errorCode": "INSUFFICIENT_PERMISSIONS"})
        );
        assert_request_ref(&denied);
    }
    let ada = sandbox
        .weavr(
            "GET",
            &format!("/payment-run/v1/users/{}", ids::ADA),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(
        ada.json()["active"],
        true,
        "the creator's attempt changed nothing"
    );
}

#[tokio::test]
async fn get_user_and_not_found() {
    let sandbox = TestSandbox::new();
    for product in [MULTI, PAYMENT_RUN] {
        let found = sandbox
            .weavr(
                "GET",
                &format!("{product}/users/{}", ids::ALAN),
                Some(ADMIN_TOKEN),
            )
            .await;
        assert_eq!(found.status, 200);
        assert_eq!(found.json()["active"], false);
        assert_eq!(found.json()["name"], "Alan");
        for action in ["", "/activate", "/deactivate"] {
            let method = if action.is_empty() { "GET" } else { "POST" };
            let missing = sandbox
                .weavr(
                    method,
                    &format!("{product}/users/{UNKNOWN_ID}{action}"),
                    Some(ADMIN_TOKEN),
                )
                .await;
            assert_eq!(missing.status, 404, "{product}{action}");
            assert_eq!(
                missing.json(),
                json!({"code": "NOT_FOUND", "message": "User not found"})
            );
            assert_request_ref(&missing);
        }
    }
}

#[tokio::test]
async fn deactivate_and_activate_answer_204_and_keep_products_apart() {
    let sandbox = TestSandbox::new();
    let path = |product: &str, action: &str| format!("{product}/users/{}/{action}", ids::GRACE);
    let response = sandbox
        .weavr("POST", &path(MULTI, "deactivate"), Some(ADMIN_TOKEN))
        .await;
    assert_eq!(response.status, 204);
    assert_eq!(response.text, "");
    assert_eq!(response.header("content-type"), None);
    assert_request_ref(&response);
    let grace = |product: &'static str| {
        let sandbox = &sandbox;
        async move {
            sandbox
                .weavr(
                    "GET",
                    &format!("{product}/users/{}", ids::GRACE),
                    Some(ADMIN_TOKEN),
                )
                .await
                .json()["active"]
                .clone()
        }
    };
    assert_eq!(grace(MULTI).await, false);
    assert_eq!(
        grace(PAYMENT_RUN).await,
        true,
        "Payment Run has its own rows"
    );

    // Already inactive: 204 again, nothing written (the contract leaves this open).
    let again = sandbox
        .weavr("POST", &path(MULTI, "deactivate"), Some(ADMIN_TOKEN))
        .await;
    assert_eq!(again.status, 204);
    let aggregate = format!("multi:{}", ids::GRACE);
    assert_eq!(
        weavr_events(&sandbox, &aggregate),
        ["weavr.user.added", "weavr.user.deactivated"]
    );

    assert_eq!(
        sandbox
            .weavr("POST", &path(MULTI, "activate"), Some(ADMIN_TOKEN))
            .await
            .status,
        204
    );
    assert_eq!(grace(MULTI).await, true);
    assert_eq!(
        sandbox
            .weavr("POST", &path(MULTI, "activate"), Some(ADMIN_TOKEN))
            .await
            .status,
        204
    );
    assert_eq!(
        weavr_events(&sandbox, &aggregate),
        [
            "weavr.user.added",
            "weavr.user.deactivated",
            "weavr.user.activated"
        ]
    );
    let actor = sandbox
        .store
        .blocking(move |conn| sandbox::events::events_of(conn, "weavr_user", &aggregate))
        .expect("events")[1]
        .actor
        .clone();
    assert_eq!(actor, ADMIN_ID);

    // And the state survives a restart.
    assert_eq!(
        sandbox
            .weavr("POST", &path(PAYMENT_RUN, "deactivate"), Some(ADMIN_TOKEN))
            .await
            .status,
        204
    );
    let sandbox = sandbox.reopen();
    let after = sandbox
        .weavr(
            "GET",
            &format!("{PAYMENT_RUN}/users/{}", ids::GRACE),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(after.json()["active"], false);
}

#[tokio::test]
async fn the_api_itself_wants_the_api_key_and_a_token() {
    let sandbox = TestSandbox::with_settings(Settings {
        weavr_api_key: "test-secret".into(),
        ..Settings::default()
    });
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let path = "/weavr-upstream/multi/users";
    let cases: [(&[(&str, &str)], u16); 5] = [
        (&[("authorization", &bearer)], 401),
        (
            &[
                ("authorization", &bearer),
                ("api-key", "sandbox-weavr-api-key"),
            ],
            401,
        ),
        (&[("api-key", "test-secret")], 401),
        (
            &[("api-key", "test-secret"), ("authorization", "Bearer nope")],
            401,
        ),
        (
            &[("api-key", "test-secret"), ("authorization", &bearer)],
            200,
        ),
    ];
    for (headers, status) in cases {
        let response = sandbox.call_with("GET", path, headers, None).await;
        assert_eq!(response.status, status, "{headers:?}");
        assert_request_ref(&response);
        if status == 401 {
            assert_eq!(response.text, "", "401 has no body");
        }
    }
    // The proxy drops whatever api-key the client sends and adds the server's.
    let proxied = sandbox
        .call_with(
            "GET",
            "/weavr/multi/users",
            &[("authorization", &bearer), ("api-key", "wrong")],
            None,
        )
        .await;
    assert_eq!(proxied.status, 200);
    let no_token = sandbox.weavr("GET", "/multi/users", None).await;
    assert_eq!(no_token.status, 401);
    assert_eq!(no_token.text, "");
}

#[tokio::test]
async fn the_proxy_only_passes_the_listed_paths() {
    let sandbox = TestSandbox::new();
    for path in [
        "/multi/corporates",
        "/multi/usersx",
        "/payment-run/users",
        "/payment-run/v1/buyers",
        "/other/users",
    ] {
        let response = sandbox.weavr("GET", path, Some(ADMIN_TOKEN)).await;
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(response.text, "", "{path}");
    }
    let wrong_method = sandbox
        .weavr(
            "GET",
            &format!("/multi/users/{}/deactivate", ids::ADA),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(wrong_method.status, 405);
}

#[tokio::test]
async fn login_gives_a_token_until_logout() {
    let sandbox = TestSandbox::new();
    for (product, identity, credential) in [
        (MULTI, "CORPORATE", "ROOT"),
        (PAYMENT_RUN, "BUYER", "ADMIN"),
    ] {
        let body = r#"{"email":"root@example.com","password":{"value":"sandbox-password"}}"#;
        let login = sandbox
            .call(
                "POST",
                &format!("/weavr{product}/login_with_password"),
                None,
                Some(body),
            )
            .await;
        assert_eq!(login.status, 200, "{}", login.text);
        assert_request_ref(&login);
        let answer = login.json();
        assert_eq!(answer["tokenType"], "ACCESS");
        assert_eq!(
            answer["identity"],
            json!({"type": identity, "id": IDENTITY_ID})
        );
        assert_eq!(
            answer["credentials"],
            json!({"type": credential, "id": ADMIN_ID})
        );
        let token = answer["token"].as_str().expect("token").to_string();
        assert!(token.len() >= 32);

        let users = sandbox
            .weavr("GET", &format!("{product}/users"), Some(&token))
            .await;
        assert_eq!(users.status, 200);
        let other = if product == MULTI { PAYMENT_RUN } else { MULTI };
        let elsewhere = sandbox
            .weavr("GET", &format!("{other}/users"), Some(&token))
            .await;
        assert_eq!(elsewhere.status, 401, "a login is for one product");

        let logout = sandbox
            .weavr("POST", &format!("{product}/logout"), Some(&token))
            .await;
        assert_eq!(logout.status, 204);
        let after = sandbox
            .weavr("GET", &format!("{product}/users"), Some(&token))
            .await;
        assert_eq!(after.status, 401);
    }
    let wrong = sandbox
        .call(
            "POST",
            "/weavr/multi/login_with_password",
            None,
            Some(r#"{"email":"root@example.com","password":{"value":"guess"}}"#),
        )
        .await;
    assert_eq!(wrong.status, 403);
    assert_eq!(wrong.text, "", "login 403 has no body");
    let broken = sandbox
        .call("POST", "/weavr/multi/login_with_password", None, Some("{}"))
        .await;
    assert_eq!(broken.status, 400);
    // Seeded tokens survive logout, so every test can keep using them.
    assert_eq!(
        sandbox
            .weavr("POST", "/multi/logout", Some(ADMIN_TOKEN))
            .await
            .status,
        204
    );
    assert_eq!(
        sandbox
            .weavr("GET", "/multi/users", Some(ADMIN_TOKEN))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_deactivated_users_token_stops_working_in_that_product() {
    let sandbox = TestSandbox::new();
    let path = format!("/multi/users/{}/deactivate", ids::BARBARA);
    assert_eq!(
        sandbox.weavr("POST", &path, Some(ADMIN_TOKEN)).await.status,
        204
    );
    assert_eq!(
        sandbox
            .weavr("GET", "/multi/users", Some(CREATOR_TOKEN))
            .await
            .status,
        401
    );
    // In Payment Run Barbara is still active: the token works, but she is no admin.
    assert_eq!(
        sandbox
            .weavr("GET", "/payment-run/v1/users", Some(CREATOR_TOKEN))
            .await
            .status,
        403
    );
}

async fn with_reference(
    sandbox: &TestSandbox,
    path: &str,
    reference: &str,
    fault: Option<&str>,
) -> TestResponse {
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let mut headers = vec![
        ("authorization", bearer.as_str()),
        ("idempotency-ref", reference),
    ];
    if let Some(fault) = fault {
        headers.push(("x-sandbox-fault", fault));
    }
    sandbox.call_with("POST", path, &headers, None).await
}

#[tokio::test]
async fn a_completed_duplicate_replays_the_first_answer() {
    let sandbox = TestSandbox::new();
    let deactivate = format!("/weavr/payment-run/v1/users/{}/deactivate", ids::ADA);
    let first = with_reference(&sandbox, &deactivate, "ref-1", None).await;
    assert_eq!(first.status, 204);
    // Another admin reactivates Ada meanwhile; the retry must not deactivate her again.
    let activate = format!("/payment-run/v1/users/{}/activate", ids::ADA);
    assert_eq!(
        sandbox
            .weavr("POST", &activate, Some(ADMIN_TOKEN))
            .await
            .status,
        204
    );
    let retry = with_reference(&sandbox, &deactivate, "ref-1", None).await;
    assert_eq!(retry.status, 204);
    assert_eq!(
        retry.header("request-ref"),
        first.header("request-ref"),
        "the first answer, replayed"
    );
    let ada = sandbox
        .weavr(
            "GET",
            &format!("/payment-run/v1/users/{}", ids::ADA),
            Some(ADMIN_TOKEN),
        )
        .await;
    assert_eq!(ada.json()["active"], true);
    let aggregate = format!("payment-run:{}", ids::ADA);
    assert_eq!(
        weavr_events(&sandbox, &aggregate),
        [
            "weavr.user.added",
            "weavr.user.deactivated",
            "weavr.user.activated"
        ]
    );
    // The same reference on another operation or user is a different request.
    let other = format!("/weavr/payment-run/v1/users/{}/deactivate", ids::GRACE);
    let fresh = with_reference(&sandbox, &other, "ref-1", None).await;
    assert_ne!(fresh.header("request-ref"), first.header("request-ref"));
    // Multi accepts the header too.
    let multi = format!("/weavr/multi/users/{}/deactivate", ids::ADA);
    let a = with_reference(&sandbox, &multi, "ref-m", None).await;
    let b = with_reference(&sandbox, &multi, "ref-m", None).await;
    assert_eq!(a.status, 204);
    assert_eq!(b.status, 204);
    assert_eq!(a.header("request-ref"), b.header("request-ref"));
    // Failed answers are not remembered.
    let missing = format!("/weavr/payment-run/v1/users/{UNKNOWN_ID}/deactivate");
    assert_eq!(
        with_reference(&sandbox, &missing, "ref-x", None)
            .await
            .status,
        404
    );
    let before = sandbox.state.idempotency.len();
    assert_eq!(
        with_reference(&sandbox, &missing, "ref-x", None)
            .await
            .status,
        404
    );
    assert_eq!(sandbox.state.idempotency.len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_during_the_first_request_gets_409() {
    let sandbox = Arc::new(TestSandbox::new());
    let path = format!("/weavr/payment-run/v1/users/{}/deactivate", ids::KATHERINE);
    // The latency fault holds the first request after its reference is registered.
    let first = {
        let (sandbox, path) = (sandbox.clone(), path.clone());
        tokio::spawn(async move {
            with_reference(&sandbox, &path, "ref-slow", Some("latency=800")).await
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    let duplicate = with_reference(&sandbox, &path, "ref-slow", None).await;
    assert_eq!(duplicate.status, 409);
    assert_eq!(
        duplicate.json(),
        json!({"errorCode": "IDEMPOTENT_REQUEST_IN_PROGRESS"})
    );
    assert_eq!(
        duplicate.header("request-ref"),
        None,
        "no request-ref on 409"
    );
    let first = first.await.expect("first request");
    assert_eq!(first.status, 204);
    let replay = with_reference(&sandbox, &path, "ref-slow", None).await;
    assert_eq!(replay.status, 204);
    assert_eq!(replay.header("request-ref"), first.header("request-ref"));
    let aggregate = format!("payment-run:{}", ids::KATHERINE);
    assert_eq!(
        weavr_events(&sandbox, &aggregate),
        ["weavr.user.added", "weavr.user.deactivated"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_the_client_gave_up_on_still_completes_once() {
    let sandbox = TestSandbox::new();
    let path = format!("/weavr/payment-run/v1/users/{}/deactivate", ids::BARBARA);
    // The browser times out while the server is still working, and drops the request.
    let gave_up = tokio::time::timeout(
        Duration::from_millis(150),
        with_reference(&sandbox, &path, "ref-timeout", Some("latency=500")),
    )
    .await;
    assert!(gave_up.is_err(), "the client stopped waiting");
    // Retried at once: the first is still running.
    assert_eq!(
        with_reference(&sandbox, &path, "ref-timeout", None)
            .await
            .status,
        409
    );
    // Retried later: the first finished all the same, and its answer is replayed.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        with_reference(&sandbox, &path, "ref-timeout", None)
            .await
            .status,
        204
    );
    let aggregate = format!("payment-run:{}", ids::BARBARA);
    assert_eq!(
        weavr_events(&sandbox, &aggregate),
        ["weavr.user.added", "weavr.user.deactivated"],
        "deactivated exactly once"
    );
}
