//! The embeddable components and the pages' scripts, joined from `web/` by `build.rs` (one
//! script each, from ES modules), and the pages' stylesheets, compiled into the binary and
//! served with validators: the plain path revalidates (ETag, RFC 9110 §8.8.3), the
//! content-addressed path (`/auth_component.<hash>.js`, `/console.<hash>.css`) can be cached
//! forever.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::router::AppState;

/// What a served file is, which decides its `Content-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A classic script (`.js`).
    Script,
    /// A stylesheet (`.css`).
    Style,
}

impl Kind {
    fn content_type(self) -> &'static str {
        match self {
            Self::Script => "text/javascript; charset=utf-8",
            Self::Style => "text/css; charset=utf-8",
        }
    }
}

/// One served script or stylesheet.
pub struct Asset {
    /// Its file name, e.g. `auth_component.js`.
    pub name: &'static str,
    kind: Kind,
    body: &'static str,
    /// Hex of the first 8 bytes of its SHA-256: the version in immutable URLs.
    pub hash: String,
    etag: HeaderValue,
}

impl Asset {
    fn new(name: &'static str, kind: Kind, body: &'static str) -> Self {
        let digest = auth_return_crypto::hash::sha256(body.as_bytes());
        let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let etag = HeaderValue::from_str(&format!("\"{hash}\""))
            .unwrap_or(HeaderValue::from_static("\"0\""));
        Self {
            name,
            kind,
            body,
            hash,
            etag,
        }
    }

    /// The content-addressed file name, e.g. `auth_component.1a2b3c4d5e6f7a8b.js`.
    pub fn versioned_name(&self) -> String {
        match self.name.rsplit_once('.') {
            Some((stem, extension)) => format!("{stem}.{}.{extension}", self.hash),
            None => format!("{}.{}", self.name, self.hash),
        }
    }

    /// Its content-addressed path, for a page of this server to link to (`/console.<hash>.js`).
    pub fn path(&self) -> String {
        format!("/{}", self.versioned_name())
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
            HeaderValue::from_static(self.kind.content_type()),
        );
        headers.insert(header::ETAG, self.etag.clone());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        response
    }
}

/// The served scripts and stylesheets.
pub struct Assets {
    /// `auth_component.js`.
    pub component: Asset,
    /// `auth_header_component.js`.
    pub header: Asset,
    /// `console.js`: the developer console (`web/console/`).
    pub console_script: Asset,
    /// `console.css`.
    pub console_style: Asset,
    /// `site.css`: the landing page, the guide and the demo page.
    pub site_style: Asset,
    /// `demo.js`: the demo page's protected call.
    pub demo_script: Asset,
    /// `hosted.js`: the hosted sign-in pages (`web/hosted/`), SRP in the browser.
    pub hosted_script: Asset,
    /// `hosted.css`: the hosted sign-in pages and their error page.
    pub hosted_style: Asset,
}

impl Assets {
    /// The files built into this binary.
    pub fn embedded() -> Self {
        Self {
            component: Asset::new(
                "auth_component.js",
                Kind::Script,
                include_str!(concat!(env!("OUT_DIR"), "/auth_component.js")),
            ),
            header: Asset::new(
                "auth_header_component.js",
                Kind::Script,
                include_str!(concat!(env!("OUT_DIR"), "/auth_header_component.js")),
            ),
            console_script: Asset::new(
                "console.js",
                Kind::Script,
                include_str!(concat!(env!("OUT_DIR"), "/console.js")),
            ),
            console_style: Asset::new(
                "console.css",
                Kind::Style,
                include_str!("../../../web/console/console.css"),
            ),
            site_style: Asset::new(
                "site.css",
                Kind::Style,
                include_str!("../../../web/pages/site.css"),
            ),
            demo_script: Asset::new(
                "demo.js",
                Kind::Script,
                include_str!(concat!(env!("OUT_DIR"), "/demo.js")),
            ),
            hosted_script: Asset::new(
                "hosted.js",
                Kind::Script,
                include_str!(concat!(env!("OUT_DIR"), "/hosted.js")),
            ),
            hosted_style: Asset::new(
                "hosted.css",
                Kind::Style,
                include_str!("../../../web/hosted/hosted.css"),
            ),
        }
    }

    fn all(&self) -> [&Asset; 8] {
        [
            &self.component,
            &self.header,
            &self.console_script,
            &self.console_style,
            &self.site_style,
            &self.demo_script,
            &self.hosted_script,
            &self.hosted_style,
        ]
    }

    fn find(&self, file: &str) -> Option<(&Asset, bool)> {
        self.all().into_iter().find_map(|asset| {
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

/// `GET /{file}` for the scripts and stylesheets (other names are not found).
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
        let style = assets.console_style.versioned_name();
        assert!(style.starts_with("console.") && style.ends_with(".css"));
        assert!(matches!(assets.find(&style), Some((a, true)) if a.kind == Kind::Style));
        assert_eq!(assets.console_style.path(), format!("/{style}"));
    }
}
