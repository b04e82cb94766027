//! The change feed on PostgreSQL: the writing transaction locks the feed's table before it takes
//! `MAX(seq) + 1`, and holds the lock until it commits, so numbers follow commit order and a
//! reader that has seen `seq` never finds a smaller one appear later.

use crate::error::backend;
use auth_return_core::model::{Change, ChangeSubject};
use auth_return_core::store::{CHANGES_KEPT, StoreResult};
use sqlx::{PgConnection, PgPool, Row};

/// Records `subject` as changed, in the caller's transaction (after its write).
pub(super) async fn record(tx: &mut PgConnection, subject: &ChangeSubject) -> StoreResult<()> {
    let (kind, subject) = subject.to_parts();
    // EXCLUSIVE lets readers through but serializes writers of the feed until commit.
    sqlx::query("LOCK TABLE config_changes IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
    sqlx::query(
        "INSERT INTO config_changes (seq, kind, subject) \
         SELECT COALESCE(MAX(seq), 0) + 1, $1, $2 FROM config_changes",
    )
    .bind(kind)
    .bind(subject)
    .execute(&mut *tx)
    .await
    .map_err(backend)?;
    Ok(())
}

/// Entries after `after`, oldest first.
pub(super) async fn since(pool: &PgPool, after: i64, limit: usize) -> StoreResult<Vec<Change>> {
    let rows = sqlx::query(
        "SELECT seq, kind, subject FROM config_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
    )
    .bind(after)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    rows.iter()
        .map(|row| {
            Ok(Change {
                seq: row.try_get("seq").map_err(backend)?,
                subject: ChangeSubject::from_parts(
                    row.try_get("kind").map_err(backend)?,
                    row.try_get("subject").map_err(backend)?,
                ),
            })
        })
        .collect()
}

/// The newest entry's number, 0 for none.
pub(super) async fn latest(pool: &PgPool) -> StoreResult<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0)::BIGINT FROM config_changes")
        .fetch_one(pool)
        .await
        .map_err(backend)
}

/// Deletes all but the newest [`CHANGES_KEPT`] entries; returns how many went.
pub(super) async fn prune(pool: &PgPool) -> StoreResult<u64> {
    let done = sqlx::query(
        "DELETE FROM config_changes WHERE seq <= (SELECT MAX(seq) FROM config_changes) - $1",
    )
    .bind(CHANGES_KEPT)
    .execute(pool)
    .await
    .map_err(backend)?;
    Ok(done.rows_affected())
}
