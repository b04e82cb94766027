//! Auth Return's mail transports, the implementations of `auth_return_core::mail::Mailer` the
//! binary chooses between: the development outbox file (the default) and SMTP. Kept out of the
//! HTTP crate: the server only ever sees `Arc<dyn Mailer>`.

mod outbox;
mod smtp;

pub use outbox::OutboxMailer;
pub use smtp::{
    ATTEMPT_TIMEOUT, MAX_ATTEMPTS, SmtpConfig, SmtpConfigError, SmtpMailer, TOTAL_TIMEOUT, TlsMode,
    default_from_address,
};
