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

pub mod spec;

pub use spec::{Answer, ArmedFault, ArmedFaults, DeferredLatency, FaultSpec};

use crate::paths::{is_api_path, is_weavr_path};
use crate::state::AppState;
use crate::weavr::wire as weavr_wire;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The request header that asks for a fault.
pub const FAULT_HEADER: &str = "x-sandbox-fault";

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
    let weavr = is_weavr_path(&path);
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
                weavr_wire::error_response(*status, "sandbox fault")
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
        weavr_wire::add_request_ref(&mut response, &crate::random::hex(12));
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
