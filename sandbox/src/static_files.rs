//! Serving the built app (`--serve DIR`) the way a single-page app is hosted: existing
//! files as they are, every other path as `index.html` so that client-side routes such
//! as `/users/123` survive a reload.

use crate::errors::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::CACHE_CONTROL;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use std::path::Path;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeader;

/// Files that must be revalidated on every load, so a new build or a changed
/// configuration is picked up at once; everything else is content-hashed by the build.
const NO_CACHE_FILES: [&str; 2] = ["index.html", "config.json"];

type IndexFallback = SetResponseHeader<ServeFile, HeaderValue>;

#[derive(Clone)]
pub struct SpaFiles {
    files: ServeDir<IndexFallback>,
}

impl SpaFiles {
    pub fn new(dir: &Path) -> Self {
        let index = SetResponseHeader::overriding(
            ServeFile::new(dir.join("index.html")),
            CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        );
        SpaFiles {
            files: ServeDir::new(dir).fallback(index),
        }
    }

    /// Answers a GET or HEAD for a path outside the API.
    pub async fn serve(&self, request: Request) -> Response {
        let no_cache = wants_no_cache(request.uri().path());
        match self.files.clone().oneshot(request).await {
            Ok(response) => {
                let mut response = response.map(Body::new);
                if no_cache {
                    response
                        .headers_mut()
                        .insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                }
                response
            }
            Err(err) => ApiError::internal(format!("serving files: {err}")).into_response(),
        }
    }
}

/// A directory path is answered with its `index.html`.
fn wants_no_cache(path: &str) -> bool {
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    last_segment.is_empty() || NO_CACHE_FILES.contains(&last_segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_and_config_are_not_cached() {
        assert!(wants_no_cache("/"));
        assert!(wants_no_cache("/index.html"));
        assert!(wants_no_cache("/config.json"));
        assert!(!wants_no_cache("/app-3f2a.wasm"));
    }
}
