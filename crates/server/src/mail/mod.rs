//! Mail transports.

mod outbox;

pub use outbox::OutboxMailer;
