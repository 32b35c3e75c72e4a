//! Error texts in the caller's language, as ZITADEL's `TranslationHandler`
//! (`internal/api/grpc/server/middleware/translation_interceptor.go`, v4.13.1) gives
//! them: the languages tried are the caller's preferred language (their user's, when
//! set), then the `Accept-Language` header (`langsFromCtx`, `internal/i18n/translator.go`);
//! the instance's default, English, otherwise.
//!
//! Only errors raised by the handlers are translated: the authorization interceptor
//! runs before the translation one, so its texts stay as raised (`invalid auth header`,
//! `Errors.Token.Invalid`, `No matching permissions found` ...). None of those is in the
//! table below, so translating by the English text leaves them alone.
//!
//! The sandbox knows English and German. For a language ZITADEL has but the sandbox
//! does not (French, say), it answers in English.

use crate::errors::ApiError;
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The preferred language of the caller's user, put on the response by the auth
/// middleware for this one.
#[derive(Debug, Clone)]
pub struct CallerLanguage(pub String);

/// ZITADEL's languages (`internal/static/i18n/*.yaml` at v4.13.1).
const ZITADEL_LANGUAGES: [&str; 19] = [
    "bg", "cs", "de", "en", "es", "fr", "hu", "id", "it", "ja", "ko", "mk", "nl", "pl", "pt", "ro",
    "ru", "sv", "zh",
];

/// (English, German) of the texts the sandbox's handlers raise: `en.yaml` and
/// `de.yaml` of v4.13.1, and of v2.71.4 for the legacy grant texts
/// (`Errors.UserGrant.NotActive`/`NotInactive`, which v4 no longer has).
const GERMAN: [(&str, &str); 19] = [
    (
        "User could not be found",
        "Benutzer konnte nicht gefunden werden",
    ),
    ("User already inactive", "Benutzer ist bereits deaktiviert"),
    ("User is not inactive", "Benutzer ist nicht inaktiv"),
    ("User is not locked", "Benutzer ist nicht gesperrt"),
    (
        "User is not active or initial",
        "Benutzer ist nicht aktiv oder initialisiert",
    ),
    (
        "User with state initial can only be deleted not deactivated",
        "Benutzer mit dem Status initial kann nur gelöscht und nicht deaktiviert werden",
    ),
    ("User ID missing", "User ID fehlt"),
    ("ID missing", "ID fehlt"),
    ("Id missing", "ID fehlt"),
    (
        "User grant not found",
        "Benutzer Berechtigung konnte nicht gefunden werden",
    ),
    (
        "User grant is not active",
        "Benutzer Berechtigung ist nicht aktiv",
    ),
    (
        "User grant is not deactivated",
        "Benutzer Berechtigung ist nicht deaktiviert",
    ),
    (
        "Feature \"User Schema\" is not enabled",
        "Funktion Benutzerschema ist nicht aktiviert",
    ),
    (
        "Organisation not found",
        "Organisation konnte nicht gefunden werden",
    ),
    ("Limit exceeded", "Limit überschritten"),
    (
        "Metadata not found",
        "Meta Daten konnten nicht gefunden werden",
    ),
    ("Metadata is invalid", "Meta Daten sind ungültig"),
    ("Metadata list is empty", "Meta Daten Liste ist leer"),
    (
        "Too many query nesting levels (Max 20)",
        "Zu viele Abfrageverschachtelungsebenen (maximal 20)",
    ),
];

/// Whether the answer is German: the first language ZITADEL knows among the caller's
/// preferred one and the `Accept-Language` list (by weight) decides.
pub fn wants_german(preferred: Option<&str>, accept_language: Option<&str>) -> bool {
    let preferred = preferred
        .filter(|lang| !lang.is_empty() && *lang != "und")
        .map(|lang| (lang.to_string(), 1000));
    let mut accepted: Vec<(String, u32)> = accept_language
        .unwrap_or_default()
        .split(',')
        .filter_map(|item| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim().to_string();
            let weight = parts
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_string))
                .map_or(Some(1000), |q| {
                    q.parse::<f32>().ok().map(|q| (q * 1000.0) as u32)
                })?;
            (!tag.is_empty() && weight > 0).then_some((tag, weight))
        })
        .collect();
    // Stable: equal weights keep the header's order.
    accepted.sort_by_key(|(_, weight)| std::cmp::Reverse(*weight));
    preferred
        .into_iter()
        .chain(accepted)
        .map(|(tag, _)| primary_subtag(&tag))
        .find(|lang| ZITADEL_LANGUAGES.contains(&lang.as_str()))
        .is_some_and(|lang| lang == "de")
}

fn primary_subtag(tag: &str) -> String {
    tag.split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The German text for an English one the handlers raise, if the table has it.
pub fn german(english: &str) -> Option<&'static str> {
    GERMAN
        .iter()
        .find(|(en, _)| *en == english)
        .map(|(_, de)| *de)
}

/// The error in German, if the table has its text.
fn translate(error: &ApiError) -> Option<ApiError> {
    let (id, text) = error.detail.as_ref()?;
    let german = german(text)?;
    Some(ApiError {
        message: format!("{german} ({id})"),
        detail: Some((id.clone(), german.to_string())),
        ..error.clone()
    })
}

/// Middleware: German texts for the errors of callers who want German. It only
/// touches answers built from an `ApiError` (which leaves itself in the response's
/// extensions), never a fault's or Weavr's.
pub async fn apply(request: Request, next: Next) -> Response {
    let accept_language = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<ApiError>() else {
        return response;
    };
    let preferred = response.extensions().get::<CallerLanguage>();
    if !wants_german(
        preferred.map(|language| language.0.as_str()),
        accept_language.as_deref(),
    ) {
        return response;
    }
    match translate(error) {
        Some(translated) => translated.into_response(),
        None => response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::GrpcCode;

    #[test]
    fn the_first_known_language_decides() {
        assert!(wants_german(None, Some("de")));
        assert!(wants_german(None, Some("de-CH, en;q=0.5")));
        assert!(wants_german(None, Some("en;q=0.4, de;q=0.9")));
        assert!(wants_german(None, Some("xx, de")));
        assert!(!wants_german(None, Some("en, de")));
        assert!(!wants_german(None, Some("fr, de")));
        assert!(!wants_german(None, None));
        // The user's own preferred language comes first.
        assert!(!wants_german(Some("en"), Some("de")));
        assert!(wants_german(Some("de"), Some("en")));
        assert!(wants_german(Some("und"), Some("de")));
    }

    #[test]
    fn only_known_texts_are_translated() {
        let not_found =
            ApiError::zitadel(GrpcCode::NotFound, "QUERY-Dfbg2", "User could not be found");
        let german = translate(&not_found).expect("translated");
        assert_eq!(
            german.message,
            "Benutzer konnte nicht gefunden werden (QUERY-Dfbg2)"
        );
        assert_eq!(
            german.detail,
            Some((
                "QUERY-Dfbg2".to_string(),
                "Benutzer konnte nicht gefunden werden".to_string()
            ))
        );
        assert_eq!(german.status, not_found.status);
        let raw_key = ApiError::zitadel(
            GrpcCode::Unauthenticated,
            "AUTH-7fs1e",
            "Errors.Token.Invalid",
        );
        assert_eq!(translate(&raw_key), None);
        assert_eq!(translate(&ApiError::route_not_found()), None);
    }
}
