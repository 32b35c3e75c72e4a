//! The deployment's config.json: which origins the browser calls (for connect-src)
//! and on which same-origin paths the Weavr proxies sit.

use super::csp::origin_of;
use crate::cmd::Result;

/// What the nginx server needs from config.json.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConfigPlan {
    /// Origins the browser calls, other than this site: for connect-src.
    pub origins: Vec<String>,
    /// Same-origin paths of the Weavr proxies (no trailing slash).
    pub weavr_multi: Option<String>,
    pub weavr_payment_run: Option<String>,
    pub notes: Vec<String>,
}

/// Reads the connections of config.json (the app checks the rest at start).
pub fn read_config(json: &str) -> Result<ConfigPlan> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("config.json is not valid JSON: {e}"))?;
    let connections = value["connections"]
        .as_array()
        .ok_or("config.json has no `connections` list")?;
    let mut plan = ConfigPlan::default();
    fn add_origin(origin: String, plan: &mut ConfigPlan) {
        if !plan.origins.contains(&origin) {
            plan.origins.push(origin);
        }
    }
    for connection in connections {
        let name = connection["name"].as_str().unwrap_or("(no name)");
        let provider = connection["provider"].as_str().unwrap_or("");
        let base = connection["apiBaseUrl"].as_str().unwrap_or("");
        let weavr = match provider {
            "weavr-multi" => Some(&mut plan.weavr_multi),
            "weavr-payment-run" => Some(&mut plan.weavr_payment_run),
            _ => None,
        };
        if base.starts_with("http://") || base.starts_with("https://") {
            let origin = origin_of(base).map_err(|e| format!("apiBaseUrl of “{name}”: {e}"))?;
            add_origin(origin, &mut plan);
        } else if let Some(slot) = weavr {
            let path =
                site_path(base).map_err(|e| format!("apiBaseUrl of “{name}” ({provider}): {e}"))?;
            match slot {
                Some(existing) if *existing != path => {
                    return Err(format!(
                        "config.json has two {provider} connections on different paths \
                         ({existing} and {path}): the nginx server proxies one"
                    ))
                }
                _ => *slot = Some(path),
            }
        } else {
            plan.notes.push(format!(
                "“{name}” calls this site ({}) for {provider}: this nginx server does not \
                 proxy it; give it the API's https:// origin",
                if base.is_empty() {
                    "apiBaseUrl \"\""
                } else {
                    base
                }
            ));
        }
        match connection["issuer"].as_str() {
            Some(issuer) if issuer.starts_with("http://") || issuer.starts_with("https://") => {
                let origin = origin_of(issuer).map_err(|e| format!("issuer of “{name}”: {e}"))?;
                add_origin(origin, &mut plan);
            }
            // The app reads "" and "/..." as this site's origin.
            Some(issuer) if issuer.is_empty() || issuer.starts_with('/') => {
                plan.notes.push(format!(
                    "“{name}” has its OIDC issuer on this site ({issuer:?}): this nginx \
                     server does not proxy it; give the issuer's https:// URL"
                ));
            }
            Some(issuer) => {
                return Err(format!(
                    "issuer of “{name}”: `{issuer}` is not an http:// or https:// URL"
                ))
            }
            None => {}
        }
    }
    Ok(plan)
}

/// A same-origin path for a proxy, as written in config.json, without its trailing
/// slash; only characters that are plain in an nginx location.
fn site_path(path: &str) -> Result<String> {
    let trimmed = path.trim_end_matches('/');
    let plain = trimmed
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/-_.~".contains(c));
    let dotted = trimmed.split('/').any(|s| s == "." || s == "..");
    if !path.starts_with('/') || path.starts_with("//") || trimmed.is_empty() {
        return Err(format!(
            "`{path}` must be a path on this site such as /weavr/multi (Weavr's api-key \
             needs a proxy)"
        ));
    }
    if !plain || dotted || trimmed.contains("//") {
        return Err(format!(
            "`{path}` may hold only letters, digits and / - _ . ~"
        ));
    }
    Ok(trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::fixtures::CONFIG;

    #[test]
    fn config_gives_the_origins_and_the_weavr_proxy_paths() {
        let plan = read_config(CONFIG).unwrap();
        assert_eq!(
            plan.origins,
            ["https://acme.zitadel.cloud", "https://login.acme.example"]
        );
        assert_eq!(plan.weavr_multi.as_deref(), Some("/weavr/multi"));
        assert_eq!(
            plan.weavr_payment_run.as_deref(),
            Some("/weavr/payment-run")
        );
        assert!(plan.notes.is_empty());

        let shipped = r#"{"connections": [{"name": "Sandbox", "provider": "zitadel-v2", "apiBaseUrl": "",
              "issuer": "/", "clientId": "lifecycle-console"},
            {"name": "W", "provider": "weavr-multi", "apiBaseUrl": "https://proxy.example/multi"}]}"#;
        let plan = read_config(shipped).unwrap();
        assert_eq!(plan.origins, ["https://proxy.example"]);
        assert_eq!(plan.weavr_multi, None);
        assert_eq!(plan.notes.len(), 2, "{:?}", plan.notes);
        assert!(plan.notes.iter().all(|n| n.contains("does not proxy")));
    }

    #[test]
    fn config_that_the_server_cannot_serve_is_refused() {
        for (json, words) in [
            ("[]", "no `connections`"),
            ("{", "not valid JSON"),
            (
                r#"{"connections": [{"name": "W", "provider": "weavr-multi", "apiBaseUrl": ""}]}"#,
                "needs a proxy",
            ),
            (
                r#"{"connections": [{"name": "W", "provider": "weavr-multi", "apiBaseUrl": "/w/../x"}]}"#,
                "may hold only",
            ),
            (
                r#"{"connections": [{"name": "W", "provider": "weavr-multi", "apiBaseUrl": "/a"},
                   {"name": "V", "provider": "weavr-multi", "apiBaseUrl": "/b"}]}"#,
                "two weavr-multi",
            ),
            (
                r#"{"connections": [{"name": "Z", "provider": "zitadel-v2", "apiBaseUrl": "https://a\"b"}]}"#,
                "invalid host",
            ),
            (
                r#"{"connections": [{"name": "Z", "provider": "zitadel-v2", "issuer": "ftp://x"}]}"#,
                "issuer",
            ),
        ] {
            let err = read_config(json).unwrap_err();
            assert!(err.contains(words), "{json}: {err}");
        }
    }
}
