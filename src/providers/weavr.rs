//! Weavr authorised users, Multi (`/users...`) and Payment Run (`/v1/users...`),
//! contracts/WEAVR.md. The browser calls the deployment's same-origin proxy,
//! which adds the api-key; this module never sees it.

use serde::{Deserialize, Serialize};

use super::wire::{self, non_empty, to_json};
use crate::domain::{
    Details, Owner, OwnerKind, User, UserAction, UserKind, UserPage, UserQuery, UserState,
};
use crate::http::{path_segment, ApiError, ApiRequest, ApiResponse, ServerMessage};
use crate::tr;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Product {
    Multi,
    PaymentRun,
}

impl Product {
    fn users_path(self) -> &'static str {
        match self {
            Product::Multi => "/users",
            Product::PaymentRun => "/v1/users",
        }
    }
}

pub fn get_user_request(product: Product, user_id: &str) -> ApiRequest {
    ApiRequest::get(format!(
        "{}/{}",
        product.users_path(),
        path_segment(user_id)
    ))
}

/// The most users one Weavr list call returns (contracts/WEAVR.md §3).
pub const MAX_LIMIT: u32 = 100;

/// `GET /users?offset&limit&active&email`. Weavr filters by exact email only
/// and does not sort; a search that is not an email address cannot be sent
/// (the page says so), and states other than active/inactive do not exist.
pub fn list_request(product: Product, query: &UserQuery) -> ApiRequest {
    let mut params = vec![
        format!("offset={}", query.offset()),
        format!("limit={}", query.page_size.min(MAX_LIMIT)),
    ];
    match query.state {
        Some(UserState::Active) => params.push("active=true".into()),
        Some(UserState::Inactive) => params.push("active=false".into()),
        _ => {}
    }
    if is_email(&query.search) {
        params.push(format!("email={}", path_segment(&query.search)));
    }
    ApiRequest::get(format!("{}?{}", product.users_path(), params.join("&")))
}

/// Whether a search can be sent to Weavr, which only matches whole addresses.
pub fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(local), Some(domain), None)
        if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'))
}

pub fn read_list(response: &ApiResponse) -> Result<UserPage, ApiError> {
    if !response.is_success() {
        return Err(error_from_response(response));
    }
    let body: ListWire = serde_json::from_str(&response.body).map_err(|_| unreadable(response))?;
    let users: Vec<User> = body
        .users
        .unwrap_or_default()
        .into_iter()
        .map(|u| u.into_domain(""))
        .collect();
    Ok(UserPage {
        total: body.count.unwrap_or(users.len() as u64),
        users,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListWire {
    users: Option<Vec<UserWire>>,
    count: Option<u64>,
}

/// Activate and deactivate take no body. Payment Run declares
/// `idempotency-ref` on them (Multi does not): the same reference on a retry
/// lets the server recognise the duplicate.
pub fn action_request(
    product: Product,
    user_id: &str,
    action: UserAction,
    idempotency_ref: &str,
) -> Option<ApiRequest> {
    let verb = match action {
        UserAction::Deactivate => "deactivate",
        UserAction::Reactivate => "activate",
        UserAction::Lock | UserAction::Unlock | UserAction::Delete => return None,
    };
    let request = ApiRequest::post(
        format!("{}/{}/{verb}", product.users_path(), path_segment(user_id)),
        None,
    );
    Some(match product {
        Product::PaymentRun => request.with_header("idempotency-ref", Some(idempotency_ref)),
        Product::Multi => request,
    })
}

impl Product {
    /// Where the product's paths start below the proxy (Payment Run: `/v1`).
    fn prefix(self) -> &'static str {
        match self {
            Product::Multi => "",
            Product::PaymentRun => "/v1",
        }
    }
}

/// `POST …/login_with_password`, through the deployment's proxy, which adds
/// the api-key (contracts/WEAVR.md §2.2).
pub fn login_request(product: Product, email: &str, password: &str) -> ApiRequest {
    #[derive(Serialize)]
    struct Login<'a> {
        email: &'a str,
        password: Password<'a>,
    }
    #[derive(Serialize)]
    struct Password<'a> {
        value: &'a str,
    }
    let body = Login {
        email: email.trim(),
        password: Password { value: password },
    };
    ApiRequest::post(
        format!("{}/login_with_password", product.prefix()),
        Some(to_json(&body)),
    )
}

/// `POST …/logout`: ends the auth token's session at Weavr.
pub fn logout_request(product: Product) -> ApiRequest {
    ApiRequest::post(format!("{}/logout", product.prefix()), None)
}

/// Why Weavr did not sign the admin in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoginError {
    WrongCredentials,
    PasswordExpired,
    Locked,
    /// The token type of the further step.
    FurtherStep(String),
    Api(ApiError),
}

impl std::fmt::Display for LoginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoginError::WrongCredentials => f.write_str(tr!(errors.weavr_wrong_credentials)),
            LoginError::PasswordExpired => f.write_str(tr!(errors.weavr_password_expired)),
            LoginError::Locked => f.write_str(tr!(errors.weavr_locked)),
            LoginError::FurtherStep(token_type) => {
                f.write_str(&tr!(errors.weavr_further_step, token_type))
            }
            LoginError::Api(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for LoginError {}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginWire {
    #[serde(default)]
    token: String,
    #[serde(default)]
    token_type: Option<String>,
}

/// The access token of a successful login.
pub fn read_login(response: &ApiResponse) -> Result<String, LoginError> {
    match response.status {
        403 => return Err(LoginError::WrongCredentials),
        409 => return Err(LoginError::PasswordExpired),
        423 => return Err(LoginError::Locked),
        _ if !response.is_success() => return Err(LoginError::Api(error_from_response(response))),
        _ => {}
    }
    let unreadable = || {
        LoginError::Api(ApiError::UnreadableAnswer {
            status: response.status,
            detail: tr!(errors.weavr_sign_in_answer_lacks_token).into(),
        })
    };
    let login: LoginWire = serde_json::from_str(&response.body).map_err(|_| unreadable())?;
    match login.token_type.as_deref() {
        // An AUTH token works on /identities and /access_token only.
        Some(kind) if kind != "ACCESS" => Err(LoginError::FurtherStep(kind.to_string())),
        _ if login.token.is_empty() => Err(unreadable()),
        _ => Ok(login.token),
    }
}

pub fn read_user(user_id: &str, response: &ApiResponse) -> Result<User, ApiError> {
    if !response.is_success() {
        return Err(error_from_response(response));
    }
    let user: UserWire = serde_json::from_str(&response.body).map_err(|_| unreadable(response))?;
    Ok(user.into_domain(user_id))
}

/// A 204 with no body is success; Weavr returns no details of the change.
pub fn read_action(response: &ApiResponse) -> Result<Details, ApiError> {
    if response.is_success() {
        Ok(Details::default())
    } else {
        Err(error_from_response(response))
    }
}

/// Weavr error bodies: 400 `{message, syntaxErrors}`, 403/409 `{errorCode}`,
/// 404 `{code, message}`; 401, 413, 422, 429 and 5xx have none.
pub fn error_from_response(response: &ApiResponse) -> ApiError {
    let body = match wire::error_body(response, ErrorWire::says_anything) {
        Ok(parsed) => parsed.unwrap_or_default(),
        Err(unreadable) => return unreadable,
    };
    let id = non_empty(body.error_code).or(non_empty(body.code));
    let syntax = body
        .syntax_errors
        .map(|s| s.describe())
        .filter(|s| !s.is_empty());
    let text = match (non_empty(body.message), syntax) {
        (Some(message), Some(syntax)) => Some(format!("{message}: {syntax}")),
        (message, syntax) => message.or(syntax),
    };
    // Weavr sends the seconds until the rate-limit window resets, not Retry-After.
    ApiError::from_status(
        response.status,
        ServerMessage { text, id },
        false,
        response.retry_after.as_deref(),
    )
}

fn unreadable(response: &ApiResponse) -> ApiError {
    let user = tr!(errors.expected_user);
    let detail = if response.body.trim().is_empty() {
        tr!(errors.empty_answer, what = user)
    } else {
        tr!(errors.answer_lacks, what = user)
    };
    ApiError::UnreadableAnswer {
        status: response.status,
        detail,
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct ErrorWire {
    error_code: Option<String>,
    code: Option<String>,
    message: Option<String>,
    syntax_errors: Option<SyntaxErrorsWire>,
}

impl ErrorWire {
    fn says_anything(&self) -> bool {
        self.error_code.is_some()
            || self.code.is_some()
            || self.message.is_some()
            || self.syntax_errors.is_some()
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct SyntaxErrorsWire {
    invalid_fields: Vec<InvalidFieldWire>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct InvalidFieldWire {
    field_name: Option<String>,
    error: Option<String>,
    params: Vec<String>,
}

impl SyntaxErrorsWire {
    fn describe(self) -> String {
        self.invalid_fields
            .into_iter()
            .map(|f| {
                let field = f
                    .field_name
                    .unwrap_or_else(|| tr!(errors.unnamed_field).into());
                let error = f.error.unwrap_or_else(|| tr!(errors.field_invalid).into());
                if f.params.is_empty() {
                    format!("{field} {error}")
                } else {
                    format!("{field} {error} ({})", f.params.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The `User` of both products: Multi has `identity`, Payment Run `buyerId`.
#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct UserWire {
    id: Option<String>,
    name: Option<String>,
    surname: Option<String>,
    email: Option<String>,
    active: Option<bool>,
    identity: Option<IdentityWire>,
    buyer_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IdentityWire {
    #[serde(rename = "type")]
    kind: Option<String>,
    id: Option<String>,
}

impl UserWire {
    fn into_domain(self, requested_id: &str) -> User {
        let id = non_empty(self.id).unwrap_or_else(|| requested_id.to_string());
        let email = non_empty(self.email);
        let full_name = [non_empty(self.name), non_empty(self.surname)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let owner = match (self.identity, non_empty(self.buyer_id)) {
            (Some(identity), _) => non_empty(identity.id).map(|id| Owner {
                kind: match identity.kind.as_deref() {
                    Some("CORPORATE") => OwnerKind::Corporate,
                    Some("CONSUMER") => OwnerKind::Consumer,
                    _ => OwnerKind::Unspecified,
                },
                id,
            }),
            (None, Some(buyer)) => Some(Owner {
                kind: OwnerKind::Buyer,
                id: buyer,
            }),
            (None, None) => None,
        };
        User {
            display_name: non_empty(Some(full_name))
                .or_else(|| email.clone())
                .unwrap_or_else(|| id.clone()),
            username: email.clone().unwrap_or_default(),
            login_name: email.clone(),
            email,
            id,
            kind: UserKind::Human,
            // A missing `active` is not a state the console may guess.
            state: match self.active {
                Some(true) => UserState::Active,
                Some(false) => UserState::Inactive,
                None => UserState::Unspecified,
            },
            // Weavr sends no timestamps or sequence (contracts/WEAVR.md §3).
            details: Details {
                owner,
                ..Details::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::Method;

    fn answer(status: u16, body: &str) -> ApiResponse {
        ApiResponse::json(status, body)
    }

    /// contracts/WEAVR.md §4, verbatim.
    const MULTI_USER: &str = r#"{
      "id": "110747174434373672",
      "identity": { "type": "CORPORATE", "id": "110747174434373120" },
      "name": "Ada",
      "surname": "Lovelace",
      "email": "ada@example.com",
      "mobile": { "countryCode": "+44", "number": "7700900123" },
      "active": true,
      "dateOfBirth": { "year": 1990, "month": 12, "day": 10 },
      "tag": "finance",
      "countryOfResidence": "GB",
      "locale": "en-GB",
      "brand": "acme",
      "roles": ["ACCESS_MANAGEMENT_ROLE"]
    }"#;

    const PAYMENT_RUN_USER: &str = r#"{
      "id": "110747174434373672",
      "buyerId": "110747174434373120",
      "name": "Ada",
      "surname": "Lovelace",
      "email": "ada@example.com",
      "mobile": { "countryCode": "+44", "number": "7700900123" },
      "active": false,
      "dateOfBirth": { "year": 1990, "month": 12, "day": 10 },
      "roles": ["CREATOR"],
      "addedBy": { "rolesNames": ["ADMIN"], "userId": "110747174434373001" }
    }"#;

    #[test]
    fn signs_in_through_the_proxy_and_reads_every_answer() {
        let request = login_request(Product::PaymentRun, " ada@example.com ", "secret");
        assert_eq!(request.path, "/v1/login_with_password");
        let body: serde_json::Value =
            serde_json::from_str(request.body.as_deref().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"email": "ada@example.com", "password": {"value": "secret"}})
        );
        assert_eq!(
            login_request(Product::Multi, "a", "b").path,
            "/login_with_password"
        );
        assert_eq!(logout_request(Product::Multi).path, "/logout");

        let ok = answer(
            200,
            r#"{"token":"eyJ","tokenType":"ACCESS","identity":{"type":"CORPORATE","id":"1"},"credentials":{"type":"USER","id":"2"}}"#,
        );
        assert_eq!(read_login(&ok), Ok("eyJ".into()));
        assert_eq!(
            read_login(&answer(403, "")),
            Err(LoginError::WrongCredentials)
        );
        assert_eq!(
            read_login(&answer(409, r#"{"token":"tmp"}"#)),
            Err(LoginError::PasswordExpired)
        );
        assert_eq!(read_login(&answer(423, "")), Err(LoginError::Locked));
        assert_eq!(
            read_login(&answer(200, r#"{"token":"a","tokenType":"AUTH"}"#)),
            Err(LoginError::FurtherStep("AUTH".into()))
        );
        assert!(matches!(
            read_login(&answer(200, "{}")),
            Err(LoginError::Api(_))
        ));
        assert!(matches!(
            read_login(&answer(429, "")),
            Err(LoginError::Api(ApiError::RateLimited { .. }))
        ));
    }

    #[test]
    fn builds_the_contract_requests() {
        let get = get_user_request(Product::Multi, "110747174434373672");
        assert_eq!(
            (get.method, get.path.as_str()),
            (Method::Get, "/users/110747174434373672")
        );
        let deactivate = action_request(
            Product::PaymentRun,
            "110747174434373672",
            UserAction::Deactivate,
            "ref-1",
        )
        .unwrap();
        assert_eq!(deactivate.path, "/v1/users/110747174434373672/deactivate");
        assert_eq!(deactivate.body, None);
        assert_eq!(
            deactivate.headers,
            vec![("idempotency-ref", "ref-1".to_string())]
        );
        let activate =
            action_request(Product::Multi, "1", UserAction::Reactivate, "ref-2").unwrap();
        assert_eq!(
            (activate.path.as_str(), activate.headers.len()),
            ("/users/1/activate", 0)
        );
        assert!(action_request(Product::Multi, "1", UserAction::Lock, "r").is_none());
        assert!(action_request(Product::PaymentRun, "1", UserAction::Delete, "r").is_none());
    }

    #[test]
    fn parses_the_contract_user_examples() {
        let multi = read_user("x", &answer(200, MULTI_USER)).unwrap();
        assert_eq!(multi.id, "110747174434373672");
        assert_eq!(multi.display_name, "Ada Lovelace");
        assert_eq!(multi.login_name.as_deref(), Some("ada@example.com"));
        assert_eq!(multi.state, UserState::Active);
        assert_eq!(
            multi.details.owner,
            Some(Owner {
                kind: OwnerKind::Corporate,
                id: "110747174434373120".into()
            })
        );
        assert_eq!(
            (
                multi.details.created,
                multi.details.changed,
                multi.details.sequence
            ),
            (None, None, None)
        );

        let payment_run = read_user("x", &answer(200, PAYMENT_RUN_USER)).unwrap();
        assert_eq!(payment_run.state, UserState::Inactive);
        assert_eq!(
            payment_run.details.owner,
            Some(Owner {
                kind: OwnerKind::Buyer,
                id: "110747174434373120".into()
            })
        );
    }

    #[test]
    fn a_missing_active_flag_is_not_guessed() {
        let user = read_user("5", &answer(200, r#"{"name":"Ada"}"#)).unwrap();
        assert_eq!(
            (user.state, user.id.as_str(), user.display_name.as_str()),
            (UserState::Unspecified, "5", "Ada")
        );
    }

    #[test]
    fn lists_with_offset_limit_active_and_exact_email() {
        let query = UserQuery {
            state: Some(UserState::Inactive),
            page: 2,
            page_size: 1000,
            search: "ada@example.com".into(),
            ..UserQuery::default()
        };
        let request = list_request(Product::Multi, &query);
        assert_eq!(
            request.path,
            "/users?offset=1000&limit=100&active=false&email=ada%40example.com"
        );
        let plain = list_request(
            Product::PaymentRun,
            &UserQuery {
                search: "ada".into(),
                ..UserQuery::default()
            },
        );
        assert_eq!(plain.path, "/v1/users?offset=0&limit=50");
        assert!(
            is_email("a@b.co")
                && !is_email("ada")
                && !is_email("a@b")
                && !is_email("@b.co")
                && !is_email("a@b@c.d")
        );
    }

    #[test]
    fn parses_the_contract_list_example() {
        // contracts/WEAVR.md §5.1
        let body = r#"{ "users": [ { "id": "110747174434373672", "identity": { "type": "CORPORATE", "id": "110747174434373120" },
                       "name": "Ada", "surname": "Lovelace", "email": "ada@example.com", "active": false } ],
          "count": 1, "responseCount": 1 }"#;
        let page = read_list(&answer(200, body)).unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(
            (
                page.users[0].display_name.as_str(),
                page.users[0].state.clone()
            ),
            ("Ada Lovelace", UserState::Inactive)
        );
    }

    #[test]
    fn a_204_is_success_without_details() {
        assert_eq!(read_action(&answer(204, "")), Ok(Details::default()));
    }

    #[test]
    fn reads_every_error_shape_of_the_contract() {
        // contracts/WEAVR.md §7 examples.
        let bad = r#"{ "message": "Bad request", "syntaxErrors": { "invalidFields": [ { "fieldName": "limit", "error": "RANGE", "params": ["1", "100"] } ] } }"#;
        let err = error_from_response(&answer(400, bad));
        assert!(matches!(err, ApiError::InvalidRequest(_)));
        assert_eq!(err.server_text(), Some("Bad request: limit RANGE (1, 100)"));

        let err = error_from_response(&answer(
            403,
            r#"{ "errorCode": "INSUFFICIENT_PERMISSIONS" }"#,
        ));
        assert!(matches!(err, ApiError::PermissionDenied(_)));
        assert_eq!(err.error_id(), Some("INSUFFICIENT_PERMISSIONS"));

        let err = error_from_response(&answer(
            404,
            r#"{ "code": "NOT_FOUND", "message": "User not found" }"#,
        ));
        assert_eq!(
            (err.error_id(), err.server_text()),
            (Some("NOT_FOUND"), Some("User not found"))
        );

        let err = error_from_response(&answer(
            409,
            r#"{ "errorCode": "IDEMPOTENT_REQUEST_IN_PROGRESS" }"#,
        ));
        assert!(matches!(err, ApiError::Conflict(_)));
        assert!(
            err.is_retryable(),
            "the first request is still running: retrying with the same ref is safe"
        );

        for status in [401, 413, 422, 500, 503] {
            let err = error_from_response(&answer(status, ""));
            assert_eq!(
                err.server_message(),
                Some(&ServerMessage::default()),
                "{status}"
            );
        }
        let limited = ApiResponse {
            retry_after: Some("12".into()),
            ..answer(429, "")
        };
        assert_eq!(
            error_from_response(&limited),
            ApiError::RateLimited {
                retry_after_seconds: Some(12)
            }
        );
        // Weavr's own front-end reads `message` on a 403; both are kept.
        let err = error_from_response(&answer(403, r#"{"message":"STEP_UP_REQUIRED"}"#));
        assert_eq!(err.server_text(), Some("STEP_UP_REQUIRED"));
    }

    #[test]
    fn an_error_answer_not_in_weavrs_shape_is_unreadable_and_never_quoted() {
        for body in [r#"{"errorCode":"#, r#"{"code":"#, "[1,2]", r#"{"foo":1}"#] {
            let err = error_from_response(&answer(409, body));
            assert!(
                matches!(err, ApiError::UnreadableAnswer { status: 409, .. }),
                "{body}: {err:?}"
            );
            assert_eq!(err.server_text(), None, "{body}");
        }
        // A proxy's page is not JSON: the status still says what happened.
        let page = "<html><head><title>502 Bad Gateway</title></head></html>";
        assert!(matches!(
            error_from_response(&answer(502, page)),
            ApiError::ServerError { status: 502, .. }
        ));
    }

    #[test]
    fn unreadable_users_become_clear_errors() {
        assert!(matches!(
            read_user("1", &answer(200, "")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
        assert!(matches!(
            read_user("1", &answer(200, "[1,2]")),
            Err(ApiError::UnreadableAnswer { .. })
        ));
        assert!(matches!(
            read_user("1", &answer(200, r#"{"active":"yes"}"#)),
            Err(ApiError::UnreadableAnswer { .. })
        ));
    }
}
