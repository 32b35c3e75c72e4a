//! Faults on demand, so that browser tests can drive the real app through slow, broken
//! and unexpected answers. A fault is described by a spec (see `FaultSpec`) and comes
//! from one of three places, checked in this order:
//!
//! 1. the request header `x-sandbox-fault: <spec>` (sandbox-only; real servers ignore it);
//! 2. a fault armed with `POST /debug/faults` for the next N requests whose path starts
//!    with a prefix (and, optionally, whose method matches);
//! 3. `--fault <spec>` for every request.
//!
//! Faults apply to API paths only (never to `/debug/…` or the app's files), before auth
//! and before the handler. Apart from `latency`, a faulted request never reaches its
//! handler, so nothing is written.

use crate::router::is_api_path;
use crate::state::AppState;
use crate::weavr;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use std::fmt;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

/// The request header that asks for a fault.
pub const FAULT_HEADER: &str = "x-sandbox-fault";

/// The longest `latency` accepted, so a typo cannot hang a test run for hours.
const MAX_LATENCY_MS: u64 = 600_000;

/// What the sandbox answers instead of the handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `status=CODE[,nobody]`: an error in the provider's own style, or no body.
    Status { status: StatusCode, body: bool },
    /// `truncate`: a 200 whose JSON body is cut in half.
    Truncate,
    /// `non-json`: a 200 `text/plain` body "oops".
    NonJson,
    /// `html=CODE`: an nginx-like HTML error page.
    Html(StatusCode),
    /// `drop`: the connection is closed without any answer.
    Drop,
    /// `wrong-shape`: a 200 with valid JSON of the wrong shape.
    WrongShape,
}

/// A parsed fault spec: items separated by `;`, e.g. `latency=300;status=503`.
///
/// | item | effect |
/// |---|---|
/// | `latency=MS` | wait MS milliseconds, then answer (normally, or with the other item) |
/// | `status=CODE` / `status=CODE,nobody` | answer CODE with the provider's error body / none |
/// | `retry-after=SECONDS` | a 429 (or the given status) with `Retry-After`; Weavr also gets `x-ratelimit-*` |
/// | `truncate`, `non-json`, `wrong-shape` | a 200 with a broken, non-JSON or unexpected body |
/// | `html=CODE` | an nginx-like HTML error page with status CODE |
/// | `drop` | close the connection without answering |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultSpec {
    text: String,
    pub latency: Option<Duration>,
    pub retry_after: Option<u32>,
    answer: Option<Answer>,
}

impl FaultSpec {
    /// The answer given instead of the handler's, if any (`retry-after` alone is a 429).
    pub fn answer(&self) -> Option<Answer> {
        match (&self.answer, self.retry_after) {
            (Some(answer), _) => Some(answer.clone()),
            (None, Some(_)) => Some(Answer::Status {
                status: StatusCode::TOO_MANY_REQUESTS,
                body: true,
            }),
            (None, None) => None,
        }
    }
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for FaultSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut spec = FaultSpec {
            text: text.trim().to_string(),
            latency: None,
            retry_after: None,
            answer: None,
        };
        let set_answer = |answer: Answer, spec: &mut FaultSpec| match &spec.answer {
            Some(_) => Err(format!(
                "`{}` has more than one of status, truncate, non-json, html, drop, wrong-shape",
                spec.text
            )),
            None => {
                spec.answer = Some(answer);
                Ok(())
            }
        };
        for item in text.split(';').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, value) = match item.split_once('=') {
                Some((name, value)) => (name.trim(), Some(value.trim())),
                None => (item, None),
            };
            match (name, value) {
                ("latency", Some(ms)) => {
                    let ms: u64 = ms
                        .parse()
                        .ok()
                        .filter(|ms| *ms <= MAX_LATENCY_MS)
                        .ok_or_else(|| {
                            format!("latency={ms}: give milliseconds, 0 to {MAX_LATENCY_MS}")
                        })?;
                    spec.latency = Some(Duration::from_millis(ms));
                }
                ("status", Some(value)) => {
                    let (code, body) = match value.split_once(',') {
                        Some((code, "nobody")) => (code.trim(), false),
                        Some((_, other)) => {
                            return Err(format!("status={value}: unknown option `{other}`"))
                        }
                        None => (value, true),
                    };
                    let status = error_status(code, "status")?;
                    set_answer(Answer::Status { status, body }, &mut spec)?;
                }
                ("retry-after", Some(seconds)) => {
                    let seconds = seconds
                        .parse()
                        .map_err(|_| format!("retry-after={seconds}: give whole seconds"))?;
                    spec.retry_after = Some(seconds);
                }
                ("html", Some(code)) => {
                    let status = error_status(code, "html")?;
                    set_answer(Answer::Html(status), &mut spec)?;
                }
                ("truncate", None) => set_answer(Answer::Truncate, &mut spec)?,
                ("non-json", None) => set_answer(Answer::NonJson, &mut spec)?,
                ("drop", None) => set_answer(Answer::Drop, &mut spec)?,
                ("wrong-shape", None) => set_answer(Answer::WrongShape, &mut spec)?,
                _ => {
                    return Err(format!(
                        "unknown fault `{item}`; use latency=MS, status=CODE[,nobody], \
                         retry-after=SECONDS, truncate, non-json, html=CODE, drop or \
                         wrong-shape, joined with `;`"
                    ))
                }
            }
        }
        if spec.latency.is_none() && spec.answer().is_none() {
            return Err("an empty fault spec".to_string());
        }
        let retry_after_fits = matches!(
            spec.answer,
            None | Some(Answer::Status { .. }) | Some(Answer::Html(_))
        );
        if spec.retry_after.is_some() && !retry_after_fits {
            return Err("retry-after goes with status=CODE or html=CODE only".to_string());
        }
        Ok(spec)
    }
}

/// A status code from 400 to 599.
fn error_status(code: &str, item: &str) -> Result<StatusCode, String> {
    code.parse::<u16>()
        .ok()
        .filter(|code| (400..=599).contains(code))
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or_else(|| format!("{item}={code}: give an HTTP status from 400 to 599"))
}

/// Marks a Weavr request whose `latency` the Weavr gate serves itself, after it has
/// registered the request's `idempotency-ref`: a duplicate sent during the delay then
/// finds the first request in progress, as on a real server. Served once: if the
/// request never reaches the gate (an unknown path), `apply` serves it afterwards.
#[derive(Debug, Clone)]
pub struct DeferredLatency {
    delay: Duration,
    served: Arc<AtomicBool>,
}

impl DeferredLatency {
    fn new(delay: Duration) -> Self {
        DeferredLatency {
            delay,
            served: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Waits the delay, unless it was already served.
    pub async fn serve(&self) {
        if !self.served.swap(true, Ordering::SeqCst) {
            tokio::time::sleep(self.delay).await;
        }
    }
}

/// Middleware for the whole router: picks the request's fault, if any, and applies it.
pub async fn apply(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if !is_api_path(&path) || path.starts_with("/debug/") {
        return next.run(request).await;
    }
    let fault = match choose(&state, &request) {
        Ok(Some(fault)) => fault,
        Ok(None) => return next.run(request).await,
        Err(message) => {
            let mut response = (StatusCode::BAD_REQUEST, message).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            return response;
        }
    };
    let weavr = weavr::is_weavr_path(&path);
    let answer = fault.answer();
    match (fault.latency, &answer) {
        (Some(latency), None) if weavr => {
            let deferred = DeferredLatency::new(latency);
            request.extensions_mut().insert(deferred.clone());
            let response = next.run(request).await;
            deferred.serve().await;
            return response;
        }
        (Some(latency), _) => tokio::time::sleep(latency).await,
        (None, _) => {}
    }
    match answer {
        None => next.run(request).await,
        Some(answer) => fault_response(&answer, fault.retry_after, weavr),
    }
}

/// The header's fault, else an armed one (which is then used up), else `--fault`.
fn choose(state: &AppState, request: &Request) -> Result<Option<FaultSpec>, String> {
    if let Some(value) = request.headers().get(FAULT_HEADER) {
        let text = value
            .to_str()
            .map_err(|_| format!("{FAULT_HEADER}: not readable text"))?;
        return text
            .parse()
            .map(Some)
            .map_err(|err| format!("{FAULT_HEADER}: {err}"));
    }
    if let Some(spec) = state
        .armed_faults
        .take(request.method(), request.uri().path())
    {
        return Ok(Some(spec));
    }
    Ok(state.settings.fault.clone())
}

/// The response standing in for the handler's.
pub fn fault_response(answer: &Answer, retry_after: Option<u32>, weavr: bool) -> Response {
    let mut response = match answer {
        Answer::Status { status, body } => {
            if !*body {
                status.into_response()
            } else if weavr {
                weavr::wire::error_response(*status, "sandbox fault")
            } else {
                json(*status, zitadel_error_body(*status))
            }
        }
        Answer::Truncate => {
            let whole = if weavr {
                r#"{"users":[{"id":"110747174434373672","name":"Ada","surname":"Lovelace","email":"ada@example.com","active":true}],"count":1,"responseCount":1}"#
            } else {
                r#"{"details":{"sequence":"2","changeDate":"2024-08-02T11:05:09.871Z","resourceOwner":"69629023906488334"},"user":{"userId":"226000000000000001","state":"USER_STATE_ACTIVE"}}"#
            };
            json_text(StatusCode::OK, whole[..whole.len() / 2].to_string())
        }
        Answer::NonJson => {
            let mut response = (StatusCode::OK, "oops").into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            response
        }
        Answer::Html(status) => {
            let title = format!(
                "{} {}",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            );
            let page = format!(
                "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n\
                 <center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n\
                 </body>\r\n</html>\r\n"
            );
            let mut response = (*status, page).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            response
        }
        Answer::Drop => Response::new(Body::new(BrokenBody)),
        Answer::WrongShape => json_text(StatusCode::OK, r#"{"unexpected":true}"#.to_string()),
    };
    if let Some(seconds) = retry_after {
        let headers = response.headers_mut();
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        if weavr {
            headers.insert(
                "x-ratelimit-limit",
                HeaderValue::from_static("100, 100;w=60, 1000;w=3600, 10000;w=86400"),
            );
            headers.insert("x-ratelimit-reset", HeaderValue::from(seconds));
        }
    }
    if weavr && !matches!(answer, Answer::Drop) {
        weavr::add_request_ref(&mut response, &crate::random::hex(12));
    }
    response
}

/// grpc-gateway's body for an error that did not come from ZITADEL's error package:
/// the gRPC code that maps to `status` (contract §8.2) and no details.
fn zitadel_error_body(status: StatusCode) -> serde_json::Value {
    let code = match status.as_u16() {
        400 => 3,
        401 => 16,
        403 => 7,
        404 => 5,
        409 => 10,
        429 => 8,
        499 => 1,
        501 => 12,
        503 => 14,
        504 => 4,
        500 => 13,
        _ => 2,
    };
    let reason = status.canonical_reason().unwrap_or("error");
    serde_json::json!({"code": code, "message": format!("sandbox fault: {reason}")})
}

fn json(status: StatusCode, body: serde_json::Value) -> Response {
    json_text(status, body.to_string())
}

fn json_text(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A body that fails at once. hyper then closes the connection before it has written
/// anything, so the client sees the connection drop without an answer.
struct BrokenBody;

impl http_body::Body for BrokenBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other(
            "sandbox fault: connection dropped",
        ))))
    }
}

/// Faults armed through `/debug/faults`, shared by all requests.
#[derive(Clone, Default)]
pub struct ArmedFaults {
    inner: Arc<Mutex<ArmedList>>,
}

#[derive(Default)]
struct ArmedList {
    next_id: u64,
    faults: Vec<ArmedFault>,
}

/// One armed fault, as `GET /debug/faults` lists it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArmedFault {
    pub id: u64,
    pub path_prefix: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    pub fault: String,
    /// How many more matching requests get it.
    pub remaining: u32,
    #[serde(skip)]
    spec: FaultSpec,
}

impl ArmedFaults {
    fn lock(&self) -> std::sync::MutexGuard<'_, ArmedList> {
        // The list stays consistent even if a holder panicked.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn arm(
        &self,
        path_prefix: String,
        method: Option<Method>,
        spec: FaultSpec,
        times: u32,
    ) -> ArmedFault {
        let mut list = self.lock();
        list.next_id += 1;
        let fault = ArmedFault {
            id: list.next_id,
            path_prefix,
            method: method.map(|m| m.to_string()),
            fault: spec.to_string(),
            remaining: times,
            spec,
        };
        list.faults.push(fault.clone());
        fault
    }

    /// The first armed fault matching the request, counted down and removed once used up.
    pub fn take(&self, method: &Method, path: &str) -> Option<FaultSpec> {
        let mut list = self.lock();
        let index = list.faults.iter().position(|f| {
            path.starts_with(&f.path_prefix)
                && f.method.as_deref().is_none_or(|m| m == method.as_str())
        })?;
        let fault = &mut list.faults[index];
        fault.remaining -= 1;
        let spec = fault.spec.clone();
        if fault.remaining == 0 {
            list.faults.remove(index);
        }
        Some(spec)
    }

    pub fn list(&self) -> Vec<ArmedFault> {
        self.lock().faults.clone()
    }

    /// Disarms everything; returns how many were armed.
    pub fn clear(&self) -> usize {
        let mut list = self.lock();
        let count = list.faults.len();
        list.faults.clear();
        count
    }
}

/// The `/debug/faults` endpoints. They need no token: they are the test harness's.
pub mod debug {
    use super::*;
    use axum::routing::get;
    use axum::Router;

    pub fn routes() -> Router<AppState> {
        Router::new().route("/debug/faults", get(list).post(arm).delete(clear))
    }

    async fn list(State(state): State<AppState>) -> Response {
        let body = serde_json::json!({
            "armed": state.armed_faults.list(),
            "serverFault": state.settings.fault.as_ref().map(|f| f.to_string()),
        });
        json(StatusCode::OK, body)
    }

    /// `{"pathPrefix": "/v2/users/1", "method": "POST", "fault": "status=503", "times": 1}`;
    /// `method` (any by default) and `times` (1 by default) are optional.
    async fn arm(State(state): State<AppState>, body: Bytes) -> Response {
        match parse_arm_request(&body) {
            Ok((prefix, method, spec, times)) => {
                let armed = state.armed_faults.arm(prefix, method, spec, times);
                json(StatusCode::OK, serde_json::json!({ "armed": armed }))
            }
            Err(message) => json(
                StatusCode::BAD_REQUEST,
                serde_json::json!({ "error": message }),
            ),
        }
    }

    async fn clear(State(state): State<AppState>) -> Response {
        let cleared = state.armed_faults.clear();
        json(StatusCode::OK, serde_json::json!({ "cleared": cleared }))
    }

    type ArmRequest = (String, Option<Method>, FaultSpec, u32);

    fn parse_arm_request(body: &[u8]) -> Result<ArmRequest, String> {
        let value: serde_json::Value =
            serde_json::from_slice(body).map_err(|err| format!("body is not JSON: {err}"))?;
        let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
        let prefix = text("pathPrefix")
            .filter(|p| p.starts_with('/'))
            .ok_or("pathPrefix: give a path starting with /")?;
        let method = match text("method") {
            None | Some("") => None,
            Some(method) => Some(
                Method::from_bytes(method.to_ascii_uppercase().as_bytes())
                    .map_err(|_| format!("method: `{method}` is not an HTTP method"))?,
            ),
        };
        let spec = text("fault")
            .ok_or("fault: give a fault spec such as status=503")?
            .parse()?;
        let times = match value.get("times") {
            None | Some(serde_json::Value::Null) => 1,
            Some(times) => times
                .as_u64()
                .filter(|t| (1..=1_000_000).contains(t))
                .ok_or("times: give a count from 1 to 1000000")? as u32,
        };
        Ok((prefix.to_string(), method, spec, times))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FaultSpec, String> {
        text.parse()
    }

    #[test]
    fn specs_parse_and_combine() {
        let spec = parse("latency=250; status=503").expect("valid");
        assert_eq!(spec.latency, Some(Duration::from_millis(250)));
        assert_eq!(
            spec.answer(),
            Some(Answer::Status {
                status: StatusCode::SERVICE_UNAVAILABLE,
                body: true
            })
        );
        assert_eq!(spec.to_string(), "latency=250; status=503");
        let quiet = parse("status=500,nobody").expect("valid");
        assert_eq!(
            quiet.answer(),
            Some(Answer::Status {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                body: false
            })
        );
        let slow = parse("retry-after=7").expect("valid");
        assert_eq!(slow.retry_after, Some(7));
        assert_eq!(
            slow.answer(),
            Some(Answer::Status {
                status: StatusCode::TOO_MANY_REQUESTS,
                body: true
            })
        );
        assert_eq!(parse("latency=10").expect("valid").answer(), None);
        for (text, answer) in [
            ("truncate", Answer::Truncate),
            ("non-json", Answer::NonJson),
            ("html=502", Answer::Html(StatusCode::BAD_GATEWAY)),
            ("drop", Answer::Drop),
            ("wrong-shape", Answer::WrongShape),
        ] {
            assert_eq!(parse(text).expect(text).answer(), Some(answer), "{text}");
        }
    }

    #[test]
    fn bad_specs_are_refused_with_a_reason() {
        for text in [
            "",
            ";",
            "latency=soon",
            "status=200",
            "status=503,quietly",
            "truncate;drop",
            "explode",
            "retry-after=5;drop",
            "latency=999999999",
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn armed_faults_count_down_and_match_method_and_prefix() {
        let armed = ArmedFaults::default();
        let spec = parse("status=503").expect("valid");
        armed.arm("/v2/users/1".into(), Some(Method::POST), spec.clone(), 2);
        assert_eq!(armed.take(&Method::GET, "/v2/users/1"), None);
        assert_eq!(armed.take(&Method::POST, "/v2/users/2/lock"), None);
        assert_eq!(
            armed.take(&Method::POST, "/v2/users/1/lock"),
            Some(spec.clone())
        );
        assert_eq!(armed.list()[0].remaining, 1);
        assert_eq!(armed.take(&Method::POST, "/v2/users/1/lock"), Some(spec));
        assert_eq!(armed.take(&Method::POST, "/v2/users/1/lock"), None);
        assert!(armed.list().is_empty());
    }
}
