//! Every call to a provider's API and to the OIDC token endpoint goes through
//! here: base URL, auth header, timeout, and the mapping of transport
//! failures. Only two static files of the console's own are fetched on their
//! own, as they need no connection: config.json (`config.rs`, before any
//! connection exists) and a chosen language's catalogue (`language.rs`,
//! locales/). Providers describe requests as plain data
//! ([`ApiRequest`]) and read plain answers ([`ApiResponse`]), so they can be
//! tested without a browser.

mod error;

pub use error::{ApiError, ServerMessage};

use std::cell::RefCell;
use std::rc::Rc;
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
    /// The body; `None` sends no body and no `Content-Type`.
    pub body: Option<String>,
    /// The body's media type: JSON, except for OAuth's form posts.
    pub content_type: &'static str,
    /// Provider headers such as `x-zitadel-orgid` or `idempotency-ref`.
    pub headers: Vec<(&'static str, String)>,
}

impl ApiRequest {
    pub fn get(path: String) -> ApiRequest {
        ApiRequest {
            method: Method::Get,
            path,
            body: None,
            content_type: JSON,
            headers: Vec::new(),
        }
    }

    pub fn post(path: String, json_body: Option<String>) -> ApiRequest {
        ApiRequest {
            method: Method::Post,
            path,
            body: json_body,
            content_type: JSON,
            headers: Vec::new(),
        }
    }

    pub fn delete(path: String) -> ApiRequest {
        ApiRequest {
            method: Method::Delete,
            path,
            body: None,
            content_type: JSON,
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: Option<&str>) -> ApiRequest {
        if let Some(value) = value {
            self.headers.push((name, value.to_string()));
        }
        self
    }
}

const JSON: &str = "application/json";

/// Percent-encodes an id that came from a URL, so it cannot change the path.
pub fn path_segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for byte in id.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
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
    /// An answer with a JSON body, as tests and fuzzing build them.
    pub fn json(status: u16, body: &str) -> ApiResponse {
        ApiResponse {
            status,
            content_type: Some("application/json".into()),
            retry_after: None,
            body: body.into(),
        }
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// The requests one page has started. When the page goes away (the admin
/// navigates elsewhere) they are aborted, so nothing it asked for lands late
/// or keeps the connection busy.
#[derive(Clone, Debug)]
pub struct RequestScope(send_wrapper::SendWrapper<Rc<RefCell<InFlight>>>);

#[derive(Debug, Default)]
struct InFlight {
    next_id: u64,
    controllers: Vec<(u64, web_sys::AbortController)>,
}

impl RequestScope {
    /// A scope tied to the current reactive owner (the page): disposed, it aborts.
    pub fn for_page() -> RequestScope {
        let scope = RequestScope(send_wrapper::SendWrapper::new(Rc::new(RefCell::new(
            InFlight::default(),
        ))));
        let on_dispose = scope.clone();
        leptos::prelude::on_cleanup(move || on_dispose.abort_all());
        scope
    }

    fn register(&self, controller: &web_sys::AbortController) -> u64 {
        let mut in_flight = self.0.borrow_mut();
        in_flight.next_id += 1;
        let id = in_flight.next_id;
        in_flight.controllers.push((id, controller.clone()));
        id
    }

    fn finished(&self, id: u64) {
        self.0
            .borrow_mut()
            .controllers
            .retain(|(other, _)| *other != id);
    }

    fn abort_all(&self) {
        for (_, controller) in self.0.borrow_mut().controllers.drain(..) {
            controller.abort();
        }
    }
}

/// How long a call may take, unless the connection says otherwise, before
/// the console stops waiting and says so.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

/// Sends requests to one connection's API.
#[derive(Clone, Debug)]
pub struct HttpClient {
    base_url: String,
    timeout: Duration,
}

impl HttpClient {
    /// `base_url` is the API origin (`https://my-instance.zitadel.cloud`), or
    /// a path on this site (`/weavr/multi`, a same-origin proxy); empty means
    /// the origin the console itself is served from.
    pub fn new(base_url: &str, timeout: Duration) -> HttpClient {
        HttpClient {
            base_url: base_url.trim_end_matches('/').to_string(),
            timeout,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Sends `request` with the bearer `token`. Any status is an `Ok`:
    /// reading it is the provider's job. Only transport failures are errors.
    pub async fn send(
        &self,
        request: &ApiRequest,
        token: Option<&str>,
        scope: Option<&RequestScope>,
    ) -> Result<ApiResponse, ApiError> {
        let controller = web_sys::AbortController::new().map_err(|_| ApiError::Network)?;
        let registration = scope.map(|scope| (scope, scope.register(&controller)));
        let result = self.send_with(request, token, &controller).await;
        if let Some((scope, id)) = registration {
            scope.finished(id);
        }
        result
    }

    async fn send_with(
        &self,
        request: &ApiRequest,
        token: Option<&str>,
        controller: &web_sys::AbortController,
    ) -> Result<ApiResponse, ApiError> {
        use gloo_net::http::{Method as GlooMethod, RequestBuilder};

        let timed_out = Rc::new(std::cell::Cell::new(false));
        let timer = {
            let controller = controller.clone();
            let timed_out = timed_out.clone();
            leptos::prelude::set_timeout_with_handle(
                move || {
                    timed_out.set(true);
                    controller.abort();
                },
                self.timeout,
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
            // ZITADEL translates its messages into the console's language.
            .header(
                "Accept-Language",
                &accept_language(crate::language::current_tag()),
            )
            .abort_signal(Some(&controller.signal()));
        if let Some(token) = token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let built = match &request.body {
            Some(body) => builder
                .header("Content-Type", request.content_type)
                .body(body.clone()),
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
        // Weavr says when to retry in x-ratelimit-reset (seconds) instead.
        let retry_after = response
            .headers()
            .get("retry-after")
            .or_else(|| response.headers().get("x-ratelimit-reset"));
        // The bytes, not `text()`: a 1,000-user page is half a megabyte, and
        // copying bytes into wasm is far cheaper than re-encoding a JS string.
        let body = match response.binary().await {
            Ok(bytes) => utf8_lossy(bytes),
            Err(_) if timed_out.get() => return Err(ApiError::Timeout),
            Err(_) => {
                return Err(ApiError::UnreadableAnswer {
                    status,
                    detail: crate::tr!(errors.connection_broke).into(),
                })
            }
        };
        if let Some(timer) = timer {
            timer.clear();
        }
        Ok(ApiResponse {
            status,
            content_type,
            retry_after,
            body,
        })
    }
}

/// The `Accept-Language` for the console's language: it first, English as
/// the fallback every server has.
pub fn accept_language(tag: &str) -> String {
    if tag == "en" {
        "en".to_string()
    } else {
        format!("{tag}, en;q=0.5")
    }
}

/// The body as text, as `Response.text()` decodes it: a leading byte order
/// mark is dropped, and invalid UTF-8 becomes U+FFFD (which then fails to
/// parse as JSON, with the server's answer shown).
fn utf8_lossy(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    String::from_utf8(bytes)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_decode_as_the_browser_decodes_text() {
        assert_eq!(utf8_lossy(b"{\"a\":1}".to_vec()), "{\"a\":1}");
        assert_eq!(utf8_lossy("Zoë".as_bytes().to_vec()), "Zoë");
        assert_eq!(utf8_lossy(b"\xEF\xBB\xBF{}".to_vec()), "{}");
        assert_eq!(utf8_lossy(b"a\xFFb".to_vec()), "a\u{FFFD}b");
        assert_eq!(utf8_lossy(Vec::new()), "");
    }

    #[test]
    fn servers_are_asked_for_the_consoles_language() {
        assert_eq!(accept_language("de"), "de, en;q=0.5");
        assert_eq!(accept_language("en"), "en");
    }

    #[test]
    fn ids_cannot_change_the_path() {
        assert_eq!(path_segment("226000000000000001"), "226000000000000001");
        assert_eq!(path_segment("../../admin?x=1"), "..%2F..%2Fadmin%3Fx%3D1");
        assert_eq!(path_segment("a b#c"), "a%20b%23c");
    }

    #[test]
    fn urls_join_base_and_path() {
        assert_eq!(
            HttpClient::new("https://acme.zitadel.cloud/", DEFAULT_TIMEOUT).url("/v2/users/1"),
            "https://acme.zitadel.cloud/v2/users/1"
        );
        assert_eq!(
            HttpClient::new("/weavr/multi", DEFAULT_TIMEOUT).url("/users/1"),
            "/weavr/multi/users/1"
        );
        assert_eq!(
            HttpClient::new("", DEFAULT_TIMEOUT).url("/v2/users/1"),
            "/v2/users/1"
        );
    }

    #[test]
    fn only_given_headers_are_added() {
        let request = ApiRequest::get("/x".into())
            .with_header("x-zitadel-orgid", Some("1"))
            .with_header("idempotency-ref", None);
        assert_eq!(request.headers, vec![("x-zitadel-orgid", "1".to_string())]);
    }
}
