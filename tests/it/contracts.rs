//! Contract checks against Upvest's official OpenAPI file (../shared/specs): what the client
//! sends and what the sandbox answers, for every endpoint the console uses, validated with a
//! JSON Schema validator. OpenAPI 3.0's `nullable` is turned into JSON Schema first.

use backoffice::backends::upvest::signature::{self, SigningKey};
use backoffice::core::investing::{EndUserAddress, NewEndUser};
use backoffice::sandbox::SandboxHandle;
use serde_json::{Value, json};

const BUNQ_SPEC: &str = "../shared/specs/bunq/bunq-openapi.json";
const UPVEST_SPEC: &str = "../shared/specs/upvest/upvest-openapi-1.9.0.yaml";

/// OpenAPI 3.0 → JSON Schema (draft 4): `nullable: true` admits null.
fn nullable_to_null(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.remove("nullable") == Some(Value::Bool(true)) {
                match o.get("type").cloned() {
                    Some(Value::String(t)) => {
                        o.insert("type".into(), json!([t, "null"]));
                    }
                    _ => {
                        let inner = Value::Object(std::mem::take(o));
                        o.insert("anyOf".into(), json!([inner, {"type": "null"}]));
                    }
                }
            }
            o.values_mut().for_each(nullable_to_null);
        }
        Value::Array(a) => a.iter_mut().for_each(nullable_to_null),
        _ => {}
    }
}

pub struct Spec {
    pub doc: Value,
}

/// bunq's spec names no required fields and never forbids others: checks here are strict,
/// so that a field the spec does not know (a typo, an invented one) fails.
fn no_unknown_fields(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.contains_key("properties") && !o.contains_key("additionalProperties") {
                o.insert("additionalProperties".into(), Value::Bool(false));
            }
            o.values_mut().for_each(no_unknown_fields);
        }
        Value::Array(a) => a.iter_mut().for_each(no_unknown_fields),
        _ => {}
    }
}

impl Spec {
    /// bunq's whole official spec, strict (see [`no_unknown_fields`]).
    pub fn bunq() -> Spec {
        let text =
            std::fs::read_to_string(BUNQ_SPEC).expect("the shared specs are beside the project");
        let mut doc: Value = serde_json::from_str(&text).expect("the spec is JSON");
        nullable_to_null(&mut doc);
        no_unknown_fields(&mut doc);
        Spec { doc }
    }

    fn upvest() -> Spec {
        let text =
            std::fs::read_to_string(UPVEST_SPEC).expect("the shared specs are beside the project");
        let mut doc: Value = serde_norway::from_str(&text).expect("the spec is YAML");
        nullable_to_null(&mut doc);
        Spec { doc }
    }

    /// Validates `instance` against the schema at `pointer` (refs resolve in the whole spec).
    pub fn check(&self, pointer: &str, instance: &Value) {
        assert!(
            self.doc.pointer(pointer.trim_start_matches('#')).is_some(),
            "no schema at {pointer}"
        );
        let mut root = self.doc.clone();
        root.as_object_mut()
            .unwrap()
            .insert("$ref".into(), Value::String(uri(pointer)));
        let v = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&root)
            .expect("the schema compiles");
        let errors: Vec<String> = v
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{pointer}:\n{}\n{instance:#}",
            errors.join("\n")
        );
    }
}

/// A JSON pointer as a URI fragment: braces are percent-encoded.
fn uri(pointer: &str) -> String {
    pointer.replace('{', "%7B").replace('}', "%7D")
}

pub fn response(path: &str, method: &str, status: u16) -> String {
    format!(
        "#/paths/{}/{method}/responses/{status}/content/application~1json/schema",
        path.replace('~', "~0").replace('/', "~1")
    )
}

fn problem(status: u16) -> String {
    format!("#/components/responses/ResponseError{status}/content/application~1problem+json/schema")
}

pub fn request(path: &str, method: &str) -> String {
    format!(
        "#/paths/{}/{method}/requestBody/content/application~1json/schema",
        path.replace('/', "~1")
    )
}

/// A signed request as the client makes it, returning the status and JSON body.
struct Raw<'a> {
    s: &'a SandboxHandle,
    key: SigningKey,
    token: String,
}

impl<'a> Raw<'a> {
    async fn new(s: &'a SandboxHandle) -> Raw<'a> {
        let c = s.credentials().upvest;
        let key =
            SigningKey::from_pem(&std::fs::read_to_string(&c.private_key_path).unwrap(), None)
                .unwrap();
        let mut raw = Raw {
            s,
            key,
            token: String::new(),
        };
        let form = format!(
            "client_id={}&client_secret={}&grant_type=client_credentials&scope=users:read%20users:admin%20checks:read%20taxes:read",
            c.client_id, c.client_secret
        );
        let (status, body) = raw
            .send(
                "POST",
                "/auth/token",
                form.into_bytes(),
                "application/x-www-form-urlencoded",
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        raw.token = body["access_token"].as_str().unwrap().to_string();
        raw
    }

    async fn send(
        &self,
        method: &str,
        rel: &str,
        body: Vec<u8>,
        content_type: &str,
        key: Option<&str>,
    ) -> (u16, Value) {
        let (status, _, body) = self.answer(method, rel, body, content_type, key).await;
        (status, body)
    }

    /// Status, content type and JSON body (null when it is not JSON).
    async fn answer(
        &self,
        method: &str,
        rel: &str,
        body: Vec<u8>,
        content_type: &str,
        key: Option<&str>,
    ) -> (u16, String, Value) {
        let c = self.s.credentials().upvest;
        let (path_rel, query) = match rel.split_once('?') {
            Some((p, q)) => (p, format!("?{q}")),
            None => (rel, String::new()),
        };
        let path = format!("/upvest{path_rel}");
        let mut h: Vec<(String, String)> = vec![("accept".into(), "application/json".into())];
        if !self.token.is_empty() {
            h.push(("authorization".into(), format!("Bearer {}", self.token)));
        }
        if !body.is_empty() {
            h.push(("content-length".into(), body.len().to_string()));
            h.push(("content-type".into(), content_type.into()));
            h.push(("content-digest".into(), signature::content_digest(&body)));
        }
        if let Some(k) = key {
            h.push(("idempotency-key".into(), k.into()));
        }
        h.push(("upvest-client-id".into(), c.client_id.clone()));
        let get = |n: &str| h.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
        let (input, sig) = signature::sign(
            &signature::Request {
                method,
                path: &path,
                query: &query,
                header: &get,
            },
            &self.key,
            &c.key_id,
            jiff::Timestamp::now().as_second(),
        );
        let mut req = reqwest::Client::new()
            .request(
                method.parse().unwrap(),
                format!("{}{rel}", self.s.upvest_url()),
            )
            .header("signature-input", input)
            .header("signature", sig)
            .body(body);
        for (k, v) in &h {
            req = req.header(k, v);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let text = resp.text().await.unwrap();
        (
            status,
            content_type,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }

    async fn get(&self, rel: &str) -> (u16, Value) {
        self.send("GET", rel, Vec::new(), "", None).await
    }
}

fn new_user() -> NewEndUser {
    NewEndUser {
        first_name: "Erika".into(),
        last_name: "Mustermann".into(),
        birth_date: "1990-04-01".into(),
        nationalities: vec!["DE".into()],
        address: EndUserAddress {
            address_line1: "Invalidenstraße 1".into(),
            address_line2: None,
            postcode: "10115".into(),
            city: "Berlin".into(),
            country: "DE".into(),
            state: None,
        },
    }
}

#[tokio::test]
async fn upvest_requests_and_responses_follow_the_official_spec() {
    let spec = Spec::upvest();
    let s = crate::common::sandbox(20).await;
    let raw = Raw::new(&s).await;
    let mut checked = std::collections::BTreeSet::new();

    // What the client sends.
    let body = serde_json::to_value(new_user()).unwrap();
    spec.check(&request("/users", "post"), &body);
    let change = json!({"address": serde_json::to_value(&new_user().address).unwrap()});
    spec.check(
        &request("/users/{user_id}/data_change_requests", "post"),
        &change,
    );

    // What the sandbox answers.
    let (status, list) = raw
        .get("/users?offset=0&limit=10&sort=created_at&order=ASC")
        .await;
    assert_eq!(status, 200);
    spec.check(&response("/users", "get", 200), &list);
    checked.insert("GET /users");
    let id = list["data"][0]["id"].as_str().unwrap().to_string();
    let (status, user) = raw.get(&format!("/users/{id}")).await;
    assert_eq!(status, 200);
    spec.check(&response("/users/{user_id}", "get", 200), &user);
    checked.insert("GET /users/{user_id}");
    let (status, created) = raw
        .send(
            "POST",
            "/users",
            serde_json::to_vec(&body).unwrap(),
            "application/json",
            Some(&uuid::Uuid::new_v4().to_string()),
        )
        .await;
    assert_eq!(status, 200, "{created}");
    spec.check(&response("/users", "post", 200), &created);
    checked.insert("POST /users");
    let (status, checks) = raw.get(&format!("/users/{id}/checks")).await;
    assert_eq!(status, 200);
    spec.check(&response("/users/{user_id}/checks", "get", 200), &checks);
    checked.insert("GET /users/{user_id}/checks");
    let (status, tax) = raw.get(&format!("/users/{id}/tax_residencies")).await;
    assert_eq!(status, 200);
    spec.check(
        &response("/users/{user_id}/tax_residencies", "get", 200),
        &tax,
    );
    checked.insert("GET /users/{user_id}/tax_residencies");
    let (status, _) = raw
        .send(
            "POST",
            &format!("/users/{id}/data_change_requests"),
            serde_json::to_vec(&change).unwrap(),
            "application/json",
            Some(&uuid::Uuid::new_v4().to_string()),
        )
        .await;
    assert_eq!(status, 202);
    checked.insert("POST /users/{user_id}/data_change_requests");
    let (status, _) = raw
        .send("DELETE", &format!("/users/{id}"), Vec::new(), "", None)
        .await;
    assert_eq!(status, 202);
    checked.insert("DELETE /users/{user_id}");
    checked.insert("POST /auth/token");

    // Errors, as problem+json.
    let (status, e) = raw.get("/users/00000000-0000-4000-8000-000000000000").await;
    assert_eq!(status, 404);
    spec.check(&problem(404), &e);
    let (status, e) = raw.get("/users?limit=5000").await;
    assert_eq!(status, 400);
    spec.check(&problem(400), &e);
    let unauthorized = Raw {
        s: &s,
        key: SigningKey::generate_ed25519(),
        token: raw.token.clone(),
    };
    let (status, e) = unauthorized.get("/users").await;
    assert_eq!(status, 401);
    spec.check(&problem(401), &e);
    assert_eq!(checked.len(), 8, "{checked:?}");
    println!(
        "Upvest endpoints checked against the spec: {}",
        checked.len()
    );
}

#[test]
fn the_validator_catches_what_the_spec_forbids() {
    let spec = Spec::upvest();
    let mut bad = serde_json::to_value(new_user()).unwrap();
    bad["nationalities"] = json!(["Germany"]);
    let root = {
        let mut r = spec.doc.clone();
        r.as_object_mut().unwrap().insert(
            "$ref".into(),
            Value::String(uri(&request("/users", "post"))),
        );
        r
    };
    let v = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .unwrap();
    assert!(!v.is_valid(&bad), "a nationality must be an ISO code");
    let mut extra = serde_json::to_value(new_user()).unwrap();
    extra["favourite_colour"] = json!("blue");
    assert!(!v.is_valid(&extra), "unknown fields are refused");
}

impl Spec {
    /// A validator for the schema at `pointer`, formats (`date`, `email`) checked too.
    fn validator(&self, pointer: &str) -> jsonschema::Validator {
        let mut root = self.doc.clone();
        root.as_object_mut()
            .unwrap()
            .insert("$ref".into(), Value::String(uri(pointer)));
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&root)
            .expect("the schema compiles")
    }
}

fn valid_address() -> Value {
    serde_json::to_value(new_user().address).unwrap()
}

/// The address with one field set to `value` (`None`: without the field).
fn address_with(field: &str, value: Option<Value>) -> Value {
    let mut a = valid_address();
    match value {
        Some(v) => a[field] = v,
        None => {
            a.as_object_mut().unwrap().remove(field);
        }
    }
    a
}

/// Values the BYOL user schema forbids, field by field: too short or long, wrong case, wrong
/// form, wrong type, null, an address missing a part or with a part of the wrong shape.
fn invalid_user_values() -> Vec<(&'static str, Value)> {
    let long = |n: usize| json!("x".repeat(n));
    let mut v = Vec::new();
    for name in ["first_name", "last_name"] {
        for bad in [json!("A"), json!(""), long(101), json!(5), json!(null)] {
            v.push((name, bad));
        }
    }
    for bad in [json!("MR"), json!("salutation_male"), json!(1)] {
        v.push(("salutation", bad));
    }
    for bad in [json!("Herr"), json!("dr"), json!(null)] {
        v.push(("title", bad));
    }
    for bad in [
        json!("yesterday"),
        json!("1990-02-30"),
        json!("01.04.1990"),
        json!("1990-4-1"),
        json!("1990-04-01T00:00:00Z"),
        json!(""),
        json!(19900401),
        json!(null),
    ] {
        v.push(("birth_date", bad));
    }
    for bad in [json!(""), long(86), json!(7)] {
        v.push(("birth_city", bad));
    }
    for bad in [json!("de"), json!("DEU"), json!("Germany"), json!("")] {
        v.push(("birth_country", bad));
    }
    for bad in [long(101), json!(false)] {
        v.push(("birth_name", bad));
    }
    for bad in [
        json!([]),
        json!(["de"]),
        json!(["DE", "dk"]),
        json!(["DEU"]),
        json!("DE"),
        json!([1]),
        json!(null),
    ] {
        v.push(("nationalities", bad));
    }
    for field in ["address", "postal_address"] {
        let mut bads = vec![
            json!({}),
            json!("Invalidenstraße 1, 10115 Berlin"),
            json!([]),
        ];
        for part in ["address_line1", "postcode", "country", "city"] {
            bads.push(address_with(part, None));
        }
        for (part, bad) in [
            ("address_line1", long(101)),
            ("address_line2", long(101)),
            ("postcode", json!("12345678901")),
            ("postcode", json!("10115!")),
            ("postcode", json!("")),
            ("country", json!("de")),
            ("country", json!("DEU")),
            ("state", long(51)),
            ("city", json!("")),
            ("city", long(86)),
        ] {
            bads.push(address_with(part, Some(bad)));
        }
        if field == "address" {
            bads.push(json!(null));
        }
        v.extend(bads.into_iter().map(|b| (field, b)));
    }
    v
}

/// Values the spec's schema lets through but its descriptions forbid: "must not be a P.O. box
/// or c/o address".
fn described_invalid_values() -> Vec<(&'static str, Value)> {
    let mut v = Vec::new();
    for field in ["address", "postal_address"] {
        for (part, line) in [
            ("address_line1", "P.O. Box 12"),
            ("address_line1", "Postfach 1234"),
            ("address_line2", "c/o Erika Mustermann"),
        ] {
            v.push((field, address_with(part, Some(json!(line)))));
        }
    }
    v
}

#[tokio::test]
async fn a_data_change_request_is_checked_as_creating_a_user_is() {
    let spec = Spec::upvest();
    let create = spec.validator(&request("/users", "post"));
    let change = spec.validator(&request("/users/{user_id}/data_change_requests", "post"));
    // Hundreds of requests as fast as they go: the rate limit (tested on its own) would
    // answer some with 429 before their bodies are read.
    let s = backoffice::sandbox::Sandbox::start(backoffice::sandbox::SandboxOptions {
        people: 20,
        upvest_rate_limit: 100_000,
        ..Default::default()
    })
    .await
    .expect("sandbox starts");
    let raw = Raw::new(&s).await;
    let (_, list) = raw.get("/users?limit=1").await;
    let id = list["data"][0]["id"].as_str().unwrap().to_string();
    let changes = format!("/users/{id}/data_change_requests");
    let post = |rel: String, body: &Value| {
        let raw = &raw;
        let body = serde_json::to_vec(body).unwrap();
        async move {
            raw.answer(
                "POST",
                &rel,
                body,
                "application/json",
                Some(&uuid::Uuid::new_v4().to_string()),
            )
            .await
        }
    };

    let invalid = invalid_user_values();
    let described = described_invalid_values();
    let mut accepted = Vec::new();
    for (i, (field, value)) in invalid.iter().chain(&described).enumerate() {
        let by_schema = i < invalid.len();
        let mut whole = serde_json::to_value(new_user()).unwrap();
        whole[*field] = value.clone();
        let partial = json!({ *field: value });
        if by_schema {
            assert!(!create.is_valid(&whole), "the spec forbids {whole}");
            assert!(!change.is_valid(&partial), "the spec forbids {partial}");
        }
        for (route, body) in [("/users".to_string(), &whole), (changes.clone(), &partial)] {
            let (status, content_type, answer) = post(route.clone(), body).await;
            if status != 400 || content_type != "application/problem+json" {
                accepted.push(format!("POST {route} {body}: {status} {content_type}"));
                continue;
            }
            spec.check(&problem(400), &answer);
        }
    }
    assert!(
        accepted.is_empty(),
        "{} of {} invalid bodies were not refused as problems:\n{}",
        accepted.len(),
        2 * (invalid.len() + described.len()),
        accepted.join("\n")
    );

    // What the spec allows goes through, on both routes alike.
    for body in [
        json!({"first_name": "Jo"}),
        json!({"last_name": "Schmidt", "birth_name": "Müller"}),
        json!({"salutation": "", "title": "PROF_DR"}),
        json!({"birth_date": "1990-04-01", "birth_city": "Köln", "birth_country": "DE"}),
        json!({"nationalities": ["DE", "DK"]}),
        json!({"address": address_with("state", Some(json!("BE")))}),
        json!({"postal_address": address_with("postcode", Some(json!("D-101 15")))}),
        json!({"postal_address": null}),
    ] {
        spec.check(
            &request("/users/{user_id}/data_change_requests", "post"),
            &body,
        );
        let (status, _, answer) = post(changes.clone(), &body).await;
        assert_eq!(status, 202, "{body}: {answer}");
        let mut whole = serde_json::to_value(new_user()).unwrap();
        whole
            .as_object_mut()
            .unwrap()
            .extend(body.as_object().unwrap().clone());
        spec.check(&request("/users", "post"), &whole);
        let (status, _, answer) = post("/users".into(), &whole).await;
        assert_eq!(status, 200, "{whole}: {answer}");
    }
    // Nothing to change, or a field no request may change.
    for body in [json!({}), json!({"status": "ACTIVE"}), json!([])] {
        assert!(!change.is_valid(&body), "the spec forbids {body}");
        let (status, content_type, _) = post(changes.clone(), &body).await;
        assert_eq!(
            (status, content_type.as_str()),
            (400, "application/problem+json"),
            "{body}"
        );
    }
    assert_eq!(
        s.upvest.store.lock().unwrap().data_change_requests.len(),
        8,
        "only the valid requests were kept"
    );
}

#[tokio::test]
async fn every_upvest_error_is_a_problem_and_empty_paging_values_are_the_defaults() {
    let spec = Spec::upvest();
    let s = crate::common::sandbox(20).await;
    let raw = Raw::new(&s).await;
    let get = |rel: &'static str| raw.answer("GET", rel, Vec::new(), "", None);

    // `allowEmptyValue`: an empty limit or offset is the default.
    let (status, _, list) = get("/users?offset=&limit=").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(
        (
            list["meta"]["offset"].clone(),
            list["meta"]["limit"].clone()
        ),
        (json!(0), json!(100))
    );
    spec.check(&response("/users", "get", 200), &list);

    for (rel, want) in [
        ("/users?limit=1&limit=2", 400),
        ("/users?offset=1&offset=1", 400),
        ("/users?limit=ten", 400),
        ("/users?offset=-1", 400),
        ("/users?sort=updated_at", 400),
        ("/users?order=asc", 400),
        ("/users/not-a-uuid", 400),
        ("/users/00000000-0000-4000-8000-000000000000/checks", 404),
        ("/no-such-endpoint", 404),
        ("/users/00000000-0000-4000-8000-000000000000/accounts", 404),
    ] {
        let (status, content_type, body) = get(rel).await;
        assert_eq!(
            (status, content_type.as_str()),
            (want, "application/problem+json"),
            "GET {rel}: {body}"
        );
        assert_eq!(body["status"], want, "GET {rel}");
        spec.check(&problem(want), &body);
    }
    let (status, content_type, body) = raw.answer("PUT", "/users", Vec::new(), "", None).await;
    assert_eq!(
        (status, content_type.as_str()),
        (405, "application/problem+json"),
        "PUT /users: {body}"
    );
    spec.check(&problem(400), &body);
}
