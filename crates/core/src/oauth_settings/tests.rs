use super::*;
use crate::settings::AppSettings;
use serde_json::json;

/// The fields of `settings`' problems, in order.
fn fields(settings: &OAuthSettings, has_secret: bool) -> Vec<String> {
    settings
        .problems(has_secret)
        .into_iter()
        .map(|p| p.field)
        .collect()
}

/// The one problem of `settings`, as (field, message); panics unless there is exactly one.
fn only_problem(settings: &OAuthSettings) -> (String, String) {
    let problems = settings.problems(true);
    assert_eq!(problems.len(), 1, "{problems:?}");
    (problems[0].field.clone(), problems[0].message.clone())
}

fn with_callbacks(urls: &[&str]) -> OAuthSettings {
    OAuthSettings {
        callback_urls: urls.iter().map(|u| (*u).to_owned()).collect(),
        ..OAuthSettings::default()
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn defaults_are_code_flow_standard_scopes_and_an_hour() {
    let d = OAuthSettings::default();
    assert!(d.callback_urls.is_empty() && d.logout_urls.is_empty());
    assert_eq!(
        d.flows,
        OAuthFlows {
            code: true,
            implicit: false,
            client_credentials: false
        }
    );
    assert_eq!(d.scopes, strings(&STANDARD_SCOPES));
    assert!(d.custom_scopes.is_empty());
    assert_eq!(d.branding, Branding::default());
    assert_eq!(d.branding.display_name, None);
    assert_eq!(d.session_minutes, 60);
    assert!(d.problems(false).is_empty(), "the defaults are valid");
}

#[test]
fn documents_without_oauth_load_with_the_defaults() {
    // A settings document written before the OAuth settings existed.
    let old = r#"{"password_policy":{"min_length":12},"refresh_rotation":{"enabled":false,"grace_secs":5},
                  "templates":{},"user_api_keys":{"enabled":true,"scopes":["read"]},
                  "hide_existing_accounts":true}"#;
    let settings: AppSettings = serde_json::from_str(old).unwrap();
    assert_eq!(settings.oauth, OAuthSettings::default());
    assert_eq!(settings.password_policy.min_length, 12);
    assert!(settings.hide_existing_accounts);
    // Members missing inside `oauth` are defaulted one by one too.
    let partial: AppSettings = serde_json::from_str(
        r##"{"oauth":{"callback_urls":["https://a.example/cb"],"flows":{"implicit":true},"branding":{"accent_color":"#112233"}}}"##,
    )
    .unwrap();
    assert_eq!(partial.oauth.callback_urls, ["https://a.example/cb"]);
    assert_eq!(
        partial.oauth.flows,
        OAuthFlows {
            code: true,
            implicit: true,
            client_credentials: false
        }
    );
    assert_eq!(partial.oauth.scopes, strings(&STANDARD_SCOPES));
    assert_eq!(partial.oauth.session_minutes, 60);
    assert_eq!(
        partial.oauth.branding.accent_color.as_deref(),
        Some("#112233")
    );
    // And what is stored reads back as it was.
    let text = serde_json::to_string(&partial).unwrap();
    assert_eq!(serde_json::from_str::<AppSettings>(&text).unwrap(), partial);
}

#[test]
fn urls_and_scopes_match_exactly() {
    let settings = OAuthSettings {
        callback_urls: strings(&["https://app.example/cb", "com.example.app:/cb"]),
        logout_urls: strings(&["https://app.example/bye"]),
        scopes: strings(&["openid", "api/read"]),
        custom_scopes: strings(&["api/read"]),
        ..OAuthSettings::default()
    };
    assert!(settings.is_callback_url("https://app.example/cb"));
    assert!(settings.is_callback_url("com.example.app:/cb"));
    for near in [
        "https://app.example/cb/",
        "https://APP.example/cb",
        "https://app.example/cb?x=1",
        "https://app.example/c",
        "https://app.example/bye",
        "",
    ] {
        assert!(!settings.is_callback_url(near), "{near}");
    }
    assert!(settings.is_logout_url("https://app.example/bye"));
    assert!(!settings.is_logout_url("https://app.example/cb"));
    assert!(!settings.is_logout_url("https://app.example/bye/"));
    assert!(settings.allows_scope("openid"));
    assert!(settings.allows_scope("api/read"));
    assert!(!settings.allows_scope("email"), "standard, but not allowed");
    assert!(!settings.allows_scope("api/write"));
    assert!(!settings.allows_scope("OPENID"));
}

#[test]
fn patches_keep_what_they_do_not_name_and_replace_lists() {
    let current = OAuthSettings {
        callback_urls: strings(&["https://a.example/cb"]),
        logout_urls: strings(&["https://a.example/bye"]),
        custom_scopes: strings(&["api/read"]),
        branding: Branding {
            display_name: Some("Shop".into()),
            logo_url: Some("https://a.example/logo.png".into()),
            accent_color: Some("#abcdef".into()),
        },
        ..OAuthSettings::default()
    };
    assert_eq!(OAuthPatch::default().apply(&current), current);

    let patch: OAuthPatch = serde_json::from_value(json!({
        "callback_urls": ["https://b.example/cb", "https://c.example/cb"],
        "flows": {"implicit": true},
        "branding": {"display_name": "  New name ", "logo_url": "", "accent_color": "#A1B2C3"},
        "session_minutes": 30
    }))
    .unwrap();
    let next = patch.apply(&current);
    assert_eq!(
        next.callback_urls,
        ["https://b.example/cb", "https://c.example/cb"]
    );
    assert_eq!(next.logout_urls, current.logout_urls);
    assert_eq!(next.scopes, current.scopes);
    assert_eq!(next.custom_scopes, current.custom_scopes);
    assert_eq!(
        next.flows,
        OAuthFlows {
            code: true,
            implicit: true,
            client_credentials: false
        }
    );
    assert_eq!(
        next.branding,
        Branding {
            display_name: Some("New name".into()),
            logo_url: None,
            accent_color: Some("#a1b2c3".into()),
        }
    );
    assert_eq!(next.session_minutes, 30);

    // Empty lists replace too; "" clears every branding member.
    let patch: OAuthPatch = serde_json::from_value(json!({
        "callback_urls": [], "scopes": [], "custom_scopes": [],
        "flows": {"code": false},
        "branding": {"display_name": "", "accent_color": ""}
    }))
    .unwrap();
    let next = patch.apply(&current);
    assert!(next.callback_urls.is_empty() && next.scopes.is_empty());
    assert!(next.custom_scopes.is_empty());
    assert!(!next.flows.code);
    assert_eq!(next.branding.display_name, None);
    assert_eq!(next.branding.accent_color, None);
    assert_eq!(
        next.branding.logo_url.as_deref(),
        Some("https://a.example/logo.png")
    );
}

#[test]
fn typos_in_patches_are_refused() {
    for bad in [
        json!({"callback_url": []}),
        json!({"flows": {"authorization_code": true}}),
        json!({"branding": {"color": "#000000"}}),
        json!({"session_minutes": "60"}),
        json!({"scopes": "openid"}),
    ] {
        assert!(
            serde_json::from_value::<OAuthPatch>(bad.clone()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn redirect_urls_that_are_accepted() {
    let good = with_callbacks(&[
        "https://app.example/callback",
        "https://app.example:8443/cb?tenant=1",
        "HTTPS://App.Example/cb",
        "http://localhost/cb",
        "http://localhost:3000/cb",
        "http://127.0.0.1:8080/cb",
        "http://[::1]:8080/cb",
        "com.example.app:/oauth2redirect",
        "myapp://callback",
        &format!("https://app.example/{}", "a".repeat(MAX_URL_CHARS - 20)),
    ]);
    assert_eq!(good.problems(false), []);
    let most = OAuthSettings {
        logout_urls: (0..MAX_URLS)
            .map(|i| format!("https://app.example/{i}"))
            .collect(),
        ..OAuthSettings::default()
    };
    assert_eq!(most.problems(false), []);
}

#[test]
fn each_redirect_url_rule_names_the_entry() {
    for (url, needle) in [
        ("", "absolute"),
        ("/callback", "absolute"),
        ("app.example/cb", "absolute"),
        ("https://", "absolute"),
        (" https://app.example/cb", "spaces"),
        ("https://app.example/cb ", "spaces"),
        ("https://app.example/c\tb", "spaces"),
        ("https://app.example/c\nb", "spaces"),
        ("https://app.example/cb#", "fragment"),
        ("https://app.example/cb#x", "fragment"),
        ("https://user@app.example/cb", "user name"),
        ("https://user:pw@app.example/cb", "user name"),
        ("https://:pw@app.example/cb", "user name"),
        ("https:app.example/cb", "https://"),
        ("https:/app.example/cb", "https://"),
        ("http://app.example/cb", "RFC 8252 §7.3"),
        ("http://localhost.evil.example/cb", "RFC 8252 §7.3"),
        ("http://127.0.0.2/cb", "RFC 8252 §7.3"),
        ("http://10.0.0.1/cb", "RFC 8252 §7.3"),
        ("http://[::2]/cb", "RFC 8252 §7.3"),
        ("javascript:alert(1)", "javascript scheme"),
        ("JavaScript:alert(1)", "javascript scheme"),
        ("data:text/html,hi", "data scheme"),
        ("file:///etc/passwd", "file scheme"),
        ("vbscript:msgbox", "vbscript scheme"),
        ("blob:https://app.example/1", "blob scheme"),
        ("about:blank", "about scheme"),
        ("ftp://app.example/cb", "ftp scheme"),
        ("ws://app.example/cb", "ws scheme"),
        ("wss://app.example/cb", "wss scheme"),
    ] {
        let settings = OAuthSettings {
            callback_urls: strings(&["https://ok.example/cb", url]),
            ..OAuthSettings::default()
        };
        let (field, message) = only_problem(&settings);
        assert_eq!(field, "oauth.callback_urls[1]", "{url:?}");
        assert!(
            message.starts_with("callback_urls[1] "),
            "{url:?}: {message}"
        );
        assert!(message.contains(needle), "{url:?}: {message}");
    }
    let long = format!("https://app.example/{}", "a".repeat(MAX_URL_CHARS));
    let (field, message) = only_problem(&with_callbacks(&[&long]));
    assert_eq!(field, "oauth.callback_urls[0]");
    assert!(message.contains("1024 characters"), "{message}");
}

#[test]
fn redirect_lists_are_bounded_and_without_repeats() {
    let settings = with_callbacks(&[
        "https://a.example/cb",
        "https://b.example/cb",
        "https://a.example/cb",
        "https://b.example/cb",
        "https://a.example/cb/",
    ]);
    let problems = settings.problems(false);
    let named: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            (
                "oauth.callback_urls[2]",
                "callback_urls[2] repeats callback_urls[0]"
            ),
            (
                "oauth.callback_urls[3]",
                "callback_urls[3] repeats callback_urls[1]"
            ),
        ]
    );
    let too_many = OAuthSettings {
        logout_urls: (0..=MAX_URLS)
            .map(|i| format!("https://app.example/{i}"))
            .collect(),
        ..OAuthSettings::default()
    };
    let (field, message) = only_problem(&too_many);
    assert_eq!(field, "oauth.logout_urls");
    assert_eq!(message, "logout_urls: at most 100");
    // Logout URLs follow the callback rules, under their own name.
    let bad_logout = OAuthSettings {
        logout_urls: strings(&["http://evil.example/bye"]),
        ..OAuthSettings::default()
    };
    assert_eq!(fields(&bad_logout, false), ["oauth.logout_urls[0]"]);
}

#[test]
fn scopes_must_be_standard_or_custom_and_once() {
    let settings = OAuthSettings {
        scopes: strings(&["openid", "api/read", "api/write", "openid", "Email"]),
        custom_scopes: strings(&["api/read"]),
        ..OAuthSettings::default()
    };
    let problems = settings.problems(false);
    let named: Vec<(&str, &str)> = problems
        .iter()
        .map(|p| (p.field.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        named,
        [
            (
                "oauth.scopes[2]",
                "scopes[2] is neither a standard scope nor one of custom_scopes"
            ),
            ("oauth.scopes[3]", "scopes[3] repeats scopes[0]"),
            (
                "oauth.scopes[4]",
                "scopes[4] is neither a standard scope nor one of custom_scopes"
            ),
        ]
    );
    // Removing a custom scope that the scopes name is refused there.
    let orphaned = OAuthSettings {
        scopes: strings(&["api/read"]),
        ..OAuthSettings::default()
    };
    assert_eq!(fields(&orphaned, false), ["oauth.scopes[0]"]);
    let too_many = OAuthSettings {
        scopes: vec!["openid".to_owned(); 106],
        ..OAuthSettings::default()
    };
    assert_eq!(
        only_problem(&too_many),
        ("oauth.scopes".to_owned(), "scopes: at most 105".to_owned())
    );
    let none = OAuthSettings {
        scopes: Vec::new(),
        ..OAuthSettings::default()
    };
    assert_eq!(none.problems(false), []);
}

#[test]
fn custom_scope_rules() {
    let good = OAuthSettings {
        custom_scopes: strings(&[
            "api/read",
            "orders/write:all",
            "https://api.example.com/read",
            &format!("r/{}", "n".repeat(MAX_CUSTOM_SCOPE_CHARS - 2)),
        ]),
        ..OAuthSettings::default()
    };
    assert_eq!(good.problems(false), []);
    for (scope, needle) in [
        ("openid", "standard scope"),
        ("aws.cognito.signin.user.admin", "standard scope"),
        ("read", "identifier/name"),
        ("/read", "identifier/name"),
        ("api/", "identifier/name"),
        ("", "identifier/name"),
        ("api/read all", "RFC 6749 §3.3"),
        ("api/\"read\"", "RFC 6749 §3.3"),
        ("api\\x/read", "RFC 6749 §3.3"),
        ("api/lecture-é", "RFC 6749 §3.3"),
        ("api/\u{7f}", "RFC 6749 §3.3"),
    ] {
        let settings = OAuthSettings {
            custom_scopes: strings(&["api/ok", scope]),
            ..OAuthSettings::default()
        };
        let (field, message) = only_problem(&settings);
        assert_eq!(field, "oauth.custom_scopes[1]", "{scope:?}");
        assert!(message.starts_with("custom_scopes[1] "), "{message}");
        assert!(message.contains(needle), "{scope:?}: {message}");
    }
    let long = format!("r/{}", "n".repeat(MAX_CUSTOM_SCOPE_CHARS - 1));
    let settings = OAuthSettings {
        custom_scopes: vec![long],
        ..OAuthSettings::default()
    };
    assert!(only_problem(&settings).1.contains("256 characters"));
    let repeated = OAuthSettings {
        custom_scopes: strings(&["api/read", "api/read"]),
        ..OAuthSettings::default()
    };
    assert_eq!(
        only_problem(&repeated).1,
        "custom_scopes[1] repeats custom_scopes[0]"
    );
    let too_many = OAuthSettings {
        custom_scopes: (0..=MAX_CUSTOM_SCOPES)
            .map(|i| format!("api/s{i}"))
            .collect(),
        ..OAuthSettings::default()
    };
    assert_eq!(
        only_problem(&too_many),
        (
            "oauth.custom_scopes".to_owned(),
            "custom_scopes: at most 100".to_owned()
        )
    );
}

#[test]
fn client_credentials_need_a_secret_and_a_custom_scope() {
    let flows = OAuthFlows {
        client_credentials: true,
        ..OAuthFlows::default()
    };
    let bare = OAuthSettings {
        flows: flows.clone(),
        ..OAuthSettings::default()
    };
    let problems = bare.problems(false);
    assert_eq!(problems.len(), 1, "one problem naming both: {problems:?}");
    assert_eq!(problems[0].field, "oauth.flows.client_credentials");
    assert!(problems[0].message.contains("client secret"));
    assert!(problems[0].message.contains("custom scope"));
    let with_scope = OAuthSettings {
        flows: flows.clone(),
        custom_scopes: strings(&["api/read"]),
        ..OAuthSettings::default()
    };
    let problems = with_scope.problems(false);
    assert_eq!(
        problems[0].message,
        "flows.client_credentials needs a client secret (an app created with one)"
    );
    assert_eq!(with_scope.problems(true), []);
    let problems = bare.problems(true);
    assert_eq!(
        problems[0].message,
        "flows.client_credentials needs at least one custom scope"
    );
    // Without the flow, neither is needed; the other flows need neither.
    let others = OAuthSettings {
        flows: OAuthFlows {
            code: false,
            implicit: true,
            client_credentials: false,
        },
        ..OAuthSettings::default()
    };
    assert_eq!(others.problems(false), []);
}

#[test]
fn branding_rules() {
    let good = OAuthSettings {
        branding: Branding {
            display_name: Some("n".repeat(MAX_DISPLAY_NAME_CHARS)),
            logo_url: Some("https://cdn.example/logo.svg#dark".into()),
            accent_color: Some("#0aF19c".into()),
        },
        ..OAuthSettings::default()
    };
    assert_eq!(good.problems(false), []);
    for name in [
        String::new(),
        "é".repeat(MAX_DISPLAY_NAME_CHARS + 1),
        "Two\nlines".into(),
        "Bell\u{7}".into(),
    ] {
        let settings = OAuthSettings {
            branding: Branding {
                display_name: Some(name.clone()),
                ..Branding::default()
            },
            ..OAuthSettings::default()
        };
        let (field, message) = only_problem(&settings);
        assert_eq!(field, "oauth.branding.display_name", "{name:?}");
        assert!(message.contains("1 to 64 characters"), "{message}");
    }
    for (logo, needle) in [
        ("http://cdn.example/logo.png", "https"),
        ("javascript:alert(1)", "https"),
        ("data:image/png;base64,AAAA", "https"),
        ("ftp://cdn.example/logo.png", "https"),
        ("/logo.png", "absolute"),
        ("https://u:p@cdn.example/logo.png", "user name"),
        ("https://cdn.example/lo go.png", "spaces"),
    ] {
        let settings = OAuthSettings {
            branding: Branding {
                logo_url: Some(logo.into()),
                ..Branding::default()
            },
            ..OAuthSettings::default()
        };
        let (field, message) = only_problem(&settings);
        assert_eq!(field, "oauth.branding.logo_url", "{logo}");
        assert!(message.starts_with("branding.logo_url "), "{message}");
        assert!(message.contains(needle), "{logo}: {message}");
    }
    let loopback = OAuthSettings {
        branding: Branding {
            logo_url: Some("http://localhost:3000/logo.png".into()),
            ..Branding::default()
        },
        ..OAuthSettings::default()
    };
    assert_eq!(loopback.problems(false), []);
    let long = OAuthSettings {
        branding: Branding {
            logo_url: Some(format!("https://cdn.example/{}", "a".repeat(MAX_URL_CHARS))),
            ..Branding::default()
        },
        ..OAuthSettings::default()
    };
    assert!(only_problem(&long).1.contains("1024"));
    for color in [
        "", "#fff", "#12345", "#1234567", "123456", "#12345g", "red", "##12345",
    ] {
        let settings = OAuthSettings {
            branding: Branding {
                accent_color: Some(color.into()),
                ..Branding::default()
            },
            ..OAuthSettings::default()
        };
        assert_eq!(
            only_problem(&settings),
            (
                "oauth.branding.accent_color".to_owned(),
                "branding.accent_color must be #rrggbb (six hexadecimal digits)".to_owned()
            ),
            "{color:?}"
        );
    }
    // A name of spaces only is trimmed to nothing by the patch, and refused, not cleared.
    let patch: OAuthPatch =
        serde_json::from_value(json!({"branding": {"display_name": "   "}})).unwrap();
    let applied = patch.apply(&OAuthSettings::default());
    assert_eq!(applied.branding.display_name.as_deref(), Some(""));
    assert_eq!(fields(&applied, false), ["oauth.branding.display_name"]);
}

#[test]
fn session_minutes_range() {
    for minutes in [MIN_SESSION_MINUTES, 60, MAX_SESSION_MINUTES] {
        let settings = OAuthSettings {
            session_minutes: minutes,
            ..OAuthSettings::default()
        };
        assert_eq!(settings.problems(false), [], "{minutes}");
    }
    for minutes in [i64::MIN, -1, 0, 4, 1441, i64::MAX] {
        let settings = OAuthSettings {
            session_minutes: minutes,
            ..OAuthSettings::default()
        };
        assert_eq!(
            only_problem(&settings),
            (
                "oauth.session_minutes".to_owned(),
                "session_minutes must be 5 to 1440 (one day)".to_owned()
            ),
            "{minutes}"
        );
    }
}

#[test]
fn every_problem_is_named_at_once_in_member_order() {
    let settings = OAuthSettings {
        callback_urls: strings(&[
            "https://ok.example/cb",
            "http://evil.example/cb",
            "javascript:x",
        ]),
        logout_urls: strings(&["https://ok.example/bye#x"]),
        flows: OAuthFlows {
            code: true,
            implicit: true,
            client_credentials: true,
        },
        scopes: strings(&["openid", "nope/nope"]),
        custom_scopes: strings(&["bad scope"]),
        branding: Branding {
            display_name: Some(String::new()),
            logo_url: Some("http://cdn.example/l.png".into()),
            accent_color: Some("blue".into()),
        },
        session_minutes: 0,
    };
    assert_eq!(
        fields(&settings, false),
        [
            "oauth.callback_urls[1]",
            "oauth.callback_urls[2]",
            "oauth.logout_urls[0]",
            "oauth.flows.client_credentials",
            "oauth.scopes[1]",
            "oauth.custom_scopes[0]",
            "oauth.branding.display_name",
            "oauth.branding.logo_url",
            "oauth.branding.accent_color",
            "oauth.session_minutes",
        ]
    );
    // Each message begins with the member it is about (less the `oauth.` prefix).
    for problem in settings.problems(false) {
        let member = problem.field.trim_start_matches("oauth.");
        assert!(
            problem.message.starts_with(member),
            "{}: {}",
            problem.field,
            problem.message
        );
    }
}
