//! A burst of the same valid `WEB_AUTHN` answer, at once, on two instances of one database:
//! the challenge is taken (reserved) before the answer is judged, so exactly one signs in.

use super::authenticator::{Authenticator, Ceremony};
use super::support::*;
use crate::common::{TempPostgres, TestServer};
use serde_json::json;

const BURST: usize = 8;

/// `BURST` copies of one good answer, sent at once, half to each instance.
async fn burst(a: TestServer, b: TestServer) {
    let app = passkey_app(&a, "Burst").await;
    let (_, tokens) = signed_in(&a, &app, "ray@example.com").await;
    let mut phone = Authenticator::new();
    register(&a, &tokens.access, &mut phone).await;
    for round in 0..3 {
        let challenge = passkey_challenge(&a, &app, "ray@example.com").await;
        let credential = phone.assert(&request_options(&challenge), &Ceremony::default());
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..BURST {
            let server = if i % 2 == 0 { &a } else { &b };
            let request = server
                .http
                .post(&server.url)
                .header("content-type", "application/x-amz-json-1.1")
                .header(
                    "x-amz-target",
                    "AWSCognitoIdentityProviderService.RespondToAuthChallenge",
                )
                .body(
                    json!({
                        "ChallengeName": "WEB_AUTHN",
                        "ClientId": app.app.client.id.as_str(),
                        "Session": challenge["Session"],
                        "ChallengeResponses": {
                            "USERNAME": "ray@example.com",
                            "CREDENTIAL": credential.to_string(),
                        },
                    })
                    .to_string(),
                );
            tasks.spawn(async move {
                let answer: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
                answer
            });
        }
        let answers = tasks.join_all().await;
        let signed_in = answers
            .iter()
            .filter(|a| a["AuthenticationResult"]["IdToken"].is_string())
            .count();
        let expired = answers
            .iter()
            .filter(|a| a["__type"] == "NotAuthorizedException" && a["message"] == EXPIRED)
            .count();
        assert_eq!(
            (signed_in, expired),
            (1, BURST - 1),
            "round {round}: {answers:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_one_answer_signs_in_exactly_once_on_both_databases() {
    let a = TestServer::start().await;
    let b = a.second_instance().await;
    burst(a, b).await;
    if let Some(db) = TempPostgres::new().await {
        let a = TestServer::start_on(&db.url).await;
        let b = a.second_instance().await;
        burst(a, b).await;
        db.drop_database().await;
    }
}
