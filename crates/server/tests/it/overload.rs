//! A saturated crypto pool sheds sign-ins with `TooManyRequestsException` and `Retry-After`

//! instead of queueing them without bound, and recovers as soon as a slot is free.

use crate::common::{PASSWORD, TestServer, occupy};
use auth_return_core::compute::ComputePool;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn sign_ins_beyond_the_crypto_queue_are_shed_and_the_service_recovers() {
    // One slot, nobody may wait: while the test holds the slot, every modexp is refused.
    let pool = ComputePool::bounded(1, 0, Duration::from_secs(5));
    let server = TestServer::start_with_compute(pool.clone()).await;
    let app = server.app("Busy").await;
    server
        .confirmed_user(app.app.client.id.as_str(), "busy@example.com", PASSWORD)
        .await;

    let (release, holder) = occupy(&pool).await;

    // InitiateAuth needs g^b: shed at once, with the Cognito throttling error.
    let shed = server
        .call(
            "InitiateAuth",
            json!({
                "AuthFlow": "USER_SRP_AUTH",
                "ClientId": app.app.client.id.as_str(),
                "AuthParameters": { "USERNAME": "busy@example.com", "SRP_A": "0a1b2c3d" },
            }),
        )
        .await;
    shed.assert_error("TooManyRequestsException", "Too many requests");
    assert_eq!(shed.headers["retry-after"], "1");

    drop(release);
    holder.await.unwrap();
    let reply = server.srp_sign_in(&app, "busy@example.com", PASSWORD).await;
    assert!(reply.ok()["AuthenticationResult"]["IdToken"].is_string());
}
