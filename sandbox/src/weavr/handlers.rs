//! The Weavr operations: list, get, activate, deactivate, login and logout.

use super::account::{ADMIN_EMAIL, ADMIN_ID, ADMIN_PASSWORD, IDENTITY_ID};
use super::commands::{self, ActiveChange};
use super::store::{self, ListFilter, TokenHolder};
use super::wire::Product;
use super::wire::{self, InvalidField, UserJson, UsersResponse};
use crate::db::Store;
use crate::query::{query_pairs, query_value};
use crate::random;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;

/// The largest page; also the default when `limit` is left out.
const MAX_LIMIT: u32 = 100;

fn internal_error() -> Response {
    wire::no_body(StatusCode::INTERNAL_SERVER_ERROR)
}

/// `GET …/users?offset&limit&active&email`.
pub async fn list_users(
    product: Product,
    State(store): State<Store>,
    RawQuery(query): RawQuery,
) -> Response {
    let filter = match parse_list_query(query.as_deref()) {
        Ok(filter) => filter,
        Err(invalid) => return wire::bad_request(invalid),
    };
    let page = store
        .call(move |conn| store::list_users(conn, product, &filter))
        .await;
    let Ok((users, count)) = page else {
        return internal_error();
    };
    let response = UsersResponse {
        users: users
            .iter()
            .map(|u| UserJson {
                profile: &u.profile,
                active: u.active,
            })
            .collect(),
        count,
        response_count: users.len() as u64,
    };
    wire::json(StatusCode::OK, &response)
}

/// Reads the query string of `usersGet`; every wrong field is reported.
pub fn parse_list_query(query: Option<&str>) -> Result<ListFilter, Vec<InvalidField>> {
    let pairs = query_pairs(query);
    let mut invalid = Vec::new();
    let mut number = |name: &str, min: u32, max: u32, default: u32| -> u32 {
        match query_value(&pairs, name) {
            None => default,
            Some(text) => match text.parse::<i64>() {
                Ok(n) if n >= i64::from(min) && n <= i64::from(max) => n as u32,
                Ok(_) => {
                    invalid.push(InvalidField {
                        field_name: name.to_string(),
                        error: "RANGE",
                        params: vec![min.to_string(), max.to_string()],
                    });
                    default
                }
                Err(_) => {
                    invalid.push(InvalidField {
                        field_name: name.to_string(),
                        error: "REGEX",
                        params: vec!["^[0-9]+$".to_string()],
                    });
                    default
                }
            },
        }
    };
    let offset = number("offset", 0, i32::MAX as u32, 0);
    let limit = number("limit", 1, MAX_LIMIT, MAX_LIMIT);
    let active = match query_value(&pairs, "active") {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            invalid.push(InvalidField {
                field_name: "active".to_string(),
                error: "IN",
                params: vec!["true".to_string(), "false".to_string()],
            });
            None
        }
    };
    let email = query_value(&pairs, "email").map(str::to_string);
    if email.as_deref().is_some_and(|e| !e.contains('@')) {
        invalid.push(InvalidField {
            field_name: "email".to_string(),
            error: "REGEX",
            params: Vec::new(),
        });
    }
    if !invalid.is_empty() {
        return Err(invalid);
    }
    Ok(ListFilter {
        active,
        email,
        offset,
        limit,
    })
}

/// `GET …/users/{user_id}`.
pub async fn get_user(
    product: Product,
    State(store): State<Store>,
    Path(user_id): Path<String>,
) -> Response {
    match store
        .call(move |conn| store::find_user(conn, product, &user_id))
        .await
    {
        Ok(Some(user)) => wire::json(
            StatusCode::OK,
            &UserJson {
                profile: &user.profile,
                active: user.active,
            },
        ),
        Ok(None) => wire::user_not_found(),
        Err(_) => internal_error(),
    }
}

/// `POST …/users/{user_id}/activate|deactivate`: 204 with no body. The contract does
/// not say what a user already in the target state gets; the sandbox answers 204 and
/// writes nothing (the app must re-read the user anyway, see WEAVR.md §6).
pub async fn set_active(
    product: Product,
    active: bool,
    State(store): State<Store>,
    Extension(holder): Extension<TokenHolder>,
    Path(user_id): Path<String>,
) -> Response {
    let change = store
        .call(move |conn| commands::set_active(conn, &holder.user_id, product, &user_id, active))
        .await;
    match change {
        Ok(ActiveChange::Written(_) | ActiveChange::Unchanged) => {
            wire::no_body(StatusCode::NO_CONTENT)
        }
        Ok(ActiveChange::NotFound) => wire::user_not_found(),
        Err(_) => internal_error(),
    }
}

/// `POST …/login_with_password` `{"email", "password": {"value"}}`: only the admin
/// credentials have a password in the sandbox. A fresh token, valid until logout.
pub async fn login(product: Product, State(store): State<Store>, body: Bytes) -> Response {
    let request: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(err) => return wire::bad_body(&format!("body is not JSON: {err}")),
    };
    let email = request["email"].as_str();
    let password = request["password"]["value"].as_str();
    if email.is_none() || password.is_none() {
        let missing = [
            ("email", email.is_none()),
            ("password.value", password.is_none()),
        ]
        .into_iter()
        .filter(|(_, missing)| *missing)
        .map(|(name, _)| InvalidField {
            field_name: name.to_string(),
            error: "REQUIRED",
            params: Vec::new(),
        })
        .collect();
        return wire::bad_request(missing);
    }
    let matches = email.is_some_and(|e| e.eq_ignore_ascii_case(ADMIN_EMAIL))
        && password == Some(ADMIN_PASSWORD);
    if !matches {
        return wire::no_body(StatusCode::FORBIDDEN);
    }
    let token = random::hex(24);
    let stored = {
        let token = token.clone();
        store
            .call(move |conn| {
                store::add_token(conn, &token, Some(product), ADMIN_ID, &["ADMIN"], false)
            })
            .await
    };
    if stored.is_err() {
        return internal_error();
    }
    let (identity_type, credential_type) = match product {
        Product::Multi => ("CORPORATE", "ROOT"),
        Product::PaymentRun => ("BUYER", "ADMIN"),
    };
    wire::json(
        StatusCode::OK,
        &serde_json::json!({
            "token": token,
            "tokenType": "ACCESS",
            "identity": { "type": identity_type, "id": IDENTITY_ID },
            "credentials": { "type": credential_type, "id": ADMIN_ID },
        }),
    )
}

/// `POST …/logout`: 204; the token stops working (the seeded ones excepted).
pub async fn logout(
    State(store): State<Store>,
    Extension(holder): Extension<TokenHolder>,
) -> Response {
    match store
        .call(move |conn| store::remove_token(conn, &holder.token))
        .await
    {
        Ok(()) => wire::no_body(StatusCode::NO_CONTENT),
        Err(_) => internal_error(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_query_defaults_and_ranges() {
        let filter = parse_list_query(None).expect("valid");
        assert_eq!((filter.offset, filter.limit, filter.active), (0, 100, None));
        let filter =
            parse_list_query(Some("limit=5&offset=2&active=false&email=a%40b.c")).expect("valid");
        assert_eq!(
            (filter.offset, filter.limit, filter.active),
            (2, 5, Some(false))
        );
        assert_eq!(filter.email.as_deref(), Some("a@b.c"));
        let invalid =
            parse_list_query(Some("limit=0&offset=-1&active=maybe")).expect_err("invalid");
        let names: Vec<_> = invalid.iter().map(|f| f.field_name.as_str()).collect();
        assert_eq!(names, ["offset", "limit", "active"]);
        assert_eq!(invalid[1].params, ["1", "100"]);
        assert!(parse_list_query(Some("limit=101")).is_err());
        assert!(parse_list_query(Some("limit=ten")).is_err());
    }
}
