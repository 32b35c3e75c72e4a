//! RP-initiated logout: ends the tokens and the browser's session.

use super::client::{self, CLIENT_ID};
use super::crypto;
use super::http::*;
use super::pages;
use super::store::{self};
use crate::db::Store;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

pub(super) async fn end_session_query(
    State(store): State<Store>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    end_session(store, &headers, Params::from_query(&uri)).await
}

pub(super) async fn end_session_form(
    State(store): State<Store>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    end_session(store, &headers, Params::from_form(&body)).await
}

/// OIDC RP-Initiated Logout: revokes the tokens the client holds for the user named by
/// `id_token_hint` (its signature and expiry are not checked: the hint only says who)
/// and those of this browser's session, ends the session, then goes to
/// `post_logout_redirect_uri` if the client registered it.
pub(super) async fn end_session(store: Store, headers: &HeaderMap, params: Params) -> Response {
    let hint = match params.get("id_token_hint") {
        None => None,
        Some(hint) => match crypto::jwt_claims_unverified(hint) {
            Some(claims) => Some(claims),
            None => return pages::refused("The id_token_hint is not a JWT."),
        },
    };
    let hinted_client = hint.as_ref().and_then(|claims| {
        claims
            .get("azp")
            .or_else(|| claims.get("aud"))
            .and_then(|aud| match aud {
                Value::Array(items) => items.first().and_then(Value::as_str),
                other => other.as_str(),
            })
            .map(str::to_string)
    });
    let client_id = match (params.get("client_id"), hinted_client.as_deref()) {
        (None, None) => {
            return pages::refused("Give id_token_hint or client_id to sign out.");
        }
        (Some(given), Some(hinted)) if given != hinted => {
            return pages::refused("The id_token_hint was issued to another client.");
        }
        (Some(client_id), _) | (None, Some(client_id)) => client_id.to_string(),
    };
    if client_id != CLIENT_ID {
        return pages::refused(&format!("Unknown client “{client_id}”."));
    }
    let subject = hint
        .as_ref()
        .and_then(|claims| claims.get("sub"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let session = session_cookie(headers);
    let revoked = store
        .call(move |conn| {
            store::revoke_tokens(conn, CLIENT_ID, subject.as_deref(), session.as_deref())
        })
        .await;
    if let Err(err) = revoked {
        return err.into_response();
    }
    let response = match params.get("post_logout_redirect_uri") {
        Some(uri) if client::is_allowed_post_logout_uri(uri) => {
            let state: Vec<(&str, &str)> = params
                .get("state")
                .map(|s| ("state", s))
                .into_iter()
                .collect();
            see_other(&client::with_query(uri, &state))
        }
        _ => pages::signed_out(),
    };
    with_session_cookie(response, None)
}
