//! The Healthmov sandbox over HTTP: seed 003's operations, login/refresh/logout, the rate
//! limit, paging and validation.

use crate::common::post;
use backoffice::sandbox::{Sandbox, SandboxHandle, SandboxOptions, healthmov};
use serde_json::{Value, json};
use std::time::Duration;

const SEED: &str = "../shared/seeds/003_33b8f7c27583dfdf.txt";

async fn start(ttl: i64, limit: u32) -> SandboxHandle {
    let opts = SandboxOptions {
        people: 50,
        healthmov_token_ttl_secs: ttl,
        healthmov_rate_limit: limit,
        ..Default::default()
    };
    Sandbox::start(opts).await.unwrap()
}

async fn login(s: &SandboxHandle) -> (String, String) {
    let c = s.credentials().healthmov;
    let q = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ok accessToken refreshToken } }";
    let (status, body) = post(&c.url, None, q, json!({"u": c.username, "p": c.password})).await;
    assert_eq!(status, 200, "{body}");
    let l = &body["data"]["login"];
    (
        format!("Bearer {}", l["accessToken"].as_str().unwrap()),
        l["refreshToken"].as_str().unwrap().to_string(),
    )
}

/// Every GraphQL block of the seed, with the documented typo (`birthdate: Date)`) fixed.
fn seed_blocks() -> Vec<String> {
    let text = std::fs::read_to_string(SEED).expect("../shared/seeds is beside the repository");
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim_start();
        let starts = l == "{" || (l.starts_with("mutation") && lines[i].starts_with("mutation"));
        if starts {
            let mut depth = 0i32;
            let mut body = Vec::new();
            let mut opened = false;
            while i < lines.len() {
                let line = lines[i];
                depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
                opened |= line.contains('{');
                body.push(line);
                i += 1;
                if opened && depth == 0 {
                    break;
                }
            }
            blocks.push(
                body.join("\n")
                    .replace("  birthdate: Date)", "  $birthdate: Date)"),
            );
        } else {
            i += 1;
        }
    }
    blocks
}

fn no_errors(name: &str, body: &Value) {
    assert!(body.get("errors").is_none(), "{name}: {body}");
    assert!(body["data"].is_object(), "{name}: {body}");
}

#[tokio::test]
async fn every_seed_operation_runs() {
    let s = start(600, 0).await;
    let url = s.healthmov_url();
    let (auth, refresh) = login(&s).await;
    let blocks = seed_blocks();
    let find = |needle: &str| {
        blocks
            .iter()
            .find(|b| b.contains(needle))
            .unwrap_or_else(|| panic!("{needle} in the seed"))
            .clone()
    };
    // The login block is a signature, not an operation; every other block runs as written.
    assert!(find("login(username: String!").contains("String!"));
    let run = |q: String, vars: Value, auth: String| {
        let url = url.clone();
        async move { post(&url, Some(&auth), &q, vars).await }
    };
    let (_, b) = run(find("companies(first: 2) {"), json!({}), auth.clone()).await;
    no_errors("page 1", &b);
    assert_eq!(b["data"]["companies"]["edges"].as_array().unwrap().len(), 2);
    let (_, b) = run(
        find("after: \"YXJyYXljb25uZWN0aW9uOjE=\""),
        json!({}),
        auth.clone(),
    )
    .await;
    no_errors("page 2", &b);
    assert!(b["data"]["companies"]["edges"][0]["node"]["brand"].is_string());

    let (_, b) = run(find("mutation createCompany("), json!({"companyName": "Fjord Foods ApS", "logoUrl": "https://cdn.example.com/f.png", "externalId": "CMP-NEW-1", "countryAlpha3Code": "DNK", "accountManager": "Jane Doe"}), auth.clone()).await;
    no_errors("createCompany", &b);
    let company = b["data"]["createCompany"]["company"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, b) = run(find("mutation createOrUpdateCompany("), json!({"companyName": "Fjord Foods ApS", "logoUrl": "https://cdn.example.com/f2.png", "externalId": "CMP-NEW-1", "dateOfOnboarding": "2022-01-01", "dateOfOffboarding": "2024-01-01", "countryAlpha3Code": "DNK", "accountManager": "Jane Doe"}), auth.clone()).await;
    no_errors("createOrUpdateCompany", &b);
    assert_eq!(
        b["data"]["createOrUpdateCompany"]["company"]["id"]
            .as_str()
            .unwrap(),
        company,
        "updated, not duplicated"
    );
    let (_, b) = run(
        find("mutation createDepartment("),
        json!({"companyId": company, "departmentName": "Warehouse", "externalId": "DEP-NEW-1"}),
        auth.clone(),
    )
    .await;
    no_errors("createDepartment", &b);
    let department = b["data"]["createDepartment"]["department"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let employee_vars = json!({
        "companyId": company, "departmentId": department, "dateOfOnboarding": "2022-01-01", "dateOfOffboarding": "2030-01-01",
        "email": "foo@bar.example.com", "employeeNumber": "123456ABCDEF", "firstName": "Foo", "lastName": "Bar",
        "phoneNumber": "+971123456789", "externalId": "EMP-NEW-1", "birthdate": "1980-02-03",
        "dependents": [{ "birthdate": "1972-08-03", "firstName": "Foo", "lastName": "Bar"}, { "birthdate": "2000-01-01", "firstName": "Kid"}]
    });
    let (_, b) = run(
        find("mutation createOrUpdateEmployee("),
        employee_vars.clone(),
        auth.clone(),
    )
    .await;
    no_errors("createOrUpdateEmployee", &b);
    let e = &b["data"]["createOrUpdateEmployee"]["employee"];
    assert_eq!(e["dependents"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(e["dependentsInfos"]["edges"].as_array().unwrap().len(), 2);
    let employee = e["id"].as_str().unwrap().to_string();
    let (_, b) = run(
        find("mutation createOrUpdateEmployee("),
        employee_vars,
        auth.clone(),
    )
    .await;
    assert_eq!(
        b["data"]["createOrUpdateEmployee"]["employee"]["id"]
            .as_str()
            .unwrap(),
        employee,
        "an upsert"
    );
    let (_, b) = run(find("mutation addOrUpdateDependent("), json!({"birthdate": "2000-01-01", "dependentEmail": "dependent@bar.example.com", "dependentFirstName": "foo", "dependentLastName": "bar", "parentEmail": "foo@bar.example.com", "dependentPhone": "+971123456789", "dateOfOnboarding": "2024-01-01", "dateOfOffboarding": "2030-01-01"}), auth.clone()).await;
    no_errors("addOrUpdateDependent", &b);
    let (_, b) = run(
        find("mutation setOffboardingDate("),
        json!({"employeeId": employee, "dateOfOffboarding": "2029-01-01"}),
        auth.clone(),
    )
    .await;
    no_errors("setOffboardingDate", &b);
    assert_eq!(
        b["data"]["setOffboardingDate"]["employee"]["dateOfOffboarding"],
        "2029-01-01"
    );
    for needle in [
        "departments {",
        "nbDependentsOffboarded\n              dependents",
        "searchEmployee(",
        "searchDepartment(",
        "searchCompany(",
    ] {
        let (_, b) = run(find(needle), json!({}), auth.clone()).await;
        no_errors(needle, &b);
    }
    // The documented refresh and logout operations take no argument: the tokens travel in the header.
    let (status, b) = run(
        find("refreshToken {"),
        json!({}),
        format!("Bearer {refresh}"),
    )
    .await;
    assert_eq!(status, 200, "{b}");
    no_errors("refreshToken", &b);
    let fresh = format!(
        "Bearer {}",
        b["data"]["refreshToken"]["accessToken"].as_str().unwrap()
    );
    let (_, b) = run(find("logout {"), json!({}), fresh.clone()).await;
    no_errors("logout", &b);
    let (status, _) = run("{ companies { totalCount } }".into(), json!({}), fresh).await;
    assert_eq!(status, 401, "a logged-out session's token is refused");
}

#[tokio::test]
async fn search_by_external_id_finds_what_was_created() {
    let s = start(600, 0).await;
    let (auth, _) = login(&s).await;
    let (_, b) = post(&s.healthmov_url(), Some(&auth), "{ searchEmployee(externalId: \"EXT-000001\") { id email onboardedAt hasAccess } searchCompany(externalId: \"CMP-0001\") { id name } searchDepartment(externalId: \"nope\") { id } }", json!({})).await;
    no_errors("search", &b);
    assert!(b["data"]["searchEmployee"]["id"].is_string());
    assert!(b["data"]["searchCompany"]["name"].is_string());
    assert!(b["data"]["searchDepartment"].is_null());
}

#[tokio::test]
async fn an_expired_token_gets_401_then_refresh_works_and_old_refresh_tokens_do_not() {
    let s = start(1, 0).await;
    let (auth, refresh) = login(&s).await;
    let q = "{ companies(first: 1) { totalCount } }";
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = post(&s.healthmov_url(), Some(&auth), q, json!({})).await;
        if status == 401 {
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("expired"),
                "{body}"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the token never expired"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let r =
        "mutation($t: String) { refreshToken(refreshToken: $t) { ok accessToken refreshToken } }";
    let (_, b) = post(&s.healthmov_url(), None, r, json!({"t": refresh})).await;
    let fresh = format!(
        "Bearer {}",
        b["data"]["refreshToken"]["accessToken"].as_str().unwrap()
    );
    let (status, _) = post(&s.healthmov_url(), Some(&fresh), q, json!({})).await;
    assert_eq!(status, 200);
    let (status, b) = post(&s.healthmov_url(), None, r, json!({"t": refresh})).await;
    assert_eq!(status, 401, "refresh tokens rotate: {b}");
    let bad = "mutation { login(username: \"x\", password: \"y\") { ok } }";
    let (_, b) = post(&s.healthmov_url(), None, bad, json!({})).await;
    assert_eq!(b["errors"][0]["extensions"]["code"], "INVALID_CREDENTIALS");
}

#[tokio::test]
async fn the_rate_limit_answers_429_with_retry_after() {
    let s = start(600, 3).await;
    let (auth, _) = login(&s).await;
    let client = reqwest::Client::new();
    let mut limited = None;
    for _ in 0..20 {
        let r = client
            .post(s.healthmov_url())
            .header("authorization", &auth)
            .json(&json!({"query": "{ companies(first: 1) { totalCount } }"}))
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("a 429 within 20 quick requests at 3 per second");
    assert_eq!(r.headers()["retry-after"], "1");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
}

#[tokio::test]
async fn companies_come_five_a_page_to_the_end() {
    let s = start(600, 0).await;
    let (auth, _) = login(&s).await;
    let mut after: Option<String> = None;
    let mut ids = Vec::new();
    loop {
        let q = "query($a: String) { companies(first: 50, after: $a) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }";
        let (_, b) = post(&s.healthmov_url(), Some(&auth), q, json!({"a": after})).await;
        let c = &b["data"]["companies"];
        let edges = c["edges"].as_array().unwrap();
        assert!(edges.len() <= healthmov::MAX_COMPANIES);
        ids.extend(
            edges
                .iter()
                .map(|e| e["node"]["id"].as_str().unwrap().to_string()),
        );
        if !c["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            assert_eq!(ids.len() as i64, c["totalCount"].as_i64().unwrap());
            break;
        }
        after = c["pageInfo"]["endCursor"].as_str().map(String::from);
    }
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
}

#[tokio::test]
async fn validation_errors_say_what_is_wrong() {
    let s = start(600, 0).await;
    let (auth, _) = login(&s).await;
    let q = "mutation($c: ID!, $d: ID!, $e: String!, $on: Date!, $off: Date) { createOrUpdateEmployee(companyId: $c, departmentId: $d, email: $e, firstName: \"A\", lastName: \"B\", employeeNumber: \"N1\", dateOfOnboarding: $on, dateOfOffboarding: $off) { employee { id } } }";
    let company = healthmov::global_id("CompanyNode", 1);
    let (_, b) = post(&s.healthmov_url(), Some(&auth), "{ companies(first: 1) { edges { node { departments(first: 1) { edges { node { id } } } } } } }", json!({})).await;
    let department = b["data"]["companies"]["edges"][0]["node"]["departments"]["edges"][0]["node"]
        ["id"]
        .as_str()
        .unwrap()
        .to_string();
    let cases = [
        (
            json!({"c": company, "d": department, "e": "not-an-email", "on": "2024-01-01"}),
            "not a valid email",
        ),
        (
            json!({"c": company, "d": department, "e": "a@b.example.com", "on": "2024-01-01", "off": "2023-01-01"}),
            "cannot be before",
        ),
        (
            json!({"c": healthmov::global_id("CompanyNode", 999), "d": department, "e": "a@b.example.com", "on": "2024-01-01"}),
            "Unknown company",
        ),
        (
            json!({"c": company, "d": healthmov::global_id("DepartmentNode", 999), "e": "a@b.example.com", "on": "2024-01-01"}),
            "Unknown department",
        ),
        (
            json!({"c": company, "d": department, "e": "a@b.example.com", "on": "2024-13-01"}),
            "not a date",
        ),
    ];
    for (vars, msg) in cases {
        let (_, b) = post(&s.healthmov_url(), Some(&auth), q, vars).await;
        let m = b["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(m.contains(msg), "{m} should say {msg}");
    }
    let (_, b) = post(&s.healthmov_url(), Some(&auth), "mutation { createOrUpdateEmployee(companyId: \"x\", departmentId: \"y\", firstName: \"A\", lastName: \"B\", employeeNumber: \"1\", dateOfOnboarding: \"2024-01-01\") { employee { id } } }", json!({})).await;
    assert!(
        b["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("email"),
        "a missing required field is named: {b}"
    );
}

#[test]
fn schema_file_matches_the_sandbox() {
    let file = std::fs::read_to_string("schemas/healthmov.graphql").unwrap();
    assert!(
        file == healthmov::sdl(),
        "regenerate with `cargo run -- sandbox --print-sdl healthmov > schemas/healthmov.graphql`"
    );
}

/// Every type of a schema: its kind and interfaces, then each field with its type and
/// arguments, one line a field (`EmployeeNode.id: ID!`, `Mutation.login(username: String!, …)`).
fn shape(sdl: &str) -> std::collections::BTreeSet<String> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let doc = async_graphql::parser::parse_schema(sdl).expect("the SDL parses");
    let mut lines = std::collections::BTreeSet::new();
    for d in doc.definitions {
        let TypeSystemDefinition::Type(t) = d else {
            continue;
        };
        let t = t.node;
        let name = t.name.node.to_string();
        let (kind, implements, fields) = match t.kind {
            TypeKind::Scalar => ("scalar", Vec::new(), Vec::new()),
            TypeKind::Object(o) => ("type", o.implements, o.fields),
            TypeKind::Interface(i) => ("interface", i.implements, i.fields),
            TypeKind::InputObject(i) => {
                for f in i.fields {
                    lines.insert(format!("{name}.{}: {}", f.node.name.node, f.node.ty.node));
                }
                ("input", Vec::new(), Vec::new())
            }
            TypeKind::Enum(_) => ("enum", Vec::new(), Vec::new()),
            TypeKind::Union(_) => ("union", Vec::new(), Vec::new()),
        };
        let mut implements: Vec<String> = implements.iter().map(|n| n.node.to_string()).collect();
        implements.sort();
        lines.insert(format!(
            "{kind} {name} implements [{}]",
            implements.join(", ")
        ));
        for f in fields {
            let f = f.node;
            let args: Vec<String> = f
                .arguments
                .iter()
                .map(|a| format!("{}: {}", a.node.name.node, a.node.ty.node))
                .collect();
            lines.insert(format!(
                "{name}.{}({}): {}",
                f.name.node,
                args.join(", "),
                f.ty.node
            ));
        }
    }
    lines
}

/// The sandbox's schema is the reconstructed one (../shared/specs/healthmov) in every type,
/// field, argument and type name; what differs is listed here and in the README's Healthmov
/// contract.
#[test]
fn the_schema_has_the_reconstructed_names_and_only_the_documented_differences() {
    let reconstructed = std::fs::read_to_string(
        "../shared/specs/healthmov/healthmov-user-management.reconstructed.graphql",
    )
    .expect("the shared specs are beside the project");
    let ours = shape(&healthmov::sdl());
    let theirs = shape(&reconstructed);
    let only_ours: Vec<&String> = ours.difference(&theirs).collect();
    let only_theirs: Vec<&String> = theirs.difference(&ours).collect();
    assert_eq!(
        (only_ours, only_theirs),
        (
            vec![&"EmployeeNode.hasAccess(): Boolean!".to_string()],
            Vec::<&String>::new()
        ),
        "differences from the reconstructed schema (document each in README.md)"
    );
}

#[tokio::test]
async fn token_expiry_and_onboarded_at_are_date_times_with_an_offset() {
    let s = start(3600, 0).await;
    let c = s.credentials().healthmov;
    let q = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { __typename accessTokenExpirationDate refreshTokenExpirationDate } }";
    let (_, body) = post(&c.url, None, q, json!({"u": c.username, "p": c.password})).await;
    let l = &body["data"]["login"];
    assert_eq!(l["__typename"], "LoginPayload");
    for field in ["accessTokenExpirationDate", "refreshTokenExpirationDate"] {
        let text = l[field].as_str().unwrap_or_default();
        let t: jiff::Timestamp = text
            .parse()
            .unwrap_or_else(|e| panic!("{field} {text:?}: {e}"));
        assert!(text.ends_with("+00:00"), "{field}: {text}");
        assert!(t > jiff::Timestamp::now(), "{field}: {text}");
    }
    let (auth, _) = login(&s).await;
    let q = "{ companies(first: 5) { edges { node { id employees(first: 100) { edges { node { id dateOfOnboarding onboardedAt } } } } } } }";
    let (_, body) = post(&s.healthmov_url(), Some(&auth), q, json!({})).await;
    let mut onboarded = 0;
    for company in body["data"]["companies"]["edges"].as_array().unwrap() {
        for e in company["node"]["employees"]["edges"].as_array().unwrap() {
            let e = &e["node"];
            if let Some(at) = e["onboardedAt"].as_str() {
                let on = e["dateOfOnboarding"].as_str().unwrap();
                assert_eq!(at, format!("{on}T00:00:00+00:00"), "{e}");
                onboarded += 1;
            }
        }
    }
    assert!(onboarded > 0, "{body}");
}
