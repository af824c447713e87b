//! The sandbox's own check of Upvest's HTTP message signatures (v15, as docs.upvest.co
//! describes them), written apart from the client's signer so that a client which covers the
//! wrong components, lists them in one order and signs them in another, or builds the
//! signature base wrongly is refused here rather than agreed with.
//!
//! What is checked, in order: the `signature-input` member `sig1` parses as a structured
//! field (an inner list of strings with `keyid`, `created`, `nonce` and optionally `expires`
//! and `alg`); every component Upvest requires for this request is covered; the time window;
//! the `content-digest` against the body; the signature over the base rebuilt from the
//! request in the order `signature-input` lists; the nonce not seen before.

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha512};

/// The one signature label Upvest uses.
const LABEL: &str = "sig1";
/// A signature created longer ago than this is refused, whatever its `expires`.
pub const MAX_AGE_SECS: i64 = 300;
/// How far ahead of the sandbox's clock a signature may be dated.
pub const MAX_SKEW_SECS: i64 = 5;

/// A registered public key.
#[derive(Clone)]
pub enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    P521(Box<p521::ecdsa::VerifyingKey>),
}

impl PublicKey {
    /// A `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) of either algorithm.
    pub fn from_pem(pem: &str) -> Option<PublicKey> {
        use ed25519_dalek::pkcs8::DecodePublicKey as _;
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem.trim()) {
            return Some(PublicKey::Ed25519(k));
        }
        p521::ecdsa::VerifyingKey::from_public_key_pem(pem.trim())
            .ok()
            .map(|k| PublicKey::P521(Box::new(k)))
    }

    /// Ed25519: 64 raw bytes, checked strictly. P-521: ECDSA with SHA-512, ASN.1 DER.
    fn verifies(&self, base: &[u8], signature: &[u8]) -> bool {
        match self {
            PublicKey::Ed25519(k) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|s| k.verify_strict(base, &s).is_ok()),
            PublicKey::P521(k) => {
                use p521::ecdsa::signature::Verifier as _;
                p521::ecdsa::DerSignature::from_bytes(signature)
                    .is_ok_and(|s| k.verify(base, &s).is_ok())
            }
        }
    }

    fn alg(&self) -> &'static str {
        match self {
            PublicKey::Ed25519(_) => "ed25519",
            PublicKey::P521(_) => "ecdsa-p521-sha512",
        }
    }
}

/// Why a request's signature is refused (the text goes into the problem's `detail`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the signature-input header is missing or malformed ({0})")]
    BadInput(&'static str),
    #[error("the signature header is missing or malformed")]
    BadSignature,
    #[error("the signature does not cover {0}")]
    NotCovered(&'static str),
    #[error("the signature covers {0}, which the request does not have")]
    Absent(String),
    #[error("the signature covers {0}, which Upvest does not sign")]
    Unsupported(String),
    #[error("the signature has expired")]
    Expired,
    #[error("the signature was made in the future")]
    Future,
    #[error("unknown signing key")]
    UnknownKey,
    #[error("the alg parameter does not match the key")]
    WrongAlg,
    #[error("content-digest does not match the body")]
    Digest,
    #[error("the signature does not verify")]
    Invalid,
    #[error("the nonce was used before")]
    Replayed,
}

/// A request as the sandbox received it.
pub struct Received<'a> {
    /// As sent (`POST`); HTTP methods are case-sensitive.
    pub method: &'a str,
    /// The path as sent, percent-encoding kept.
    pub path: &'a str,
    /// The query without its `?`; `None` when the target has no `?`.
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
}

/// One parameter value of `signature-input`.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Str(String),
    Int(i64),
}

/// `signature-input`'s `sig1` member.
#[derive(Debug)]
struct Input {
    covered: Vec<String>,
    params: Vec<(String, Value)>,
}

impl Input {
    fn param(&self, name: &str) -> Option<&Value> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    fn string(&self, name: &'static str) -> Result<Option<&str>, Refusal> {
        match self.param(name) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(Value::Int(_)) => Err(Refusal::BadInput(name)),
        }
    }

    fn integer(&self, name: &'static str) -> Result<Option<i64>, Refusal> {
        match self.param(name) {
            None => Ok(None),
            Some(Value::Int(i)) => Ok(Some(*i)),
            Some(Value::Str(_)) => Err(Refusal::BadInput(name)),
        }
    }

    /// The `@signature-params` value: the member serialised again (RFC 8941), so a client
    /// that sends extra spaces still signs the canonical form.
    fn serialised(&self) -> String {
        let mut out = String::from("(");
        for (i, c) in self.covered.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            push_sf_string(&mut out, c);
        }
        out.push(')');
        for (name, value) in &self.params {
            out.push(';');
            out.push_str(name);
            out.push('=');
            match value {
                Value::Str(s) => push_sf_string(&mut out, s),
                Value::Int(i) => out.push_str(&i.to_string()),
            }
        }
        out
    }
}

fn push_sf_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
}

/// A small reader for the structured-field syntax (RFC 8941) these two headers use.
struct Reader<'a> {
    s: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(s: &'a str) -> Reader<'a> {
        Reader {
            s: s.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn skip(&mut self, what: &[u8]) {
        while self.peek().is_some_and(|b| what.contains(&b)) {
            self.at += 1;
        }
    }

    fn done(&self) -> bool {
        self.at >= self.s.len()
    }

    /// `key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )`
    fn key(&mut self) -> Option<String> {
        let start = self.at;
        match self.peek() {
            Some(b) if b.is_ascii_lowercase() || b == b'*' => self.at += 1,
            _ => return None,
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_-.*".contains(&b))
        {
            self.at += 1;
        }
        Some(String::from_utf8_lossy(&self.s[start..self.at]).into_owned())
    }

    fn string(&mut self) -> Option<String> {
        if !self.eat(b'"') {
            return None;
        }
        let mut out = String::new();
        loop {
            let b = self.peek()?;
            self.at += 1;
            match b {
                b'"' => return Some(out),
                b'\\' => {
                    let e = self.peek()?;
                    if e != b'"' && e != b'\\' {
                        return None;
                    }
                    self.at += 1;
                    out.push(e as char);
                }
                0x20..=0x7e => out.push(b as char),
                _ => return None,
            }
        }
    }

    fn integer(&mut self) -> Option<i64> {
        let start = self.at;
        self.eat(b'-');
        let digits = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        let n = self.at - digits;
        if n == 0 || n > 15 {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.at])
            .ok()?
            .parse()
            .ok()
    }

    fn byte_sequence(&mut self) -> Option<Vec<u8>> {
        if !self.eat(b':') {
            return None;
        }
        let start = self.at;
        while self.peek().is_some_and(|b| b != b':') {
            self.at += 1;
        }
        let text = &self.s[start..self.at];
        if !self.eat(b':') {
            return None;
        }
        B64.decode(text).ok()
    }

    /// `;key=value` pairs; a bare `;key` (boolean true) is not something Upvest sends.
    fn params(&mut self) -> Option<Vec<(String, Value)>> {
        let mut params: Vec<(String, Value)> = Vec::new();
        while self.eat(b';') {
            self.skip(b" ");
            let key = self.key()?;
            if !self.eat(b'=') {
                return None;
            }
            let value = match self.peek()? {
                b'"' => Value::Str(self.string()?),
                b'-' | b'0'..=b'9' => Value::Int(self.integer()?),
                _ => return None,
            };
            if params.iter().any(|(k, _)| *k == key) {
                return None;
            }
            params.push((key, value));
        }
        Some(params)
    }
}

/// Every member of a structured-field dictionary whose value this reads with `item`;
/// `None` when the header is not such a dictionary.
fn dictionary<T>(
    header: &str,
    mut item: impl FnMut(&mut Reader<'_>) -> Option<T>,
) -> Option<Vec<(String, T)>> {
    let mut r = Reader::new(header);
    let mut members = Vec::new();
    r.skip(b" ");
    while !r.done() {
        let key = r.key()?;
        if !r.eat(b'=') {
            return None;
        }
        members.push((key, item(&mut r)?));
        r.skip(b" \t");
        if r.done() {
            break;
        }
        if !r.eat(b',') {
            return None;
        }
        r.skip(b" \t");
        if r.done() {
            return None;
        }
    }
    Some(members)
}

/// All of a header's lines, joined as HTTP joins repeated fields; `None` when absent or not
/// visible ASCII.
fn field(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut values = Vec::new();
    for v in headers.get_all(name) {
        values.push(v.to_str().ok()?.trim());
    }
    if values.is_empty() {
        None
    } else {
        Some(values.join(", "))
    }
}

fn parse_input(headers: &HeaderMap) -> Result<Input, Refusal> {
    let header = field(headers, "signature-input").ok_or(Refusal::BadInput("missing"))?;
    let members = dictionary(&header, |r| {
        if !r.eat(b'(') {
            return None;
        }
        let mut covered = Vec::new();
        loop {
            r.skip(b" ");
            if r.eat(b')') {
                break;
            }
            covered.push(r.string()?);
            // Parameters on a component (`"x";sf`) are not part of Upvest's scheme.
            if !matches!(r.peek(), Some(b' ' | b')')) {
                return None;
            }
        }
        Some(Input {
            covered,
            params: r.params()?,
        })
    })
    .ok_or(Refusal::BadInput("not a structured dictionary"))?;
    members
        .into_iter()
        .find(|(k, _)| k == LABEL)
        .map(|(_, v)| v)
        .ok_or(Refusal::BadInput("no sig1 member"))
}

fn parse_signature(headers: &HeaderMap) -> Result<Vec<u8>, Refusal> {
    let header = field(headers, "signature").ok_or(Refusal::BadSignature)?;
    dictionary(&header, |r| r.byte_sequence())
        .ok_or(Refusal::BadSignature)?
        .into_iter()
        .find(|(k, _)| k == LABEL)
        .map(|(_, v)| v)
        .ok_or(Refusal::BadSignature)
}

/// What Upvest requires a signature to cover, from its component table: the method and
/// path always; the query whenever the target has one; `accept` and `upvest-client-id`
/// always; `authorization` on every request but the token request; the body's length,
/// type and digest whenever there is a body; `idempotency-key` whenever it is sent.
pub fn required(r: &Received<'_>, token_request: bool) -> Vec<&'static str> {
    let mut need = vec!["@method", "@path"];
    if r.query.is_some() {
        need.push("@query");
    }
    need.push("accept");
    if !token_request {
        need.push("authorization");
    }
    if !r.body.is_empty() {
        need.extend(["content-length", "content-type", "content-digest"]);
    }
    if r.headers.contains_key("idempotency-key") {
        need.push("idempotency-key");
    }
    need.push("upvest-client-id");
    need
}

/// `sha-512=:<base64>:` of the body, as Upvest defines `content-digest`.
fn digest(body: &[u8]) -> String {
    let mut h = Sha512::new();
    h.update(body);
    format!("sha-512=:{}:", B64.encode(h.finalize()))
}

/// The signature base: a `"name": value` line per covered component, in the order
/// `signature-input` lists them, then the `"@signature-params"` line; no final newline.
fn signature_base(r: &Received<'_>, input: &Input) -> Result<String, Refusal> {
    let mut base = String::new();
    for name in &input.covered {
        let value = match name.as_str() {
            "@method" => r.method.to_string(),
            "@path" => {
                if r.path.is_empty() {
                    "/".to_string()
                } else {
                    r.path.to_string()
                }
            }
            "@query" => format!("?{}", r.query.unwrap_or_default()),
            n if n.starts_with('@') => return Err(Refusal::Unsupported(n.to_string())),
            n if n.bytes().any(|b| b.is_ascii_uppercase()) => {
                return Err(Refusal::BadInput("a header name is not lower case"));
            }
            n => field(r.headers, n).ok_or_else(|| Refusal::Absent(n.to_string()))?,
        };
        base.push('"');
        base.push_str(name);
        base.push_str("\": ");
        base.push_str(&value);
        base.push('\n');
    }
    base.push_str("\"@signature-params\": ");
    base.push_str(&input.serialised());
    Ok(base)
}

/// Checks a request's signature as Upvest does. `key` finds a registered key by its id;
/// `first_use` records a nonce and says whether it is new (called only for a signature that
/// verifies, so forgeries cannot use up nonces).
pub fn verify(
    r: &Received<'_>,
    token_request: bool,
    key: impl Fn(&str) -> Option<PublicKey>,
    now: i64,
    first_use: impl FnOnce(&str) -> bool,
) -> Result<(), Refusal> {
    let input = parse_input(r.headers)?;
    let signature = parse_signature(r.headers)?;
    let mut seen = std::collections::HashSet::new();
    if !input.covered.iter().all(|c| seen.insert(c.as_str())) {
        return Err(Refusal::BadInput("a component is listed twice"));
    }
    for need in required(r, token_request) {
        if !input.covered.iter().any(|c| c == need) {
            return Err(Refusal::NotCovered(need));
        }
    }
    let key_id = input.string("keyid")?.ok_or(Refusal::BadInput("keyid"))?;
    let created = input
        .integer("created")?
        .ok_or(Refusal::BadInput("created"))?;
    let expires = input.integer("expires")?;
    let nonce = input
        .string("nonce")?
        .filter(|n| !n.is_empty())
        .ok_or(Refusal::BadInput("nonce"))?;
    if created > now + MAX_SKEW_SECS {
        return Err(Refusal::Future);
    }
    if created < now - MAX_AGE_SECS || expires.is_some_and(|e| e <= now) {
        return Err(Refusal::Expired);
    }
    if !r.body.is_empty() && field(r.headers, "content-digest") != Some(digest(r.body)) {
        return Err(Refusal::Digest);
    }
    let base = signature_base(r, &input)?;
    let key = key(key_id).ok_or(Refusal::UnknownKey)?;
    if input.string("alg")?.is_some_and(|a| a != key.alg()) {
        return Err(Refusal::WrongAlg);
    }
    if !key.verifies(base.as_bytes(), &signature) {
        return Err(Refusal::Invalid);
    }
    if !first_use(nonce) {
        return Err(Refusal::Replayed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Signatures here are made with ed25519-dalek directly over bases written out by hand,
    //! never with the client's signer.
    use super::*;
    use axum::http::HeaderValue;
    use ed25519_dalek::Signer as _;

    const NOW: i64 = 1_700_000_000;

    fn key() -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[7u8; 32])
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    /// A GET whose base lists `covered` and signs `base` (normally the same text).
    fn get(covered: &str, base: &str) -> HeaderMap {
        let params = format!(
            "({covered});keyid=\"k\";created={NOW};expires={};nonce=\"n1\"",
            NOW + 60
        );
        let sig = B64.encode(
            key()
                .sign(format!("{base}\"@signature-params\": {params}").as_bytes())
                .to_bytes(),
        );
        headers(&[
            ("accept", "application/json"),
            ("authorization", "Bearer t"),
            ("upvest-client-id", "c"),
            ("signature-input", &format!("sig1={params}")),
            ("signature", &format!("sig1=:{sig}:")),
        ])
    }

    fn check(h: &HeaderMap, query: Option<&str>) -> Result<(), Refusal> {
        let r = Received {
            method: "GET",
            path: "/users",
            query,
            headers: h,
            body: b"",
        };
        let public = PublicKey::Ed25519(key().verifying_key());
        verify(
            &r,
            false,
            |id| (id == "k").then(|| public.clone()),
            NOW,
            |_| true,
        )
    }

    const LIST: &str = r#""@method" "@path" "accept" "authorization" "upvest-client-id""#;
    const BASE: &str = "\"@method\": GET\n\"@path\": /users\n\"accept\": application/json\n\"authorization\": Bearer t\n\"upvest-client-id\": c\n";

    #[test]
    fn a_base_written_out_by_hand_verifies() {
        assert_eq!(check(&get(LIST, BASE), None), Ok(()));
    }

    #[test]
    fn a_signature_that_leaves_out_a_required_component_is_refused() {
        let list = r#""@method" "@path" "accept" "upvest-client-id""#;
        let base = "\"@method\": GET\n\"@path\": /users\n\"accept\": application/json\n\"upvest-client-id\": c\n";
        assert_eq!(
            check(&get(list, base), None),
            Err(Refusal::NotCovered("authorization"))
        );
        // A query that is not covered.
        assert_eq!(
            check(&get(LIST, BASE), Some("limit=1")),
            Err(Refusal::NotCovered("@query"))
        );
    }

    #[test]
    fn a_base_in_another_order_than_the_input_lists_is_refused() {
        let swapped = "\"@path\": /users\n\"@method\": GET\n\"accept\": application/json\n\"authorization\": Bearer t\n\"upvest-client-id\": c\n";
        assert_eq!(check(&get(LIST, swapped), None), Err(Refusal::Invalid));
        // Listed in another order and signed in that order: fine, as the draft allows.
        let list = r#""@path" "@method" "accept" "authorization" "upvest-client-id""#;
        assert_eq!(check(&get(list, swapped), None), Ok(()));
    }

    #[test]
    fn a_base_built_wrongly_is_refused() {
        // v6 style (names unquoted), the method in lower case, a trailing newline before the
        // parameters line missing.
        for wrong in [
            "@method: GET\n@path: /users\naccept: application/json\nauthorization: Bearer t\nupvest-client-id: c\n",
            "\"@method\": get\n\"@path\": /users\n\"accept\": application/json\n\"authorization\": Bearer t\n\"upvest-client-id\": c\n",
            "\"@method\": GET\n\"@path\": /users\n\"accept\": application/json\n\"authorization\": Bearer t\n\"upvest-client-id\": c",
        ] {
            assert_eq!(
                check(&get(LIST, wrong), None),
                Err(Refusal::Invalid),
                "{wrong}"
            );
        }
    }

    #[test]
    fn malformed_inputs_are_refused_before_any_key_is_used() {
        let good = get(LIST, BASE);
        for bad in [
            "sig1=(@method @path);keyid=\"k\";created=1;nonce=\"n\"",
            "sig1=(\"@method\" \"@path\";keyid=\"k\"",
            "sig2=(\"@method\");keyid=\"k\";created=1;nonce=\"n\"",
            "sig1=(\"@method\" \"@method\" \"@path\" \"accept\" \"authorization\" \"upvest-client-id\");keyid=\"k\";created=1;nonce=\"n\"",
        ] {
            let mut h = good.clone();
            h.insert("signature-input", HeaderValue::from_str(bad).unwrap());
            assert!(
                matches!(check(&h, None), Err(Refusal::BadInput(_))),
                "{bad}"
            );
        }
        let mut h = good.clone();
        h.insert("signature", HeaderValue::from_static("sig1=abc"));
        assert_eq!(check(&h, None), Err(Refusal::BadSignature));
    }

    #[test]
    fn time_window_and_nonce() {
        let h = get(LIST, BASE);
        let r = Received {
            method: "GET",
            path: "/users",
            query: None,
            headers: &h,
            body: b"",
        };
        let public = PublicKey::Ed25519(key().verifying_key());
        let k = |_: &str| Some(public.clone());
        assert_eq!(
            verify(&r, false, k, NOW + 60, |_| true),
            Err(Refusal::Expired)
        );
        assert_eq!(
            verify(&r, false, k, NOW - 6, |_| true),
            Err(Refusal::Future)
        );
        assert_eq!(verify(&r, false, k, NOW, |_| false), Err(Refusal::Replayed));
        assert_eq!(
            verify(&r, false, |_| None, NOW, |_| true),
            Err(Refusal::UnknownKey)
        );
    }

    #[test]
    fn the_published_content_digest_examples() {
        assert_eq!(
            digest(br#"{"hello": "world"}"#),
            "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
        );
    }
}
