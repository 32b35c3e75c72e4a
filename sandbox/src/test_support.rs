//! Helpers for the sandbox's tests: a seeded sandbox in a temporary directory, driven
//! in-process through the router (no sockets), and small request helpers.

use crate::db::Store;
use crate::router;
use crate::server::open_database;
use crate::state::{AppState, Settings};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

/// A directory under the system temp dir, removed on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "sandbox-{label}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        // A leftover from an earlier, killed run with the same pid is stale.
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A freshly seeded sandbox on its own database file.
pub struct TestSandbox {
    pub dir: TempDir,
    pub store: Store,
    /// The state the router runs on (settings, armed faults, idempotency records).
    pub state: AppState,
    router: Router,
    serve_dir: Option<PathBuf>,
}

impl TestSandbox {
    pub fn new() -> Self {
        Self::with_options(None, 0)
    }

    /// `serve_dir`: the app directory to serve (`--serve`); `extra_users`: `--seed N`.
    pub fn with_options(serve_dir: Option<PathBuf>, extra_users: u32) -> Self {
        Self::build(serve_dir, extra_users, Settings::default())
    }

    /// A sandbox with the given command-line settings.
    pub fn with_settings(settings: Settings) -> Self {
        Self::build(None, 0, settings)
    }

    fn build(serve_dir: Option<PathBuf>, extra_users: u32, settings: Settings) -> Self {
        let dir = TempDir::new("test");
        let store = open_database(&dir.path().join("sandbox.sqlite"), false, extra_users)
            .expect("open test database");
        let state = AppState::new(store.clone(), settings);
        let router = router::app_with(state.clone(), serve_dir.clone());
        TestSandbox {
            dir,
            store,
            state,
            router,
            serve_dir,
        }
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.path().join("sandbox.sqlite")
    }

    /// Closes the database and opens the same file again, as a restart would.
    pub fn reopen(self) -> Self {
        let TestSandbox {
            dir,
            store,
            state,
            router,
            serve_dir,
        } = self;
        let settings = (*state.settings).clone();
        drop(router);
        drop(state);
        drop(store);
        let store = open_database(&dir.path().join("sandbox.sqlite"), false, 0)
            .expect("reopen test database");
        let state = AppState::new(store.clone(), settings);
        let router = router::app_with(state.clone(), serve_dir.clone());
        TestSandbox {
            dir,
            store,
            state,
            router,
            serve_dir,
        }
    }

    /// Serves the sandbox on a free port of 127.0.0.1 from a background task, for
    /// tests that need real connections; returns the address.
    pub async fn serve_tcp(&self) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let address = listener.local_addr().expect("local address");
        let router = self.router.clone();
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        address
    }

    /// Sends any request through the whole application (CORS, routing, auth).
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router never fails");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("read response body");
        TestResponse {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// A request with an optional bearer token and an optional JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
        self.send(request.body(body).expect("valid request")).await
    }

    /// Changes the sandbox's switches at run time (`POST /debug/settings`), as
    /// `{"userSchemaFeature":false}`.
    pub async fn settings(&self, settings: &str) -> TestResponse {
        self.call("POST", "/debug/settings", None, Some(settings))
            .await
    }

    pub async fn get_user(&self, user_id: &str, token: &str) -> TestResponse {
        self.call("GET", &format!("/v2/users/{user_id}"), Some(token), None)
            .await
    }

    /// `POST /v2/users/{id}/{action}` with `{}`, or `DELETE` for `action == "delete"`.
    pub async fn act(&self, user_id: &str, action: &str, token: &str) -> TestResponse {
        if action == "delete" {
            self.call("DELETE", &format!("/v2/users/{user_id}"), Some(token), None)
                .await
        } else {
            self.call(
                "POST",
                &format!("/v2/users/{user_id}/{action}"),
                Some(token),
                Some("{}"),
            )
            .await
        }
    }

    pub async fn list_users(&self, request: &str, token: &str) -> TestResponse {
        self.call("POST", "/v2/users", Some(token), Some(request))
            .await
    }

    /// A request with any headers and an optional body (sent as JSON).
    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
        self.send(request.body(body).expect("valid request")).await
    }

    /// A call through the built-in Weavr proxy, as the app makes it: `path` is the
    /// part after `/weavr`, e.g. `/multi/users`.
    pub async fn weavr(&self, method: &str, path: &str, token: Option<&str>) -> TestResponse {
        let auth = token.map(|t| format!("Bearer {t}"));
        let headers: Vec<(&str, &str)> = auth
            .as_deref()
            .map(|a| vec![("authorization", a)])
            .unwrap_or_default();
        self.call_with(method, &format!("/weavr{path}"), &headers, None)
            .await
    }
}

impl Default for TestSandbox {
    fn default() -> Self {
        Self::new()
    }
}

/// A response read in full.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.text))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `details[0].id` of an error body.
    pub fn error_id(&self) -> Option<String> {
        self.json()["details"][0]["id"].as_str().map(str::to_string)
    }

    /// `code` (the gRPC code) of an error body.
    pub fn error_code(&self) -> Option<i64> {
        self.json()["code"].as_i64()
    }
}

/// An answer read from a real connection.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }
}

/// One HTTP/1.1 request over a new TCP connection (`Connection: close`). A body is
/// sent as JSON unless `headers` give a `Content-Type`. `Ok(None)` when the server
/// closed the connection without answering.
pub async fn raw_http(
    address: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> std::io::Result<Option<RawResponse>> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.unwrap_or_default();
    let typed = headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    if !body.is_empty() && !typed {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await?;
    let mut bytes = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut bytes)).await;
    match read {
        Ok(Ok(_)) => {}
        Ok(Err(err)) if err.kind() == std::io::ErrorKind::ConnectionReset => return Ok(None),
        Ok(Err(err)) => return Err(err),
        Err(_) => return Err(std::io::Error::other("no answer within 30 s")),
    }
    if bytes.is_empty() {
        return Ok(None);
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((text.as_str(), ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line in {head}")))?;
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect::<Vec<_>>();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Ok(Some(RawResponse {
        status,
        headers,
        body,
    }))
}

/// Joins the chunks of a chunked body.
fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}

/// Fields with presence that ZITADEL always sets: the proto3 `optional` fields of
/// `zitadel.user.v2.HumanProfile` (`proto/zitadel/user/v2/user.proto`), which `humanToPb`
/// (`internal/api/grpc/user/v2/convert/human.go`) fills even when empty. protojson writes
/// them with their default value (`""`, `GENDER_UNSPECIFIED`), so they are no drift.
const ALWAYS_SET_PROFILE_FIELDS: [&str; 4] =
    ["nickName", "displayName", "preferredLanguage", "gender"];

/// Every string, number, bool, array and object in `value` that grpc-gateway would
/// have left out as a default value, as JSON paths. Empty means the body is clean.
/// Fields with presence that the server always sets ([`ALWAYS_SET_PROFILE_FIELDS`])
/// are not defaults left in: protojson writes them.
pub fn default_values(value: &serde_json::Value) -> Vec<String> {
    fn walk(value: &serde_json::Value, path: String, found: &mut Vec<String>) {
        use serde_json::Value::*;
        let always_set = path.rsplit_once('.').is_some_and(|(parent, field)| {
            parent.ends_with(".human.profile") && ALWAYS_SET_PROFILE_FIELDS.contains(&field)
        });
        let is_default = !always_set
            && match value {
                Null => true,
                Bool(b) => !b,
                Number(n) => n.as_f64() == Some(0.0),
                String(s) => s.is_empty() || s.ends_with("_UNSPECIFIED") || s == "0",
                Array(items) => items.is_empty(),
                Object(_) => false,
            };
        if is_default {
            found.push(path.clone());
        }
        match value {
            Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{path}[{i}]"), found);
                }
            }
            Object(fields) => {
                for (key, item) in fields {
                    walk(item, format!("{path}.{key}"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(value, "$".to_string(), &mut found);
    found
}

/// A `google.protobuf.Timestamp` as protojson writes it, read as a point in time.
/// Compare these, never the strings: protojson drops a whole second's fraction
/// ("…:09Z"), and text order puts that after "…:09.001Z".
pub fn wire_time(value: &serde_json::Value) -> chrono::DateTime<chrono::FixedOffset> {
    let text = value.as_str().unwrap_or_default();
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("not an RFC 3339 timestamp: {value} ({e})"))
}
