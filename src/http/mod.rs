//! The one place that calls `fetch`: base URL, auth header, timeout, and the
//! mapping of transport failures. Providers describe requests as plain data
//! ([`ApiRequest`]) and read plain answers ([`ApiResponse`]), so they can be
//! tested without a browser.

mod error;

pub use error::{ApiError, ServerMessage};

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

/// A request as a provider module describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiRequest {
    pub method: Method,
    /// Path and query below the connection's base URL, starting with `/`.
    pub path: String,
    /// A JSON body; `None` sends no body and no `Content-Type`.
    pub json_body: Option<String>,
}

/// An answer as the server gave it, whatever its status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiResponse {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    pub body: String,
}

impl ApiResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// How long a call may take before the console stops waiting and says so.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// Sends requests to one connection's API.
#[derive(Clone, Debug)]
pub struct HttpClient {
    base_url: String,
}

impl HttpClient {
    /// `base_url` is the API origin (`https://my-instance.zitadel.cloud`);
    /// empty means the origin the console itself is served from.
    pub fn new(base_url: &str) -> HttpClient {
        HttpClient { base_url: base_url.trim_end_matches('/').to_string() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Sends `request` with the bearer `token`. Any status is an `Ok`:
    /// reading it is the provider's job. Only transport failures are errors.
    pub async fn send(&self, request: &ApiRequest, token: Option<&str>) -> Result<ApiResponse, ApiError> {
        use gloo_net::http::{Method as GlooMethod, RequestBuilder};

        let controller = web_sys::AbortController::new().map_err(|_| ApiError::Network)?;
        let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
        let timer = {
            let controller = controller.clone();
            let timed_out = timed_out.clone();
            leptos::prelude::set_timeout_with_handle(
                move || {
                    timed_out.set(true);
                    controller.abort();
                },
                REQUEST_TIMEOUT,
            )
            .ok()
        };

        let method = match request.method {
            Method::Get => GlooMethod::GET,
            Method::Post => GlooMethod::POST,
            Method::Delete => GlooMethod::DELETE,
        };
        let mut builder = RequestBuilder::new(&self.url(&request.path))
            .method(method)
            .header("Accept", "application/json")
            .abort_signal(Some(&controller.signal()));
        if let Some(token) = token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        let built = match &request.json_body {
            Some(body) => builder.header("Content-Type", "application/json").body(body.clone()),
            None => builder.build(),
        };
        let result = match built {
            Ok(req) => req.send().await,
            Err(e) => Err(e),
        };
        let response = match result {
            Ok(response) => response,
            Err(_) if timed_out.get() => return Err(ApiError::Timeout),
            Err(_) => return Err(ApiError::Network),
        };
        let status = response.status();
        let content_type = response.headers().get("content-type");
        let retry_after = response.headers().get("retry-after");
        let body = match response.text().await {
            Ok(body) => body,
            Err(_) if timed_out.get() => return Err(ApiError::Timeout),
            Err(_) => {
                return Err(ApiError::UnreadableAnswer { status, detail: "The connection broke while the answer was arriving".into() })
            }
        };
        if let Some(timer) = timer {
            timer.clear();
        }
        Ok(ApiResponse { status, content_type, retry_after, body })
    }
}
