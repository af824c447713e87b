//! bunq against the sandbox, over HTTP: installation, device and session kept 0600 and reused
//! across runs, an expired session reopened, forged server signatures refused, paging,
//! updates and their refusals, 429s waited out without losing a change, and raw requests the
//! sandbox must refuse.

use backoffice::backends::BackendError;
use backoffice::backends::bunq::{BunqClient, signing};
use backoffice::core::banking::*;
use backoffice::sandbox::{Sandbox, SandboxHandle, SandboxOptions};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

pub async fn start(rate_window_ms: u64) -> SandboxHandle {
    Sandbox::start(SandboxOptions {
        people: 120,
        bunq_rate_window_ms: rate_window_ms,
        ..Default::default()
    })
    .await
    .unwrap()
}

pub fn client(s: &SandboxHandle, state: Option<&Path>) -> BunqClient {
    let c = s.credentials().bunq;
    BunqClient::new(
        c.url,
        SecretString::from(c.api_key),
        state.map(Path::to_path_buf),
        Default::default(),
    )
}

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("bunq-it-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[tokio::test]
async fn the_session_is_kept_0600_reused_by_the_next_run_and_reopened_when_it_expires() {
    let s = start(100).await;
    let dir = temp_dir();
    let state = dir.join("bunq.json");
    let first = client(&s, Some(&state));
    let page = first.users(None, 0).await.unwrap();
    assert_eq!(page.items.len(), 60);
    assert_eq!(first.sessions_opened(), 1);
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(!saved.contains(&s.bunq.api_key), "the API key is not kept");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    // The next run finds installation, device and session, and opens nothing.
    let second = client(&s, Some(&state));
    let id = page.items[0].id;
    assert_eq!(second.user(id).await.unwrap().id, id);
    assert_eq!(second.sessions_opened(), 0);

    // bunq ends the session; the next call opens a new one and goes through.
    s.bunq.expire_sessions();
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await; // session-server: 1 per 10 windows
    let user = second.user(id).await.unwrap();
    assert_eq!(user.id, id);
    assert_eq!(second.sessions_opened(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_forged_server_signature_is_an_error_and_never_data() {
    let s = start(0).await;
    let c = client(&s, None);
    let id = c.users(None, 0).await.unwrap().items[0].id;
    s.bunq
        .forge_signatures
        .store(true, std::sync::atomic::Ordering::Relaxed);
    let e = c.user(id).await.unwrap_err();
    assert!(
        matches!(&e, BackendError::Malformed { detail, .. } if detail.contains("signature")),
        "{e}"
    );
    assert!(e.to_string().contains("discarded"), "{e}");
    s.bunq
        .forge_signatures
        .store(false, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(c.user(id).await.unwrap().id, id);
}

#[tokio::test]
async fn users_page_by_count_newest_first_to_the_end() {
    let s = start(0).await;
    let c = client(&s, None);
    let mut seen = Vec::new();
    let mut older = None;
    let mut sizes = Vec::new();
    loop {
        let page = c.users_by(25, older, seen.len()).await.unwrap();
        sizes.push(page.items.len());
        seen.extend(page.items.iter().map(|u| u.id));
        match page.next_cursor {
            Some(o) => older = Some(o.parse().unwrap()),
            None => break,
        }
    }
    assert_eq!(sizes, vec![25, 25, 10]);
    assert!(
        seen.windows(2).all(|w| w[0] > w[1]),
        "newest first, no repeats"
    );
    let e = c.users_by(201, None, 0).await.unwrap_err();
    assert!(e.to_string().contains("count must be 1 to 200"), "{e}");
    let any = c.user(seen[5]).await.unwrap();
    assert!(any.email().is_some() && any.cpr().is_some());
    let e = c.user(999_999).await.unwrap_err();
    assert!(e.to_string().contains("User not found"), "{e}");
}

#[tokio::test]
async fn an_update_changes_what_it_names_and_bad_values_are_refused_by_field() {
    let s = start(0).await;
    let c = client(&s, None);
    let before = c.users(None, 0).await.unwrap().items[0].clone();
    let blocked = c
        .update(
            before.id,
            &BankUserUpdate {
                status: Some("BLOCKED".into()),
                sub_status: Some("NONE".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(blocked.status_text(), "BLOCKED");
    assert_eq!(blocked.first_name, before.first_name, "the rest stays");

    let edited = c
        .update(
            before.id,
            &BankUserUpdate {
                first_name: Some("Karen".into()),
                nationality: Some("SE".into()),
                session_timeout: Some(3600),
                address_postal: Some(BankAddress {
                    street: "Storgatan".into(),
                    house_number: "4".into(),
                    postal_code: "21122".into(),
                    city: "Malmö".into(),
                    country: "SE".into(),
                    ..Default::default()
                }),
                tax_resident: Some(vec![TaxResident {
                    country: "SE".into(),
                    tax_number: TaxNumber("19850412-1234".into()),
                    status: "UNCONFIRMED".into(),
                    id: None,
                }]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.first_name, "Karen");
    assert_eq!(edited.legal_name, format!("Karen {}", before.last_name));
    assert_eq!(edited.nationality, "SE");
    assert_eq!(edited.session_timeout, 3600);
    assert_eq!(edited.address_postal.unwrap().city, "Malmö");
    assert_eq!(edited.tax_resident[0].country, "SE");
    assert_ne!(edited.updated, before.updated);

    for (update, says) in [
        (
            BankUserUpdate {
                status: Some("FROZEN".into()),
                ..Default::default()
            },
            "status must be one of",
        ),
        (
            BankUserUpdate {
                nationality: Some("XX".into()),
                ..Default::default()
            },
            "nationality must be an ISO 3166-1 alpha-2",
        ),
        (
            BankUserUpdate {
                session_timeout: Some(5),
                ..Default::default()
            },
            "session_timeout must be 30 to 604800",
        ),
        (
            BankUserUpdate {
                status: Some("BLOCKED".into()),
                sub_status: Some("APPROVAL".into()),
                ..Default::default()
            },
            "sub_status must be NONE",
        ),
        (
            BankUserUpdate {
                date_of_birth: Some("1985-02-30".into()),
                ..Default::default()
            },
            "date_of_birth",
        ),
    ] {
        let e = c.update(before.id, &update).await.unwrap_err();
        assert!(
            matches!(&e, BackendError::Rejected { code: Some(c), .. } if c == "400"),
            "{e}"
        );
        assert!(e.to_string().contains(says), "{says}: {e}");
    }
    let e = c
        .update(999_999, &BankUserUpdate::default())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("User not found"), "{e}");
}

#[tokio::test]
async fn a_429_is_waited_out_and_no_change_is_lost() {
    let s = start(3000).await;
    let c = client(&s, None);
    let ids: Vec<u64> = c.users(None, 0).await.unwrap().items[..3]
        .iter()
        .map(|u| u.id)
        .collect();
    let block = BankUserUpdate {
        status: Some("BLOCKED".into()),
        sub_status: Some("NONE".into()),
        ..Default::default()
    };
    // Three PUTs at once: bunq allows two per 3 s, so one is refused and must be resent.
    let (a, b, d) = tokio::join!(
        c.update(ids[0], &block),
        c.update(ids[1], &block),
        c.update(ids[2], &block)
    );
    for r in [a, b, d] {
        assert_eq!(r.unwrap().status, "BLOCKED");
    }
    assert!(
        c.throttled() >= 1,
        "at least one 429 was met and waited out"
    );
}

/// A session made by hand, for requests the client would never send, keeping the answers
/// that opened it.
pub struct Raw {
    http: reqwest::Client,
    base: String,
    key: signing::PrivateKey,
    pub installation: String,
    pub session: String,
    server: signing::PublicKey,
    /// The `/installation`, `/device-server` and `/session-server` answers.
    pub opened: Vec<Value>,
}

impl Raw {
    pub async fn open(s: &SandboxHandle) -> Raw {
        let http = reqwest::Client::new();
        let base = s.bunq_url();
        let key = signing::generate();
        let headers = |r: reqwest::RequestBuilder| {
            r.header("cache-control", "no-cache")
                .header("user-agent", "it")
        };
        let body = json!({ "client_public_key": signing::public_pem(&key) });
        let v: Value = headers(http.post(format!("{base}/installation")))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = v["Response"].as_array().unwrap();
        let token = |items: &[Value]| {
            items.iter().find_map(|i| i.get("Token")).unwrap()["token"]
                .as_str()
                .unwrap()
                .to_string()
        };
        let installation = token(items);
        let server = signing::public_from_pem(
            items.iter().find_map(|i| i.get("ServerPublicKey")).unwrap()["server_public_key"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        let mut raw = Raw {
            http,
            base,
            key,
            installation: installation.clone(),
            session: String::new(),
            server,
            opened: vec![v.clone()],
        };
        let secret = s.bunq.api_key.clone();
        let device = json!({ "description": "it", "secret": secret }).to_string();
        let r = raw
            .send("POST", "/device-server", &device, &installation, true)
            .await;
        assert_eq!(r.0, 200, "{}", r.1);
        raw.opened.push(r.1);
        let session = json!({ "secret": secret }).to_string();
        let r = raw
            .send("POST", "/session-server", &session, &installation, true)
            .await;
        assert_eq!(r.0, 200, "{}", r.1);
        raw.session = token(r.1["Response"].as_array().unwrap());
        raw.opened.push(r.1);
        raw
    }

    /// Status and body, under a request id of its own; the server signature is checked on
    /// every answer.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: &str,
        token: &str,
        sign: bool,
    ) -> (u16, Value) {
        let id = format!("it-{}", uuid::Uuid::new_v4().simple());
        self.send_as(&id, method, path, body, token, sign).await
    }

    /// As [`Raw::send`], with the `X-Bunq-Client-Request-Id` given.
    pub async fn send_as(
        &self,
        request_id: &str,
        method: &str,
        path: &str,
        body: &str,
        token: &str,
        sign: bool,
    ) -> (u16, Value) {
        let mut r = self
            .http
            .request(method.parse().unwrap(), format!("{}{path}", self.base))
            .header("cache-control", "no-cache")
            .header("user-agent", "it")
            .header("x-bunq-client-request-id", request_id)
            .header("x-bunq-client-authentication", token);
        if sign {
            r = r.header(
                "x-bunq-client-signature",
                signing::sign(&self.key, body.as_bytes()),
            );
        }
        let resp = r.body(body.to_string()).send().await.unwrap();
        let status = resp.status().as_u16();
        assert_eq!(resp.headers()["x-bunq-client-request-id"], request_id);
        assert!(resp.headers().contains_key("x-bunq-client-response-id"));
        let sig = resp.headers()["x-bunq-server-signature"]
            .to_str()
            .unwrap()
            .to_string();
        let bytes = resp.bytes().await.unwrap();
        signing::verify(&self.server, &bytes, Some(&sig)).expect("every answer is signed");
        (status, serde_json::from_slice(&bytes).unwrap())
    }
}

fn error_text(v: &Value) -> &str {
    v["Error"][0]["error_description"]
        .as_str()
        .unwrap_or_default()
}

#[tokio::test]
async fn the_sandbox_refuses_unsigned_unauthorised_and_malformed_requests() {
    let s = start(0).await;
    let raw = Raw::open(&s).await;
    let put = r#"{"status":"BLOCKED","sub_status":"NONE"}"#;
    let (status, v) = raw
        .send("PUT", "/user-person/2001", put, &raw.session, false)
        .await;
    assert_eq!(
        (status, error_text(&v)),
        (466, "Request signature refused: the signature is missing.")
    );
    let mut tampered = raw
        .send("PUT", "/user-person/2001", put, &raw.session, true)
        .await;
    assert_eq!(tampered.0, 200, "{}", tampered.1);
    // A signature over one body does not pass for another.
    let sig = signing::sign(&raw.key, b"{}");
    let resp = raw
        .http
        .put(format!("{}/user-person/2001", raw.base))
        .header("cache-control", "no-cache")
        .header("user-agent", "it")
        .header("x-bunq-client-authentication", &raw.session)
        .header("x-bunq-client-signature", sig)
        .body(put)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 466);
    tampered = raw
        .send("GET", "/user-person/2001", "", "not-a-token", false)
        .await;
    assert_eq!(
        (tampered.0, error_text(&tampered.1)),
        (401, "Insufficient authorisation.")
    );
    // The installation token opens sessions; it does not read users.
    let (status, _) = raw.send("GET", "/user", "", &raw.installation, false).await;
    assert_eq!(status, 401);
    let (status, v) = raw
        .send(
            "PUT",
            "/user-person/2001",
            r#"{"id": 5}"#,
            &raw.session,
            true,
        )
        .await;
    assert_eq!(status, 400);
    assert!(error_text(&v).contains("unknown field `id`"), "{v}");
    let (status, v) = raw
        .send("PUT", "/user-person/2001", "{", &raw.session, true)
        .await;
    assert_eq!(status, 400, "{v}");
    let resp = raw
        .http
        .get(format!("{}/user", raw.base))
        .header("x-bunq-client-authentication", &raw.session)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        400,
        "Cache-Control and User-Agent are required"
    );
    let (status, v) = raw
        .send("DELETE", "/session/1", "", &raw.session, false)
        .await;
    assert_eq!((status, error_text(&v)), (404, "Session not found."));
    let (status, v) = raw
        .send("GET", "/user?count=0", "", &raw.session, false)
        .await;
    assert_eq!((status, error_text(&v)), (400, "count must be 1 to 200."));
    let (status, v) = raw
        .send("GET", "/user?count=2", "", &raw.session, false)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        v["Pagination"]["older_url"],
        "/v1/user?count=2&older_id=2059"
    );
    assert_eq!(v["Pagination"]["newer_url"], Value::Null);
    assert_eq!(
        v["Pagination"]["future_url"],
        "/v1/user?count=2&newer_id=2060"
    );
}

#[tokio::test]
async fn a_429_names_bunq_limit() {
    let s = start(3000).await;
    let raw = Raw::open(&s).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(
            raw.send("GET", "/user-person/2001", "", &raw.session, false)
                .await,
        );
    }
    assert_eq!(
        statuses.iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![200, 200, 200, 429]
    );
    assert_eq!(
        error_text(&statuses[3].1),
        "Too many requests. You can do a maximum of 3 calls per 3 second to this endpoint."
    );
}

#[tokio::test]
async fn a_wrong_api_key_says_which_setting_to_check_and_quotes_the_request() {
    let s = start(0).await;
    let c = s.credentials().bunq;
    let wrong = BunqClient::new(
        c.url,
        SecretString::from(format!("{}x", c.api_key)),
        None,
        Default::default(),
    );
    let e = wrong.users(None, 0).await.unwrap_err();
    assert!(matches!(e, BackendError::Unauthorized { .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("Check the profile's API key"), "{text}");
    assert!(!text.contains(".."), "{text}");
    assert!(
        !e.request_id().is_empty() && text.contains(e.request_id()),
        "{text}"
    );
    assert!(!text.contains(&c.api_key), "the key is never in an error");
}

#[tokio::test]
async fn a_hung_bunq_is_asked_twice_not_three_times() {
    let s = start(0).await;
    let c = s.credentials().bunq;
    let client = BunqClient::new(
        c.url,
        SecretString::from(c.api_key),
        None,
        backoffice::backends::http::HttpSettings {
            timeout: std::time::Duration::from_millis(300),
            ..Default::default()
        },
    );
    // The session first, so only the read itself meets the fault.
    client.user(2003).await.unwrap();
    // Two answers withheld: a third try would get the user.
    s.api_faults
        .bunq
        .arm(backoffice::sandbox::faults::Fault::Hang, 1.0, Some(2));
    let e = client.user(2003).await.unwrap_err();
    assert!(matches!(e, BackendError::Timeout { .. }), "{e:?}");
}

#[tokio::test]
async fn the_session_s_own_user_is_read_and_updated_by_the_same_id() {
    let s = start(0).await;
    let raw = Raw::open(&s).await;
    let own = raw.opened[2]["Response"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|i| i.get("UserPerson"))
        .unwrap()["id"]
        .as_u64()
        .unwrap();
    let path = format!("/user-person/{own}");
    let (status, v) = raw.send("GET", &path, "", &raw.session, false).await;
    assert_eq!(status, 200, "{v}");
    let put = r#"{"public_nick_name":"Ops","display_name":"Sandbox Ops"}"#;
    let (status, v) = raw.send("PUT", &path, put, &raw.session, true).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["Response"][0]["Id"]["id"], own);
    let (status, v) = raw.send("GET", &path, "", &raw.session, false).await;
    assert_eq!(status, 200, "{v}");
    let user = &v["Response"][0]["UserPerson"];
    assert_eq!(
        (
            user["public_nick_name"].as_str(),
            user["display_name"].as_str()
        ),
        (Some("Ops"), Some("Sandbox Ops"))
    );
    // Through the client too.
    let c = client(&s, None);
    let edited = c
        .update(
            own,
            &BankUserUpdate {
                public_nick_name: Some("Operator".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.id, own);
}

#[tokio::test]
async fn a_malformed_id_or_query_and_a_wrong_method_answer_bunq_s_error_envelope() {
    let s = start(0).await;
    let raw = Raw::open(&s).await;
    for (method, path, want) in [
        ("GET", "/user-person/abc", 400),
        ("GET", "/user/2001x", 400),
        ("GET", "/user-person/-1", 400),
        ("DELETE", "/session/abc", 400),
        ("GET", "/user?count=2&count=3", 400),
        ("DELETE", "/user", 405),
        ("GET", "/monetary-account", 404),
    ] {
        let resp = raw
            .http
            .request(method.parse().unwrap(), format!("{}{path}", raw.base))
            .header("cache-control", "no-cache")
            .header("user-agent", "it")
            .header("x-bunq-client-authentication", &raw.session)
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let content_type = resp.headers()["content-type"].to_str().unwrap().to_string();
        let text = resp.text().await.unwrap();
        assert_eq!(
            (status, content_type.as_str()),
            (want, "application/json"),
            "{method} {path}: {text}"
        );
        let v: Value = serde_json::from_str(&text).expect("a JSON body");
        let e = &v["Error"][0];
        assert!(
            e["error_description"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
                && e["error_description_translated"].is_string(),
            "{method} {path}: {v}"
        );
    }
}

#[tokio::test]
async fn a_request_id_sent_again_on_the_same_device_is_refused() {
    let s = start(0).await;
    let raw = Raw::open(&s).await;
    let (status, v) = raw
        .send_as("twice", "GET", "/user-person/2001", "", &raw.session, false)
        .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = raw
        .send_as("twice", "GET", "/user-person/2002", "", &raw.session, false)
        .await;
    assert_eq!(
        (status, error_text(&v)),
        (400, backoffice::sandbox::bunq::REQUEST_ID_REUSED)
    );
    // Nor does a change go in under a used id.
    let put = r#"{"status":"BLOCKED","sub_status":"NONE"}"#;
    let (status, _) = raw
        .send_as("twice", "PUT", "/user-person/2002", put, &raw.session, true)
        .await;
    assert_eq!(status, 400);
    assert_ne!(
        s.bunq.store.lock().unwrap().users[&2002]["status"],
        "BLOCKED"
    );
    // Another device may use it.
    let other = Raw::open(&s).await;
    let (status, v) = other
        .send_as(
            "twice",
            "GET",
            "/user-person/2001",
            "",
            &other.session,
            false,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    // The client sends a new id with every request, a resend included.
    let c = client(&s, None);
    for _ in 0..3 {
        c.user(2001).await.unwrap();
    }
    s.api_faults.bunq.arm(
        backoffice::sandbox::faults::Fault::DropAfterCommit,
        1.0,
        Some(1),
    );
    let blocked = c
        .update(
            2003,
            &BankUserUpdate {
                status: Some("BLOCKED".into()),
                sub_status: Some("NONE".into()),
                ..Default::default()
            },
        )
        .await
        .expect("the resend goes through under a new id");
    assert_eq!(blocked.status, "BLOCKED");
    let puts = s
        .bunq
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with("/user-person/2003"))
        .count();
    assert_eq!(
        puts, 2,
        "the answer to the first PUT was lost, so it was sent again"
    );
}

#[tokio::test]
async fn an_unsigned_500_is_reported_as_bunq_answering_500_and_never_read() {
    let s = start(0).await;
    let client = client(&s, None);
    // The session first, so only the read itself meets the fault.
    client.user(2003).await.unwrap();
    s.api_faults
        .bunq
        .arm(backoffice::sandbox::faults::Fault::ServerError, 1.0, None);
    let e = client.user(2003).await.unwrap_err();
    assert!(matches!(e, BackendError::Http { status: 500, .. }), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("bunq answered HTTP 500"), "{text}");
    assert!(!text.contains("signature"), "{text}");
    assert!(
        !text.contains("injected fault"),
        "the unsigned body: {text}"
    );
    assert!(e.backend_down(), "the status bar shows bunq failing");
}
