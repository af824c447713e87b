//! The Unioo sandbox over HTTP: the seed's operations verbatim, auth, paging, the SDL.

use crate::common::{bearer, post, sandbox};
use backoffice::sandbox::unioo;
use serde_json::{Value, json};

const SEED: &str = "../shared/seeds/000_6a292c89c4741f0e.txt";

/// Every `query name(...) { ... }` block in the seed document, exactly as written there.
fn seed_operations() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(SEED).expect("../shared/seeds is beside the repository");
    let lines: Vec<&str> = text.lines().collect();
    let mut ops = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(rest) = lines[i].strip_prefix("query ") {
            let name = rest.split(['(', ' ', '{']).next().unwrap().to_string();
            let mut depth = 0i32;
            let mut body = Vec::new();
            loop {
                let l = lines[i];
                depth += l.matches('{').count() as i32 - l.matches('}').count() as i32;
                body.push(l);
                i += 1;
                if depth == 0 {
                    break;
                }
            }
            ops.push((name, body.join("\n")));
        } else {
            i += 1;
        }
    }
    ops
}

#[test]
fn the_seed_has_eleven_operations() {
    let names: Vec<String> = seed_operations().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "listUsers",
            "getUserById",
            "getMultipleUsersByIds",
            "findUsersBySsn",
            "listEmployees",
            "userAdministrators",
            "userOrganizations",
            "userKyc",
            "userIdentityVerification",
            "userLegitimationDocuments",
            "usersBySsnWithRelations"
        ]
    );
}

#[tokio::test]
async fn every_seed_operation_runs_verbatim_and_returns_data() {
    let s = sandbox(300).await;
    let p = &s.world.people[7];
    let other = &s.world.people[8];
    let auth = bearer(&s);
    for (name, query) in seed_operations() {
        // Variables by what the operation declares.
        let mut vars = serde_json::Map::new();
        if query.contains("$first") {
            vars.insert("first".into(), json!(5));
        }
        if query.contains("$userId:") {
            vars.insert("userId".into(), json!(p.id));
        }
        if query.contains("$userIds") {
            vars.insert("userIds".into(), json!([p.id, other.id]));
        }
        if query.contains("$ssn") {
            vars.insert("ssn".into(), json!(p.cpr_text()));
        }
        let (status, body) = post(&s.unioo_url(), Some(&auth), &query, Value::Object(vars)).await;
        assert_eq!(status, 200, "{name}");
        assert!(body.get("errors").is_none(), "{name}: {body}");
        let data = &body["data"];
        let root = data.as_object().unwrap().values().next().unwrap();
        let non_empty = match root {
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => o
                .get("nodes")
                .and_then(Value::as_array)
                .is_some_and(|n| !n.is_empty()),
            _ => false,
        };
        assert!(non_empty, "{name} returned no rows: {body}");
    }
}

#[tokio::test]
async fn the_seed_operations_select_what_they_ask_for() {
    let s = sandbox(300).await;
    let auth = bearer(&s);
    let ops: std::collections::HashMap<_, _> = seed_operations().into_iter().collect();
    // Find a board member and check the inline fragments and the KYC payload come back.
    let idx = (0..300u32)
        .find(|&i| {
            s.world
                .person(i)
                .orgs
                .iter()
                .any(|&o| s.world.administrator(i, o).board_member)
        })
        .unwrap();
    let p = s.world.person(idx);
    let (_, body) = post(
        &s.unioo_url(),
        Some(&auth),
        &ops["userAdministrators"],
        json!({"userId": p.id}),
    )
    .await;
    let admins = body["data"]["userById"][0]["administrators"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(admins.len(), p.orgs.len());
    assert!(
        admins
            .iter()
            .any(|a| a["boardMemberRoles"].is_array() && a["isAuthorizedSignatory"].is_boolean())
    );
    let (_, body) = post(
        &s.unioo_url(),
        Some(&auth),
        &ops["userKyc"],
        json!({"userId": p.id}),
    )
    .await;
    let le = &body["data"]["userById"][0]["legalEntity"];
    assert_eq!(le["ssn"], json!(p.ssn));
    assert_eq!(le["citizenships"][0]["countryData"]["alpha2"], json!("DK"));
}

#[tokio::test]
async fn users_by_ssn_accepts_any_format_and_returns_a_list() {
    let s = sandbox(200).await;
    let auth = bearer(&s);
    let p = &s.world.people[3];
    let q = "query($ssn: String!) { usersBySsn(ssn: $ssn) { id } }";
    let dashed = p.cpr_text();
    let forms = [
        dashed.clone(),
        dashed.replace('-', ""),
        format!(" {} ", dashed.replace('-', " ")),
    ];
    for form in forms {
        let (_, body) = post(&s.unioo_url(), Some(&auth), q, json!({"ssn": form})).await;
        assert_eq!(
            body["data"]["usersBySsn"],
            json!([{"id": p.id}]),
            "{form:?}"
        );
    }
    let (_, body) = post(
        &s.unioo_url(),
        Some(&auth),
        q,
        json!({"ssn": "010101-0000"}),
    )
    .await;
    assert_eq!(body["data"]["usersBySsn"], json!([]));
}

#[tokio::test]
async fn missing_malformed_expired_or_foreign_tokens_get_401_and_no_data() {
    let s = sandbox(50).await;
    let other = sandbox(50).await;
    let q = "{ users(first: 1) { totalCount } }";
    let expired = format!("Bearer {}", s.mint_unioo_token(-5));
    let foreign = format!("Bearer {}", other.mint_unioo_token(3600));
    for auth in [
        None,
        Some("Bearer not-a-jwt"),
        Some("Basic dXNlcjpwdw=="),
        Some(expired.as_str()),
        Some(foreign.as_str()),
    ] {
        let (status, body) = post(&s.unioo_url(), auth, q, json!({})).await;
        assert_eq!(status, 401, "{auth:?}");
        assert!(body.get("data").is_none(), "{body}");
        let msg = body["errors"][0]["message"].as_str().unwrap();
        assert!(!msg.is_empty());
    }
    let (_, body) = post(&s.unioo_url(), Some(&expired), q, json!({})).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );
}

#[tokio::test]
async fn page_size_is_capped_and_filters_and_sorts_work() {
    let s = sandbox(500).await;
    let auth = bearer(&s);
    let (_, body) = post(
        &s.unioo_url(),
        Some(&auth),
        "{ users(first: 101) { totalCount } }",
        json!({}),
    )
    .await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("between 0 and 100"),
        "{body}"
    );
    let id = s.world.people[42].id;
    let q = "query($id: UUID!) { users(where: {id: {eq: $id}}) { totalCount nodes { id } } }";
    let (_, body) = post(&s.unioo_url(), Some(&auth), q, json!({"id": id})).await;
    assert_eq!(body["data"]["users"]["totalCount"], json!(1));
    assert_eq!(body["data"]["users"]["nodes"][0]["id"], json!(id));
    let q = "{ employees(first: 100, order: [{id: DESC}]) { nodes { id } } }";
    let (_, body) = post(&s.unioo_url(), Some(&auth), q, json!({})).await;
    let ids: Vec<String> = body["data"]["employees"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert!(ids.len() >= 25);
    assert_eq!(ids, sorted);
}

#[tokio::test]
async fn the_same_seed_gives_the_same_answers_byte_for_byte() {
    let a = sandbox(100).await;
    let b = sandbox(100).await;
    let q = "{ users(first: 20) { nodes { id firstname lastname email phoneNumber legalEntity { ssn verifications { identificationTime } } administrators { id organization { name } } } } }";
    let (_, ja) = post(&a.unioo_url(), Some(&bearer(&a)), q, json!({})).await;
    let (_, jb) = post(&b.unioo_url(), Some(&bearer(&b)), q, json!({})).await;
    assert_eq!(ja.to_string(), jb.to_string());
}

#[test]
fn schema_file_matches_the_sandbox() {
    let file = std::fs::read_to_string("schemas/unioo.graphql").unwrap();
    assert!(
        file == unioo::sdl(),
        "schemas/unioo.graphql differs from the sandbox's schema; regenerate it with \
         `cargo run -- sandbox --print-sdl unioo > schemas/unioo.graphql`"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bound_sandbox_hands_out_credentials_at_once_and_they_work_once_it_serves() {
    use backoffice::console::SandboxClients;
    use backoffice::sandbox::{Sandbox, SandboxOptions};
    let bound = Sandbox::bind(SandboxOptions {
        people: 30,
        ..Default::default()
    })
    .await
    .unwrap();
    let creds = bound.credentials();
    // Clients are set up from the credentials before there is any data, and may ask at once:
    // the port is bound, so the kernel queues the connection until the sandbox serves.
    let clients = SandboxClients::from_credentials(creds.clone()).unwrap();
    let asking = tokio::spawn(async move { clients.upvest.users(0).await });
    let handle = bound.serve();
    let page = asking
        .await
        .unwrap()
        .expect("answered once the sandbox serves");
    assert_eq!(page.total, 40);
    let served = handle.credentials();
    assert_eq!(served.upvest.url, creds.upvest.url);
    assert_eq!(served.upvest.client_id, creds.upvest.client_id);
    assert_eq!(
        served.upvest.private_key_path,
        creds.upvest.private_key_path
    );
    assert_eq!(served.bunq.api_key, creds.bunq.api_key);
    assert_eq!(served.vasco.token, creds.vasco.token);
    assert_eq!(served.healthmov.password, creds.healthmov.password);
}

#[tokio::test]
async fn the_sandbox_keys_are_the_shipped_ones_not_generated_at_start() {
    let (a, b) = (sandbox(10).await, sandbox(10).await);
    let key = |s: &backoffice::sandbox::SandboxHandle| {
        std::fs::read_to_string(s.credentials().upvest.private_key_path).unwrap()
    };
    let shipped = include_str!("../../assets/sandbox-keys/sandbox-upvest-ed25519.pem");
    assert_eq!(key(&a), shipped);
    assert_eq!(key(&b), shipped);
    assert_eq!(
        a.bunq.server_public_pem(),
        include_str!("../../assets/sandbox-keys/sandbox-bunq-server-rsa2048.pub.pem")
    );
    assert_eq!(a.bunq.server_public_pem(), b.bunq.server_public_pem());
}
