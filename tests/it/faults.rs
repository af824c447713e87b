//! The clients against a misbehaving sandbox (faults injected per API, over HTTP): 429 in each
//! Retry-After form within and beyond the cap, a connection dropped after the change went in,
//! garbage and cut-short answers.

use crate::common::sandbox;
use backoffice::backends::BackendError;
use backoffice::backends::graphql::GraphqlClient;
use backoffice::backends::http::HttpSettings;
use backoffice::backends::unioo::{self, UniooClient};
use backoffice::backends::{FundPlatform, PeopleDirectory};
use backoffice::core::Sort;
use backoffice::sandbox::faults::{Fault, RetryAfter};
use backoffice::sandbox::{SandboxHandle, TOKEN_TTL_SECS};
use std::time::{Duration, Instant};

fn unioo_with_cap(s: &SandboxHandle, cap: Duration) -> UniooClient {
    UniooClient::new(GraphqlClient::new(
        unioo::NAME,
        s.unioo_url().parse().unwrap(),
        secrecy::SecretString::from(s.mint_unioo_token(TOKEN_TTL_SECS)),
        HttpSettings {
            retry_after_cap: cap,
            ..Default::default()
        },
    ))
}

#[tokio::test]
async fn a_429_is_waited_out_in_each_retry_after_form_up_to_the_cap() {
    let s = sandbox(50).await;
    let c = unioo_with_cap(&s, Duration::from_secs(3));
    for form in [
        RetryAfter::Seconds(1),
        RetryAfter::Date(2),
        RetryAfter::Garbage,
    ] {
        s.api_faults
            .unioo
            .arm(Fault::Throttle(form.clone()), 1.0, Some(1));
        let t = Instant::now();
        let page = c.users(None, Sort::default(), 5).await;
        assert!(page.is_ok(), "{form:?}: {page:?}");
        // Seconds and dates are honoured; garbage falls back to the backoff.
        if form != RetryAfter::Garbage {
            assert!(t.elapsed() >= Duration::from_millis(900), "{form:?} waited");
        }
    }
    // Longer than the cap: not waited out, and the error says how long it asked for.
    s.api_faults
        .unioo
        .arm(Fault::Throttle(RetryAfter::Seconds(120)), 1.0, Some(1));
    let t = Instant::now();
    let e = c.users(None, Sort::default(), 5).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(60), "did not wait 120 s");
    assert!(
        matches!(&e, BackendError::Throttled { .. }) && e.to_string().contains("wait 120 s"),
        "{e}"
    );
    s.api_faults
        .unioo
        .arm(Fault::Throttle(RetryAfter::Date(120)), 1.0, Some(1));
    let e = c.users(None, Sort::default(), 5).await.unwrap_err();
    assert!(
        e.to_string().contains("asks to wait 1"),
        "an HTTP date, read: {e}"
    );
}

#[tokio::test]
async fn a_connection_dropped_after_the_change_went_in_ends_in_one_change() {
    let s = sandbox(50).await;
    // bunq: the block went in, the answer was lost; the resend sets the same values.
    let c = crate::bunq::client(&s, None);
    let id = c.users(None, 0).await.unwrap().items[0].id;
    s.api_faults.bunq.arm(Fault::DropAfterCommit, 1.0, Some(1));
    let block = backoffice::core::banking::BankUserUpdate {
        status: Some("BLOCKED".into()),
        sub_status: Some("NONE".into()),
        ..Default::default()
    };
    let after = c.update(id, &block).await.unwrap();
    assert_eq!(after.status, "BLOCKED");
    // Upvest: a creation whose answer was lost, resent with its idempotency key: one user.
    let u = crate::upvest::client(&s);
    let before = u.users(0).await.unwrap().total;
    s.api_faults
        .upvest
        .arm(Fault::DropAfterCommit, 1.0, Some(1));
    let created = u
        .create(
            &crate::upvest::new_user("Torstraße 9"),
            &uuid::Uuid::new_v4().to_string(),
        )
        .await
        .unwrap();
    assert_eq!(
        u.users(0).await.unwrap().total,
        before + 1,
        "exactly one user"
    );
    assert_eq!(u.user(&created.id).await.unwrap().id, created.id);
}

#[tokio::test]
async fn garbage_and_cut_short_answers_are_clear_errors_not_panics() {
    let s = sandbox(50).await;
    let v = crate::vasco_client::client(&s);
    s.api_faults.vasco.arm(Fault::Malformed, 1.0, Some(1));
    let e = v.platform_users(0).await.unwrap_err();
    assert!(matches!(e, BackendError::Malformed { .. }), "{e}");
    assert!(e.to_string().contains("cannot be read"), "{e}");
    s.api_faults.vasco.arm(Fault::Truncated, 1.0, Some(1));
    let e = v.platform_users(0).await.unwrap_err();
    assert!(matches!(e, BackendError::Malformed { .. }), "{e}");
    assert!(
        v.platform_users(0).await.is_ok(),
        "fine again once the fault is spent"
    );
    // bunq signs its answers: a cut-short body no longer matches its signature.
    let b = crate::bunq::client(&s, None);
    let id = b.users(None, 0).await.unwrap().items[0].id;
    s.api_faults.bunq.arm(Fault::Truncated, 1.0, Some(1));
    let e = b.user(id).await.unwrap_err();
    assert!(e.to_string().contains("signature"), "{e}");
    // A 500 on a read is resent and goes through; the people directory never panics.
    let u = unioo_with_cap(&s, Duration::from_secs(3));
    s.api_faults.unioo.arm(Fault::ServerError, 1.0, Some(1));
    let r = u.users(None, Sort::default(), 3).await;
    assert!(
        r.is_ok() || matches!(r, Err(BackendError::Http { status: 500, .. })),
        "{r:?}"
    );
}

#[tokio::test]
async fn a_hung_server_is_given_up_at_the_deadline() {
    let s = sandbox(50).await;
    let c = UniooClient::new(GraphqlClient::new(
        unioo::NAME,
        s.unioo_url().parse().unwrap(),
        secrecy::SecretString::from(s.mint_unioo_token(TOKEN_TTL_SECS)),
        HttpSettings {
            timeout: Duration::from_millis(500),
            ..Default::default()
        },
    ));
    s.api_faults.unioo.arm(Fault::Hang, 1.0, None);
    let e = c.person(uuid::Uuid::new_v4()).await.unwrap_err();
    assert!(matches!(e, BackendError::Timeout { .. }), "{e}");
    assert!(e.to_string().contains("did not answer within"), "{e}");
}

#[test]
fn faults_are_read_from_flags_and_bad_ones_named() {
    let f = backoffice::sandbox::faults::ApiFaults::default();
    assert!(f.set("bunq:500@0.3").is_ok());
    assert!(f.set("unioo:latency=800").is_ok());
    assert!(f.set("upvest:429=date:5").is_ok());
    assert!(f.set("vasco:429=garbage").is_ok());
    assert!(f.set("mars:hang").unwrap_err().contains("not an API"));
    assert!(f.set("bunq:explode").unwrap_err().contains("not a fault"));
    assert!(f.set("bunq:500@2").unwrap_err().contains("0 to 1"));
}
