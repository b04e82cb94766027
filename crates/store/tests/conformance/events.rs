//! Audit events: a batch recorded and read back newest first with every field intact (free text
//! capped), filters by kind and user, cursor paging without gaps or repeats, isolation between
//! pools, removal with the app (not with the user), pruning by age in bounded batches, and two
//! instances recording at once.

use crate::fixtures;
use auth_return_core::events::{
    CLIENT_IP_MAX_CHARS, EMAIL_MAX_CHARS, Event, EventKind, EventQuery, NewEvent,
    USER_AGENT_MAX_CHARS,
};
use auth_return_core::ids::{PoolId, UserId};
use auth_return_store::Store;
use serde_json::json;
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::task::JoinSet;

/// A bare event whose detail says `n`.
fn numbered(pool_id: &PoolId, at: i64, kind: EventKind, n: usize) -> NewEvent {
    let mut event = NewEvent::new(pool_id.clone(), at, kind);
    event.detail.insert("n".to_owned(), json!(n));
    event
}

/// `detail.n` of an event recorded by [`numbered`].
fn n_of(event: &Event) -> usize {
    event.detail["n"].as_u64().unwrap() as usize
}

/// What `new` should read back as, with id `id`.
fn as_read(id: i64, new: &NewEvent) -> Event {
    Event {
        id,
        pool_id: new.pool_id.clone(),
        at: new.at,
        kind: new.kind,
        user_id: new.user_id,
        email: new.email.clone(),
        actor: new.actor.clone(),
        client_ip: new.client_ip.clone(),
        user_agent: new.user_agent.clone(),
        detail: new.detail.clone(),
    }
}

fn query(kind: Option<EventKind>, user_id: Option<UserId>, limit: u32) -> EventQuery {
    EventQuery {
        kind,
        user_id,
        before: None,
        limit,
    }
}

async fn all(s: &dyn Store, pool_id: &PoolId) -> Vec<Event> {
    s.list_events(pool_id, &query(None, None, 10_000))
        .await
        .unwrap()
}

/// Every page of `query` (its `before` and `limit` as given), in order, checking each is full
/// but the last.
async fn pages(s: &dyn Store, pool_id: &PoolId, mut query: EventQuery) -> Vec<Vec<Event>> {
    let mut pages = Vec::new();
    loop {
        let page = s.list_events(pool_id, &query).await.unwrap();
        assert!(page.len() <= query.limit as usize);
        let Some(last) = page.last() else {
            return pages;
        };
        query.before = Some(last.id);
        let full = page.len() == query.limit as usize;
        pages.push(page);
        if !full {
            // A short page is the last: the next is empty.
            assert!(s.list_events(pool_id, &query).await.unwrap().is_empty());
            return pages;
        }
    }
}

/// Record, read back, filter, isolate, cascade.
pub async fn recorded(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a, ka) = fixtures::app("events-a", None, 1);
    let (b, kb) = fixtures::app("events-b", None, 1);
    s.insert_app(&a, Some(&ka)).await.unwrap();
    s.insert_app(&b, Some(&kb)).await.unwrap();
    let (pa, pb) = (&a.pool_id, &b.pool_id);

    // Nothing yet; an empty batch writes nothing.
    assert!(all(s, pa).await.is_empty());
    s.record_events(&[]).await.unwrap();
    assert!(all(s, pa).await.is_empty());

    // A user that exists and one that never did: events name users without a foreign key.
    let ada = fixtures::user(pa, "ada@example.com", 5);
    s.insert_user(&ada).await.unwrap();
    let ghost = UserId::generate();

    let mut full = NewEvent::new(pa.clone(), 1_700_000_000, EventKind::SignInFailed);
    full.user_id = Some(ada.id);
    full.email = Some("ada@example.com".to_owned());
    full.actor = Some("operator".to_owned());
    full.client_ip = Some("2001:db8::1".to_owned());
    full.user_agent = Some("Mozilla/5.0 (X11; Linux) «ü» \"quoted\" 'single'".to_owned());
    full.detail = json!({
        "reason": "wrong_password",
        "attempt": 3,
        "nested": {"list": [1, "two", null, true], "ü": "ö"},
        "empty": {},
    })
    .as_object()
    .unwrap()
    .clone();
    let bare = NewEvent::new(pa.clone(), 1_700_000_001, EventKind::SignUp);
    let mut admin = NewEvent::new(pa.clone(), 1_700_000_002, EventKind::AdminAction);
    admin.user_id = Some(ghost);
    admin.actor = Some(UserId::generate().to_string());
    admin
        .detail
        .insert("action".to_owned(), json!("disable_user"));
    let mut sign_in = NewEvent::new(pa.clone(), 1_700_000_003, EventKind::SignIn);
    sign_in.user_id = Some(ada.id);
    let other_pool = numbered(pb, 1_700_000_004, EventKind::SignIn, 99);
    let mut again = NewEvent::new(pa.clone(), 1_699_999_999, EventKind::SignInFailed);
    again.user_id = Some(ada.id);
    again.email = Some("ada@example.com".to_owned());
    let batch = [
        full.clone(),
        bare.clone(),
        other_pool.clone(),
        admin.clone(),
        sign_in.clone(),
        again.clone(),
    ];
    s.record_events(&batch).await.unwrap();

    // Newest (highest id) first, ids increasing in batch order, every field as recorded —
    // whatever `at` says (`again` happened earliest but was recorded last).
    let listed = all(s, pa).await;
    assert_eq!(listed.len(), 5);
    let ids: Vec<i64> = listed.iter().map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let expected: Vec<Event> = [&again, &sign_in, &admin, &bare, &full]
        .into_iter()
        .zip(&ids)
        .map(|(new, &id)| as_read(id, new))
        .collect();
    assert_eq!(listed, expected);
    let in_b = all(s, pb).await;
    assert_eq!(in_b.len(), 1);
    assert_eq!(in_b[0], as_read(in_b[0].id, &other_pool));
    assert!(ids[3] < in_b[0].id && in_b[0].id < ids[2], "one sequence");

    // A later batch gets higher ids.
    s.record_events(&[numbered(pa, 1, EventKind::SignedOut, 1)])
        .await
        .unwrap();
    let newest = all(s, pa).await;
    assert_eq!(newest.len(), 6);
    assert!(newest[0].id > ids[0]);
    assert_eq!(newest[0].kind, EventKind::SignedOut);
    assert_eq!(newest[1..], listed[..]);

    // Filters, alone and together, with the limit.
    let id_list = |events: Vec<Event>| events.into_iter().map(|e| e.id).collect::<Vec<_>>();
    let failed = s
        .list_events(pa, &query(Some(EventKind::SignInFailed), None, 100))
        .await
        .unwrap();
    assert_eq!(id_list(failed), vec![ids[0], ids[4]]);
    let of_ada = s
        .list_events(pa, &query(None, Some(ada.id), 100))
        .await
        .unwrap();
    assert_eq!(id_list(of_ada), vec![ids[0], ids[1], ids[4]]);
    let ada_in = s
        .list_events(pa, &query(Some(EventKind::SignIn), Some(ada.id), 100))
        .await
        .unwrap();
    assert_eq!(id_list(ada_in), vec![ids[1]]);
    let of_ghost = s
        .list_events(pa, &query(None, Some(ghost), 100))
        .await
        .unwrap();
    assert_eq!(id_list(of_ghost), vec![ids[2]]);
    let none = s
        .list_events(pa, &query(Some(EventKind::SignUp), Some(ada.id), 100))
        .await
        .unwrap();
    assert!(none.is_empty());
    let limited = s
        .list_events(pa, &query(None, Some(ada.id), 2))
        .await
        .unwrap();
    assert_eq!(id_list(limited), vec![ids[0], ids[1]]);
    assert!(
        s.list_events(pa, &query(None, None, 0))
            .await
            .unwrap()
            .is_empty()
    );
    // The cursor is exclusive and combines with the filters.
    let mut after = query(None, Some(ada.id), 100);
    after.before = Some(ids[0]);
    assert_eq!(
        id_list(s.list_events(pa, &after).await.unwrap()),
        vec![ids[1], ids[4]]
    );
    after.kind = Some(EventKind::SignInFailed);
    assert_eq!(
        id_list(s.list_events(pa, &after).await.unwrap()),
        vec![ids[4]]
    );
    after.before = Some(ids[4]);
    assert!(s.list_events(pa, &after).await.unwrap().is_empty());

    // Isolation: no filter, cursor or user reaches another pool's events.
    assert!(
        s.list_events(pb, &query(None, Some(ada.id), 100))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.list_events(pb, &query(Some(EventKind::SignInFailed), None, 100))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(all(s, &PoolId::new("local_nosuchpool")).await.is_empty());

    // Free text from outside is capped, counting characters; shorter text is kept whole.
    let mut hostile = NewEvent::new(pa.clone(), 2, EventKind::SignInFailed);
    hostile.email = Some(format!("{}@example.com", "é".repeat(400)));
    hostile.client_ip = Some("1".repeat(200));
    hostile.user_agent = Some("ü".repeat(USER_AGENT_MAX_CHARS * 4));
    hostile.actor = Some("operator".to_owned());
    s.record_events(std::slice::from_ref(&hostile))
        .await
        .unwrap();
    let read = all(s, pa).await.remove(0);
    assert_eq!(read.email, Some("é".repeat(EMAIL_MAX_CHARS)));
    assert_eq!(read.client_ip, Some("1".repeat(CLIENT_IP_MAX_CHARS)));
    assert_eq!(read.user_agent, Some("ü".repeat(USER_AGENT_MAX_CHARS)));
    assert_eq!(read.actor.as_deref(), Some("operator"));
    let mut exact = NewEvent::new(pa.clone(), 3, EventKind::SignIn);
    exact.user_agent = Some("a".repeat(USER_AGENT_MAX_CHARS));
    exact.email = Some("b".repeat(EMAIL_MAX_CHARS));
    s.record_events(std::slice::from_ref(&exact)).await.unwrap();
    let read = all(s, pa).await.remove(0);
    assert_eq!(read, as_read(read.id, &exact));

    // Deleting a user keeps their events: the record outlives the account.
    assert!(s.delete_user(pa, ada.id, 10).await.unwrap());
    assert_eq!(
        s.list_events(pa, &query(None, Some(ada.id), 100))
            .await
            .unwrap()
            .len(),
        3
    );

    // Deleting an app removes its pool's events, and only those.
    let before_delete = all(s, pa).await;
    assert!(s.delete_app(&b.id).await.unwrap());
    assert!(all(s, pb).await.is_empty());
    assert_eq!(all(s, pa).await, before_delete);
    // Recording for a pool that has no app is refused, and writes nothing of its batch.
    let orphan = [
        numbered(pa, 5, EventKind::SignIn, 1),
        numbered(pb, 5, EventKind::SignIn, 2),
    ];
    assert!(s.record_events(&orphan).await.is_err());
    assert_eq!(all(s, pa).await, before_delete);
}

/// Cursor paging over 250 events (recorded in batches of several sizes), alone and filtered.
pub async fn paging(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a, ka) = fixtures::app("events-paging", None, 1);
    let (b, kb) = fixtures::app("events-noise", None, 1);
    s.insert_app(&a, Some(&ka)).await.unwrap();
    s.insert_app(&b, Some(&kb)).await.unwrap();
    let (pa, pb) = (&a.pool_id, &b.pool_id);
    let user = UserId::generate();
    const TOTAL: usize = 250;
    // Every third a failed sign-in, every fifth the user's; the other pool interleaved.
    let events: Vec<NewEvent> = (0..TOTAL)
        .map(|n| {
            let kind = if n % 3 == 0 {
                EventKind::SignInFailed
            } else {
                EventKind::SignIn
            };
            let mut event = numbered(pa, 1_000 + n as i64, kind, n);
            if n % 5 == 0 {
                event.user_id = Some(user);
            }
            event
        })
        .collect();
    let mut start = 0;
    for size in [1, 99, 7, 143] {
        let chunk = &events[start..start + size];
        s.record_events(chunk).await.unwrap();
        s.record_events(&[numbered(pb, 1, EventKind::SignIn, start)])
            .await
            .unwrap();
        start += size;
    }
    assert_eq!(start, TOTAL);

    // Pages of 100: 100, 100, 50; newest first, no gap, no repeat.
    let got = pages(s, pa, query(None, None, 100)).await;
    assert_eq!(
        got.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![100, 100, 50]
    );
    let flat: Vec<Event> = got.into_iter().flatten().collect();
    assert_eq!(
        flat.iter().map(n_of).collect::<Vec<_>>(),
        (0..TOTAL).rev().collect::<Vec<_>>()
    );
    assert!(flat.windows(2).all(|w| w[0].id > w[1].id));
    assert!(flat.iter().all(|e| &e.pool_id == pa));
    for event in &flat {
        assert_eq!(*event, as_read(event.id, &events[n_of(event)]));
    }

    // Filtered paging: the same events as filtering everything, in the same order.
    for (kind, user_id, limit) in [
        (Some(EventKind::SignInFailed), None, 30),
        (None, Some(user), 7),
        (Some(EventKind::SignInFailed), Some(user), 4),
        (Some(EventKind::SignIn), None, 100),
    ] {
        let got: Vec<usize> = pages(s, pa, query(kind, user_id, limit))
            .await
            .into_iter()
            .flatten()
            .map(|e| n_of(&e))
            .collect();
        let want: Vec<usize> = (0..TOTAL)
            .rev()
            .filter(|&n| {
                let event = &events[n];
                kind.is_none_or(|k| event.kind == k)
                    && user_id.is_none_or(|u| event.user_id == Some(u))
            })
            .collect();
        assert!(!want.is_empty());
        assert_eq!(got, want, "{kind:?} {user_id:?} by {limit}");
    }

    // A page from a cursor in the middle starts right below it.
    let mut from = query(None, None, 3);
    from.before = Some(flat[10].id);
    let page = s.list_events(pa, &from).await.unwrap();
    assert_eq!(page, flat[11..14]);
    // A cursor below every id: nothing.
    from.before = Some(flat[TOTAL - 1].id);
    assert!(s.list_events(pa, &from).await.unwrap().is_empty());
}

/// Pruning by age: only older events, of every pool, at most `batch` per call, oldest first;
/// a batch too big for one statement records all or nothing.
pub async fn prune(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a, ka) = fixtures::app("events-prune-a", None, 1);
    let (b, kb) = fixtures::app("events-prune-b", None, 1);
    s.insert_app(&a, Some(&ka)).await.unwrap();
    s.insert_app(&b, Some(&kb)).await.unwrap();
    let (pa, pb) = (&a.pool_id, &b.pool_id);

    // Nothing to prune.
    assert_eq!(s.prune_events(1_000, 10).await.unwrap(), 0);

    // at 90..=109 in pool a (recorded newest first, so id order is not age order), 95..=99 in
    // pool b.
    let in_a: Vec<NewEvent> = (90..110)
        .rev()
        .map(|at| numbered(pa, at, EventKind::SignIn, at as usize))
        .collect();
    let in_b: Vec<NewEvent> = (95..100)
        .map(|at| numbered(pb, at, EventKind::SignIn, at as usize))
        .collect();
    s.record_events(&in_a).await.unwrap();
    s.record_events(&in_b).await.unwrap();
    let ats = |events: Vec<Event>| {
        let mut ats: Vec<i64> = events.iter().map(|e| e.at).collect();
        ats.sort_unstable();
        ats
    };

    // Before 100: 10 in a, 5 in b. A batch of 0 deletes nothing; then 4, 4, 4, 3, 0.
    assert_eq!(s.prune_events(100, 0).await.unwrap(), 0);
    let mut removed = Vec::new();
    loop {
        let n = s.prune_events(100, 4).await.unwrap();
        removed.push(n);
        if n < 4 {
            break;
        }
    }
    assert_eq!(removed, vec![4, 4, 4, 3]);
    assert_eq!(s.prune_events(100, 4).await.unwrap(), 0);
    assert_eq!(ats(all(s, pa).await), (100..110).collect::<Vec<_>>());
    assert!(all(s, pb).await.is_empty());

    // Oldest first: a batch of 3 before 200 takes 100, 101, 102.
    assert_eq!(s.prune_events(200, 3).await.unwrap(), 3);
    assert_eq!(ats(all(s, pa).await), (103..110).collect::<Vec<_>>());

    // A batch larger than one INSERT holds (several statements, one transaction).
    const MANY: usize = 1_201;
    let many: Vec<NewEvent> = (0..MANY)
        .map(|n| numbered(pb, 50, EventKind::SignInFailed, n))
        .collect();
    s.record_events(&many).await.unwrap();
    let got = all(s, pb).await;
    assert_eq!(
        got.iter().map(n_of).collect::<Vec<_>>(),
        (0..MANY).rev().collect::<Vec<_>>()
    );
    // … and such a batch is all or nothing: an event of a pool without app spoils it.
    let mut spoiled: Vec<NewEvent> = (0..MANY)
        .map(|n| numbered(pa, 60, EventKind::SignIn, n))
        .collect();
    spoiled.push(numbered(
        &PoolId::new("local_nosuchpool"),
        60,
        EventKind::SignIn,
        0,
    ));
    assert!(s.record_events(&spoiled).await.is_err());
    assert_eq!(ats(all(s, pa).await), (103..110).collect::<Vec<_>>());

    // Pruned in batches of 500: 500, 500, 201; pool a's newer events stay.
    let mut removed = Vec::new();
    loop {
        let n = s.prune_events(51, 500).await.unwrap();
        if n == 0 {
            break;
        }
        removed.push(n);
    }
    assert_eq!(removed, vec![500, 500, 201]);
    assert!(all(s, pb).await.is_empty());
    assert_eq!(all(s, pa).await.len(), 7);

    // Ids are never reused: after the newest events are pruned, new ones still number above.
    let top = all(s, pa).await[0].id;
    assert_eq!(s.prune_events(1_000, 100).await.unwrap(), 7);
    s.record_events(&[numbered(pa, 1, EventKind::SignIn, 0)])
        .await
        .unwrap();
    let fresh = all(s, pa).await;
    assert_eq!(fresh.len(), 1);
    assert!(fresh[0].id > top + MANY as i64, "{} vs {top}", fresh[0].id);
}

/// Two instances recording at once: 8 tasks × 50 calls, alternating instances; every event
/// lands once with its own id, and each task's events number in the order it recorded them.
pub async fn concurrent(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    const TASKS: usize = 8;
    const CALLS: usize = 50;
    let (app, key) = fixtures::app("events-busy", None, 1);
    a.insert_app(&app, Some(&key)).await.unwrap();
    let stores = [a, b];
    let mut tasks = JoinSet::new();
    for task in 0..TASKS {
        let store = Arc::clone(&stores[task % 2]);
        let pool_id = app.pool_id.clone();
        tasks.spawn(async move {
            for call in 0..CALLS {
                // Batches of one and of two, so single- and multi-row inserts interleave.
                let size = 1 + call % 2;
                let batch: Vec<NewEvent> = (0..size)
                    .map(|i| {
                        let mut event = numbered(&pool_id, 1, EventKind::SignIn, call * 2 + i);
                        event.detail.insert("task".to_owned(), json!(task));
                        event
                    })
                    .collect();
                store.record_events(&batch).await.unwrap();
            }
        });
    }
    tasks.join_all().await;
    let expected = TASKS * (CALLS / 2) * 3;
    let got = stores[1]
        .list_events(&app.pool_id, &query(None, None, 10_000))
        .await
        .unwrap();
    assert_eq!(got.len(), expected);
    let ids: BTreeSet<i64> = got.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), expected, "distinct ids");
    let recorded: BTreeSet<(u64, usize)> = got
        .iter()
        .map(|e| (e.detail["task"].as_u64().unwrap(), n_of(e)))
        .collect();
    assert_eq!(recorded.len(), expected, "each event once");
    for task in 0..TASKS as u64 {
        // Newest first, so a task's numbers come out descending.
        let mine: Vec<usize> = got
            .iter()
            .filter(|e| e.detail["task"].as_u64() == Some(task))
            .map(n_of)
            .collect();
        let want: Vec<usize> = (0..CALLS)
            .flat_map(|call| (0..1 + call % 2).map(move |i| call * 2 + i))
            .rev()
            .collect();
        assert_eq!(mine, want, "task {task}");
    }
}
