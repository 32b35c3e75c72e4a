//! The provider's HTML pages: sign-in form, refused request, signed out. Self-contained
//! (no scripts, no external resources) and every echoed value escaped, since they all
//! come from the request.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The parameters of an authorization request the form carries through the POST.
pub struct FormFields<'a> {
    pub client_id: &'a str,
    pub hidden: Vec<(&'static str, &'a str)>,
    /// What the person typed last time, kept after a failed attempt.
    pub login_name: &'a str,
    pub error: Option<&'a str>,
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str =
    "body{font-family:system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d1f23}\
main{max-width:24rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:.5rem;\
box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin-top:0}\
label{display:block;margin-top:1rem;font-weight:600}\
input{box-sizing:border-box;width:100%;padding:.5rem;margin-top:.25rem;font-size:1rem}\
.actions{display:flex;gap:.5rem;margin-top:1.5rem}button{padding:.5rem 1rem;font-size:1rem}\
[role=alert]{color:#a4000f;font-weight:600}code{overflow-wrap:anywhere}\
.note{font-size:.85rem;color:#555}";

fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>{title}</h1>\n{body}</main>\n</body>\n</html>\n",
        title = escape(title),
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // A page with a password field: never cached, never framed (click-jacking), and
    // nothing but its own inline style may run. img-src only for the browser's own
    // favicon request, which some browsers would otherwise report as a violation.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The title and heading of the sign-in page.
pub const SIGN_IN_TITLE: &str = "Sign in to the sandbox";

/// The sign-in form; 200 the first time, 401 after a failed attempt.
pub fn sign_in(status: StatusCode, fields: &FormFields) -> Response {
    let mut body = format!(
        "<p>The application <code>{}</code> asks you to sign in.</p>\n",
        escape(fields.client_id)
    );
    if let Some(error) = fields.error {
        body.push_str(&format!(
            "<p role=\"alert\" id=\"sign-in-error\">{}</p>\n",
            escape(error)
        ));
    }
    let described_by = if fields.error.is_some() {
        " aria-describedby=\"sign-in-error\" aria-invalid=\"true\""
    } else {
        ""
    };
    body.push_str("<form method=\"post\" action=\"/oauth/v2/authorize\">\n");
    for (name, value) in &fields.hidden {
        body.push_str(&format!(
            "<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
            escape(value)
        ));
    }
    body.push_str(&format!(
        "<label for=\"login_name\">Login name</label>\n\
         <input id=\"login_name\" name=\"login_name\" type=\"text\" autocomplete=\"username\" \
         autocapitalize=\"none\" spellcheck=\"false\" required autofocus value=\"{}\"{described_by}>\n\
         <label for=\"password\">Password</label>\n\
         <input id=\"password\" name=\"password\" type=\"password\" \
         autocomplete=\"current-password\" required{described_by}>\n\
         <div class=\"actions\">\n\
         <button type=\"submit\" name=\"action\" value=\"sign-in\">Sign in</button>\n\
         <button type=\"submit\" name=\"action\" value=\"cancel\" formnovalidate>Cancel</button>\n\
         </div>\n</form>\n\
         <p class=\"note\">Sandbox only: the users and passwords are printed when the sandbox starts.</p>\n",
        escape(fields.login_name)
    ));
    page(status, SIGN_IN_TITLE, &body)
}

/// A refused authorization or logout request that cannot be sent back to the client,
/// because its client or redirect URI is not trusted (RFC 6749 §4.1.2.1).
pub fn refused(description: &str) -> Response {
    let body = format!(
        "<p role=\"alert\">{}</p>\n\
         <p>The request was not sent back to the application, because the sandbox cannot \
         trust where it came from.</p>\n",
        escape(description)
    );
    page(StatusCode::BAD_REQUEST, "Sign-in request refused", &body)
}

/// After a logout without a (trusted) place to go back to.
pub fn signed_out() -> Response {
    page(
        StatusCode::OK,
        "You are signed out",
        "<p>You can close this page.</p>\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#""><script>alert('x')</script>&"#),
            "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;"
        );
    }
}
