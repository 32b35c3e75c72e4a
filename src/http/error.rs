use std::fmt;

use crate::tr;

/// What the server said about a failure, when it said anything readable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerMessage {
    /// Human text, without the error id ZITADEL appends in parentheses.
    pub text: Option<String>,
    /// The provider's error id (`COMMAND-5gunjw0cd7`, `INSUFFICIENT_PERMISSIONS`).
    pub id: Option<String>,
}

/// Every way a call to a provider can fail, in terms an administrator can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    Unauthenticated(ServerMessage),
    PermissionDenied(ServerMessage),
    NotFound(ServerMessage),
    /// The admin has no role that reaches the object any more (ZITADEL's
    /// 404 `AUTHZ-cdgFk`, "membership not found"): access lost, which says
    /// nothing about whether the object exists.
    AccessLost(ServerMessage),
    /// ZITADEL v3alpha's one answer for "not a user of the v3alpha resources
    /// API", "no such user" and "not in a state that allows this": the same
    /// 404 id for all three (`internal/command/user_v3.go`), so the console
    /// cannot tell which.
    NotFoundOrNotAllowed(ServerMessage),
    /// The instance has the feature the API needs turned off (v3alpha:
    /// "User Schema").
    FeatureDisabled(ServerMessage),
    /// The server does not implement the call (501, gRPC Unimplemented).
    NotImplemented(ServerMessage),
    /// The server has no such route at all (the gateway's bare 404): it is
    /// older than the version `needs` that introduced the API.
    ServerTooOld {
        needs: &'static str,
    },
    /// The object is not in a state that allows the change (ZITADEL
    /// FailedPrecondition, HTTP 400 with gRPC code 9, or a 409).
    Conflict(ServerMessage),
    InvalidRequest(ServerMessage),
    RateLimited {
        retry_after_seconds: Option<u64>,
    },
    ServerError {
        status: u16,
        message: ServerMessage,
    },
    UnexpectedStatus {
        status: u16,
        message: ServerMessage,
    },
    UnreadableAnswer {
        status: u16,
        detail: String,
    },
    Network,
    Timeout,
}

/// What happened, in a few words: the title of the alert.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unauthenticated(_) => f.write_str(tr!(errors.unauthenticated_title)),
            ApiError::PermissionDenied(_) => f.write_str(tr!(errors.permission_denied_title)),
            ApiError::NotFound(_) => f.write_str(tr!(errors.not_found_title)),
            ApiError::AccessLost(_) => f.write_str(tr!(errors.access_lost_title)),
            ApiError::NotFoundOrNotAllowed(_) => {
                f.write_str(tr!(errors.not_found_or_not_allowed_title))
            }
            ApiError::FeatureDisabled(_) => f.write_str(tr!(errors.feature_disabled_title)),
            ApiError::NotImplemented(_) => f.write_str(tr!(errors.not_implemented_title)),
            ApiError::ServerTooOld { .. } => f.write_str(tr!(errors.server_too_old_title)),
            ApiError::Conflict(_) => f.write_str(tr!(errors.conflict_title)),
            ApiError::InvalidRequest(_) => f.write_str(tr!(errors.invalid_request_title)),
            ApiError::RateLimited { .. } => f.write_str(tr!(errors.rate_limited_title)),
            ApiError::ServerError { status, .. } => {
                f.write_str(&tr!(errors.server_error_title, status))
            }
            ApiError::UnexpectedStatus { status, .. } => {
                f.write_str(&tr!(errors.unexpected_status_title, status))
            }
            ApiError::UnreadableAnswer { .. } => f.write_str(tr!(errors.unreadable_answer_title)),
            ApiError::Network => f.write_str(tr!(errors.network_title)),
            ApiError::Timeout => f.write_str(tr!(errors.timeout_title)),
        }
    }
}

impl std::error::Error for ApiError {}

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
            501 => ApiError::NotImplemented(message),
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
            | ApiError::AccessLost(m)
            | ApiError::NotFoundOrNotAllowed(m)
            | ApiError::FeatureDisabled(m)
            | ApiError::NotImplemented(m)
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
            ApiError::Unauthenticated(_) => tr!(errors.unauthenticated_advice).into(),
            ApiError::PermissionDenied(_) => tr!(errors.permission_denied_advice).into(),
            ApiError::NotFound(_) => tr!(errors.not_found_advice).into(),
            ApiError::AccessLost(_) => tr!(errors.access_lost_advice).into(),
            ApiError::NotFoundOrNotAllowed(_) => tr!(errors.not_found_or_not_allowed_advice).into(),
            ApiError::FeatureDisabled(_) => tr!(errors.feature_disabled_advice).into(),
            ApiError::NotImplemented(_) => tr!(errors.not_implemented_advice).into(),
            ApiError::ServerTooOld { needs } => tr!(errors.server_too_old_advice, version = *needs),
            ApiError::Conflict(_) => tr!(errors.conflict_advice).into(),
            ApiError::InvalidRequest(_) => tr!(errors.invalid_request_advice).into(),
            ApiError::RateLimited {
                retry_after_seconds: Some(seconds),
            } => {
                tr!(errors.rate_limited_advice_in_seconds, seconds)
            }
            ApiError::RateLimited {
                retry_after_seconds: None,
            } => tr!(errors.rate_limited_advice).into(),
            ApiError::ServerError { .. } => tr!(errors.server_error_advice).into(),
            ApiError::UnexpectedStatus { .. } => tr!(errors.unexpected_status_advice).into(),
            ApiError::UnreadableAnswer { detail, .. } => {
                tr!(errors.unreadable_answer_advice, detail)
            }
            ApiError::Network => tr!(errors.network_advice).into(),
            ApiError::Timeout => tr!(errors.timeout_advice).into(),
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

    /// Whether a write that ended so may or may not have been made: the
    /// server may have acted before its answer was lost or garbled.
    pub fn leaves_outcome_unknown(&self) -> bool {
        matches!(
            self,
            ApiError::Timeout | ApiError::Network | ApiError::UnreadableAnswer { .. }
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
