//! sqlx encodings of the typed ids, so the store binds and reads them directly. Text ids are
//! TEXT in both dialects; UUID ids are their hyphenated lowercase text on SQLite (which has no
//! UUID type, and whose text order then equals UUID order) and native `UUID` on PostgreSQL.

use super::{AccessKeyId, ApiKeyId, AppId, ClientId, PoolId, SessionId, UserId, WebhookId};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Encode, Type};

/// Text ids encode and decode as their `String`, in any database that has strings.
macro_rules! text_encoding {
    ($($name:ident),*) => {$(
        impl<DB: Database> Type<DB> for $name
        where
            String: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $name
        where
            String: Encode<'q, DB>,
        {
            fn encode(self, buf: &mut DB::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
                self.0.encode(buf)
            }

            fn encode_by_ref(&self, buf: &mut DB::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
                self.0.encode_by_ref(buf)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $name
        where
            String: Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
                String::decode(value).map(Self)
            }
        }
    )*};
}

text_encoding!(PoolId, ClientId, AppId, ApiKeyId, AccessKeyId, WebhookId);

/// UUID ids as hyphenated lowercase TEXT on SQLite.
#[cfg(feature = "sqlx-sqlite")]
macro_rules! sqlite_uuid_encoding {
    ($($name:ident),*) => {$(
        impl Type<sqlx::Sqlite> for $name {
            fn type_info() -> sqlx::sqlite::SqliteTypeInfo {
                <String as Type<sqlx::Sqlite>>::type_info()
            }

            fn compatible(ty: &sqlx::sqlite::SqliteTypeInfo) -> bool {
                <String as Type<sqlx::Sqlite>>::compatible(ty)
            }
        }

        impl Encode<'_, sqlx::Sqlite> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Sqlite as Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                Encode::<sqlx::Sqlite>::encode(self.0.hyphenated().to_string(), buf)
            }
        }

        impl<'r> Decode<'r, sqlx::Sqlite> for $name {
            fn decode(value: sqlx::sqlite::SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&str as Decode<sqlx::Sqlite>>::decode(value)?;
                Ok(Self(uuid::Uuid::try_parse(text)?))
            }
        }
    )*};
}

#[cfg(feature = "sqlx-sqlite")]
sqlite_uuid_encoding!(UserId, SessionId);

/// UUID ids as native `UUID` on PostgreSQL.
#[cfg(feature = "sqlx-postgres")]
macro_rules! postgres_uuid_encoding {
    ($($name:ident),*) => {$(
        impl Type<sqlx::Postgres> for $name {
            fn type_info() -> sqlx::postgres::PgTypeInfo {
                <uuid::Uuid as Type<sqlx::Postgres>>::type_info()
            }
        }

        impl Encode<'_, sqlx::Postgres> for $name {
            fn encode_by_ref(
                &self,
                buf: &mut <sqlx::Postgres as Database>::ArgumentBuffer,
            ) -> Result<IsNull, BoxDynError> {
                Encode::<sqlx::Postgres>::encode_by_ref(&self.0, buf)
            }
        }

        impl<'r> Decode<'r, sqlx::Postgres> for $name {
            fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, BoxDynError> {
                <uuid::Uuid as Decode<sqlx::Postgres>>::decode(value).map(Self)
            }
        }
    )*};
}

#[cfg(feature = "sqlx-postgres")]
postgres_uuid_encoding!(UserId, SessionId);
