//! Chapter two of the story: users and their one-time codes.

use super::is_conflict;
use crate::fixtures;
use auth_return_core::ids::UserId;
use auth_return_core::model::{CodePurpose, CodeRecord, UserStatus};
use auth_return_store::Store;

pub(super) async fn users(
    s: &dyn Store,
    ada: &auth_return_core::model::User,
    ada2: &auth_return_core::model::User,
) {
    let (p1, p2) = (&ada.pool_id, &ada2.pool_id);
    s.insert_user(ada).await.unwrap();
    assert_eq!(s.get_user(p1, ada.id).await.unwrap().as_ref(), Some(ada));
    assert_eq!(
        s.get_user_by_email(p1, "ada@example.com")
            .await
            .unwrap()
            .as_ref(),
        Some(ada)
    );
    assert_eq!(
        s.get_user(p2, ada.id).await.unwrap(),
        None,
        "pools are isolated"
    );
    assert_eq!(
        s.get_user_by_email(p2, "ada@example.com").await.unwrap(),
        None
    );
    assert_eq!(s.get_user(p1, UserId::generate()).await.unwrap(), None);
    assert_eq!(
        s.get_user_by_email(p1, "nobody@example.com").await.unwrap(),
        None
    );

    let twin = fixtures::user(p1, "ada@example.com", 1_001);
    assert!(
        is_conflict(s.insert_user(&twin).await),
        "email taken in the pool"
    );
    assert_eq!(s.get_user(p1, twin.id).await.unwrap(), None);

    // The same email in another pool is another user.
    s.insert_user(ada2).await.unwrap();
    assert_eq!(
        s.get_user_by_email(p2, "ada@example.com")
            .await
            .unwrap()
            .as_ref(),
        Some(ada2)
    );
    assert_eq!(
        s.get_user_by_email(p1, "ada@example.com")
            .await
            .unwrap()
            .as_ref(),
        Some(ada)
    );
    assert_ne!(ada.id, ada2.id);

    // Every mutable field survives an update.
    let mut changed = ada.clone();
    changed.email_verified = true;
    changed.status = UserStatus::Confirmed;
    changed.enabled = false;
    changed.salt_hex = "abcdef".into();
    changed.sealed_verifier = vec![9; 300];
    changed.attributes.insert("given_name".into(), "Ada".into());
    changed.attributes.remove("custom:plan");
    changed.updated_at = 1_500;
    s.update_user(&changed).await.unwrap();
    assert_eq!(s.get_user(p1, ada.id).await.unwrap(), Some(changed.clone()));
    for status in [UserStatus::ForceChangePassword, UserStatus::ResetRequired] {
        changed.status = status;
        s.update_user(&changed).await.unwrap();
        assert_eq!(
            s.get_user(p1, ada.id).await.unwrap().map(|u| u.status),
            Some(status)
        );
    }
    changed.email = "ada.l@example.com".into();
    s.update_user(&changed).await.unwrap();
    assert_eq!(
        s.get_user_by_email(p1, "ada.l@example.com").await.unwrap(),
        Some(changed.clone())
    );
    assert_eq!(
        s.get_user_by_email(p1, "ada@example.com").await.unwrap(),
        None
    );

    // Changing to an email someone else has is a conflict.
    let carol = fixtures::user(p1, "carol@example.com", 1_000);
    s.insert_user(&carol).await.unwrap();
    let mut steal = carol.clone();
    steal.email = "ada.l@example.com".into();
    assert!(is_conflict(s.update_user(&steal).await));
    assert_eq!(s.get_user(p1, carol.id).await.unwrap(), Some(carol.clone()));
    assert!(s.delete_user(p1, carol.id, 5_000).await.unwrap());
    assert!(!s.delete_user(p1, UserId::generate(), 5_000).await.unwrap());
    assert!(
        !s.delete_user(p2, ada.id, 5_000).await.unwrap(),
        "a pool cannot delete another's user"
    );

    // Restore the original for the rest of the story.
    s.update_user(ada).await.unwrap();
    assert_eq!(s.get_user(p1, ada.id).await.unwrap().as_ref(), Some(ada));
}

pub(super) async fn codes(
    s: &dyn Store,
    ada: &auth_return_core::model::User,
    ada2: &auth_return_core::model::User,
) {
    let (p1, p2) = (&ada.pool_id, &ada2.pool_id);
    let (sign_up, forgot) = (CodePurpose::SignUp, CodePurpose::ForgotPassword);
    assert_eq!(s.get_code(p1, ada.id, sign_up).await.unwrap(), None);
    assert_eq!(
        s.reserve_code_guess(p1, ada.id, sign_up, 5, 1_000)
            .await
            .unwrap(),
        None,
        "no code, no count"
    );
    assert!(!s.take_code(p1, ada.id, sign_up, b"h1").await.unwrap());

    s.put_code(p1, ada.id, sign_up, &fixtures::code(b"h1", 5_000))
        .await
        .unwrap();
    s.put_code(p1, ada.id, forgot, &fixtures::code(b"f1", 6_000))
        .await
        .unwrap();
    s.put_code(p2, ada2.id, sign_up, &fixtures::code(b"h1", 5_000))
        .await
        .unwrap();
    assert_eq!(
        s.get_code(p1, ada.id, sign_up).await.unwrap(),
        Some(fixtures::code(b"h1", 5_000))
    );

    // A guess is counted only while the code is live and has guesses left (here: 3).
    let reserve = |now| s.reserve_code_guess(p1, ada.id, sign_up, 3, now);
    let counted = |n| CodeRecord {
        failed_attempts: n,
        ..fixtures::code(b"h1", 5_000)
    };
    assert_eq!(reserve(1_000).await.unwrap(), Some(counted(1)));
    assert_eq!(reserve(4_999).await.unwrap(), Some(counted(2)));
    assert_eq!(reserve(5_000).await.unwrap(), None, "expired: not counted");
    assert_eq!(reserve(1_000).await.unwrap(), Some(counted(3)));
    assert_eq!(reserve(1_000).await.unwrap(), None, "spent: not counted");
    let pending = s.get_code(p1, ada.id, sign_up).await.unwrap().unwrap();
    assert_eq!(pending.failed_attempts, 3);
    assert_eq!(
        s.get_code(p1, ada.id, forgot)
            .await
            .unwrap()
            .unwrap()
            .failed_attempts,
        0,
        "per purpose"
    );
    assert_eq!(
        s.get_code(p2, ada2.id, sign_up)
            .await
            .unwrap()
            .unwrap()
            .failed_attempts,
        0,
        "per pool"
    );

    // Wrong hash: nothing consumed. Right hash: consumed exactly once.
    assert!(!s.take_code(p1, ada.id, sign_up, b"wrong").await.unwrap());
    assert!(s.get_code(p1, ada.id, sign_up).await.unwrap().is_some());
    assert!(
        !s.take_code(p1, ada.id, forgot, b"h1").await.unwrap(),
        "hash of another purpose"
    );
    assert!(s.take_code(p1, ada.id, sign_up, b"h1").await.unwrap());
    assert!(
        !s.take_code(p1, ada.id, sign_up, b"h1").await.unwrap(),
        "single use"
    );
    assert_eq!(s.get_code(p1, ada.id, sign_up).await.unwrap(), None);
    assert!(
        s.get_code(p1, ada.id, forgot).await.unwrap().is_some(),
        "other purpose kept"
    );
    assert!(
        s.get_code(p2, ada2.id, sign_up).await.unwrap().is_some(),
        "other pool kept"
    );

    // Putting again replaces hash, expiry and the failure count.
    s.put_code(p1, ada.id, forgot, &fixtures::code(b"f1", 6_000))
        .await
        .unwrap();
    s.reserve_code_guess(p1, ada.id, forgot, 5, 1_000)
        .await
        .unwrap();
    s.put_code(p1, ada.id, forgot, &fixtures::code(b"f2", 7_000))
        .await
        .unwrap();
    assert_eq!(
        s.get_code(p1, ada.id, forgot).await.unwrap(),
        Some(fixtures::code(b"f2", 7_000))
    );
    assert!(
        !s.take_code(p1, ada.id, forgot, b"f1").await.unwrap(),
        "the old code is gone"
    );

    s.delete_code(p1, ada.id, forgot).await.unwrap();
    assert_eq!(s.get_code(p1, ada.id, forgot).await.unwrap(), None);
    s.delete_code(p1, ada.id, forgot).await.unwrap();
    assert!(s.get_code(p2, ada2.id, sign_up).await.unwrap().is_some());
}
