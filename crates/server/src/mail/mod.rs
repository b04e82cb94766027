//! Mail transports: the development outbox (the default) and SMTP.

mod outbox;
mod smtp;

pub use outbox::OutboxMailer;
pub use smtp::{
    ATTEMPT_TIMEOUT, MAX_ATTEMPTS, SmtpConfig, SmtpConfigError, SmtpMailer, TOTAL_TIMEOUT, TlsMode,
    default_from_address,
};
