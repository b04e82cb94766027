//! The layers: clap has already put the environment over the defaults and the flags over the
//! environment; here the TOML file slides in under both, above the defaults. A setting given as
//! a flag or in the environment keeps that value; every other one takes the file's, if it has
//! one.

use super::GlobalOptions;
use anyhow::Context;
use auth_return_server::client::ForwardedHeader;
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, FromArgMatches};
use serde::{Serialize, Serializer};

impl GlobalOptions {
    /// These options (flags, environment, defaults, as clap parsed them into `matches`) over
    /// the `--config` file, if one is given. The file's keys are the fields' names; an unknown
    /// key or a value of the wrong type is an error naming the file.
    pub(super) fn over_file(self, matches: &ArgMatches) -> anyhow::Result<Self> {
        let Some(path) = self.config.clone() else {
            return Ok(self);
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let file: Self =
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
        // Field by field through serde's view of both: the file's values, then the given ones.
        let mut merged = toml::Table::try_from(&file).context("merging the configuration")?;
        let options = toml::Table::try_from(&self).context("merging the configuration")?;
        merged.extend(options.into_iter().filter(|(key, _)| given(matches, key)));
        let mut merged: Self = toml::Value::Table(merged)
            .try_into()
            .context("merging the configuration")?;
        merged.config = Some(path);
        Ok(merged)
    }
}

/// The built-in defaults: clap's, without the environment. They fill in what a file leaves out.
impl Default for GlobalOptions {
    fn default() -> Self {
        let command = Self::augment_args(clap::Command::new("auth-return"))
            .mut_args(|arg| arg.env(None::<&str>));
        // Every setting is optional or has a default, so no argument list can be refused; if
        // one were, clap's exit with its message is the right end for a command-line tool.
        command
            .try_get_matches_from(["auth-return"])
            .and_then(|matches| Self::from_arg_matches(&matches))
            .unwrap_or_else(|e| e.exit())
    }
}

/// Whether `key` was given as a flag or in the environment (not a default, not absent).
fn given(matches: &ArgMatches, key: &str) -> bool {
    // Only ids clap knows may be asked about.
    matches.ids().any(|id| id.as_str() == key)
        && matches!(
            matches.value_source(key),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        )
}

/// Writes the header as the file names it (`x-forwarded-for` or `forwarded`).
pub(super) fn header_name<S: Serializer>(
    header: &Option<ForwardedHeader>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    header.map(ForwardedHeader::name).serialize(serializer)
}
