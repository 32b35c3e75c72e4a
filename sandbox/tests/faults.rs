//! Faults on demand: per request (`x-sandbox-fault`), armed (`/debug/faults`) and for
//! the whole server (`--fault`).

use axum::body::Body;
use axum::http::Request;
use sandbox::seed::{ids, OWNER_TOKEN};
use sandbox::state::Settings;
use sandbox::test_support::{raw_http, TestResponse, TestSandbox};
use sandbox::weavr::seed::ADMIN_TOKEN;
use serde_json::json;
use std::time::{Duration, Instant};

const APP_ORIGIN: &str = "http://127.0.0.1:38421";

async fn with_fault(
    sandbox: &TestSandbox,
    method: &str,
    path: &str,
    token: Option<&str>,
    fault: &str,
) -> TestResponse {
    let auth = token.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("x-sandbox-fault", fault)];
    if let Some(auth) = auth.as_deref() {
        headers.push(("authorization", auth));
    }
    let body = (method == "POST").then_some("{}");
    sandbox.call_with(method, path, &headers, body).await
}

async fn minnie_state(sandbox: &TestSandbox) -> serde_json::Value {
    sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.json()["user"]["state"].clone()
}

#[tokio::test]
async fn status_faults_answer_in_the_providers_style_and_write_nothing() {
    let sandbox = TestSandbox::new();
    let lock = format!("/v2/users/{}/lock", ids::MINNIE);
    let unavailable = with_fault(&sandbox, "POST", &lock, Some(OWNER_TOKEN), "status=503").await;
    assert_eq!(unavailable.status, 503);
    assert_eq!(unavailable.header("content-type"), Some("application/json"));
    assert_eq!(
        unavailable.json(),
        json!({"code": 14, "message": "sandbox fault: Service Unavailable"})
    );
    assert_eq!(
        minnie_state(&sandbox).await,
        "USER_STATE_ACTIVE",
        "the handler never ran"
    );

    // Before auth: no token needed to get the fault.
    let no_token = with_fault(&sandbox, "POST", &lock, None, "status=500,nobody").await;
    assert_eq!(no_token.status, 500);
    assert_eq!(no_token.text, "");

    let weavr_cases = [
        (
            "status=404",
            404,
            Some(json!({"code": "NOT_FOUND", "message": "sandbox fault"})),
            true,
        ),
        (
            "status=403",
            403,
            Some(json!({"errorCode": "INSUFFICIENT_PERMISSIONS"})),
            true,
        ),
        (
            "status=409",
            409,
            Some(json!({"errorCode": "IDEMPOTENT_REQUEST_IN_PROGRESS"})),
            false,
        ),
        (
            "status=400",
            400,
            Some(json!({"message": "sandbox fault"})),
            true,
        ),
        ("status=503", 503, None, true),
        ("status=400,nobody", 400, None, true),
    ];
    let path = format!(
        "/weavr/multi/users/{}/deactivate",
        sandbox::weavr::seed::ids::ADA
    );
    for (fault, status, body, request_ref) in weavr_cases {
        let response = with_fault(&sandbox, "POST", &path, Some(ADMIN_TOKEN), fault).await;
        assert_eq!(response.status, status, "{fault}");
        match body {
            Some(body) => assert_eq!(response.json(), body, "{fault}"),
            None => assert_eq!(response.text, "", "{fault}"),
        }
        assert_eq!(
            response.header("request-ref").is_some(),
            request_ref,
            "{fault}"
        );
    }
    let ada = sandbox
        .weavr("GET", "/multi/users/110747174434373672", Some(ADMIN_TOKEN))
        .await;
    assert_eq!(ada.json()["active"], true);
}

#[tokio::test]
async fn rate_limits_carry_retry_after() {
    let sandbox = TestSandbox::new();
    let zitadel = with_fault(
        &sandbox,
        "GET",
        "/v2/users/1",
        Some(OWNER_TOKEN),
        "retry-after=7",
    )
    .await;
    assert_eq!(zitadel.status, 429);
    assert_eq!(zitadel.header("retry-after"), Some("7"));
    assert_eq!(zitadel.error_code(), Some(8));
    let weavr = with_fault(
        &sandbox,
        "GET",
        "/weavr/payment-run/v1/users",
        Some(ADMIN_TOKEN),
        "retry-after=9",
    )
    .await;
    assert_eq!(weavr.status, 429);
    assert_eq!(weavr.text, "");
    assert_eq!(weavr.header("retry-after"), Some("9"));
    assert_eq!(weavr.header("x-ratelimit-reset"), Some("9"));
    assert!(weavr.header("x-ratelimit-limit").is_some());
    assert!(weavr.header("request-ref").is_some());
    let unavailable = with_fault(
        &sandbox,
        "GET",
        "/v2/users/1",
        None,
        "status=503;retry-after=2",
    )
    .await;
    assert_eq!(
        (
            unavailable.status.as_u16(),
            unavailable.header("retry-after")
        ),
        (503, Some("2"))
    );
}

#[tokio::test]
async fn broken_bodies() {
    let sandbox = TestSandbox::new();
    let path = format!("/v2/users/{}", ids::MINNIE);
    for provider_path in [path.as_str(), "/weavr/multi/users"] {
        let truncated = with_fault(
            &sandbox,
            "GET",
            provider_path,
            Some(OWNER_TOKEN),
            "truncate",
        )
        .await;
        assert_eq!(truncated.status, 200);
        assert_eq!(truncated.header("content-type"), Some("application/json"));
        assert!(truncated.text.starts_with('{'));
        assert!(
            serde_json::from_str::<serde_json::Value>(&truncated.text).is_err(),
            "{}",
            truncated.text
        );
    }
    let oops = with_fault(&sandbox, "GET", &path, Some(OWNER_TOKEN), "non-json").await;
    assert_eq!((oops.status.as_u16(), oops.text.as_str()), (200, "oops"));
    assert!(oops
        .header("content-type")
        .unwrap_or_default()
        .starts_with("text/plain"));
    let html = with_fault(&sandbox, "GET", &path, Some(OWNER_TOKEN), "html=502").await;
    assert_eq!(html.status, 502);
    assert_eq!(html.header("content-type"), Some("text/html"));
    assert!(html.text.contains("<title>502 Bad Gateway</title>") && html.text.contains("nginx"));
    let shape = with_fault(&sandbox, "GET", &path, Some(OWNER_TOKEN), "wrong-shape").await;
    assert_eq!(shape.status, 200);
    assert_eq!(shape.json(), json!({"unexpected": true}));
}

#[tokio::test]
async fn latency_delays_then_runs_the_real_handler() {
    let sandbox = TestSandbox::new();
    let started = Instant::now();
    let lock = format!("/v2/users/{}/lock", ids::MINNIE);
    let response = with_fault(&sandbox, "POST", &lock, Some(OWNER_TOKEN), "latency=300").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status, 200, "{}", response.text);
    assert_eq!(minnie_state(&sandbox).await, "USER_STATE_LOCKED");
    // Combined: the delay, then the fault's answer.
    let started = Instant::now();
    let combined = with_fault(
        &sandbox,
        "GET",
        "/weavr/multi/users",
        Some(ADMIN_TOKEN),
        "latency=200;status=502",
    )
    .await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(combined.status, 502);
    // Weavr: the delay is served inside the API, after auth.
    let started = Instant::now();
    let weavr = with_fault(
        &sandbox,
        "GET",
        "/weavr/multi/users",
        Some(ADMIN_TOKEN),
        "latency=200",
    )
    .await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(weavr.status, 200);
    // Also where the request never reaches the Weavr API.
    let started = Instant::now();
    let refused = with_fault(
        &sandbox,
        "GET",
        "/weavr/multi/corporates",
        None,
        "latency=200",
    )
    .await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(
        started.elapsed() < Duration::from_millis(390),
        "served once"
    );
    assert_eq!(refused.status, 404);
}

#[tokio::test]
async fn drop_closes_the_connection_without_an_answer() {
    let sandbox = TestSandbox::new();
    let address = sandbox.serve_tcp().await;
    let auth = format!("Bearer {OWNER_TOKEN}");
    let path = format!("/v2/users/{}/lock", ids::MINNIE);
    for target in [path.as_str(), "/weavr/multi/users"] {
        let headers = [
            ("authorization", auth.as_str()),
            ("x-sandbox-fault", "drop"),
        ];
        let answer = raw_http(address, "POST", target, &headers, Some("{}"))
            .await
            .expect("connect");
        assert!(answer.is_none(), "{target}: {answer:?}");
    }
    assert_eq!(minnie_state(&sandbox).await, "USER_STATE_ACTIVE");
    // The server is fine afterwards.
    let ok = raw_http(address, "GET", "/debug/healthz", &[], None)
        .await
        .expect("connect");
    assert_eq!(ok.map(|r| r.status), Some(200));
}

#[tokio::test]
async fn armed_faults_hit_the_next_matching_requests_then_disarm() {
    let sandbox = TestSandbox::new();
    let arm = json!({
        "pathPrefix": format!("/v2/users/{}", ids::MICKEY),
        "method": "post",
        "fault": "status=503",
        "times": 2
    })
    .to_string();
    let armed = sandbox
        .call("POST", "/debug/faults", None, Some(&arm))
        .await;
    assert_eq!(armed.status, 200, "{}", armed.text);
    assert_eq!(armed.json()["armed"]["remaining"], 2);
    assert_eq!(armed.json()["armed"]["method"], "POST");

    // Other methods and paths are not hit.
    assert_eq!(sandbox.get_user(ids::MICKEY, OWNER_TOKEN).await.status, 200);
    assert_eq!(
        sandbox.act(ids::MINNIE, "lock", OWNER_TOKEN).await.status,
        200
    );
    assert_eq!(
        sandbox.act(ids::MICKEY, "lock", OWNER_TOKEN).await.status,
        503
    );
    let listed = sandbox
        .call("GET", "/debug/faults", None, None)
        .await
        .json();
    assert_eq!(listed["armed"][0]["remaining"], 1);
    assert_eq!(listed["armed"][0]["fault"], "status=503");
    assert_eq!(listed["serverFault"], serde_json::Value::Null);
    assert_eq!(
        sandbox.act(ids::MICKEY, "lock", OWNER_TOKEN).await.status,
        503
    );
    assert_eq!(
        sandbox.act(ids::MICKEY, "lock", OWNER_TOKEN).await.status,
        200,
        "disarmed"
    );
    assert_eq!(
        sandbox
            .call("GET", "/debug/faults", None, None)
            .await
            .json()["armed"],
        json!([])
    );

    // DELETE clears everything; bad requests are refused with a reason.
    let again = json!({"pathPrefix": "/weavr/", "fault": "html=502"}).to_string();
    assert_eq!(
        sandbox
            .call("POST", "/debug/faults", None, Some(&again))
            .await
            .status,
        200
    );
    let cleared = sandbox.call("DELETE", "/debug/faults", None, None).await;
    assert_eq!(cleared.json(), json!({"cleared": 1}));
    assert_eq!(
        sandbox
            .weavr("GET", "/multi/users", Some(ADMIN_TOKEN))
            .await
            .status,
        200
    );
    for bad in [
        json!({"fault": "status=503"}),
        json!({"pathPrefix": "v2", "fault": "status=503"}),
        json!({"pathPrefix": "/v2", "fault": "explode"}),
        json!({"pathPrefix": "/v2", "fault": "status=503", "times": 0}),
    ] {
        let response = sandbox
            .call("POST", "/debug/faults", None, Some(&bad.to_string()))
            .await;
        assert_eq!(response.status, 400, "{bad}");
        assert!(response.json()["error"].is_string());
    }
}

#[tokio::test]
async fn a_server_wide_fault_spares_the_debug_paths_and_yields_to_the_header() {
    let sandbox = TestSandbox::with_settings(Settings {
        fault: Some("status=503".parse().expect("spec")),
        ..Settings::default()
    });
    assert_eq!(sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await.status, 503);
    assert_eq!(
        sandbox
            .weavr("GET", "/multi/users", Some(ADMIN_TOKEN))
            .await
            .status,
        503
    );
    assert_eq!(
        sandbox
            .call("GET", "/debug/healthz", None, None)
            .await
            .status,
        200
    );
    assert_eq!(
        sandbox
            .call("GET", "/debug/faults", None, None)
            .await
            .json()["serverFault"],
        "status=503"
    );
    let path = format!("/v2/users/{}", ids::MINNIE);
    let overridden = with_fault(&sandbox, "GET", &path, Some(OWNER_TOKEN), "latency=0").await;
    assert_eq!(overridden.status, 200);
}

#[tokio::test]
async fn a_bad_fault_header_is_a_400_that_says_why() {
    let sandbox = TestSandbox::new();
    let response = with_fault(
        &sandbox,
        "GET",
        "/v2/users/1",
        Some(OWNER_TOKEN),
        "status=abc",
    )
    .await;
    assert_eq!(response.status, 400);
    assert!(
        response.text.contains("x-sandbox-fault"),
        "{}",
        response.text
    );
}

#[tokio::test]
async fn faults_are_usable_from_another_origin() {
    let sandbox = TestSandbox::new();
    let preflight = Request::builder()
        .method("OPTIONS")
        .uri("/debug/faults")
        .header("origin", APP_ORIGIN)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .body(Body::empty())
        .expect("request");
    let response = sandbox.send(preflight).await;
    assert!(response.status.is_success());
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );

    // A fault's answer carries the CORS headers, so the app can read it.
    let faulted = Request::builder()
        .uri("/v2/users/1")
        .header("origin", APP_ORIGIN)
        .header("x-sandbox-fault", "status=502")
        .body(Body::empty())
        .expect("request");
    let response = sandbox.send(faulted).await;
    assert_eq!(response.status, 502);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
}
