//! The layers and checks, through clap as `main` parses: defaults, flags over the file, and
//! every refusal. (The environment's place between them is tested on the binary, in
//! `tests/`: a test cannot set a variable without racing the others.)

#![allow(clippy::unwrap_used)]

use super::*;
use clap::{CommandFactory, FromArgMatches, Parser};
use std::path::Path;

/// `auth-return <args>` without a subcommand, and without reading the environment.
#[derive(Parser)]
#[command(name = "auth-return")]
struct Cli {
    #[command(flatten)]
    global: GlobalOptions,
}

fn matches(args: &[&str]) -> Result<clap::ArgMatches, clap::Error> {
    Cli::command()
        .mut_args(|arg| arg.env(None))
        .try_get_matches_from(std::iter::once("auth-return").chain(args.iter().copied()))
}

/// The configuration `auth-return <args>` runs with.
fn resolve(args: &[&str]) -> anyhow::Result<Config> {
    let matches = matches(args)?;
    Cli::from_arg_matches(&matches)?.global.resolve(&matches)
}

fn error(args: &[&str]) -> String {
    format!("{:#}", resolve(args).unwrap_err())
}

/// A TOML file holding `text`, in a directory that lives as long as the guard.
fn toml_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("auth-return.toml");
    std::fs::write(&file, text).unwrap();
    let path = file.to_str().unwrap().to_owned();
    (dir, path)
}

#[test]
fn defaults_need_no_configuration() {
    let config = resolve(&[]).unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(config.public_url, "http://127.0.0.1:8080");
    assert_eq!(config.region, "local");
    assert_eq!(config.database_url, "sqlite://./data/auth-return.db");
    assert_eq!(config.log_format, LogFormat::Plain);
    assert_eq!(config.key_rotation_days, 0);
    assert_eq!(config.key_propagation_secs, 3600);
    assert_eq!(config.events_retention_days, 90);
}

#[test]
fn flags_win_over_the_file() {
    let (_dir, file) = toml_file(
        "listen = \"127.0.0.1:9000\"\nregion = \"eu-test\"\npublic_url = \"https://auth.example.com/\"\n",
    );
    let config = resolve(&["--config", &file, "--region", "flag"]).unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:9000");
    assert_eq!(config.region, "flag");
    assert_eq!(config.public_url, "https://auth.example.com");
    // A flag equal to its default still wins: what counts is that it was given.
    let (_dir, file) = toml_file("region = \"eu-test\"\nkey_propagation_secs = 600\n");
    let config = resolve(&[
        "--config",
        &file,
        "--region",
        "local",
        "--key-propagation-secs",
        "3600",
    ])
    .unwrap();
    assert_eq!(config.region, "local");
    assert_eq!(config.key_propagation_secs, 3600);
}

#[test]
fn every_file_setting_is_read() {
    let (_dir, file) = toml_file(
        "listen = \"127.0.0.1:9000\"\ndata_dir = \"/var/lib/ar\"\nregion = \"eu\"\n\
         log_format = \"json\"\nkey_rotation_days = 30\nkey_propagation_secs = 900\n\
         mail_from_name = \"Example\"\nevents_retention_days = 30\n",
    );
    let config = resolve(&["--config", &file]).unwrap();
    assert_eq!(config.listen.to_string(), "127.0.0.1:9000");
    assert_eq!(config.data_dir, Path::new("/var/lib/ar"));
    assert_eq!(config.database_url, "sqlite:///var/lib/ar/auth-return.db");
    assert_eq!(config.public_url, "http://127.0.0.1:9000");
    assert_eq!(config.region, "eu");
    assert_eq!(config.log_format, LogFormat::Json);
    assert_eq!(config.key_rotation_days, 30);
    assert_eq!(config.key_propagation_secs, 900);
    assert_eq!(config.mail_from_name.as_deref(), Some("Example"));
    assert_eq!(config.events_retention_days, 30);
}

#[test]
fn bad_settings_are_refused() {
    assert!(resolve(&["--region", "no_underscores"]).is_err());
    assert!(resolve(&["--public-url", "auth.example.com"]).is_err());
    let (_dir, file) = toml_file("region = \"no_underscores\"\n");
    assert!(error(&["--config", &file]).starts_with("--region must be"));
    let message = error(&["--key-propagation-secs", "299"]);
    assert!(message.starts_with("--key-propagation-secs"), "{message}");
}

#[test]
fn a_file_value_of_the_wrong_type_names_the_file() {
    let (_dir, file) = toml_file("listen = 5\n");
    let message = error(&["--config", &file]);
    assert!(message.contains("auth-return.toml"), "{message}");
    assert!(message.contains("listen"), "{message}");
    let message = error(&["--config", "/nonexistent/auth-return.toml"]);
    assert!(message.starts_with("reading /nonexistent"), "{message}");
}

#[test]
fn mail_goes_to_the_outbox_without_an_smtp_url() {
    let config = resolve(&[]).unwrap();
    assert!(matches!(
        config.mail,
        MailTransport::Outbox { explicit: false }
    ));
    assert_eq!(config.mail.to_string(), "outbox");
    assert!(matches!(
        resolve(&["--smtp-url", " "]).unwrap().mail,
        MailTransport::Outbox { explicit: false }
    ));
}

#[test]
fn the_outbox_is_asked_for_by_flag_or_file_and_never_beside_smtp() {
    assert!(matches!(
        resolve(&["--mail-outbox"]).unwrap().mail,
        MailTransport::Outbox { explicit: true }
    ));
    let (_dir, file) = toml_file("mail_outbox = true\n");
    assert!(matches!(
        resolve(&["--config", &file]).unwrap().mail,
        MailTransport::Outbox { explicit: true }
    ));
    let message = error(&["--config", &file, "--smtp-url", "smtps://mail.example.com"]);
    assert!(
        message.starts_with("--mail-outbox and --smtp-url exclude each other"),
        "{message}"
    );
}

#[test]
fn the_forwarded_header_from_flag_or_file() {
    let parse = |args: &[&str]| matches(args).map(|m| Cli::from_arg_matches(&m).unwrap());
    assert_eq!(parse(&[]).unwrap().global.forwarded_header, None);
    assert_eq!(
        parse(&["--forwarded-header", "forwarded"])
            .unwrap()
            .global
            .forwarded_header,
        Some(ForwardedHeader::Forwarded)
    );
    assert_eq!(
        parse(&["--forwarded-header", "x-forwarded-for"])
            .unwrap()
            .global
            .forwarded_header,
        Some(ForwardedHeader::XForwardedFor)
    );
    let refused = parse(&["--forwarded-header", "x-real-ip"]).err().unwrap();
    assert!(refused.to_string().contains("x-forwarded-for"), "{refused}");
    assert_eq!(resolve(&[]).unwrap().forwarded_header, None);

    let (dir, file) = toml_file("forwarded_header = \"forwarded\"\n");
    assert_eq!(
        resolve(&["--config", &file]).unwrap().forwarded_header,
        Some(ForwardedHeader::Forwarded)
    );
    assert_eq!(
        resolve(&["--config", &file, "--forwarded-header", "x-forwarded-for"])
            .unwrap()
            .forwarded_header,
        Some(ForwardedHeader::XForwardedFor)
    );
    std::fs::write(
        dir.path().join("auth-return.toml"),
        "forwarded_header = \"x-real-ip\"\n",
    )
    .unwrap();
    assert!(error(&["--config", &file]).contains("x-real-ip"));
}

#[test]
fn smtp_settings_from_flags_and_file() {
    let config = resolve(&[
        "--public-url",
        "https://auth.example.com",
        "--smtp-url",
        "smtp://mailer:s%40cret@mail.example.com",
    ])
    .unwrap();
    let MailTransport::Smtp(smtp) = config.mail else {
        panic!("expected SMTP");
    };
    assert_eq!(smtp.host(), "mail.example.com");
    assert_eq!(smtp.port(), 587);
    assert_eq!(smtp.password(), Some("s@cret"));
    assert_eq!(smtp.from_address().to_string(), "no-reply@auth.example.com");
    assert_eq!(smtp.ca_file(), None);
    assert_eq!(
        MailTransport::Smtp(smtp).to_string(),
        "smtp://***@mail.example.com:587?tls=required"
    );

    let (_dir, file) = toml_file(
        "smtp_url = \"smtps://mail.internal\"\nmail_from = \"auth@example.com\"\nsmtp_ca_file = \"/etc/ca.pem\"\n",
    );
    let MailTransport::Smtp(smtp) = resolve(&["--config", &file]).unwrap().mail else {
        panic!("expected SMTP");
    };
    assert_eq!((smtp.host(), smtp.port()), ("mail.internal", 465));
    assert_eq!(smtp.from_address().to_string(), "auth@example.com");
    assert_eq!(smtp.ca_file(), Some(Path::new("/etc/ca.pem")));
    // Flags win over the file.
    let flags = resolve(&[
        "--config",
        &file,
        "--mail-from",
        "other@example.com",
        "--smtp-url",
        "smtp://127.0.0.1:2525?tls=none",
    ])
    .unwrap();
    let MailTransport::Smtp(smtp) = flags.mail else {
        panic!("expected SMTP");
    };
    assert_eq!((smtp.host(), smtp.port()), ("127.0.0.1", 2525));
    assert_eq!(smtp.from_address().to_string(), "other@example.com");
}

#[test]
fn a_malformed_smtp_url_is_a_startup_error() {
    for (url, why) in [
        ("mail.example.com:587", "unsupported scheme"),
        ("smtp://", "no host"),
        (
            "smtp://mailer:hunter2@mail.example.com?tls=none",
            "loopback",
        ),
        ("smtp://mail.example.com?tls=sometimes", "tls="),
    ] {
        let message = error(&["--smtp-url", url]);
        assert!(message.starts_with("--smtp-url: "), "{url}: {message}");
        assert!(message.contains(why), "{url}: {message}");
        assert!(!message.contains("hunter2"), "{url}: {message}");
    }
    let message = error(&[
        "--smtp-url",
        "smtp://mail.example.com",
        "--mail-from",
        "no at sign",
    ]);
    assert!(message.contains("from-address"), "{message}");
}

#[test]
fn tls_needs_both_files_and_makes_the_default_url_https() {
    let both = [
        "--listen",
        "0.0.0.0:8443",
        "--tls-cert",
        "/etc/auth/cert.pem",
        "--tls-key",
        "/etc/auth/key.pem",
    ];
    let config = resolve(&both).unwrap();
    assert_eq!(
        config.tls,
        Some(TlsFiles {
            cert: "/etc/auth/cert.pem".into(),
            key: "/etc/auth/key.pem".into()
        })
    );
    assert_eq!(config.public_url, "https://0.0.0.0:8443");
    // An explicit public URL wins.
    let explicit = [&both[..], &["--public-url", "https://auth.example.com"]].concat();
    assert_eq!(
        resolve(&explicit).unwrap().public_url,
        "https://auth.example.com"
    );
    assert_eq!(resolve(&[]).unwrap().tls, None);

    let message = error(&["--tls-cert", "cert.pem"]);
    assert!(
        message.starts_with("--tls-cert needs --tls-key"),
        "{message}"
    );
    // An empty value counts as not given.
    let (_dir, file) = toml_file("tls_cert = \"\"\n");
    let message = error(&["--config", &file, "--tls-key", "key.pem"]);
    assert!(
        message.starts_with("--tls-key needs --tls-cert"),
        "{message}"
    );
}

#[test]
fn trusted_proxies_from_flags_or_file() {
    let proxies = resolve(&[
        "--trusted-proxies",
        "10.0.0.0/8, 127.0.0.1",
        "--trusted-proxies",
        "fd00::/8",
    ])
    .unwrap()
    .trusted_proxies;
    for ip in ["10.1.2.3", "127.0.0.1", "fd00::1"] {
        assert!(proxies.contains(ip.parse().unwrap()), "{ip}");
    }
    assert!(!proxies.contains("192.0.2.1".parse().unwrap()));
    assert!(resolve(&[]).unwrap().trusted_proxies.is_empty());

    let (_dir, file) = toml_file("trusted_proxies = [\"192.0.2.0/24\"]\n");
    let proxies = resolve(&["--config", &file]).unwrap().trusted_proxies;
    assert!(proxies.contains("192.0.2.9".parse().unwrap()));
    let proxies = resolve(&["--config", &file, "--trusted-proxies", "10.0.0.1"])
        .unwrap()
        .trusted_proxies;
    assert!(!proxies.contains("192.0.2.9".parse().unwrap()));

    let message = error(&["--trusted-proxies", "10.0.0.0/8,proxy.internal"]);
    assert!(message.starts_with("--trusted-proxies: "), "{message}");
    assert!(message.contains("proxy.internal"), "{message}");
}

#[test]
fn rate_limits_from_flags_file_and_defaults() {
    assert_eq!(
        resolve(&[]).unwrap().rate_limits,
        RateLimitSettings::default()
    );
    let (_dir, file) = toml_file(
        "rate_limit_sign_in = 5\nrate_limit_sign_up = 6\nrate_limit_codes = 7\n\
         rate_limit_refresh = 8\nrate_limit_key_verify = 9\n",
    );
    let limits = resolve(&["--config", &file, "--rate-limit-codes", "0"])
        .unwrap()
        .rate_limits;
    assert_eq!(
        limits,
        RateLimitSettings {
            sign_in: 5,
            sign_up: 6,
            code_delivery: 0,
            refresh: 8,
            key_verify: 9,
            ..RateLimitSettings::default()
        }
    );
}

#[test]
fn the_help_states_the_real_defaults() {
    let help = Cli::command().render_long_help().to_string();
    let defaults = RateLimitSettings::default();
    for (flag, default) in [
        ("--listen", "127.0.0.1:8080".to_owned()),
        ("--data-dir", "./data".to_owned()),
        ("--region", "local".to_owned()),
        ("--log-format", "plain".to_owned()),
        ("--key-rotation-days", "0".to_owned()),
        ("--key-propagation-secs", "3600".to_owned()),
        ("--events-retention-days", "90".to_owned()),
        ("--rate-limit-sign-in", defaults.sign_in.to_string()),
        ("--rate-limit-sign-up", defaults.sign_up.to_string()),
        ("--rate-limit-codes", defaults.code_delivery.to_string()),
        ("--rate-limit-refresh", defaults.refresh.to_string()),
        ("--rate-limit-key-verify", defaults.key_verify.to_string()),
        ("--console-signup", "invite".to_owned()),
        ("--default-provider", "builtin".to_owned()),
        (
            "--invitations-per-day",
            DEFAULT_INVITATIONS_PER_DAY.to_string(),
        ),
    ] {
        // The flag's entry runs from its name to the next flag.
        let start = help.find(&format!("{flag} <")).unwrap();
        let entry = &help[start..];
        let entry = &entry[..entry[2..].find("\n  -").map_or(entry.len(), |end| end + 2)];
        assert!(
            entry.contains(&format!("[default: {default}]")),
            "{flag}: {entry}"
        );
    }
}

#[test]
fn console_signup_from_flags_file_and_default() {
    assert_eq!(resolve(&[]).unwrap().console_signup, ConsoleSignup::Invite);
    let (dir, file) = toml_file("console_signup = \"closed\"\n");
    assert_eq!(
        resolve(&["--config", &file]).unwrap().console_signup,
        ConsoleSignup::Closed
    );
    assert_eq!(
        resolve(&["--config", &file, "--console-signup", "open"])
            .unwrap()
            .console_signup,
        ConsoleSignup::Open
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "console_signup = \"maybe\"\n").unwrap();
    assert!(error(&["--config", bad.to_str().unwrap()]).contains("maybe"));
}

#[test]
fn invitations_per_day_from_flags_file_and_default() {
    assert_eq!(resolve(&[]).unwrap().invitations_per_day, 100);
    let (_dir, file) = toml_file("invitations_per_day = 7\n");
    assert_eq!(
        resolve(&["--config", &file]).unwrap().invitations_per_day,
        7
    );
    assert_eq!(
        resolve(&["--config", &file, "--invitations-per-day", "0"])
            .unwrap()
            .invitations_per_day,
        0
    );
}

#[test]
fn mail_from_name_is_checked() {
    assert_eq!(resolve(&[]).unwrap().mail_from_name, None);
    assert_eq!(
        resolve(&["--mail-from-name", " Example Auth "])
            .unwrap()
            .mail_from_name
            .as_deref(),
        Some("Example Auth")
    );
    for bad in [
        "",
        "Evil\r\nBcc: x@y",
        "\"quoted\"",
        "a <b@c>",
        &"x".repeat(65),
    ] {
        let message = error(&["--mail-from-name", bad]);
        assert!(
            message.starts_with("--mail-from-name must be"),
            "{bad:?}: {message}"
        );
    }
}

#[test]
fn unknown_file_settings_are_refused() {
    for key in ["tls_certificate = \"cert.pem\"", "config = \"other.toml\""] {
        let (_dir, file) = toml_file(&format!("{key}\n"));
        let message = error(&["--config", &file]);
        let name = key.split(' ').next().unwrap();
        assert!(message.contains(name), "{key}: {message}");
    }
}

#[test]
fn events_retention_days_from_flags_file_and_default() {
    assert_eq!(resolve(&[]).unwrap().events_retention_days, 90);
    // 0 keeps events forever.
    assert_eq!(
        resolve(&["--events-retention-days", "0"])
            .unwrap()
            .events_retention_days,
        0
    );
    let (dir, file) = toml_file("events_retention_days = 365\n");
    assert_eq!(
        resolve(&["--config", &file]).unwrap().events_retention_days,
        365
    );
    assert_eq!(
        resolve(&["--config", &file, "--events-retention-days", "7"])
            .unwrap()
            .events_retention_days,
        7
    );
    // Negative or not a number: refused, by flag and in the file.
    for bad in ["-1", "ninety", "1.5"] {
        let message = error(&[&format!("--events-retention-days={bad}")]);
        assert!(
            message.contains("invalid value") && message.contains("--events-retention-days"),
            "{bad}: {message}"
        );
    }
    assert!(resolve(&["--events-retention-days", "-1"]).is_err());
    std::fs::write(
        dir.path().join("auth-return.toml"),
        "events_retention_days = -1\n",
    )
    .unwrap();
    let message = error(&["--config", &file]);
    assert!(message.contains("auth-return.toml"), "{message}");
}

#[test]
fn metrics_are_off_by_default_and_never_public_by_accident() {
    assert_eq!(resolve(&[]).unwrap().metrics_listen, None);
    let loopback = resolve(&["--metrics-listen", "127.0.0.1:9464"]).unwrap();
    assert_eq!(
        loopback.metrics_listen,
        Some("127.0.0.1:9464".parse().unwrap())
    );
    assert_eq!(
        resolve(&["--metrics-listen", "[::1]:9464"])
            .unwrap()
            .metrics_listen,
        Some("[::1]:9464".parse().unwrap())
    );

    let message = error(&["--metrics-listen", "0.0.0.0:9464"]);
    assert!(
        message.contains("0.0.0.0:9464 is not a loopback address"),
        "{message}"
    );
    assert!(message.contains("--metrics-public"), "{message}");
    let public = resolve(&["--metrics-listen", "0.0.0.0:9464", "--metrics-public"]).unwrap();
    assert_eq!(public.metrics_listen, Some("0.0.0.0:9464".parse().unwrap()));

    let (_dir, file) = toml_file("metrics_listen = \"10.0.0.5:9464\"\nmetrics_public = true\n");
    assert_eq!(
        resolve(&["--config", &file]).unwrap().metrics_listen,
        Some("10.0.0.5:9464".parse().unwrap())
    );

    let message = error(&[
        "--listen",
        "127.0.0.1:9000",
        "--metrics-listen",
        "127.0.0.1:9000",
    ]);
    assert!(message.contains("must differ from --listen"), "{message}");
}
