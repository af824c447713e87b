//! Signature vectors made outside this project (see `fixtures/README.md`): Upvest requests
//! whose signature bases were written out by hand from Upvest's documentation and signed with
//! OpenSSL, and a bunq body signed by `openssl dgst -sha256 -sign`. Each is checked against
//! the client (`backends`) and against the sandbox's own verifier.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use backoffice::backends::bunq::signing as client_bunq;
use backoffice::backends::upvest::signature as client_upvest;
use backoffice::sandbox::bunq::signature as sandbox_bunq;
use backoffice::sandbox::upvest::signature as sandbox_upvest;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A request from a `.http` fixture: `METHOD target`, header lines, a blank line, the body.
struct Http {
    method: String,
    path: String,
    /// Without the `?`.
    query: Option<String>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Http {
    fn load(name: &str) -> Http {
        let text = fixture(&format!("upvest/{name}.http"));
        let (head, body) = text
            .split_once("\n\n")
            .expect("a blank line after the headers");
        let mut lines = head.lines();
        let (method, target) = lines.next().unwrap().split_once(' ').unwrap();
        let (path, query) = match target.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (target.to_string(), None),
        };
        let headers = lines
            .map(|l| {
                let (k, v) = l.split_once(": ").unwrap();
                (k.to_string(), v.to_string())
            })
            .collect();
        Http {
            method: method.to_string(),
            path,
            query,
            headers,
            body: body.as_bytes().to_vec(),
        }
    }

    fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// The headers as the sandbox receives them, with `signature: sig1=:<sig>:` added.
    fn header_map(&self, signature_b64: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in &self.headers {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h.insert(
            "signature",
            HeaderValue::from_str(&format!("sig1=:{signature_b64}:")).unwrap(),
        );
        h
    }

    /// `created` of its `signature-input`, for a clock inside the signature's window.
    fn created(&self) -> i64 {
        let input = self.header("signature-input").unwrap();
        let at = input.find(";created=").unwrap() + ";created=".len();
        input[at..].split(';').next().unwrap().parse().unwrap()
    }
}

const REQUESTS: [&str; 2] = ["post-with-body", "get-without-body"];
const KEY_ID: &str = "8d4997a8-cf7a-4e51-adbb-401656a3e5c2";

/// The hand-written base's covered components and its `@signature-params` value.
fn covered_and_params(base: &str) -> (Vec<String>, String) {
    let last = base.lines().last().unwrap();
    let params = last.strip_prefix("\"@signature-params\": ").unwrap();
    let list = &params[1..params.find(')').unwrap()];
    let covered = list
        .split(' ')
        .map(|c| c.trim_matches('"').to_string())
        .collect();
    (covered, params.to_string())
}

#[test]
fn the_upvest_client_builds_the_hand_written_signature_bases_byte_for_byte() {
    for name in REQUESTS {
        let http = Http::load(name);
        let expected = fixture(&format!("upvest/{name}.base"));
        let (covered, params) = covered_and_params(&expected);
        let get = |n: &str| http.header(n);
        let query = http
            .query
            .as_ref()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        let request = client_upvest::Request {
            method: &http.method,
            path: &http.path,
            query: &query,
            header: &get,
        };
        assert_eq!(
            client_upvest::components(&request),
            covered.iter().map(String::as_str).collect::<Vec<_>>(),
            "{name}: the components the client would cover"
        );
        let built = client_upvest::base(&request, &client_upvest::components(&request), &params)
            .expect("every covered header is present");
        assert_eq!(built, expected, "{name}: the client's signature base");
        // And the `signature-input` the client would send lists them the same way.
        assert_eq!(
            http.header("signature-input").unwrap(),
            format!("sig1={params}"),
            "{name}"
        );
        if let Some(body) = (!http.body.is_empty()).then_some(&http.body) {
            assert_eq!(
                client_upvest::content_digest(body),
                http.header("content-digest").unwrap()
            );
        }
    }
}

#[test]
fn the_upvest_client_reads_openssl_keys_and_agrees_with_openssl_signatures() {
    let ed = client_upvest::SigningKey::from_pem(&fixture("upvest/ed25519-test-key.pem"), None)
        .expect("an OpenSSL Ed25519 key (PKCS#8 v1)");
    let p521 = client_upvest::SigningKey::from_pem(&fixture("upvest/p521-test-key.pem"), None)
        .expect("an OpenSSL P-521 key");
    for name in REQUESTS {
        let base = fixture(&format!("upvest/{name}.base"));
        let ed_sig = fixture(&format!("upvest/{name}.ed25519.sig"));
        // Ed25519 is deterministic: the client's signature is OpenSSL's, byte for byte.
        assert_eq!(
            B64.encode(ed.sign(base.as_bytes())),
            ed_sig.trim(),
            "{name}: Ed25519"
        );
        let p521_sig = B64
            .decode(fixture(&format!("upvest/{name}.p521.sig")).trim())
            .unwrap();
        assert!(
            p521.verifying_key().verify(base.as_bytes(), &p521_sig),
            "{name}: OpenSSL's P-521 signature verifies with the client's key"
        );
        assert!(!p521.verifying_key().verify(b"another base", &p521_sig));
    }
}

fn sandbox_key(alg: &str) -> sandbox_upvest::PublicKey {
    sandbox_upvest::PublicKey::from_pem(&fixture(&format!("upvest/{alg}-test-key.pub.pem")))
        .expect("an OpenSSL public key")
}

fn sandbox_check(
    http: &Http,
    headers: &HeaderMap,
    key: &sandbox_upvest::PublicKey,
) -> Result<(), sandbox_upvest::Refusal> {
    let r = sandbox_upvest::Received {
        method: &http.method,
        path: &http.path,
        query: http.query.as_deref(),
        headers,
        body: &http.body,
    };
    sandbox_upvest::verify(
        &r,
        false,
        |id| (id == KEY_ID).then(|| key.clone()),
        http.created() + 1,
        |_| true,
    )
}

#[test]
fn the_sandbox_accepts_openssl_signatures_over_the_hand_written_bases() {
    for name in REQUESTS {
        let http = Http::load(name);
        for alg in ["ed25519", "p521"] {
            let sig = fixture(&format!("upvest/{name}.{alg}.sig"));
            let headers = http.header_map(sig.trim());
            assert_eq!(
                sandbox_check(&http, &headers, &sandbox_key(alg)),
                Ok(()),
                "{name} {alg}"
            );
        }
    }
}

#[test]
fn the_sandbox_refuses_the_vectors_once_anything_covered_changes() {
    use sandbox_upvest::Refusal;
    for name in REQUESTS {
        for alg in ["ed25519", "p521"] {
            let sig = fixture(&format!("upvest/{name}.{alg}.sig"));
            let key = sandbox_key(alg);
            let other = sandbox_key(if alg == "p521" { "ed25519" } else { "p521" });
            let http = Http::load(name);
            let headers = http.header_map(sig.trim());
            assert_eq!(
                sandbox_check(&http, &headers, &other),
                Err(Refusal::Invalid),
                "{name} {alg}: another key"
            );
            let mut changed = http.header_map(sig.trim());
            changed.insert("authorization", HeaderValue::from_static("Bearer other"));
            assert_eq!(
                sandbox_check(&http, &changed, &key),
                Err(Refusal::Invalid),
                "{name} {alg}: another token"
            );
            let mut moved = Http::load(name);
            moved.path.push('x');
            assert_eq!(
                sandbox_check(&moved, &headers, &key),
                Err(Refusal::Invalid),
                "{name} {alg}: another path"
            );
            let mut lower = Http::load(name);
            lower.method = lower.method.to_lowercase();
            assert_eq!(
                sandbox_check(&lower, &headers, &key),
                Err(Refusal::Invalid),
                "{name} {alg}: the method as the base does not have it"
            );
            if !http.body.is_empty() {
                let mut body = Http::load(name);
                body.body = br#"{"key": "other"}"#.to_vec();
                assert_eq!(
                    sandbox_check(&body, &headers, &key),
                    Err(Refusal::Digest),
                    "{name} {alg}: another body"
                );
            }
        }
    }
}

#[test]
fn the_sandbox_refuses_the_vectors_with_a_required_component_left_out() {
    // The signature stays OpenSSL's; the input no longer lists `authorization`, so the base is
    // not the one signed either, but the missing component is what is named.
    let http = Http::load("get-without-body");
    let sig = fixture("upvest/get-without-body.ed25519.sig");
    let mut headers = http.header_map(sig.trim());
    let input = http
        .header("signature-input")
        .unwrap()
        .replace(" \"authorization\"", "");
    headers.insert("signature-input", HeaderValue::from_str(&input).unwrap());
    assert_eq!(
        sandbox_check(&http, &headers, &sandbox_key("ed25519")),
        Err(sandbox_upvest::Refusal::NotCovered("authorization"))
    );
}

#[test]
fn an_openssl_signed_bunq_body_verifies_in_the_sandbox_and_in_the_client() {
    let body = fixture("bunq/body.json");
    let sig = fixture("bunq/body.json.sig");
    let public = fixture("bunq/rsa2048-test-key.pub.pem");

    let sandbox = sandbox_bunq::ClientKey::from_pem(&public).expect("an OpenSSL RSA public key");
    assert_eq!(sandbox.verify(body.as_bytes(), Some(sig.trim())), Ok(()));
    assert_eq!(
        sandbox.verify(body.replace("100", "900").as_bytes(), Some(sig.trim())),
        Err(sandbox_bunq::Refusal::Mismatch)
    );

    let client = client_bunq::public_from_pem(&public).expect("an OpenSSL RSA public key");
    assert_eq!(
        client_bunq::verify(&client, body.as_bytes(), Some(&sig)),
        Ok(())
    );
    assert_eq!(
        client_bunq::verify(&client, body.replace("100", "900").as_bytes(), Some(&sig)),
        Err(client_bunq::SignatureError::Mismatch)
    );
}

#[test]
fn the_bunq_client_signs_a_body_exactly_as_openssl_does() {
    // PKCS#1 v1.5 is deterministic: same key, same body, same bytes.
    let key = client_bunq::private_from_pem(&fixture("bunq/rsa2048-test-key.pem"))
        .expect("an OpenSSL PKCS#8 RSA key");
    let body = fixture("bunq/body.json");
    assert_eq!(
        client_bunq::sign(&key, body.as_bytes()),
        fixture("bunq/body.json.sig").trim()
    );
}
