//! The hosted pages' cookies (RFC 6265): one sign-in session cookie per pool, and the CSRF
//! token of the sign-in form. Both HttpOnly and `Secure` whenever the public URL is https.

use auth_return_core::PoolId;
use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};

/// The CSRF cookie of `POST /login` (double-submitted in `X-CSRF-Token`).
pub const CSRF: &str = "ar_csrf";

/// The name of `pool_id`'s hosted-session cookie.
pub fn session_name(pool_id: &PoolId) -> String {
    format!("ar_session_{pool_id}")
}

/// The value of the cookie `name` in the request, if it sent one.
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

/// Adds `Set-Cookie` for `name=value`, HttpOnly, on `path`, for `max_age_secs` (0 deletes).
/// The session cookie is `SameSite=Lax`: an authorization request is a top-level navigation
/// from the app's site, which must carry it; the CSRF cookie is `Strict` (RFC 6265bis §8.8).
pub fn set(
    headers: &mut HeaderMap,
    name: &str,
    value: &str,
    path: &str,
    max_age_secs: i64,
    same_site: SameSite,
    secure: bool,
) {
    let cookie = Cookie::build((name, value))
        .path(path)
        .http_only(true)
        .secure(secure)
        .same_site(same_site)
        .max_age(cookie::time::Duration::seconds(max_age_secs.max(0)))
        .build();
    if let Ok(v) = HeaderValue::from_str(&cookie.to_string()) {
        headers.append(header::SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; ar_csrf=xyz; ar_session_local_x=s"),
        );
        assert_eq!(read(&headers, CSRF).as_deref(), Some("xyz"));
        assert_eq!(read(&headers, "ar_session_local_x").as_deref(), Some("s"));
        assert_eq!(read(&headers, "missing"), None);
    }

    #[test]
    fn set_cookies_are_http_only_and_scoped() {
        let mut headers = HeaderMap::new();
        set(&mut headers, "n", "v", "/", 60, SameSite::Lax, true);
        let text = headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        for part in [
            "n=v",
            "HttpOnly",
            "SameSite=Lax",
            "Secure",
            "Path=/",
            "Max-Age=60",
        ] {
            assert!(text.contains(part), "{text} lacks {part}");
        }
    }
}
