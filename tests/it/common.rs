//! Shared set-up: a sandbox on an ephemeral loopback port and a client for it.

use backoffice::backends::graphql::GraphqlClient;
use backoffice::backends::http::HttpSettings;
use backoffice::backends::unioo::{self, UniooClient};
use backoffice::sandbox::{Sandbox, SandboxHandle, SandboxOptions, TOKEN_TTL_SECS};
use secrecy::SecretString;

pub async fn sandbox(people: usize) -> SandboxHandle {
    Sandbox::start(SandboxOptions {
        people,
        ..Default::default()
    })
    .await
    .expect("sandbox starts")
}

pub fn client(s: &SandboxHandle) -> UniooClient {
    client_with_token(s, s.mint_unioo_token(TOKEN_TTL_SECS))
}

pub fn client_with_token(s: &SandboxHandle, token: String) -> UniooClient {
    let gql = GraphqlClient::new(
        unioo::NAME,
        s.unioo_url().parse().unwrap(),
        SecretString::from(token),
        HttpSettings::default(),
    );
    UniooClient::new(gql)
}

/// Posts a raw GraphQL request; returns the status and the JSON body.
pub async fn post(
    url: &str,
    auth: Option<&str>,
    query: &str,
    variables: serde_json::Value,
) -> (u16, serde_json::Value) {
    let mut req = reqwest::Client::new()
        .post(url)
        .json(&serde_json::json!({ "query": query, "variables": variables }));
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.expect("the sandbox answers");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("a JSON body"))
}

pub fn bearer(s: &SandboxHandle) -> String {
    format!("Bearer {}", s.mint_unioo_token(TOKEN_TTL_SECS))
}

/// Polls `cond` until it holds or `deadline` passes: tests never sleep for a fixed time.
pub fn wait_until(what: &str, deadline: std::time::Duration, mut cond: impl FnMut() -> bool) {
    let end = std::time::Instant::now() + deadline;
    while !cond() {
        assert!(
            std::time::Instant::now() < end,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
