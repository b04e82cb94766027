//! Record builders for the conformance story.

use auth_return_core::ids::{AppId, ClientId, PoolId, SessionId, UserId};
use auth_return_core::model::{
    App, Client, CodeRecord, HostedSession, MfaFactor, Session, SigningKeyRecord, User, UserMfa,
    UserStatus,
};
use auth_return_core::settings::AppSettings;
use auth_return_core::store::Store;
use std::collections::BTreeMap;

/// Two apps stored, with users Ada and Bob in the first pool and Eve in the second.
pub struct TwoPools {
    /// The first app ("one").
    pub one: App,
    /// Its signing key (to store the app again).
    pub one_key: SigningKeyRecord,
    /// The second app ("two").
    pub two: App,
    /// A user of the first pool.
    pub ada: User,
    /// Another user of the first pool.
    pub bob: User,
    /// A user of the second pool.
    pub eve: User,
}

/// Stores [`TwoPools`].
pub async fn two_pools(s: &dyn Store) -> TwoPools {
    let (one, k1) = app("one", None, 1);
    let (two, k2) = app("two", None, 2);
    s.insert_app(&one, Some(&k1)).await.unwrap();
    s.insert_app(&two, Some(&k2)).await.unwrap();
    let ada = user(&one.pool_id, "ada@example.com", 10);
    let bob = user(&one.pool_id, "bob@example.com", 10);
    let eve = user(&two.pool_id, "eve@example.com", 10);
    for u in [&ada, &bob, &eve] {
        s.insert_user(u).await.unwrap();
    }
    TwoPools {
        one,
        one_key: k1,
        two,
        ada,
        bob,
        eve,
    }
}

/// A fresh app (with a confidential client when it has an owner) and its first signing key.
pub fn app(name: &str, owner: Option<UserId>, created_at: i64) -> (App, SigningKeyRecord) {
    let id = AppId::generate();
    let pool_id = PoolId::generate("local");
    let app = App {
        id: id.clone(),
        name: name.to_owned(),
        owner,
        pool_id: pool_id.clone(),
        client: Client {
            id: ClientId::generate(),
            pool_id: pool_id.clone(),
            app_id: id,
            sealed_secret: owner.map(|_| vec![7u8; 48]),
            token_validity_secs: 3600,
            refresh_validity_secs: 30 * 86_400,
            primary: true,
            profile: Default::default(),
            created_at,
            updated_at: created_at,
        },
        origins: vec![
            "https://app.example".to_owned(),
            "http://localhost:5173".to_owned(),
        ],
        settings: AppSettings::default(),
        external: None,
        created_at,
    };
    let key = SigningKeyRecord {
        kid: format!("kid-{}", uuid::Uuid::new_v4().simple()),
        pool_id,
        sealed_private_key: vec![0xAB; 1200],
        created_at,
        activates_at: created_at,
    };
    (app, key)
}

/// A fresh unconfirmed user.
pub fn user(pool_id: &PoolId, email: &str, now: i64) -> User {
    let mut attributes = BTreeMap::new();
    attributes.insert("name".to_owned(), "Ada Lovelace".to_owned());
    attributes.insert("custom:plan".to_owned(), "free \"trial\" ü".to_owned());
    User {
        pool_id: pool_id.clone(),
        id: UserId::generate(),
        email: email.to_owned(),
        email_verified: false,
        status: UserStatus::Unconfirmed,
        enabled: true,
        salt_hex: "00ff10".to_owned(),
        sealed_verifier: vec![1, 2, 3, 4, 5, 0, 255],
        attributes,
        pending_email: None,
        password_expires_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// A pending code with hash `hash`.
pub fn code(hash: &[u8], expires_at: i64) -> CodeRecord {
    CodeRecord {
        code_hash: hash.to_vec(),
        expires_at,
        failed_attempts: 0,
    }
}

/// A live session of `user` through `app`'s client, with refresh hash `hash`.
pub fn session(app: &App, user: &User, hash: &[u8], now: i64) -> Session {
    Session {
        id: SessionId::generate(),
        pool_id: app.pool_id.clone(),
        client_id: app.client.id.clone(),
        user_id: user.id,
        refresh_hash: hash.to_vec(),
        auth_time: now,
        expires_at: now + 30 * 86_400,
        revoked_at: None,
        scope: None,
    }
}

/// A hosted-page session of `user` with cookie hash `hash`, signed in at `now`, for a day.
pub fn hosted_session(user: &User, hash: &[u8], now: i64) -> HostedSession {
    HostedSession {
        pool_id: user.pool_id.clone(),
        hash: hash.to_vec(),
        user_id: user.id,
        auth_time: now,
        expires_at: now + 86_400,
    }
}

/// `user`'s second factors as they are once an authenticator app is set up: a verified
/// secret, TOTP on and preferred, email codes off; changed at `now`.
pub fn user_mfa(user: &User, now: i64) -> UserMfa {
    UserMfa {
        pool_id: user.pool_id.clone(),
        user_id: user.id,
        sealed_totp_secret: Some(vec![0x5E, 0, 0xC7, 0xE7, 255, 1]),
        sealed_pending_totp_secret: None,
        totp_verified: true,
        totp_enabled: true,
        email_otp_enabled: false,
        preferred: Some(MfaFactor::SoftwareToken),
        updated_at: now,
    }
}
