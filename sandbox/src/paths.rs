//! Which paths belong to whom. The router, the faults and CORS all ask; this module
//! answers from constants, so none of them needs another's code.

/// Paths that belong to the API (ZITADEL's, Weavr's, the sandbox's own). They never
/// fall back to the app's `index.html`: an unknown API path is a 404. Kept specific so
/// that app routes such as `/auth/callback` still work.
const API_PREFIXES: [&str; 15] = [
    "/v1/",
    "/v2/",
    "/v2beta/",
    "/resources/v3alpha/",
    "/management/v1/",
    "/admin/v1/",
    "/auth/v1/",
    "/system/v1/",
    "/zitadel.",
    "/oauth/v2/",
    "/oidc/v1/",
    "/.well-known/",
    "/debug/",
    UPSTREAM_PREFIX,
    PROXY_PREFIX,
];

pub fn is_api_path(path: &str) -> bool {
    API_PREFIXES.iter().any(|prefix| path.starts_with(prefix))
}

/// Where the Weavr API lives in the sandbox, and where its proxy lives.
pub const UPSTREAM_PREFIX: &str = "/weavr-upstream/";
pub const PROXY_PREFIX: &str = "/weavr/";

/// Whether `path` is the Weavr API or its proxy.
pub fn is_weavr_path(path: &str) -> bool {
    path.starts_with(UPSTREAM_PREFIX) || path.starts_with(PROXY_PREFIX)
}
