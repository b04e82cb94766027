//! How the store's connection pool is used, for metrics.

/// The connection pool's state at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ConnectionUse {
    /// Connections serving a query or a transaction now.
    pub in_use: u32,
    /// Open connections waiting for work.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
}

/// The connection pool's use. Part of [`super::Store`].
pub trait ConnectionStore: Send + Sync {
    /// The pool's state now.
    fn connection_use(&self) -> ConnectionUse;
}
