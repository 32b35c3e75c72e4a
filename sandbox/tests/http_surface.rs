//! Routing errors, CORS and the static app, through the whole router.

use axum::body::Body;
use axum::http::Request;
use sandbox::seed::{ids, OWNER_TOKEN};
use sandbox::test_support::{TempDir, TestSandbox};
use serde_json::json;

const APP_ORIGIN: &str = "http://127.0.0.1:38421";

#[tokio::test]
async fn health_check_needs_no_token() {
    let sandbox = TestSandbox::new();
    let response = sandbox.call("GET", "/debug/healthz", None, None).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.text, "ok");
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_answer_like_the_gateway() {
    let sandbox = TestSandbox::new();
    for path in ["/v2/nothing-here", "/management/v1/nope", "/", "/users/123"] {
        let response = sandbox.call("GET", path, Some(OWNER_TOKEN), None).await;
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert_eq!(response.json(), json!({"code": 5, "message": "Not Found"}));
    }
    let path = format!("/v2/users/{}", ids::MINNIE);
    // Answered before auth, like the gateway's router.
    for (method, path) in [("PUT", path.as_str()), ("GET", "/v2/users/1/lock")] {
        let response = sandbox.call(method, path, None, None).await;
        assert_eq!(response.status, 405, "{method} {path}");
        assert_eq!(
            response.json(),
            json!({"code": 12, "message": "Method Not Allowed"})
        );
    }
}

#[tokio::test]
async fn cors_preflight_allows_any_origin_with_credentials() {
    let sandbox = TestSandbox::new();
    let request = Request::builder()
        .method("OPTIONS")
        .uri(format!("/v2/users/{}/deactivate", ids::MINNIE))
        .header("origin", APP_ORIGIN)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type,x-zitadel-orgid",
        )
        .body(Body::empty())
        .expect("request");
    let response = sandbox.send(request).await;
    assert!(response.status.is_success(), "{}", response.status);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    assert_eq!(
        response.header("access-control-allow-credentials"),
        Some("true")
    );
    let methods = response
        .header("access-control-allow-methods")
        .unwrap_or_default();
    for method in ["OPTIONS", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] {
        assert!(methods.contains(method), "{method} in {methods}");
    }
    // Exactly ZITADEL's `DefaultCORSOptions` (`cors_interceptor.go`, v4.13.1): no
    // sandbox or Weavr header on ZITADEL's paths.
    let headers = response
        .header("access-control-allow-headers")
        .unwrap_or_default();
    let mut allowed: Vec<&str> = headers.split(',').map(str::trim).collect();
    allowed.sort_unstable();
    assert_eq!(
        allowed,
        [
            "accept",
            "accept-language",
            "authorization",
            "connect-protocol-version",
            "connect-timeout-ms",
            "content-type",
            "grpc-timeout",
            "origin",
            "x-grpc-web",
            "x-requested-with",
            "x-user-agent",
            "x-zitadel-orgid",
        ]
    );
}

#[tokio::test]
async fn cors_headers_are_on_answers_and_errors() {
    let sandbox = TestSandbox::new();
    for (token, status) in [(Some(OWNER_TOKEN), 200), (None, 401)] {
        let mut request = Request::builder()
            .uri(format!("/v2/users/{}", ids::MINNIE))
            .header("origin", APP_ORIGIN);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let response = sandbox
            .send(request.body(Body::empty()).expect("request"))
            .await;
        assert_eq!(response.status, status);
        assert_eq!(
            response.header("access-control-allow-origin"),
            Some(APP_ORIGIN)
        );
        assert_eq!(
            response.header("access-control-allow-credentials"),
            Some("true")
        );
        // Exactly ZITADEL's: `Retry-After` is not readable cross-origin.
        let exposed = response
            .header("access-control-expose-headers")
            .unwrap_or_default();
        let exposed: Vec<&str> = exposed.split(',').map(str::trim).collect();
        assert_eq!(
            exposed,
            [
                "location",
                "content-length",
                "grpc-status",
                "grpc-message",
                "grpc-status-details-bin",
            ]
        );
    }
}

#[tokio::test]
async fn cors_allows_the_weavr_and_fault_headers() {
    let sandbox = TestSandbox::new();
    let request = Request::builder()
        .method("OPTIONS")
        .uri("/weavr/payment-run/v1/users/110747174434373672/deactivate")
        .header("origin", APP_ORIGIN)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,idempotency-ref,x-sandbox-fault",
        )
        .body(Body::empty())
        .expect("request");
    let response = sandbox.send(request).await;
    assert!(response.status.is_success(), "{}", response.status);
    let allowed = response
        .header("access-control-allow-headers")
        .unwrap_or_default();
    for header in ["idempotency-ref", "x-sandbox-fault"] {
        assert!(
            allowed.split(',').any(|h| h.trim() == header),
            "{header} in {allowed}"
        );
    }
    let request = Request::builder()
        .uri("/weavr/multi/users")
        .header("origin", APP_ORIGIN)
        .body(Body::empty())
        .expect("request");
    let weavr = sandbox.send(request).await;
    assert_eq!(weavr.status, 401);
    let exposed = weavr
        .header("access-control-expose-headers")
        .unwrap_or_default();
    for header in [
        "request-ref",
        "x-ratelimit-limit",
        "x-ratelimit-reset",
        "retry-after",
    ] {
        assert!(
            exposed.split(',').any(|h| h.trim() == header),
            "{header} in {exposed}"
        );
    }
    // Weavr paths never fall back to the app: an unknown one is a bare 404.
    let unknown = sandbox.call("GET", "/weavr/nowhere", None, None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.text, "");
}

fn built_app() -> TempDir {
    let dir = TempDir::new("app");
    std::fs::write(dir.path().join("index.html"), "<html>the app</html>").expect("write");
    std::fs::write(dir.path().join("config.json"), r#"{"provider":"zitadel"}"#).expect("write");
    std::fs::write(dir.path().join("app-1a2b.wasm"), "wasm").expect("write");
    dir
}

#[tokio::test]
async fn serves_the_app_with_spa_fallback() {
    let app = built_app();
    let sandbox = TestSandbox::with_options(Some(app.path().to_path_buf()), 0);

    for path in ["/", "/index.html", "/users/123", "/users/123/grants?tab=1"] {
        let response = sandbox.call("GET", path, None, None).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.text, "<html>the app</html>", "{path}");
        assert_eq!(response.header("cache-control"), Some("no-cache"), "{path}");
    }
    let config = sandbox.call("GET", "/config.json", None, None).await;
    assert_eq!(config.status, 200);
    assert_eq!(config.text, r#"{"provider":"zitadel"}"#);
    assert_eq!(config.header("cache-control"), Some("no-cache"));

    let wasm = sandbox.call("GET", "/app-1a2b.wasm", None, None).await;
    assert_eq!(wasm.status, 200);
    assert_eq!(wasm.text, "wasm");
    assert_eq!(wasm.header("cache-control"), None);

    // API paths never fall back to the app.
    let api = sandbox.call("GET", "/v2/unknown", None, None).await;
    assert_eq!(api.status, 404);
    assert_eq!(api.json(), json!({"code": 5, "message": "Not Found"}));
    let user = sandbox.get_user(ids::MINNIE, OWNER_TOKEN).await;
    assert_eq!(user.status, 200);
}
