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
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
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
