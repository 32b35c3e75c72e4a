use std::fmt;

/// What the server said about a failure, when it said anything readable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerMessage {
    /// Human text, without the error id ZITADEL appends in parentheses.
    pub text: Option<String>,
    /// The provider's error id (`COMMAND-5gunjw0cd7`, `INSUFFICIENT_PERMISSIONS`).
    pub id: Option<String>,
}

/// Every way a call to a provider can fail, in terms an administrator can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("You are signed out")]
    Unauthenticated(ServerMessage),
    #[error("Not allowed")]
    PermissionDenied(ServerMessage),
    #[error("Not found")]
    NotFound(ServerMessage),
    /// The object is not in a state that allows the change (ZITADEL
    /// FailedPrecondition, HTTP 400 with gRPC code 9, or a 409).
    #[error("Not possible in the current state")]
    Conflict(ServerMessage),
    #[error("The request was refused")]
    InvalidRequest(ServerMessage),
    #[error("Too many requests")]
    RateLimited { retry_after_seconds: Option<u64> },
    #[error("The server is having trouble (HTTP {status})")]
    ServerError { status: u16, message: ServerMessage },
    #[error("Unexpected answer (HTTP {status})")]
    UnexpectedStatus { status: u16, message: ServerMessage },
    #[error("The server's answer could not be read")]
    UnreadableAnswer { status: u16, detail: String },
    #[error("The server could not be reached")]
    Network,
    #[error("The server did not answer in time")]
    Timeout,
}

impl ApiError {
    /// Maps an HTTP status and what the body said to an error. `precondition`
    /// tells a 400 caused by the object's state from a malformed request: the
    /// status alone cannot (contracts/ZITADEL.md §8.2).
    pub fn from_status(
        status: u16,
        message: ServerMessage,
        precondition: bool,
        retry_after: Option<&str>,
    ) -> ApiError {
        match status {
            400 if precondition => ApiError::Conflict(message),
            // 413 and 422: Weavr Payment Run's bodiless refusals of a request.
            400 | 413 | 422 => ApiError::InvalidRequest(message),
            401 => ApiError::Unauthenticated(message),
            403 => ApiError::PermissionDenied(message),
            404 => ApiError::NotFound(message),
            409 => ApiError::Conflict(message),
            429 => ApiError::RateLimited {
                retry_after_seconds: retry_after.and_then(parse_retry_after),
            },
            500..=599 => ApiError::ServerError { status, message },
            _ => ApiError::UnexpectedStatus { status, message },
        }
    }

    pub fn server_message(&self) -> Option<&ServerMessage> {
        match self {
            ApiError::Unauthenticated(m)
            | ApiError::PermissionDenied(m)
            | ApiError::NotFound(m)
            | ApiError::Conflict(m)
            | ApiError::InvalidRequest(m)
            | ApiError::ServerError { message: m, .. }
            | ApiError::UnexpectedStatus { message: m, .. } => Some(m),
            _ => None,
        }
    }

    /// The provider's error id, to quote to support or search the docs for.
    pub fn error_id(&self) -> Option<&str> {
        self.server_message().and_then(|m| m.id.as_deref())
    }

    /// What the server said, in its own words.
    pub fn server_text(&self) -> Option<&str> {
        self.server_message().and_then(|m| m.text.as_deref())
    }

    /// What the administrator can do about it.
    pub fn advice(&self) -> String {
        match self {
            ApiError::Unauthenticated(_) => "Your session has expired or the token is not valid. Sign in again.".into(),
            ApiError::PermissionDenied(_) => {
                "Your account lacks the permission for this. Ask an administrator of the organisation to grant it.".into()
            }
            ApiError::NotFound(_) => "It may have been deleted, or the id is wrong.".into(),
            ApiError::Conflict(_) => {
                "Someone may have changed it meanwhile. The page shows the state the server reports now.".into()
            }
            ApiError::InvalidRequest(_) => "The server refused the request as sent. Check the input and try again.".into(),
            ApiError::RateLimited { retry_after_seconds: Some(s) } => format!("Try again in {s} seconds."),
            ApiError::RateLimited { retry_after_seconds: None } => "Wait a moment, then try again.".into(),
            ApiError::ServerError { .. } => "Nothing was changed that the page does not show. Try again in a moment.".into(),
            ApiError::UnexpectedStatus { .. } => "Try again; if it persists, check the connection settings.".into(),
            ApiError::UnreadableAnswer { detail, .. } => {
                format!("{detail}. Check that the connection points at the right API; then try again.")
            }
            ApiError::Network => "Check your network connection and that the server is running, then try again. \
                If this connection never works, its API may not allow this site (CORS), or this site's \
                Content-Security-Policy may not list the API's address (see Settings)."
                .into(),
            ApiError::Timeout => "The change may or may not have been made. Reload to see the current state.".into(),
        }
    }

    /// Whether the outcome of a write is unknown or the shown state is known
    /// to be out of date, so the page must read the object again rather than
    /// keep showing what it had.
    pub fn calls_for_a_fresh_read(&self) -> bool {
        matches!(
            self,
            ApiError::Conflict(_)
                | ApiError::NotFound(_)
                | ApiError::Timeout
                | ApiError::Network
                | ApiError::UnreadableAnswer { .. }
        )
    }

    /// Whether trying the same request again can help.
    pub fn is_retryable(&self) -> bool {
        // Weavr's "a request with this idempotency-ref is still running".
        if let ApiError::Conflict(message) = self {
            return message.id.as_deref() == Some("IDEMPOTENT_REQUEST_IN_PROGRESS");
        }
        matches!(
            self,
            ApiError::RateLimited { .. }
                | ApiError::ServerError { .. }
                | ApiError::Network
                | ApiError::Timeout
                | ApiError::UnreadableAnswer { .. }
                | ApiError::UnexpectedStatus { .. }
        )
    }
}

impl fmt::Display for ServerMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.text, &self.id) {
            (Some(text), Some(id)) => write!(f, "{text} ({id})"),
            (Some(text), None) => f.write_str(text),
            (None, Some(id)) => f.write_str(id),
            (None, None) => Ok(()),
        }
    }
}

/// `Retry-After` is either delta-seconds or an HTTP date; only the first is
/// useful without a clock here, so a date gives `None` (the advice then says
/// to wait a moment).
fn parse_retry_after(value: &str) -> Option<u64> {
    value.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: &str) -> ServerMessage {
        ServerMessage {
            text: Some("text".into()),
            id: Some(id.into()),
        }
    }

    #[test]
    fn statuses_map_to_what_the_admin_can_act_on() {
        for bodiless_refusal in [413, 422] {
            assert!(matches!(
                ApiError::from_status(bodiless_refusal, ServerMessage::default(), false, None),
                ApiError::InvalidRequest(_)
            ));
        }
        assert!(matches!(
            ApiError::from_status(400, msg("COMMAND-5gunjw0cd7"), true, None),
            ApiError::Conflict(_)
        ));
        assert!(matches!(
            ApiError::from_status(400, msg("X"), false, None),
            ApiError::InvalidRequest(_)
        ));
        assert!(matches!(
            ApiError::from_status(401, msg("AUTH-7fs1e"), false, None),
            ApiError::Unauthenticated(_)
        ));
        assert!(matches!(
            ApiError::from_status(403, msg("AUTHZ-HKJD33"), false, None),
            ApiError::PermissionDenied(_)
        ));
        assert!(matches!(
            ApiError::from_status(404, msg("X"), false, None),
            ApiError::NotFound(_)
        ));
        assert!(matches!(
            ApiError::from_status(409, msg("X"), false, None),
            ApiError::Conflict(_)
        ));
        assert!(matches!(
            ApiError::from_status(502, ServerMessage::default(), false, None),
            ApiError::ServerError { status: 502, .. }
        ));
        assert!(matches!(
            ApiError::from_status(418, ServerMessage::default(), false, None),
            ApiError::UnexpectedStatus { status: 418, .. }
        ));
    }

    #[test]
    fn rate_limits_say_when_to_retry() {
        let err = ApiError::from_status(429, ServerMessage::default(), false, Some(" 30 "));
        assert_eq!(
            err,
            ApiError::RateLimited {
                retry_after_seconds: Some(30)
            }
        );
        assert_eq!(err.advice(), "Try again in 30 seconds.");
        let dated = ApiError::from_status(
            429,
            ServerMessage::default(),
            false,
            Some("Wed, 21 Oct 2026 07:28:00 GMT"),
        );
        assert_eq!(
            dated,
            ApiError::RateLimited {
                retry_after_seconds: None
            }
        );
    }

    #[test]
    fn the_error_id_and_text_are_kept() {
        let err = ApiError::from_status(400, msg("COMMAND-5gunjw0cd7"), true, None);
        assert_eq!(err.error_id(), Some("COMMAND-5gunjw0cd7"));
        assert_eq!(err.server_text(), Some("text"));
        assert_eq!(ApiError::Network.error_id(), None);
        assert!(ApiError::Timeout.is_retryable());
        assert!(!err.is_retryable());
    }
}
