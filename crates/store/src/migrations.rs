//! The schema migrations, compiled into the binary: the same numbered files for each dialect
//! (`migrations/sqlite/`, `migrations/postgres/`, append-only), run by sqlx's migrator with the
//! version, description and checksum that `sqlx migrate` itself records, so databases migrated
//! by earlier builds are recognised. A test keeps this list and the folders in step.

use sqlx::SqlStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

/// One migration file of both dialects: version, description, and each dialect's SQL.
struct Step {
    version: i64,
    description: &'static str,
    #[cfg(feature = "sqlite")]
    sqlite: &'static str,
    #[cfg(feature = "postgres")]
    postgres: &'static str,
}

/// The steps, from file names `NNNN_<description with underscores>.sql`.
macro_rules! steps {
    ($($version:literal $description:literal $file:literal),+ $(,)?) => {
        &[$(Step {
            version: $version,
            description: $description,
            #[cfg(feature = "sqlite")]
            sqlite: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite/", $file)),
            #[cfg(feature = "postgres")]
            postgres: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres/", $file)),
        }),+]
    };
}

const STEPS: &[Step] = steps![
    1 "init" "0001_init.sql",
    2 "settings listing refresh tokens" "0002_settings_listing_refresh_tokens.sql",
    3 "key activation revocations" "0003_key_activation_revocations.sql",
    4 "lockouts" "0004_lockouts.sql",
    5 "api keys" "0005_api_keys.sql",
    6 "lockout millis" "0006_lockout_millis.sql",
    7 "config changes" "0007_config_changes.sql",
    8 "mail quotas" "0008_mail_quotas.sql",
    9 "events" "0009_events.sql",
    10 "user counts" "0010_user_counts.sql",
    11 "user indexes" "0011_user_indexes.sql",
    12 "oauth" "0012_oauth.sql",
    13 "sealed authorization codes" "0013_sealed_authorization_codes.sql",
    14 "user mfa" "0014_user_mfa.sql",
    15 "passkeys" "0015_passkeys.sql",
    16 "access keys" "0016_access_keys.sql",
    17 "groups" "0017_groups.sql",
    18 "app clients" "0018_app_clients.sql",
    19 "external pools" "0019_external_pools.sql",
    20 "external user api keys" "0020_external_user_api_keys.sql",
    21 "webhooks" "0021_webhooks.sql",
    22 "user value indexes" "0022_user_value_indexes.sql",
    23 "one statement writes" "0023_one_statement_writes.sql",
    24 "identity providers" "0024_identity_providers.sql",
    25 "federated identities" "0025_federated_identities.sql",
];

/// The SQLite migrator.
#[cfg(feature = "sqlite")]
pub fn sqlite() -> Migrator {
    migrator(|step| step.sqlite)
}

/// The PostgreSQL migrator.
#[cfg(feature = "postgres")]
pub fn postgres() -> Migrator {
    migrator(|step| step.postgres)
}

fn migrator(sql: impl Fn(&Step) -> &'static str) -> Migrator {
    Migrator::with_migrations(
        STEPS
            .iter()
            .map(|step| {
                let sql = sql(step);
                Migration::new(
                    step.version,
                    step.description.into(),
                    MigrationType::Simple,
                    SqlStr::from_static(sql),
                    // As sqlx's own file reader decides it.
                    sql.starts_with("-- no-transaction"),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::path::Path;

    /// Every file of a migrations folder, as sqlx's folder reader would name it.
    fn folder(dialect: &str) -> Vec<(i64, String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(dialect);
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let (version, rest) = name.split_once('_').unwrap();
                let description = rest.strip_suffix(".sql").unwrap().replace('_', " ");
                let sql = std::fs::read_to_string(&path).unwrap();
                (version.parse().unwrap(), description, sql)
            })
            .collect();
        files.sort();
        files
    }

    fn listed(migrator: &Migrator) -> Vec<(i64, String, String)> {
        migrator
            .iter()
            .map(|m| {
                (
                    m.version,
                    m.description.to_string(),
                    m.sql.as_str().to_owned(),
                )
            })
            .collect()
    }

    #[cfg(feature = "sqlite")]
    #[test]
    fn every_sqlite_file_is_listed_in_order() {
        assert_eq!(listed(&sqlite()), folder("sqlite"));
    }

    #[cfg(feature = "postgres")]
    #[test]
    fn every_postgres_file_is_listed_in_order() {
        assert_eq!(listed(&postgres()), folder("postgres"));
    }
}
