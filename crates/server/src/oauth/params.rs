//! The parameters of an OAuth 2.0 request, from a query string or a form body: each at most
//! once (RFC 6749 §3.1, §3.2), an empty value the same as none.

use std::collections::HashMap;

/// Longest query string or form body read.
pub const MAX_PARAMS_LEN: usize = 16 * 1024;

/// Why parameters could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BadParams {
    /// A parameter came twice.
    Repeated(String),
    /// Too long to be an OAuth request.
    TooLong,
}

impl BadParams {
    /// The message for the client.
    pub fn message(&self) -> String {
        match self {
            Self::Repeated(name) => format!("The parameter {name} must not be repeated."),
            Self::TooLong => format!("The request must be at most {MAX_PARAMS_LEN} bytes."),
        }
    }
}

/// Parameters, by name.
#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl Params {
    /// Reads `application/x-www-form-urlencoded` text (a query string or a form body).
    pub fn parse(text: &str) -> Result<Self, BadParams> {
        if text.len() > MAX_PARAMS_LEN {
            return Err(BadParams::TooLong);
        }
        let mut map = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(text.as_bytes()) {
            if map
                .insert(name.clone().into_owned(), value.into_owned())
                .is_some()
            {
                let shown: String = name.chars().take(64).collect();
                return Err(BadParams::Repeated(shown));
            }
        }
        Ok(Self(map))
    }

    /// The value of `name`, when present and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// [`Self::get`], owned.
    pub fn owned(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_owned)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_single_and_decoded() {
        let p = Params::parse("a=1&b=x%20y&c=").unwrap_or_default();
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), Some("x y"));
        assert_eq!(p.get("c"), None);
        assert_eq!(
            Params::parse("a=1&a=2").map(|_| ()),
            Err(BadParams::Repeated("a".into()))
        );
        let long = "a=".to_owned() + &"x".repeat(MAX_PARAMS_LEN);
        assert_eq!(Params::parse(&long).map(|_| ()), Err(BadParams::TooLong));
    }
}
