//! The OpenID Connect provider over real HTTP, as a browser and the console's code use
//! it: discovery, the authorization code flow with PKCE, the access token on the API,
//! userinfo, logout, the expiry hook; and the organization calls of the org switcher.

use sandbox::oidc::{crypto, CLIENT_ID};
use sandbox::seed::{
    ids, ACME_ORG_ID, ADMIN_LOGIN_NAME, ADMIN_PASSWORD, GLOBEX_ORG_ID, MANAGER_LOGIN_NAME,
    MANAGER_PASSWORD, OWNER_TOKEN,
};
use sandbox::state::Settings;
use sandbox::test_support::{raw_http, RawResponse, TestSandbox};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::time::Duration;

const APP_ORIGIN: &str = "http://127.0.0.1:38421";
/// The console under a sub-path, as behind nginx.
const REDIRECT_URI: &str = "http://127.0.0.1:38421/admin/auth/callback";
/// RFC 7636, appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const SCOPE: &str = "openid profile email urn:zitadel:iam:org:project:id:zitadel:aud";
const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

fn form(pairs: &[(&str, &str)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        form.append_pair(name, value);
    }
    form.finish()
}

/// The query (or form) pairs of a `Location`.
fn location_pairs(response: &RawResponse) -> Vec<(String, String)> {
    let location = response
        .header("location")
        .unwrap_or_else(|| panic!("no Location ({}): {}", response.status, response.body));
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn pair<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// A sandbox served on a real port, and the steps of a sign-in.
struct Provider {
    sandbox: TestSandbox,
    address: SocketAddr,
}

impl Provider {
    async fn start() -> Self {
        Self::with(TestSandbox::new()).await
    }

    async fn with(sandbox: TestSandbox) -> Self {
        let address = sandbox.serve_tcp().await;
        Provider { sandbox, address }
    }

    async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> RawResponse {
        raw_http(self.address, method, path, headers, body)
            .await
            .expect("connect")
            .expect("an answer")
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> RawResponse {
        self.request("GET", path, headers, None).await
    }

    async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> RawResponse {
        self.request("POST", path, &[FORM], Some(&form(pairs)))
            .await
    }

    /// The parameters of a good authorization request, with `state` and `nonce`.
    fn authorization(&self) -> Vec<(&'static str, &'static str)> {
        vec![
            ("client_id", CLIENT_ID),
            ("redirect_uri", REDIRECT_URI),
            ("response_type", "code"),
            ("scope", SCOPE),
            ("state", "state-1"),
            ("nonce", "nonce-1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ]
    }

    async fn authorize_page(&self, pairs: &[(&str, &str)]) -> RawResponse {
        self.get(&format!("/oauth/v2/authorize?{}", form(pairs)), &[])
            .await
    }

    /// Posts the sign-in form with the request's parameters.
    async fn submit(&self, pairs: &[(&str, &str)], login: &str, password: &str) -> RawResponse {
        self.submit_with_cookie(pairs, login, password, None).await
    }

    /// The same from a browser that holds `cookie`.
    async fn submit_with_cookie(
        &self,
        pairs: &[(&str, &str)],
        login: &str,
        password: &str,
        cookie: Option<&str>,
    ) -> RawResponse {
        let mut pairs = pairs.to_vec();
        pairs.extend([
            ("login_name", login),
            ("password", password),
            ("action", "sign-in"),
        ]);
        let mut headers = vec![FORM];
        headers.extend(cookie.map(|cookie| ("cookie", cookie)));
        self.request("POST", "/oauth/v2/authorize", &headers, Some(&form(&pairs)))
            .await
    }

    /// Signs in with a good request; returns the code.
    async fn code_for(&self, login: &str, password: &str) -> String {
        let response = self.submit(&self.authorization(), login, password).await;
        assert_eq!(response.status, 303, "{}", response.body);
        let pairs = location_pairs(&response);
        pair(&pairs, "code").expect("a code").to_string()
    }

    async fn exchange(&self, code: &str, verifier: &str, redirect_uri: &str) -> RawResponse {
        self.post_form(
            "/oauth/v2/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("client_id", CLIENT_ID),
                ("code_verifier", verifier),
            ],
        )
        .await
    }

    /// The whole flow; returns the token response.
    async fn sign_in(&self, login: &str, password: &str) -> Value {
        let code = self.code_for(login, password).await;
        let response = self.exchange(&code, VERIFIER, REDIRECT_URI).await;
        assert_eq!(response.status, 200, "{}", response.body);
        response.json()
    }

    async fn api(&self, path: &str, token: &str, origin: Option<&str>) -> RawResponse {
        let bearer = format!("Bearer {token}");
        let mut headers = vec![("authorization", bearer.as_str())];
        headers.extend(origin.map(|origin| ("origin", origin)));
        self.get(path, &headers).await
    }

    async fn api_post(&self, path: &str, token: &str, body: &str) -> RawResponse {
        let bearer = format!("Bearer {token}");
        let headers = [("authorization", bearer.as_str()), ("origin", APP_ORIGIN)];
        self.request("POST", path, &headers, Some(body)).await
    }
}

fn access_token(tokens: &Value) -> String {
    tokens["access_token"]
        .as_str()
        .expect("access_token")
        .to_string()
}

fn error_id(response: &RawResponse) -> Value {
    response.json()["details"][0]["id"].clone()
}

fn id_token_parts(tokens: &Value) -> (Value, Value) {
    let id_token = tokens["id_token"].as_str().expect("id_token");
    let parts: Vec<&str> = id_token.split('.').collect();
    assert_eq!(parts.len(), 3, "{id_token}");
    let decode = |part: &str| -> Value {
        serde_json::from_slice(&crypto::base64url_decode(part).expect("base64url")).expect("json")
    };
    (decode(parts[0]), decode(parts[1]))
}

#[tokio::test]
async fn discovery_names_the_endpoints_on_the_origin_of_the_request() {
    let provider = Provider::start().await;
    let response = provider.get("/.well-known/openid-configuration", &[]).await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let issuer = format!("http://{}", provider.address);
    let document = response.json();
    assert_eq!(document["issuer"], issuer);
    for (key, path) in [
        ("authorization_endpoint", "/oauth/v2/authorize"),
        ("token_endpoint", "/oauth/v2/token"),
        ("userinfo_endpoint", "/oidc/v1/userinfo"),
        ("end_session_endpoint", "/oidc/v1/end_session"),
        ("jwks_uri", "/oauth/v2/keys"),
    ] {
        assert_eq!(document[key], format!("{issuer}{path}"), "{key}");
    }
    assert_eq!(document["response_types_supported"], json!(["code"]));
    assert_eq!(
        document["grant_types_supported"],
        json!(["authorization_code"])
    );
    assert_eq!(
        document["code_challenge_methods_supported"],
        json!(["S256"])
    );
    assert_eq!(
        document["token_endpoint_auth_methods_supported"],
        json!(["none"])
    );
    assert_eq!(
        document["id_token_signing_alg_values_supported"],
        json!(["HS256"])
    );
    let scopes = document["scopes_supported"].to_string();
    for scope in SCOPE.split(' ') {
        assert!(scopes.contains(scope), "{scope} in {scopes}");
    }
    let keys = provider.get("/oauth/v2/keys", &[]).await;
    assert_eq!(keys.json(), json!({"keys": []}));

    // Behind a proxy, the origin the browser used.
    let proxied = provider
        .get(
            "/.well-known/openid-configuration",
            &[
                ("x-forwarded-host", "localhost:9443"),
                ("x-forwarded-proto", "https"),
            ],
        )
        .await
        .json();
    assert_eq!(proxied["issuer"], "https://localhost:9443");
    assert_eq!(
        proxied["token_endpoint"],
        "https://localhost:9443/oauth/v2/token"
    );
    // An API path: never the app's index.html.
    assert!(sandbox::router::is_api_path("/.well-known/anything"));
    let unknown = provider.get("/.well-known/nothing", &[]).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["message"], "Not Found");
}

#[tokio::test]
async fn the_code_flow_with_pkce_signs_in_and_the_token_calls_the_api() {
    let provider = Provider::start().await;
    let request = provider.authorization();
    let page = provider.authorize_page(&request).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    for text in [
        "<title>Sign in to the sandbox</title>",
        "<h1>Sign in to the sandbox</h1>",
        "<label for=\"login_name\">Login name</label>",
        "<label for=\"password\">Password</label>",
        ">Sign in</button>",
        ">Cancel</button>",
        "<code>lifecycle-console</code>",
        "<form method=\"post\" action=\"/oauth/v2/authorize\">",
        "name=\"code_challenge\" value=\"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\"",
        "name=\"redirect_uri\" value=\"http://127.0.0.1:38421/admin/auth/callback\"",
        "name=\"state\" value=\"state-1\"",
        "name=\"nonce\" value=\"nonce-1\"",
    ] {
        assert!(
            page.body.contains(text),
            "{text} missing from:\n{}",
            page.body
        );
    }
    // No scripts and nothing from elsewhere.
    assert!(!page.body.contains("<script"));
    assert!(!page.body.contains("src="));
    assert!(!page.body.contains("http-equiv"));
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("default-src 'none'"), "{csp}");

    // The form, signed with a login name in another case.
    let signed = provider
        .submit(&request, "Admin@ACME.example", ADMIN_PASSWORD)
        .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    let location = signed.header("location").unwrap_or_default();
    assert!(
        location.starts_with(&format!("{REDIRECT_URI}?code=")),
        "{location}"
    );
    let pairs = location_pairs(&signed);
    assert_eq!(pair(&pairs, "state"), Some("state-1"));
    let code = pair(&pairs, "code").expect("code").to_string();

    let response = provider.exchange(&code, VERIFIER, REDIRECT_URI).await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(response.header("cache-control"), Some("no-store"));
    let tokens = response.json();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 43200);
    assert_eq!(tokens["scope"], SCOPE);
    let access = access_token(&tokens);
    assert!(access.len() >= 32, "{access}");

    let (header, claims) = id_token_parts(&tokens);
    assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}));
    assert_eq!(claims["iss"], format!("http://{}", provider.address));
    assert_eq!(claims["sub"], ids::ADA_ADMIN);
    assert_eq!(claims["aud"], json!([CLIENT_ID]));
    assert_eq!(claims["azp"], CLIENT_ID);
    assert_eq!(claims["nonce"], "nonce-1");
    assert_eq!(claims["name"], "Ada Admin");
    assert_eq!(claims["preferred_username"], ADMIN_LOGIN_NAME);
    assert_eq!(claims["email"], "admin@acme.example");
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["at_hash"], crypto::access_token_hash(&access));
    let (iat, exp) = (
        claims["iat"].as_i64().expect("iat"),
        claims["exp"].as_i64().expect("exp"),
    );
    assert_eq!(exp - iat, 43200);
    assert!(claims["auth_time"].as_i64().expect("auth_time") <= iat);

    // The access token works on the API like a personal access token, also from the
    // app's origin.
    let minnie = format!("/v2/users/{}", ids::MINNIE);
    let user = provider.api(&minnie, &access, None).await;
    assert_eq!(user.status, 200, "{}", user.body);
    assert_eq!(user.json()["user"]["userId"], ids::MINNIE);
    let from_app = provider.api(&minnie, &access, Some(APP_ORIGIN)).await;
    assert_eq!(from_app.status, 200, "{}", from_app.body);
    let lock = provider
        .api_post(&format!("{minnie}/lock"), &access, "{}")
        .await;
    assert_eq!(lock.status, 200, "{}", lock.body);
}

#[tokio::test]
async fn a_wrong_verifier_is_invalid_grant_and_spends_the_code() {
    let provider = Provider::start().await;
    let code = provider.code_for(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await;
    let wrong = provider
        .exchange(&code, &"x".repeat(43), REDIRECT_URI)
        .await;
    assert_eq!(wrong.status, 400, "{}", wrong.body);
    assert_eq!(wrong.header("cache-control"), Some("no-store"));
    assert_eq!(wrong.json()["error"], "invalid_grant");
    assert!(wrong.json()["error_description"].is_string());
    // A code is worth one try.
    let retry = provider.exchange(&code, VERIFIER, REDIRECT_URI).await;
    assert_eq!(retry.json()["error"], "invalid_grant");

    let code = provider.code_for(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await;
    let malformed = provider.exchange(&code, "short", REDIRECT_URI).await;
    assert_eq!(malformed.json()["error"], "invalid_grant");
}

#[tokio::test]
async fn a_code_works_once_and_its_replay_revokes_the_token() {
    let provider = Provider::start().await;
    let code = provider.code_for(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await;
    let first = provider.exchange(&code, VERIFIER, REDIRECT_URI).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let access = access_token(&first.json());
    let minnie = format!("/v2/users/{}", ids::MINNIE);
    assert_eq!(provider.api(&minnie, &access, None).await.status, 200);

    let again = provider.exchange(&code, VERIFIER, REDIRECT_URI).await;
    assert_eq!(again.status, 400);
    assert_eq!(again.json()["error"], "invalid_grant");
    // RFC 6749 §4.1.2: the tokens issued for a replayed code are revoked.
    let revoked = provider.api(&minnie, &access, None).await;
    assert_eq!(revoked.status, 401);
    assert_eq!(error_id(&revoked), "AUTH-7fs1e");
}

#[tokio::test]
async fn the_token_request_must_repeat_the_redirect_uri_and_client() {
    let provider = Provider::start().await;
    let code = provider.code_for(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await;
    let other = "http://127.0.0.1:38421/auth/callback";
    let response = provider.exchange(&code, VERIFIER, other).await;
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["error"], "invalid_grant");

    let code = provider.code_for(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await;
    let mut request = vec![
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", VERIFIER),
    ];
    let missing = provider.post_form("/oauth/v2/token", &request).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["error"], "invalid_request");
    request.push(("client_id", "someone-else"));
    let unknown = provider.post_form("/oauth/v2/token", &request).await;
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.json()["error"], "invalid_client");

    for (pairs, error) in [
        (
            vec![("grant_type", "refresh_token"), ("client_id", CLIENT_ID)],
            "unsupported_grant_type",
        ),
        (vec![("client_id", CLIENT_ID)], "invalid_request"),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT_ID),
            ],
            "invalid_request",
        ),
        (
            vec![
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT_ID),
                ("code", "no-such-code"),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", VERIFIER),
            ],
            "invalid_grant",
        ),
    ] {
        let response = provider.post_form("/oauth/v2/token", &pairs).await;
        assert_eq!(response.status, 400, "{pairs:?}");
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert_eq!(response.json()["error"], error, "{pairs:?}");
    }
}

#[tokio::test]
async fn untrusted_clients_and_redirect_uris_get_an_error_page_and_no_redirect() {
    let provider = Provider::start().await;
    let good = provider.authorization();
    let with = |key: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        good.iter()
            .map(|&(k, v)| if k == key { (k, value) } else { (k, v) })
            .collect()
    };
    for pairs in [
        with("redirect_uri", "https://evil.example/auth/callback"),
        with("redirect_uri", "http://127.0.0.1:38421/elsewhere"),
        with("client_id", "someone-else"),
        good.iter()
            .copied()
            .filter(|(k, _)| *k != "redirect_uri")
            .collect(),
    ] {
        let page = provider.authorize_page(&pairs).await;
        assert_eq!(page.status, 400, "{pairs:?}");
        assert_eq!(page.header("location"), None);
        assert_eq!(
            page.header("content-type"),
            Some("text/html; charset=utf-8")
        );
        assert!(
            page.body.contains("Sign-in request refused"),
            "{}",
            page.body
        );
        // Posting the form does not get further.
        let posted = provider
            .submit(&pairs, ADMIN_LOGIN_NAME, ADMIN_PASSWORD)
            .await;
        assert_eq!(posted.status, 400);
        assert_eq!(posted.header("location"), None);
    }
}

#[tokio::test]
async fn other_bad_requests_go_back_to_the_client_with_their_state() {
    let provider = Provider::start().await;
    let good = provider.authorization();
    let with = |key: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        good.iter()
            .map(|&(k, v)| if k == key { (k, value) } else { (k, v) })
            .collect()
    };
    let without = |key: &'static str| -> Vec<(&str, &str)> {
        good.iter().copied().filter(|(k, _)| *k != key).collect()
    };
    for (pairs, error) in [
        (without("code_challenge"), "invalid_request"),
        (with("code_challenge_method", "plain"), "invalid_request"),
        (without("code_challenge_method"), "invalid_request"),
        (with("response_type", "token"), "unsupported_response_type"),
        (with("scope", "profile email"), "invalid_scope"),
    ] {
        let response = provider.authorize_page(&pairs).await;
        assert_eq!(response.status, 303, "{pairs:?}: {}", response.body);
        let location = response.header("location").unwrap_or_default();
        assert!(location.starts_with(REDIRECT_URI), "{location}");
        let back = location_pairs(&response);
        assert_eq!(pair(&back, "error"), Some(error), "{pairs:?}");
        assert!(pair(&back, "error_description").is_some());
        assert_eq!(pair(&back, "state"), Some("state-1"));
        assert_eq!(pair(&back, "code"), None);
    }
    // Without a state, none comes back.
    let stateless = provider.authorize_page(&without("state")).await;
    assert_eq!(stateless.status, 200);
    let response = provider
        .submit(&without("state"), ADMIN_LOGIN_NAME, ADMIN_PASSWORD)
        .await;
    assert_eq!(response.status, 303);
    assert_eq!(pair(&location_pairs(&response), "state"), None);
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_with_401() {
    let provider = Provider::start().await;
    let request = provider.authorization();
    for (login, password) in [
        (ADMIN_LOGIN_NAME, "wrong"),
        (ADMIN_LOGIN_NAME, ""),
        ("nobody@acme.example", ADMIN_PASSWORD),
        ("", ""),
        // A user without a password (a person who never set one, a service account).
        ("minnie-mouse", ADMIN_PASSWORD),
        ("console-admin", ADMIN_PASSWORD),
    ] {
        let response = provider.submit(&request, login, password).await;
        assert_eq!(response.status, 401, "{login}");
        assert_eq!(response.header("location"), None);
        assert!(
            response.body.contains("Login name or password is wrong."),
            "{}",
            response.body
        );
        assert!(response.body.contains("<h1>Sign in to the sandbox</h1>"));
        // The login name stays filled in; the password never comes back.
        if !login.is_empty() {
            assert!(response.body.contains(&format!("value=\"{login}\"")));
        }
        assert!(!response.body.contains(ADMIN_PASSWORD));
    }
    // The full login name works as well as the user name.
    let full = provider
        .submit(
            &request,
            "manager@acme.example@acme.example.com",
            MANAGER_PASSWORD,
        )
        .await;
    assert_eq!(full.status, 303, "{}", full.body);

    // A deactivated user cannot sign in: the same answer.
    let deactivate = provider
        .sandbox
        .act(ids::MAX_MANAGER, "deactivate", OWNER_TOKEN)
        .await;
    assert_eq!(deactivate.status, 200, "{}", deactivate.text);
    let response = provider
        .submit(&request, MANAGER_LOGIN_NAME, MANAGER_PASSWORD)
        .await;
    assert_eq!(response.status, 401);
    assert!(response.body.contains("Login name or password is wrong."));
}

#[tokio::test]
async fn cancel_goes_back_with_access_denied() {
    let provider = Provider::start().await;
    let mut pairs = provider.authorization();
    pairs.push(("action", "cancel"));
    let response = provider.post_form("/oauth/v2/authorize", &pairs).await;
    assert_eq!(response.status, 303, "{}", response.body);
    let back = location_pairs(&response);
    assert_eq!(pair(&back, "error"), Some("access_denied"));
    assert_eq!(pair(&back, "state"), Some("state-1"));
    assert_eq!(pair(&back, "code"), None);
}

#[tokio::test]
async fn echoed_parameters_are_escaped() {
    let provider = Provider::start().await;
    let attack = "\"><script>alert(1)</script>";
    let pairs: Vec<(&str, &str)> = provider
        .authorization()
        .into_iter()
        .map(|(k, v)| match k {
            "state" | "nonce" => (k, attack),
            _ => (k, v),
        })
        .collect();
    let page = provider.authorize_page(&pairs).await;
    assert_eq!(page.status, 200);
    let escaped = "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;";
    assert!(page
        .body
        .contains(&format!("name=\"state\" value=\"{escaped}\"")));
    assert!(!page.body.contains("<script"), "{}", page.body);

    let failed = provider.submit(&pairs, attack, "wrong").await;
    assert_eq!(failed.status, 401);
    assert!(!failed.body.contains("<script"), "{}", failed.body);
    assert!(failed.body.contains(&format!("value=\"{escaped}\"")));

    // The state comes back unchanged, only URL-encoded.
    let signed = provider
        .submit(&pairs, ADMIN_LOGIN_NAME, ADMIN_PASSWORD)
        .await;
    assert_eq!(pair(&location_pairs(&signed), "state"), Some(attack));

    // And on the error page.
    let evil = provider
        .authorize_page(&[
            ("client_id", CLIENT_ID),
            ("redirect_uri", "http://evil.example/<script>x</script>"),
        ])
        .await;
    assert_eq!(evil.status, 400);
    assert!(!evil.body.contains("<script"), "{}", evil.body);
}

#[tokio::test]
async fn an_expired_token_is_an_invalid_token() {
    let sandbox = TestSandbox::with_settings(Settings {
        oidc_token_lifetime: Duration::from_secs(1),
        ..Settings::default()
    });
    let provider = Provider::with(sandbox).await;
    let tokens = provider.sign_in(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await;
    assert_eq!(tokens["expires_in"], 1);
    let access = access_token(&tokens);
    let minnie = format!("/v2/users/{}", ids::MINNIE);
    assert_eq!(provider.api(&minnie, &access, None).await.status, 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let expired = provider.api(&minnie, &access, None).await;
    assert_eq!(expired.status, 401);
    assert_eq!(
        expired.json(),
        json!({
            "code": 16,
            "message": "Errors.Token.Invalid (AUTH-7fs1e)",
            "details": [{
                "@type": "type.googleapis.com/zitadel.v1.ErrorDetail",
                "id": "AUTH-7fs1e",
                "message": "Errors.Token.Invalid"
            }]
        })
    );
}

#[tokio::test]
async fn the_debug_hook_expires_one_token_or_all() {
    let provider = Provider::start().await;
    let admin = access_token(&provider.sign_in(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await);
    let manager = access_token(&provider.sign_in(MANAGER_LOGIN_NAME, MANAGER_PASSWORD).await);
    let minnie = format!("/v2/users/{}", ids::MINNIE);

    let body = json!({"token": admin}).to_string();
    let one = provider
        .request("POST", "/debug/tokens/_expire", &[], Some(&body))
        .await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.json(), json!({"expired": 1}));
    let expired = provider.api(&minnie, &admin, Some(APP_ORIGIN)).await;
    assert_eq!(expired.status, 401);
    assert_eq!(error_id(&expired), "AUTH-7fs1e");
    assert_eq!(
        provider
            .api(&minnie, &manager, Some(APP_ORIGIN))
            .await
            .status,
        200
    );
    // Again: nothing left to expire.
    let again = provider
        .request("POST", "/debug/tokens/_expire", &[], Some(&body))
        .await;
    assert_eq!(again.json(), json!({"expired": 0}));

    let all = provider
        .request("POST", "/debug/tokens/_expire", &[], None)
        .await;
    assert_eq!(all.json(), json!({"expired": 1}));
    assert_eq!(provider.api(&minnie, &manager, None).await.status, 401);
    // Personal access tokens are not affected.
    assert_eq!(provider.api(&minnie, OWNER_TOKEN, None).await.status, 200);

    let bad = provider
        .request("POST", "/debug/tokens/_expire", &[], Some("[1]"))
        .await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn a_token_issued_to_the_client_is_refused_from_other_origins() {
    let provider = Provider::start().await;
    let access = access_token(&provider.sign_in(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await);
    let minnie = format!("/v2/users/{}", ids::MINNIE);
    for origin in [APP_ORIGIN, "http://localhost:8080"] {
        let allowed = provider.api(&minnie, &access, Some(origin)).await;
        assert_eq!(allowed.status, 200, "{origin}: {}", allowed.body);
    }
    for origin in ["http://evil.example", "https://127.0.0.1:38421", "null"] {
        let refused = provider.api(&minnie, &access, Some(origin)).await;
        assert_eq!(refused.status, 403, "{origin}");
        let body = refused.json();
        assert_eq!(body["code"], 7);
        assert_eq!(
            body["message"], "Errors.OriginNotAllowed (AUTH-DZG21)",
            "{body}"
        );
        assert_eq!(error_id(&refused), "AUTH-DZG21");
        // The refusal is readable cross-origin.
        assert_eq!(refused.header("access-control-allow-origin"), Some(origin));
    }
    // Personal access tokens are exempt.
    let pat = provider
        .api(&minnie, OWNER_TOKEN, Some("http://evil.example"))
        .await;
    assert_eq!(pat.status, 200, "{}", pat.body);
}

#[tokio::test]
async fn the_token_endpoint_answers_a_browser_on_another_origin() {
    let provider = Provider::start().await;
    let preflight = provider
        .request(
            "OPTIONS",
            "/oauth/v2/token",
            &[
                ("origin", APP_ORIGIN),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "content-type"),
            ],
            None,
        )
        .await;
    assert!(
        (200..300).contains(&preflight.status),
        "{}",
        preflight.status
    );
    assert_eq!(
        preflight.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    assert!(preflight
        .header("access-control-allow-methods")
        .unwrap_or_default()
        .contains("POST"));
    assert!(preflight
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .contains("content-type"));

    let code = provider.code_for(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await;
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("code", &code),
        ("redirect_uri", REDIRECT_URI),
        ("client_id", CLIENT_ID),
        ("code_verifier", VERIFIER),
    ]);
    let response = provider
        .request(
            "POST",
            "/oauth/v2/token",
            &[FORM, ("origin", APP_ORIGIN)],
            Some(&body),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    assert_eq!(
        response.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
    let discovery = provider
        .get(
            "/.well-known/openid-configuration",
            &[("origin", APP_ORIGIN)],
        )
        .await;
    assert_eq!(
        discovery.header("access-control-allow-origin"),
        Some(APP_ORIGIN)
    );
}

#[tokio::test]
async fn the_api_wants_the_zitadel_audience_scope_userinfo_does_not() {
    let provider = Provider::start().await;
    let pairs: Vec<(&str, &str)> = provider
        .authorization()
        .into_iter()
        .map(|(k, v)| if k == "scope" { (k, "openid") } else { (k, v) })
        .collect();
    let signed = provider
        .submit(&pairs, ADMIN_LOGIN_NAME, ADMIN_PASSWORD)
        .await;
    let code = pair(&location_pairs(&signed), "code")
        .expect("code")
        .to_string();
    let tokens = provider
        .exchange(&code, VERIFIER, REDIRECT_URI)
        .await
        .json();
    assert_eq!(tokens["scope"], "openid");
    // Only the scopes asked for: no profile or email claims.
    let (_, claims) = id_token_parts(&tokens);
    assert_eq!(claims["sub"], ids::ADA_ADMIN);
    assert!(claims.get("name").is_none() && claims.get("email").is_none());

    let access = access_token(&tokens);
    let api = provider
        .api(&format!("/v2/users/{}", ids::MINNIE), &access, None)
        .await;
    assert_eq!(api.status, 401);
    assert_eq!(error_id(&api), "AUTH-7fs1e");
    let info = provider.api("/oidc/v1/userinfo", &access, None).await;
    assert_eq!(info.status, 200, "{}", info.body);
    assert_eq!(info.json(), json!({"sub": ids::ADA_ADMIN}));
}

#[tokio::test]
async fn userinfo_describes_the_signed_in_user() {
    let provider = Provider::start().await;
    let access = access_token(&provider.sign_in(MANAGER_LOGIN_NAME, MANAGER_PASSWORD).await);
    let info = provider
        .api("/oidc/v1/userinfo", &access, Some(APP_ORIGIN))
        .await;
    assert_eq!(info.status, 200, "{}", info.body);
    assert_eq!(info.header("cache-control"), Some("no-store"));
    let claims = info.json();
    assert_eq!(claims["sub"], ids::MAX_MANAGER);
    assert_eq!(claims["name"], "Max Manager");
    assert_eq!(claims["preferred_username"], MANAGER_LOGIN_NAME);
    assert_eq!(claims["email"], "manager@acme.example");
    assert_eq!(claims["email_verified"], true);
    let posted = provider
        .request(
            "POST",
            "/oidc/v1/userinfo",
            &[("authorization", &format!("Bearer {access}"))],
            None,
        )
        .await;
    assert_eq!(posted.json(), claims);

    for headers in [vec![], vec![("authorization", "Bearer nope")]] {
        let refused = provider.get("/oidc/v1/userinfo", &headers).await;
        assert_eq!(refused.status, 401);
        assert_eq!(
            refused.header("www-authenticate"),
            Some("Bearer error=\"invalid_token\"")
        );
        assert_eq!(refused.json()["error"], "invalid_token");
    }
}

#[tokio::test]
async fn end_session_revokes_the_users_tokens_and_goes_back() {
    let provider = Provider::start().await;
    let admin = provider.sign_in(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await;
    let second = provider.sign_in(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await;
    let manager = provider.sign_in(MANAGER_LOGIN_NAME, MANAGER_PASSWORD).await;
    let minnie = format!("/v2/users/{}", ids::MINNIE);

    let id_token = admin["id_token"].as_str().expect("id_token");
    let logout = format!(
        "/oidc/v1/end_session?{}",
        form(&[
            ("id_token_hint", id_token),
            ("post_logout_redirect_uri", "http://127.0.0.1:38421/admin/"),
            ("state", "bye"),
        ])
    );
    let response = provider.get(&logout, &[]).await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(
        response.header("location"),
        Some("http://127.0.0.1:38421/admin/?state=bye")
    );
    for tokens in [&admin, &second] {
        let revoked = provider.api(&minnie, &access_token(tokens), None).await;
        assert_eq!(revoked.status, 401);
    }
    assert_eq!(
        provider
            .api(&minnie, &access_token(&manager), None)
            .await
            .status,
        200
    );

    // Somewhere not registered: a page instead of the redirect.
    let elsewhere = format!(
        "/oidc/v1/end_session?{}",
        form(&[
            ("client_id", CLIENT_ID),
            ("post_logout_redirect_uri", "https://evil.example/"),
        ])
    );
    let page = provider.get(&elsewhere, &[]).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("location"), None);
    assert!(page.body.contains("You are signed out"), "{}", page.body);

    for query in [
        String::new(),
        form(&[("id_token_hint", "not-a-token")]),
        form(&[("client_id", "someone-else")]),
    ] {
        let refused = provider
            .get(&format!("/oidc/v1/end_session?{query}"), &[])
            .await;
        assert_eq!(refused.status, 400, "{query}");
        assert_eq!(refused.header("location"), None);
    }
}

/// `name=value` of the session cookie a response sets.
fn session_cookie(response: &RawResponse) -> String {
    let set = response.header("set-cookie").expect("a Set-Cookie");
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    set.split(';').next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn end_session_by_client_id_ends_the_browsers_session() {
    let provider = Provider::start().await;
    let request = provider.authorization();
    // Two sign-ins in one browser share its session; another browser has its own.
    let first = provider
        .submit(&request, ADMIN_LOGIN_NAME, ADMIN_PASSWORD)
        .await;
    let cookie = session_cookie(&first);
    assert!(cookie.starts_with("sandbox_oidc_session="), "{cookie}");
    let second = provider
        .submit_with_cookie(
            &request,
            MANAGER_LOGIN_NAME,
            MANAGER_PASSWORD,
            Some(&cookie),
        )
        .await;
    assert_eq!(session_cookie(&second), cookie);
    let mut tokens = Vec::new();
    for response in [&first, &second] {
        let code = pair(&location_pairs(response), "code")
            .expect("code")
            .to_string();
        let exchanged = provider.exchange(&code, VERIFIER, REDIRECT_URI).await;
        tokens.push(access_token(&exchanged.json()));
    }
    let elsewhere = access_token(&provider.sign_in(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await);

    // The console's logout: client id and where to go, no token in the URL.
    let logout = format!(
        "/oidc/v1/end_session?{}",
        form(&[
            ("client_id", CLIENT_ID),
            (
                "post_logout_redirect_uri",
                "http://127.0.0.1:38421/admin/sign-in"
            ),
        ])
    );
    let response = provider.get(&logout, &[("cookie", &cookie)]).await;
    assert_eq!(response.status, 303, "{}", response.body);
    assert_eq!(
        response.header("location"),
        Some("http://127.0.0.1:38421/admin/sign-in")
    );
    let cleared = response.header("set-cookie").unwrap_or_default();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    let minnie = format!("/v2/users/{}", ids::MINNIE);
    for token in &tokens {
        assert_eq!(provider.api(&minnie, token, None).await.status, 401);
    }
    assert_eq!(provider.api(&minnie, &elsewhere, None).await.status, 200);
}

#[tokio::test]
async fn tokens_of_a_user_who_may_no_longer_sign_in_stop_working() {
    let provider = Provider::start().await;
    let access = access_token(&provider.sign_in(MANAGER_LOGIN_NAME, MANAGER_PASSWORD).await);
    let minnie = format!("/v2/users/{}", ids::MINNIE);
    assert_eq!(provider.api(&minnie, &access, None).await.status, 200);
    let lock = provider
        .sandbox
        .act(ids::MAX_MANAGER, "lock", OWNER_TOKEN)
        .await;
    assert_eq!(lock.status, 200, "{}", lock.text);
    assert_eq!(provider.api(&minnie, &access, None).await.status, 401);
}

fn org_names(body: &Value) -> Vec<String> {
    body["result"]
        .as_array()
        .map(|orgs| {
            orgs.iter()
                .filter_map(|org| org["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// ZITADEL.md Corrections 4: ListMyProjectOrgs lists the orgs where the signed-in
/// user has a user grant on the console app's project (the seeded admins: none); their
/// own orgs come from ListMyMemberships, all orgs from v2 ListOrganizations.
#[tokio::test]
async fn the_org_switcher_calls_answer_as_zitadel_does() {
    let provider = Provider::start().await;
    let search = "/auth/v1/global/projectorgs/_search";
    let request = r#"{"query":{"offset":"0","limit":100,"asc":true}}"#;
    let admin = access_token(&provider.sign_in(ADMIN_LOGIN_NAME, ADMIN_PASSWORD).await);
    let project_orgs = provider.api_post(search, &admin, request).await;
    assert_eq!(project_orgs.status, 200, "{}", project_orgs.body);
    let body = project_orgs.json();
    assert!(body["details"].get("totalResult").is_none(), "{body}");
    assert!(body["details"]["viewTimestamp"].is_string());
    assert!(org_names(&body).is_empty());

    let memberships = provider
        .api_post("/auth/v1/memberships/me/_search", &admin, "{}")
        .await
        .json();
    assert_eq!(memberships["result"][0]["iam"], true, "{memberships}");
    assert_eq!(memberships["result"][0]["roles"][0], "IAM_OWNER");
    let all = provider
        .api_post(
            "/v2/organizations/_search",
            &admin,
            r#"{"sortingColumn":"ORGANIZATION_FIELD_NAME_NAME","query":{"asc":true}}"#,
        )
        .await
        .json();
    assert_eq!(org_names(&all), ["ACME", "Globex"]);

    let manager = access_token(&provider.sign_in(MANAGER_LOGIN_NAME, MANAGER_PASSWORD).await);
    let own = provider
        .api_post("/auth/v1/memberships/me/_search", &manager, "{}")
        .await
        .json();
    assert_eq!(own["result"][0]["orgId"], ACME_ORG_ID, "{own}");
    assert_eq!(own["result"][0]["displayName"], "ACME");
    let project_orgs = provider.api_post(search, &manager, "{}").await.json();
    assert!(org_names(&project_orgs).is_empty());

    let bad = provider
        .api_post(search, OWNER_TOKEN, r#"{"queries":[{}]}"#)
        .await;
    assert_eq!(bad.status, 400);
    let anonymous = provider.request("POST", search, &[], Some("{}")).await;
    assert_eq!(anonymous.status, 401);
}

#[tokio::test]
async fn get_my_org_answers_the_org_in_context() {
    let provider = Provider::start().await;
    let manager = access_token(&provider.sign_in(MANAGER_LOGIN_NAME, MANAGER_PASSWORD).await);
    let bearer = format!("Bearer {manager}");
    let me = "/management/v1/orgs/me";
    let own = provider.api(me, &manager, Some(APP_ORIGIN)).await;
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(own.json()["org"]["id"], ACME_ORG_ID);
    assert_eq!(own.json()["org"]["name"], "ACME");

    let globex = provider
        .get(
            me,
            &[
                ("authorization", &bearer),
                ("x-zitadel-orgid", GLOBEX_ORG_ID),
            ],
        )
        .await;
    assert_eq!(globex.status, 200, "{}", globex.body);
    assert_eq!(globex.json()["org"]["name"], "Globex");

    let unknown = provider
        .get(me, &[("authorization", &bearer), ("x-zitadel-orgid", "1")])
        .await;
    assert_eq!(unknown.status, 403);
    assert_eq!(error_id(&unknown), "AUTH-Bs7Ds");
}

/// ZITADEL's login creates a session API v2 session for whoever signs in; the user
/// then sees it in ListSessions (their own sessions need no permission).
#[tokio::test]
async fn a_sign_in_creates_a_session_its_user_can_list() {
    let provider = Provider::start().await;
    let by_manager = json!({"queries": [{"userIdQuery": {"id": ids::MAX_MANAGER}}]}).to_string();
    let before = provider
        .sandbox
        .call(
            "POST",
            "/v2/sessions/search",
            Some(OWNER_TOKEN),
            Some(&by_manager),
        )
        .await;
    assert_eq!(before.status, 200, "{}", before.text);
    assert!(
        before.json()["sessions"].as_array().is_none(),
        "{}",
        before.text
    );

    let tokens = provider.sign_in(MANAGER_LOGIN_NAME, MANAGER_PASSWORD).await;
    let listed = provider
        .api_post("/v2/sessions/search", &access_token(&tokens), &by_manager)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    let sessions = listed.json()["sessions"].clone();
    assert_eq!(sessions.as_array().map(Vec::len), Some(1), "{sessions}");
    let user = &sessions[0]["factors"]["user"];
    assert_eq!(user["id"], ids::MAX_MANAGER);
    assert_eq!(user["organizationId"], ACME_ORG_ID);
    assert_eq!(
        user["loginName"],
        format!("{MANAGER_LOGIN_NAME}@acme.example.com")
    );
    assert!(sessions[0]["factors"]["password"]["verifiedAt"].is_string());
}
