//! The embeddable components, joined from `web/` by `build.rs` (one script each, from ES modules),
//! compiled into the binary and served with validators: the plain
//! path revalidates (ETag, RFC 9110 §8.8.3), the content-addressed path
//! (`/auth_component.<hash>.js`) can be cached forever.

use auth_return_core::Service;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::router::AppState;

/// One served script.
pub struct Asset {
    /// Its file name, e.g. `auth_component.js`.
    pub name: &'static str,
    body: &'static str,
    /// Hex of the first 8 bytes of its SHA-256: the version in immutable URLs.
    pub hash: String,
    etag: HeaderValue,
}

impl Asset {
    fn new(name: &'static str, body: &'static str) -> Self {
        let digest = auth_return_crypto::hash::sha256(body.as_bytes());
        let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let etag = HeaderValue::from_str(&format!("\"{hash}\""))
            .unwrap_or(HeaderValue::from_static("\"0\""));
        Self {
            name,
            body,
            hash,
            etag,
        }
    }

    /// The content-addressed file name, e.g. `auth_component.1a2b3c4d5e6f7a8b.js`.
    pub fn versioned_name(&self) -> String {
        format!("{}.{}.js", self.name.trim_end_matches(".js"), self.hash)
    }

    fn respond(&self, request: &HeaderMap, immutable: bool) -> Response {
        let cache = if immutable {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=300, must-revalidate"
        };
        let fresh = request
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| {
                tags.split(',')
                    .any(|t| t.trim() == self.etag.to_str().unwrap_or("") || t.trim() == "*")
            });
        let mut response = if fresh {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            self.body.into_response()
        };
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        );
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        response
    }
}

/// The served scripts.
pub struct Assets {
    /// `auth_component.js`.
    pub component: Asset,
    /// `auth_header_component.js`.
    pub header: Asset,
}

impl Assets {
    /// The scripts built into this binary.
    pub fn embedded() -> Self {
        Self {
            component: Asset::new(
                "auth_component.js",
                include_str!(concat!(env!("OUT_DIR"), "/auth_component.js")),
            ),
            header: Asset::new(
                "auth_header_component.js",
                include_str!(concat!(env!("OUT_DIR"), "/auth_header_component.js")),
            ),
        }
    }

    fn find(&self, file: &str) -> Option<(&Asset, bool)> {
        [&self.component, &self.header]
            .into_iter()
            .find_map(|asset| {
                if file == asset.name {
                    Some((asset, false))
                } else if file == asset.versioned_name() {
                    Some((asset, true))
                } else {
                    None
                }
            })
    }
}

/// `GET /{file}` for the scripts (other names are not found).
pub async fn script(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    match state.assets.find(&file) {
        Some((asset, immutable)) => asset.respond(&headers, immutable),
        None => crate::router::not_found().await.into_response(),
    }
}

/// `GET /demo/{app_id}`: a page using both components and a protected call, to try the whole
/// flow in a browser a minute after starting the server.
pub async fn demo(State(state): State<AppState>, Path(app_id): Path<String>) -> Response {
    let known = match app_id.parse::<auth_return_core::AppId>() {
        Ok(id) => state.service.app_config(&id).await.is_ok(),
        Err(_) => false,
    };
    if !known {
        return crate::router::not_found().await.into_response();
    }
    let mut response = Html(demo_page(&state.service, &state.assets, &app_id)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn demo_page(service: &Service, assets: &Assets, app_id: &str) -> String {
    // app_id was found in the store, so it is one of our ids: [a-z0-9_] only.
    let base = &service.config().public_url;
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Auth Return demo</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 0; color: #1b1f24; background: #f6f7f9; }}
  header {{ display: flex; justify-content: space-between; align-items: center; padding: 12px 24px; background: #fff; border-bottom: 1px solid #e3e6ea; }}
  main {{ max-width: 640px; margin: 32px auto; padding: 0 24px; }}
  pre {{ background: #fff; border: 1px solid #e3e6ea; padding: 12px; overflow: auto; border-radius: 8px; }}
  button {{ font: inherit; padding: 8px 14px; border-radius: 8px; border: 1px solid #b8c0c8; background: #fff; cursor: pointer; }}
</style>
<script src="{base}/{component}" data-app-id="{app_id}"></script>
<script src="{base}/{header}"></script>
</head>
<body>
<header><strong>Auth Return demo</strong><auth-header></auth-header></header>
<main>
  <p>Sign up, confirm with the code from the mail (in development: <code>data/outbox.jsonl</code>), sign in, then call an endpoint that needs your token.</p>
  <p><button id="call" type="button">Call the protected API</button></p>
  <pre id="out" aria-live="polite">Not called yet.</pre>
</main>
<script>
  document.getElementById("call").addEventListener("click", async () => {{
    const out = document.getElementById("out");
    const response = await AuthReturn.fetch("/api/user");
    out.textContent = response.status + "\n" + JSON.stringify(await response.json(), null, 2);
  }});
</script>
</body>
</html>
"#,
        component = assets.component.name,
        header = assets.header.name,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versioned_names_address_the_content() {
        let assets = Assets::embedded();
        assert_eq!(assets.component.hash.len(), 16);
        assert_ne!(assets.component.hash, assets.header.hash);
        let versioned = assets.component.versioned_name();
        assert!(versioned.starts_with("auth_component.") && versioned.ends_with(".js"));
        assert!(matches!(assets.find(&versioned), Some((_, true))));
        assert!(matches!(assets.find("auth_component.js"), Some((_, false))));
        assert!(assets.find("auth_component.0000000000000000.js").is_none());
        assert!(assets.find("../Cargo.toml").is_none());
    }
}
