//! Groups: stored whole, unique per pool by case-sensitive name, updated, listed by name a page
//! at a time, counted; members added once, removed, listed per group and (by precedence) per
//! user; gone with their group, their user or their app.

use crate::fixtures;
use auth_return_core::ids::UserId;
use auth_return_core::model::Group;
use auth_return_core::store::Membership;
use auth_return_store::{Store, StoreError};
use std::sync::Arc;

fn group(pool: &auth_return_core::ids::PoolId, name: &str, precedence: Option<i64>) -> Group {
    Group {
        pool_id: pool.clone(),
        name: name.to_owned(),
        description: Some(format!("the {name} \"group\" ü")),
        precedence,
        role_arn: None,
        created_at: 100,
        updated_at: 100,
    }
}

pub async fn groups(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let f = fixtures::two_pools(s).await;
    let (one, two) = (&f.one.pool_id, &f.two.pool_id);

    let admins = group(one, "admins", Some(1));
    let mut editors = group(one, "editors", None);
    editors.role_arn = Some("arn:aws:iam::123456789012:role/editor".into());
    let upper = group(one, "Admins", Some(0));
    let elsewhere = group(two, "admins", Some(5));
    for g in [&admins, &editors, &upper, &elsewhere] {
        s.insert_group(g).await.unwrap();
    }
    assert_eq!(
        s.get_group(one, "admins").await.unwrap(),
        Some(admins.clone())
    );
    assert_eq!(s.get_group(one, "ADMINS").await.unwrap(), None);
    assert!(matches!(
        s.insert_group(&admins).await,
        Err(StoreError::Conflict(_))
    ));
    let orphan = group(&auth_return_core::ids::PoolId::generate("local"), "x", None);
    assert!(s.insert_group(&orphan).await.is_err());

    // Listed by name in byte order (upper case first), a page at a time; counted.
    let names = |groups: Vec<Group>| groups.into_iter().map(|g| g.name).collect::<Vec<_>>();
    assert_eq!(
        names(s.list_groups(one, None, 10).await.unwrap()),
        ["Admins", "admins", "editors"]
    );
    assert_eq!(
        names(s.list_groups(one, None, 2).await.unwrap()),
        ["Admins", "admins"]
    );
    assert_eq!(
        names(s.list_groups(one, Some("admins"), 2).await.unwrap()),
        ["editors"]
    );
    assert_eq!(s.count_groups(one).await.unwrap(), 3);
    assert_eq!(s.count_groups(two).await.unwrap(), 1);

    // Updated in place; an unknown group is not.
    let mut changed = editors.clone();
    changed.description = None;
    changed.precedence = Some(3);
    changed.updated_at = 200;
    assert!(s.update_group(&changed).await.unwrap());
    assert_eq!(
        s.get_group(one, "editors").await.unwrap(),
        Some(changed.clone())
    );
    assert!(!s.update_group(&group(one, "nobody", None)).await.unwrap());

    // Members: added once, only where group and user exist (and share the pool).
    let (ada, bob, eve) = (f.ada.id, f.bob.id, f.eve.id);
    assert_eq!(
        s.add_group_member(one, "admins", ada, 300, 100)
            .await
            .unwrap(),
        Membership::Member
    );
    assert_eq!(
        s.add_group_member(one, "admins", ada, 301, 100)
            .await
            .unwrap(),
        Membership::Member
    );
    assert_eq!(
        s.add_group_member(one, "editors", ada, 300, 100)
            .await
            .unwrap(),
        Membership::Member
    );
    assert_eq!(
        s.add_group_member(one, "Admins", ada, 300, 100)
            .await
            .unwrap(),
        Membership::Member
    );
    assert_eq!(
        s.add_group_member(one, "admins", bob, 300, 100)
            .await
            .unwrap(),
        Membership::Member
    );
    assert_eq!(
        s.add_group_member(one, "nobody", ada, 300, 100)
            .await
            .unwrap(),
        Membership::Missing
    );
    assert_eq!(
        s.add_group_member(one, "admins", eve, 300, 100)
            .await
            .unwrap(),
        Membership::Missing
    );
    assert_eq!(
        s.add_group_member(two, "admins", ada, 300, 100)
            .await
            .unwrap(),
        Membership::Missing
    );

    // A user in the most groups allowed joins no more (but stays in those).
    assert_eq!(
        s.add_group_member(one, "editors", bob, 300, 1)
            .await
            .unwrap(),
        Membership::Full
    );
    assert_eq!(
        s.add_group_member(one, "admins", bob, 300, 1)
            .await
            .unwrap(),
        Membership::Member
    );

    // A user's groups by precedence, none last; a group's members by id, a page at a time.
    assert_eq!(
        names(s.list_user_groups(one, ada).await.unwrap()),
        ["Admins", "admins", "editors"]
    );
    member_reads(s, &f).await;
    let mut members: Vec<_> = [ada, bob].into();
    members.sort();
    let ids = |users: Vec<auth_return_core::model::User>| {
        users.into_iter().map(|u| u.id).collect::<Vec<_>>()
    };
    assert_eq!(
        ids(s.list_group_members(one, "admins", None, 10).await.unwrap()),
        members
    );
    assert_eq!(
        ids(s.list_group_members(one, "admins", None, 1).await.unwrap()),
        members[..1]
    );
    assert_eq!(
        ids(s
            .list_group_members(one, "admins", Some(members[0]), 10)
            .await
            .unwrap()),
        members[1..]
    );
    assert_eq!(
        s.list_group_members(one, "nobody", None, 10).await.unwrap(),
        []
    );

    // Removed once.
    assert!(s.remove_group_member(one, "Admins", ada).await.unwrap());
    assert!(!s.remove_group_member(one, "Admins", ada).await.unwrap());
    assert_eq!(
        names(s.list_user_groups(one, ada).await.unwrap()),
        ["admins", "editors"]
    );

    // Gone with their group, their user, their app.
    assert!(s.delete_group(one, "editors").await.unwrap());
    assert!(!s.delete_group(one, "editors").await.unwrap());
    assert_eq!(
        names(s.list_user_groups(one, ada).await.unwrap()),
        ["admins"]
    );
    assert!(s.delete_user(one, bob, 1_000).await.unwrap());
    assert_eq!(
        ids(s.list_group_members(one, "admins", None, 10).await.unwrap()),
        [ada]
    );
    assert!(s.delete_app(&f.one.id).await.unwrap());
    assert_eq!(s.list_groups(one, None, 10).await.unwrap(), []);
    assert_eq!(s.get_group(two, "admins").await.unwrap(), Some(elsewhere));
}

/// A user read with their groups, and a refresh token with its session, user and groups (one
/// read each), agree with the separate reads; `ada` is in three groups, `eve` in none.
async fn member_reads(s: &dyn Store, f: &fixtures::TwoPools) {
    let (one, two) = (&f.one.pool_id, &f.two.pool_id);
    let ada = s.get_member(one, f.ada.id).await.unwrap().unwrap();
    assert_eq!(ada.user, s.get_user(one, f.ada.id).await.unwrap().unwrap());
    assert_eq!(ada.groups, s.list_user_groups(one, f.ada.id).await.unwrap());
    assert_eq!(ada.groups.len(), 3);
    let eve = s.get_member(two, f.eve.id).await.unwrap().unwrap();
    assert_eq!((eve.user, eve.groups), (f.eve.clone(), vec![]));
    assert_eq!(
        s.get_member(two, f.ada.id).await.unwrap(),
        None,
        "pools are isolated"
    );
    assert_eq!(s.get_member(one, UserId::generate()).await.unwrap(), None);

    let session = fixtures::session(&f.one, &f.ada, b"grant-ada", 400);
    s.insert_session(&session).await.unwrap();
    let (alone, token) = s.get_refresh_token(b"grant-ada").await.unwrap().unwrap();
    let grant = s.get_refresh_grant(b"grant-ada").await.unwrap().unwrap();
    assert_eq!((&grant.session, &grant.token), (&alone, &token));
    assert_eq!(grant.member, Some(ada));
    let session = fixtures::session(&f.two, &f.eve, b"grant-eve", 400);
    s.insert_session(&session).await.unwrap();
    let grant = s.get_refresh_grant(b"grant-eve").await.unwrap().unwrap();
    assert_eq!(
        grant.member.map(|m| (m.user, m.groups)),
        Some((f.eve.clone(), vec![]))
    );
    assert_eq!(s.get_refresh_grant(b"grant-nobody").await.unwrap(), None);
}

/// A burst of additions of one user to eight groups with room for three: exactly three stick.
pub async fn membership_burst(store: Arc<dyn Store>) {
    let f = fixtures::two_pools(store.as_ref()).await;
    let pool = f.one.pool_id.clone();
    for i in 0..8 {
        store
            .insert_group(&group(&pool, &format!("g{i}"), Some(i)))
            .await
            .unwrap();
    }
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..8 {
        let (store, pool, user) = (store.clone(), pool.clone(), f.ada.id);
        tasks.spawn(async move {
            store
                .add_group_member(&pool, &format!("g{i}"), user, 1, 3)
                .await
                .unwrap()
        });
    }
    let outcomes = tasks.join_all().await;
    let members = outcomes
        .iter()
        .filter(|o| **o == Membership::Member)
        .count();
    let full = outcomes.iter().filter(|o| **o == Membership::Full).count();
    assert_eq!((members, full), (3, 5));
    assert_eq!(
        store.list_user_groups(&pool, f.ada.id).await.unwrap().len(),
        3
    );
}
