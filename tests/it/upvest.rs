//! Upvest against the sandbox, over HTTP: every end-user endpoint through the signing client
//! (Ed25519 and P-521 keys), idempotent creation, offboarding's two steps, token renewal,
//! throttling, and raw requests the sandbox must refuse.

use backoffice::backends::BackendError;
use backoffice::backends::upvest::signature::{self, SigningKey};
use backoffice::backends::upvest::{self, UpvestClient};
use backoffice::core::investing::*;
use backoffice::sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use secrecy::SecretString;

async fn start(rate_limit: u32, token_ttl_secs: i64) -> SandboxHandle {
    Sandbox::start(SandboxOptions {
        people: 20,
        upvest_rate_limit: rate_limit,
        upvest_token_ttl_secs: token_ttl_secs,
        ..Default::default()
    })
    .await
    .unwrap()
}

pub fn client(s: &SandboxHandle) -> UpvestClient {
    let c = s.credentials().upvest;
    let pem = std::fs::read_to_string(&c.private_key_path).unwrap();
    UpvestClient::new(
        c.url,
        c.client_id,
        SecretString::from(c.client_secret),
        c.key_id,
        SigningKey::from_pem(&pem, None).unwrap(),
        Default::default(),
    )
}

pub fn new_user(line1: &str) -> NewEndUser {
    NewEndUser {
        first_name: "Erika".into(),
        last_name: "Mustermann".into(),
        birth_date: "1990-04-01".into(),
        nationalities: vec!["DE".into()],
        address: EndUserAddress {
            address_line1: line1.into(),
            address_line2: None,
            postcode: "10115".into(),
            city: "Berlin".into(),
            country: "DE".into(),
            state: None,
        },
    }
}

#[tokio::test]
async fn users_are_listed_read_with_checks_and_tax_residencies() {
    let s = start(0, 1800).await;
    let c = client(&s);
    let page = c.users(0).await.unwrap();
    assert_eq!((page.items.len(), page.total), (40, 40));
    assert_eq!(page.next_cursor, None);
    let u = &page.items[3];
    assert_eq!(c.user(&u.id).await.unwrap(), *u);
    let checks = c.checks(&u.id).await.unwrap();
    assert_eq!(checks[0].kind, "KYC");
    let tax = c.tax_residencies(&u.id).await.unwrap();
    assert_eq!(tax[0].country, u.address.country);
    let e = c
        .user("00000000-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, BackendError::Rejected { code: Some(c), .. } if c == "not_found"),
        "{e}"
    );
    assert_eq!(c.tokens_fetched(), 1, "one token for all of it");
}

#[tokio::test]
async fn creating_is_idempotent_by_key_and_checked_as_the_spec_says() {
    let s = start(0, 1800).await;
    let c = client(&s);
    let key = uuid::Uuid::new_v4().to_string();
    let a = c
        .create(&new_user("Invalidenstraße 1"), &key)
        .await
        .unwrap();
    let b = c
        .create(&new_user("Invalidenstraße 1"), &key)
        .await
        .unwrap();
    assert_eq!(
        a.id, b.id,
        "the same request again returns the first result"
    );
    assert_eq!(c.users(0).await.unwrap().total, 41, "created once");
    let e = c
        .create(&new_user("Invalidenstraße 2"), &key)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, BackendError::Rejected { code: Some(c), .. } if c == "idempotency_key_reused"),
        "{e}"
    );
    let e = c
        .create(&new_user("P.O. Box 12"), &uuid::Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("P.O. box"), "{e}");
    let mut bad = new_user("Invalidenstraße 1");
    bad.nationalities = vec!["Germany".into()];
    let e = c
        .create(&bad, &uuid::Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("nationalities"), "{e}");
}

#[tokio::test]
async fn offboarding_goes_through_offboarding_to_offboarded_and_data_changes_are_accepted() {
    let s = start(0, 1800).await;
    let c = client(&s);
    let id = c.users(0).await.unwrap().items[0].id.clone();
    c.request_change(
        &id,
        &serde_json::json!({"last_name": "Schmidt"}),
        &uuid::Uuid::new_v4().to_string(),
    )
    .await
    .unwrap();
    let e = c
        .request_change(
            &id,
            &serde_json::json!({"status": "ACTIVE"}),
            &uuid::Uuid::new_v4().to_string(),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("`status` cannot be changed"), "{e}");
    c.offboard(&id).await.unwrap();
    assert_eq!(c.user(&id).await.unwrap().status, "OFFBOARDING");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(c.user(&id).await.unwrap().status, "OFFBOARDED");
}

#[tokio::test]
async fn an_expiring_token_is_renewed_and_a_p521_key_signs_too() {
    // Tokens live 61 s; the client renews 60 s ahead, so after a second it needs a new one.
    let s = start(0, 61).await;
    let c = client(&s);
    c.users(0).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    c.users(0).await.unwrap();
    assert_eq!(c.tokens_fetched(), 2);
    let creds = s.credentials().upvest;
    let p521 = UpvestClient::new(
        creds.url,
        creds.client_id,
        SecretString::from(creds.client_secret),
        s.upvest.auth.p521_key_id.clone(),
        SigningKey::from_pem(&s.upvest.auth.p521_key_pem, None).unwrap(),
        Default::default(),
    );
    assert_eq!(p521.users(0).await.unwrap().total, 40);
}

#[tokio::test]
async fn throttling_is_waited_out_and_the_creation_happens_once() {
    let s = start(2, 1800).await;
    let c = client(&s);
    let started = std::time::Instant::now();
    let key = uuid::Uuid::new_v4().to_string();
    for _ in 0..3 {
        c.users(0).await.expect("429 is waited out");
    }
    let u = c.create(&new_user("Torstraße 9"), &key).await.unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    let all = c.users(0).await.unwrap();
    assert_eq!(all.items.iter().filter(|x| x.id == u.id).count(), 1);
    assert_eq!(all.total, 41);
}

/// Signed headers for a raw request, as a client would send them.
fn signed(
    s: &SandboxHandle,
    method: &str,
    path: &str,
    token: Option<&str>,
    key: &SigningKey,
) -> Vec<(String, String)> {
    let c = s.credentials().upvest;
    let mut h: Vec<(String, String)> = vec![
        ("accept".into(), "application/json".into()),
        ("upvest-client-id".into(), c.client_id.clone()),
    ];
    if let Some(t) = token {
        h.push(("authorization".into(), format!("Bearer {t}")));
    }
    let get = |n: &str| h.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    let (input, sig) = signature::sign(
        &signature::Request {
            method,
            path,
            query: "",
            header: &get,
        },
        key,
        &c.key_id,
        jiff::Timestamp::now().as_second(),
    );
    h.push(("signature-input".into(), input));
    h.push(("signature".into(), sig));
    h
}

async fn raw(
    s: &SandboxHandle,
    headers: &[(String, String)],
) -> (u16, serde_json::Value, Option<String>) {
    let mut req = reqwest::Client::new().get(format!("{}/users", s.upvest_url()));
    for (k, v) in headers {
        req = req.header(k, v);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string());
    let rid = resp.headers().get("upvest-request-id").is_some();
    assert!(rid, "every answer has a request id");
    let body = resp.json().await.unwrap_or(serde_json::Value::Null);
    (status, body, ct)
}

#[tokio::test]
async fn unsigned_tampered_or_foreign_requests_are_refused_as_problems() {
    let s = start(0, 1800).await;
    let c = client(&s);
    c.users(0).await.unwrap();
    // A token, fetched by the client, used in raw requests.
    let token = {
        let creds = s.credentials().upvest;
        let form = format!(
            "client_id={}&client_secret={}&grant_type=client_credentials&scope=users:read",
            creds.client_id, creds.client_secret
        );
        let key = SigningKey::from_pem(
            &std::fs::read_to_string(&creds.private_key_path).unwrap(),
            None,
        )
        .unwrap();
        let mut h: Vec<(String, String)> = vec![
            ("accept".into(), "application/json".into()),
            ("content-length".into(), form.len().to_string()),
            (
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
            (
                "content-digest".into(),
                signature::content_digest(form.as_bytes()),
            ),
            ("upvest-client-id".into(), creds.client_id.clone()),
        ];
        let get = |n: &str| h.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        let (input, sig) = signature::sign(
            &signature::Request {
                method: "POST",
                path: "/upvest/auth/token",
                query: "",
                header: &get,
            },
            &key,
            &creds.key_id,
            jiff::Timestamp::now().as_second(),
        );
        h.push(("signature-input".into(), input));
        h.push(("signature".into(), sig));
        let mut req = reqwest::Client::new()
            .post(format!("{}/auth/token", s.upvest_url()))
            .body(form);
        for (k, v) in &h {
            req = req.header(k, v);
        }
        let body: serde_json::Value = req.send().await.unwrap().json().await.unwrap();
        assert_eq!(body["token_type"], "bearer");
        body["access_token"].as_str().unwrap().to_string()
    };
    let key = SigningKey::from_pem(
        &std::fs::read_to_string(s.credentials().upvest.private_key_path).unwrap(),
        None,
    )
    .unwrap();
    let good = signed(&s, "GET", "/upvest/users", Some(&token), &key);
    let (status, _, _) = raw(&s, &good).await;
    assert_eq!(status, 200);
    // The same signature again: the nonce was used.
    let (status, body, _) = raw(&s, &good).await;
    assert_eq!(status, 401, "{body}");
    type Headers = Vec<(String, String)>;
    let cases: Vec<(&str, Headers, u16)> = vec![
        (
            "unsigned",
            vec![
                ("accept".into(), "application/json".into()),
                ("upvest-client-id".into(), s.credentials().upvest.client_id),
                ("authorization".into(), format!("Bearer {token}")),
            ],
            401,
        ),
        (
            "no client id",
            signed(&s, "GET", "/upvest/users", Some(&token), &key)
                .into_iter()
                .filter(|(k, _)| k != "upvest-client-id")
                .collect(),
            400,
        ),
        (
            "another key",
            signed(
                &s,
                "GET",
                "/upvest/users",
                Some(&token),
                &SigningKey::generate_ed25519(),
            ),
            401,
        ),
        (
            "another path",
            signed(&s, "GET", "/upvest/users/x", Some(&token), &key),
            401,
        ),
        (
            "header changed",
            signed(&s, "GET", "/upvest/users", Some(&token), &key)
                .into_iter()
                .map(|(k, v)| {
                    if k == "authorization" {
                        (k, format!("{v}x"))
                    } else {
                        (k, v)
                    }
                })
                .collect(),
            401,
        ),
    ];
    for (what, headers, want) in cases {
        let (status, body, ct) = raw(&s, &headers).await;
        assert_eq!(status, want, "{what}: {body}");
        assert_eq!(ct.as_deref(), Some("application/problem+json"), "{what}");
        assert_eq!(body["status"], want, "{what}");
        assert!(
            body["request_id"].is_string() && body["type"].is_string(),
            "{what}"
        );
    }
    let _ = upvest::NAME;
}

#[tokio::test]
async fn a_wrong_client_secret_says_which_settings_to_check_and_quotes_the_request() {
    let s = start(0, 3600).await;
    let c = s.credentials().upvest;
    let pem = std::fs::read_to_string(&c.private_key_path).unwrap();
    let wrong = UpvestClient::new(
        c.url,
        c.client_id,
        SecretString::from(format!("{}x", c.client_secret)),
        c.key_id,
        SigningKey::from_pem(&pem, None).unwrap(),
        Default::default(),
    );
    let e = wrong.users(0).await.unwrap_err();
    assert!(matches!(e, BackendError::Unauthorized { .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("client id, secret and signing key"), "{text}");
    assert!(!text.contains(".."), "{text}");
    assert!(text.contains(e.request_id()), "{text}");
    assert!(
        !text.contains(&c.client_secret),
        "the secret is never in an error"
    );
}

#[tokio::test]
async fn a_created_end_user_s_id_is_in_the_outcome_record_of_its_audit() {
    use backoffice::app::action::{Call, Payload};
    use backoffice::app::features::end_users::calls;
    use backoffice::core::investing::EndUserChange;
    let s = start(0, 1800).await;
    let dir = crate::common::TempDir::new("upvest-create-audit");
    let log = dir.0.join("audit.jsonl");
    let b = crate::common::backends(&s, &log);
    let event = backoffice::audit::Event {
        backend: "Upvest".into(),
        action: "end-user.create".into(),
        targets: vec!["idempotency-key:k-1".into()],
        correlation: "c-1".into(),
        ..Default::default()
    };
    let call = Call::EndUsers(calls::Call::Change {
        change: Box::new(EndUserChange::Create {
            user: new_user("Torstraße 9"),
            idempotency_key: uuid::Uuid::new_v4().to_string(),
        }),
        audit: Box::new(event),
    });
    let Ok(Payload::EndUsers(calls::Payload::Changed(Some(user)))) =
        backoffice::app::runner::perform(&b, call).await
    else {
        panic!("created")
    };
    let records: Vec<backoffice::audit::Record> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2, "intent and outcome");
    let wanted = format!("upvest-user:{}", user.id);
    assert!(
        !records[0].event.targets.contains(&wanted),
        "unknown at intent"
    );
    assert!(
        records[1].event.targets.contains(&wanted),
        "{:?}",
        records[1].event.targets
    );
}
