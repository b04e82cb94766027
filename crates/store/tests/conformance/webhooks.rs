//! Webhooks: endpoints stored whole with their kinds and capped per pool; recording events
//! queues a delivery per matching enabled endpoint in the same write; claims take due
//! deliveries once, one user's in order; attempts end claims and track the failure streak;
//! failing endpoints are disabled with their queue; everything goes with the app.

use crate::fixtures;
use auth_return_core::events::{EventKind, NewEvent};
use auth_return_core::ids::{PoolId, WebhookId};
use auth_return_core::store::Store;
use auth_return_core::webhooks::{AttemptRecord, DeliveryStatus, WebhookEndpoint};
use std::sync::Arc;

fn endpoint(pool: &PoolId, kinds: &[EventKind], created_at: i64) -> WebhookEndpoint {
    WebhookEndpoint {
        id: WebhookId::generate(),
        pool_id: pool.clone(),
        url: format!("https://hooks.example.com/{created_at}?q=\"x\""),
        description: "ü description".into(),
        kinds: kinds.to_vec(),
        sealed_secret: uuid::Uuid::new_v4().as_bytes().to_vec(),
        enabled: true,
        disabled_reason: None,
        created_at,
        failing_since: None,
    }
}

fn event(
    pool: &PoolId,
    kind: EventKind,
    user: Option<auth_return_core::ids::UserId>,
    at: i64,
) -> NewEvent {
    let mut event = NewEvent::new(pool.clone(), at, kind);
    event.user_id = user;
    event
}

fn attempt(status: DeliveryStatus, at: i64) -> AttemptRecord {
    AttemptRecord {
        status,
        at,
        next_attempt_at: at + 5,
        http_status: Some(if status == DeliveryStatus::Delivered {
            204
        } else {
            500
        }),
        error: (status != DeliveryStatus::Delivered).then(|| "HTTP 500".to_owned()),
    }
}

pub async fn webhooks(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let f = fixtures::two_pools(s).await;
    let (one, two) = (&f.one.pool_id, &f.two.pool_id);

    // Stored whole, kinds included; listed oldest first; per pool; capped.
    let sign_ins = endpoint(one, &[EventKind::SignIn, EventKind::SignUp], 10);
    let everything = endpoint(one, &[EventKind::SignIn, EventKind::LockedOut], 20);
    let elsewhere = endpoint(two, &[EventKind::SignIn], 5);
    for e in [&sign_ins, &everything, &elsewhere] {
        assert!(s.insert_webhook_endpoint(e, 2).await.unwrap());
    }
    assert!(
        !s.insert_webhook_endpoint(&endpoint(one, &[EventKind::SignIn], 30), 2)
            .await
            .unwrap()
    );
    let mut stored = s
        .get_webhook_endpoint(one, &sign_ins.id)
        .await
        .unwrap()
        .unwrap();
    stored.kinds.sort_by_key(|k| k.as_str());
    let mut expected = sign_ins.clone();
    expected.kinds.sort_by_key(|k| k.as_str());
    assert_eq!(stored, expected);
    assert_eq!(
        s.get_webhook_endpoint(two, &sign_ins.id).await.unwrap(),
        None
    );
    let listed: Vec<_> = s
        .list_webhook_endpoints(one)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(listed, [sign_ins.id.clone(), everything.id.clone()]);

    // Recording events queues one delivery per matching enabled endpoint.
    s.record_events(&[
        event(one, EventKind::SignIn, Some(f.ada.id), 100),
        event(one, EventKind::SignUp, Some(f.bob.id), 100),
        event(one, EventKind::SignIn, Some(f.ada.id), 101),
        event(one, EventKind::PasswordChanged, Some(f.ada.id), 101),
        event(two, EventKind::SignIn, Some(f.eve.id), 102),
    ])
    .await
    .unwrap();
    let queued = |id: &WebhookId| {
        let id = id.clone();
        async move { s.list_webhook_deliveries(&id, None, 100).await.unwrap() }
    };
    assert_eq!(queued(&sign_ins.id).await.len(), 3);
    assert_eq!(queued(&everything.id).await.len(), 2);
    assert_eq!(queued(&elsewhere.id).await.len(), 1);
    let newest_first: Vec<i64> = queued(&sign_ins.id).await.iter().map(|d| d.id).collect();
    assert!(
        newest_first.windows(2).all(|w| w[0] > w[1]),
        "{newest_first:?}"
    );
    let paged = s
        .list_webhook_deliveries(&sign_ins.id, Some(newest_first[0]), 1)
        .await
        .unwrap();
    assert_eq!(
        paged.iter().map(|d| d.id).collect::<Vec<_>>(),
        [newest_first[1]]
    );

    // Not yet due: nothing claimed. Due: each user's oldest only, and no one twice.
    assert!(
        s.claim_webhook_deliveries(99, 159, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let claimed = s.claim_webhook_deliveries(200, 260, 100).await.unwrap();
    let mut firsts: Vec<(String, i64)> = claimed
        .iter()
        .map(|c| (c.endpoint.id.to_string(), c.event.at))
        .collect();
    firsts.sort();
    // sign_ins: Ada's first sign-in and Bob's sign-up; everything: Ada's first; two: Eve's.
    assert_eq!(claimed.len(), 4, "{firsts:?}");
    assert!(claimed.iter().all(|c| c.event.at != 101), "{firsts:?}");
    assert!(
        claimed
            .iter()
            .all(|c| c.delivery.status == DeliveryStatus::Pending)
    );
    assert!(
        s.claim_webhook_deliveries(200, 260, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let ada_first = claimed
        .iter()
        .find(|c| c.endpoint.id == sign_ins.id && c.event.user_id == Some(f.ada.id))
        .unwrap();
    assert_eq!(ada_first.endpoint.url, sign_ins.url);
    assert_eq!(ada_first.event.kind, EventKind::SignIn);

    // Delivered: Ada's second becomes claimable; a failed attempt waits and starts a streak.
    s.record_webhook_attempt(
        &ada_first.delivery,
        &attempt(DeliveryStatus::Delivered, 201),
    )
    .await
    .unwrap();
    let other = claimed
        .iter()
        .find(|c| c.endpoint.id == everything.id)
        .unwrap();
    s.record_webhook_attempt(&other.delivery, &attempt(DeliveryStatus::Pending, 202))
        .await
        .unwrap();
    let next = s.claim_webhook_deliveries(203, 263, 100).await.unwrap();
    assert_eq!(next.len(), 1);
    assert_eq!(
        (next[0].endpoint.id.clone(), next[0].event.at),
        (sign_ins.id.clone(), 101)
    );
    let failing = s
        .get_webhook_endpoint(one, &everything.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(failing.failing_since, Some(202));
    let retried = queued(&everything.id).await;
    let retried = retried.iter().find(|d| d.id == other.delivery.id).unwrap();
    assert_eq!(
        (
            retried.attempts,
            retried.next_attempt_at,
            retried.last_status,
            retried.last_error.as_deref()
        ),
        (1, 207, Some(500), Some("HTTP 500"))
    );
    // A claim that ran out is taken again.
    let again = s.claim_webhook_deliveries(300, 360, 100).await.unwrap();
    assert!(again.iter().any(|c| c.delivery.id == other.delivery.id));

    // Failing since long enough: disabled, its pending deliveries failed, no more queued.
    let disabled = s
        .disable_failing_webhooks(250, "failing for 5 days")
        .await
        .unwrap();
    assert_eq!(disabled.len(), 1);
    assert_eq!(disabled[0].id, everything.id);
    assert!(!disabled[0].enabled);
    assert_eq!(
        disabled[0].disabled_reason.as_deref(),
        Some("failing for 5 days")
    );
    assert!(
        queued(&everything.id)
            .await
            .iter()
            .all(|d| d.status == DeliveryStatus::Failed)
    );
    s.record_events(&[event(one, EventKind::LockedOut, None, 400)])
        .await
        .unwrap();
    assert_eq!(queued(&everything.id).await.len(), 2);

    // Updated: kinds rewritten, re-enabled.
    let mut changed = s
        .get_webhook_endpoint(one, &everything.id)
        .await
        .unwrap()
        .unwrap();
    changed.kinds = vec![EventKind::LockedOut];
    changed.enabled = true;
    changed.disabled_reason = None;
    changed.failing_since = None;
    changed.url = "https://hooks.example.com/new".into();
    assert!(s.update_webhook_endpoint(&changed).await.unwrap());
    assert_eq!(
        s.get_webhook_endpoint(one, &everything.id).await.unwrap(),
        Some(changed.clone())
    );
    s.record_events(&[
        event(one, EventKind::LockedOut, None, 401),
        event(one, EventKind::SignIn, None, 401),
    ])
    .await
    .unwrap();
    assert_eq!(queued(&everything.id).await.len(), 3);
    let mut missing = changed.clone();
    missing.id = WebhookId::generate();
    assert!(!s.update_webhook_endpoint(&missing).await.unwrap());

    // Deleted with its deliveries; the rest go with their app.
    assert!(
        s.delete_webhook_endpoint(one, &everything.id)
            .await
            .unwrap()
    );
    assert!(
        !s.delete_webhook_endpoint(one, &everything.id)
            .await
            .unwrap()
    );
    assert!(queued(&everything.id).await.is_empty());
    s.delete_app(&f.two.id).await.unwrap();
    assert_eq!(s.list_webhook_endpoints(two).await.unwrap(), []);
    assert!(queued(&elsewhere.id).await.is_empty());
}

/// Instances claiming at once never take the same delivery.
pub async fn claim_race(store: Arc<dyn Store>) {
    let f = fixtures::two_pools(store.as_ref()).await;
    let hook = endpoint(&f.one.pool_id, &[EventKind::SignUp], 1);
    store.insert_webhook_endpoint(&hook, 10).await.unwrap();
    let events: Vec<_> = (0..40)
        .map(|i| event(&f.one.pool_id, EventKind::SignUp, None, i))
        .collect();
    store.record_events(&events).await.unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let store = store.clone();
        tasks.spawn(async move {
            let mut mine = Vec::new();
            loop {
                let claimed = store.claim_webhook_deliveries(100, 200, 3).await.unwrap();
                if claimed.is_empty() {
                    return mine;
                }
                mine.extend(claimed.into_iter().map(|c| c.delivery.id));
            }
        });
    }
    let mut all: Vec<i64> = tasks.join_all().await.into_iter().flatten().collect();
    let count = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!((count, all.len()), (40, 40));
}
