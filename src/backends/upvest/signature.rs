//! Upvest's HTTP message signatures, version 15 (draft-ietf-httpbis-message-signatures-15, as
//! Upvest documents it): the `content-digest` of the body, the signature base built from the
//! covered components, and Ed25519 or ECDSA P-521/SHA-512 (DER) signatures over it.
//!
//! The client signs with these functions. The sandbox does not use them: it has its own
//! verifier (`sandbox::upvest::signature`), and both are checked against bases written out by
//! hand from Upvest's documentation and signed with OpenSSL (`tests/it/signature_vectors.rs`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer, Verifier};
use pkcs8::{DecodePrivateKey, EncodePrivateKey, EncodePublicKey};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha512};

/// The signature label Upvest uses.
pub const LABEL: &str = "sig1";
/// How long a signature is valid after it is made.
pub const VALID_SECS: i64 = 60;

/// `sha-512=:<base64>:` of the body.
pub fn content_digest(body: &[u8]) -> String {
    format!("sha-512=:{}:", B64.encode(Sha512::digest(body)))
}

/// A private key that signs requests.
pub enum SigningKey {
    Ed25519(Box<ed25519_dalek::SigningKey>),
    P521(Box<p521::ecdsa::SigningKey>),
}

/// A public key that checks them (the sandbox's registered keys).
#[derive(Clone)]
pub enum VerifyingKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    P521(Box<p521::ecdsa::VerifyingKey>),
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum KeyError {
    #[error("not a PKCS#8 Ed25519 or ECDSA P-521 private key (PEM){0}")]
    Unreadable(&'static str),
}

fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system gives random bytes");
    b
}

impl SigningKey {
    /// Reads a PKCS#8 PEM, encrypted (with `passphrase`) or not.
    pub fn from_pem(pem: &str, passphrase: Option<&SecretString>) -> Result<SigningKey, KeyError> {
        let encrypted = pem.contains("ENCRYPTED PRIVATE KEY");
        if encrypted && passphrase.is_none() {
            return Err(KeyError::Unreadable(
                "; it is encrypted: give its passphrase (passphrase_env or passphrase_cmd)",
            ));
        }
        macro_rules! read {
            ($t:ty) => {
                match (encrypted, passphrase) {
                    (true, Some(p)) => <$t>::from_pkcs8_encrypted_pem(pem, p.expose_secret()),
                    _ => <$t>::from_pkcs8_pem(pem),
                }
            };
        }
        if let Ok(k) = read!(ed25519_dalek::SigningKey) {
            return Ok(SigningKey::Ed25519(Box::new(k)));
        }
        if let Ok(k) = read!(p521::ecdsa::SigningKey) {
            return Ok(SigningKey::P521(Box::new(k)));
        }
        Err(KeyError::Unreadable(if encrypted {
            "; or the passphrase is wrong"
        } else {
            ""
        }))
    }

    pub fn generate_ed25519() -> SigningKey {
        SigningKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(
            &random::<32>(),
        )))
    }

    pub fn generate_p521() -> SigningKey {
        loop {
            let mut bytes = random::<66>();
            bytes[0] &= 0x01; // 521 bits
            if let Ok(k) = p521::ecdsa::SigningKey::from_slice(&bytes) {
                return SigningKey::P521(Box::new(k));
            }
        }
    }

    /// Ed25519: the raw 64 bytes; P-521: SHA-512, then an ASN.1 DER signature.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        match self {
            SigningKey::Ed25519(k) => k.sign(message).to_bytes().to_vec(),
            SigningKey::P521(k) => {
                let sig: p521::ecdsa::DerSignature = k.sign(message);
                sig.as_bytes().to_vec()
            }
        }
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        match self {
            SigningKey::Ed25519(k) => VerifyingKey::Ed25519(k.verifying_key()),
            SigningKey::P521(k) => VerifyingKey::P521(Box::new(*k.verifying_key())),
        }
    }

    /// PKCS#8 PEM, encrypted with `passphrase` when given. An Ed25519 key is written as
    /// PKCS#8 v1 (RFC 5208, no public key), as `openssl genpkey` writes it: OpenSSL 3 and
    /// Python's `cryptography` refuse the v2 form with the public key embedded.
    pub fn to_pem(&self, passphrase: Option<&str>) -> String {
        let der = match self {
            SigningKey::Ed25519(k) => ed25519_dalek::pkcs8::KeypairBytes {
                secret_key: k.to_bytes(),
                public_key: None,
            }
            .to_pkcs8_der(),
            SigningKey::P521(k) => k.to_pkcs8_der(),
        }
        .expect("a key encodes");
        let pem = match passphrase {
            Some(p) => pkcs8::PrivateKeyInfoRef::try_from(der.as_bytes())
                .expect("just encoded")
                .encrypt(p)
                .expect("encrypts")
                .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF),
            None => der.to_pem("PRIVATE KEY", pkcs8::LineEnding::LF),
        };
        pem.expect("PEM encodes").to_string()
    }
}

impl VerifyingKey {
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            VerifyingKey::Ed25519(k) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|s| k.verify(message, &s).is_ok()),
            VerifyingKey::P521(k) => p521::ecdsa::DerSignature::from_bytes(signature)
                .is_ok_and(|s| k.verify(message, &s).is_ok()),
        }
    }

    pub fn to_pem(&self) -> String {
        match self {
            VerifyingKey::Ed25519(k) => k.to_public_key_pem(pkcs8::LineEnding::LF),
            VerifyingKey::P521(k) => k.to_public_key_pem(pkcs8::LineEnding::LF),
        }
        .expect("a public key encodes")
    }
}

/// One request as signed: its method, path, query (with `?`, or empty) and headers.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    /// Lower-case names.
    pub header: &'a dyn Fn(&str) -> Option<String>,
}

/// The components a request covers, in Upvest's order: `@query` only when there is one,
/// `authorization` except for the token request, the body's headers only with a body,
/// `idempotency-key` when sent.
pub fn components(r: &Request<'_>) -> Vec<&'static str> {
    let mut c = vec!["@method", "@path"];
    if !r.query.is_empty() {
        c.push("@query");
    }
    for name in [
        "accept",
        "authorization",
        "content-length",
        "content-type",
        "content-digest",
        "idempotency-key",
        "upvest-client-id",
    ] {
        if (r.header)(name).is_some() {
            c.push(name);
        }
    }
    c
}

/// The signature base: one `"name": value` line per component, then `"@signature-params"`.
/// `None` when a covered header is missing.
pub fn base(r: &Request<'_>, covered: &[&str], params: &str) -> Option<String> {
    let mut lines = Vec::with_capacity(covered.len() + 1);
    for name in covered {
        let value = match *name {
            "@method" => r.method.to_uppercase(),
            "@path" => r.path.to_string(),
            "@query" => r.query.to_string(),
            header => (r.header)(header)?,
        };
        lines.push(format!("\"{name}\": {value}"));
    }
    lines.push(format!("\"@signature-params\": {params}"));
    Some(lines.join("\n"))
}

/// `signature-input` and `signature` header values for a request.
pub fn sign(r: &Request<'_>, key: &SigningKey, key_id: &str, now: i64) -> (String, String) {
    let covered = components(r);
    let list = covered
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(" ");
    let nonce = B64.encode(random::<12>());
    let params = format!(
        "({list});keyid=\"{key_id}\";created={now};expires={};nonce=\"{nonce}\"",
        now + VALID_SECS
    );
    let base = base(r, &covered, &params).expect("the components come from the headers");
    let sig = B64.encode(key.sign(base.as_bytes()));
    (format!("{LABEL}={params}"), format!("{LABEL}=:{sig}:"))
}

/// Why a signature is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("the signature or signature-input header is missing or malformed")]
    Malformed,
    #[error("the signature does not cover {0}")]
    NotCovered(&'static str),
    #[error("the signature has expired")]
    Expired,
    #[error("the signature was made in the future")]
    Future,
    #[error("the nonce was used before")]
    Replayed,
    #[error("unknown signing key")]
    UnknownKey,
    #[error("content-digest does not match the body")]
    Digest,
    #[error("the signature does not verify")]
    Invalid,
}

/// The parsed `signature-input`: covered components and parameters.
pub struct Input {
    pub covered: Vec<String>,
    /// Everything after `sig1=`, verbatim: the `@signature-params` value.
    pub params: String,
    pub key_id: String,
    pub created: i64,
    pub expires: Option<i64>,
    pub nonce: Option<String>,
}

pub fn parse_input(header: &str) -> Result<Input, Refusal> {
    let params = header
        .strip_prefix(LABEL)
        .and_then(|s| s.strip_prefix('='))
        .ok_or(Refusal::Malformed)?
        .trim()
        .to_string();
    let inner = params.strip_prefix('(').ok_or(Refusal::Malformed)?;
    let (list, rest) = inner.split_once(')').ok_or(Refusal::Malformed)?;
    let covered = list
        .split_whitespace()
        .map(|c| c.trim_matches('"').to_string())
        .collect();
    let mut key_id = None;
    let (mut created, mut expires, mut nonce) = (None, None, None);
    for p in rest.split(';').filter(|p| !p.is_empty()) {
        let (k, v) = p.split_once('=').ok_or(Refusal::Malformed)?;
        let v = v.trim_matches('"');
        match k {
            "keyid" => key_id = Some(v.to_string()),
            "created" => created = v.parse().ok(),
            "expires" => expires = v.parse().ok(),
            "nonce" => nonce = Some(v.to_string()),
            _ => {}
        }
    }
    Ok(Input {
        covered,
        key_id: key_id.ok_or(Refusal::Malformed)?,
        created: created.ok_or(Refusal::Malformed)?,
        expires,
        nonce,
        params,
    })
}

/// A signature created longer ago than this is refused, whatever its `expires`.
pub const MAX_AGE_SECS: i64 = 300;
/// How far ahead of the verifier's clock a signature may be dated.
pub const MAX_SKEW_SECS: i64 = 5;

/// Checks a request's signature as Upvest does: what must be covered is covered, the time
/// window holds, the digest matches the body, and the key verifies the base.
pub fn verify(
    r: &Request<'_>,
    body: &[u8],
    key: impl Fn(&str) -> Option<VerifyingKey>,
    now: i64,
    first_use_of_nonce: impl FnOnce(&str) -> bool,
) -> Result<(), Refusal> {
    let input = parse_input(&(r.header)("signature-input").ok_or(Refusal::Malformed)?)?;
    let signature = (r.header)("signature")
        .and_then(|s| {
            s.strip_prefix(LABEL)?
                .strip_prefix("=:")?
                .strip_suffix(':')
                .map(String::from)
        })
        .and_then(|s| B64.decode(s).ok())
        .ok_or(Refusal::Malformed)?;
    for required in components(r) {
        if !input.covered.iter().any(|c| c == required) {
            return Err(Refusal::NotCovered(required));
        }
    }
    if input.created > now + MAX_SKEW_SECS {
        return Err(Refusal::Future);
    }
    // Older signatures are refused outright, so a verifier need remember nonces only this long.
    if input.created < now - MAX_AGE_SECS {
        return Err(Refusal::Expired);
    }
    if input.expires.is_some_and(|e| e <= now) {
        return Err(Refusal::Expired);
    }
    if !body.is_empty() && (r.header)("content-digest") != Some(content_digest(body)) {
        return Err(Refusal::Digest);
    }
    let covered: Vec<&str> = input.covered.iter().map(String::as_str).collect();
    let base = base(r, &covered, &input.params).ok_or(Refusal::Malformed)?;
    let key = key(&input.key_id).ok_or(Refusal::UnknownKey)?;
    if !key.verify(base.as_bytes(), &signature) {
        return Err(Refusal::Invalid);
    }
    if let Some(n) = &input.nonce
        && !first_use_of_nonce(n)
    {
        return Err(Refusal::Replayed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_published_content_digest_examples() {
        assert_eq!(
            content_digest(br#"{"hello": "world"}"#),
            "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"
        );
        assert_eq!(
            content_digest(br#"{"key": "value"}"#),
            "sha-512=:Hd9/AvGZkbjitW1+Ml8Fg1ux1mtcDYe6mLQjDyoowIWa3LM/PmwN2v9O+MjtQGrCA3EQWUL54dlgxKHyYbrucw==:"
        );
    }

    fn headers(body: &[u8]) -> HashMap<String, String> {
        HashMap::from([
            ("accept".into(), "application/json".into()),
            ("authorization".into(), "Bearer t0k3n".into()),
            ("content-type".into(), "application/json".into()),
            ("content-length".into(), body.len().to_string()),
            ("content-digest".into(), content_digest(body)),
            ("idempotency-key".into(), "2133825797664cad".into()),
            (
                "upvest-client-id".into(),
                "5ec16164-6173-461d-b90d-116d68f55b40".into(),
            ),
        ])
    }

    fn check(
        h: &HashMap<String, String>,
        body: &[u8],
        path: &str,
        key: &VerifyingKey,
        now: i64,
    ) -> Result<(), Refusal> {
        let get = |n: &str| h.get(n).cloned();
        let r = Request {
            method: "POST",
            path,
            query: "",
            header: &get,
        };
        verify(
            &r,
            body,
            |id| (id == "k1").then(|| key.clone()),
            now,
            |_| true,
        )
    }

    #[test]
    fn both_algorithms_round_trip_and_tampering_is_refused() {
        let body = br#"{"key": "value"}"#;
        for key in [SigningKey::generate_ed25519(), SigningKey::generate_p521()] {
            let mut h = headers(body);
            let get = |n: &str| h.get(n).cloned();
            let r = Request {
                method: "post",
                path: "/users",
                query: "",
                header: &get,
            };
            let (input, sig) = sign(&r, &key, "k1", 1_700_000_000);
            assert!(input.starts_with(
                "sig1=(\"@method\" \"@path\" \"accept\" \"authorization\" \"content-length\" \"content-type\" \"content-digest\" \"idempotency-key\" \"upvest-client-id\");keyid=\"k1\";created=1700000000;expires=1700000060;nonce="
            ), "{input}");
            h.insert("signature-input".into(), input);
            h.insert("signature".into(), sig);
            let vk = key.verifying_key();
            assert_eq!(check(&h, body, "/users", &vk, 1_700_000_010), Ok(()));
            // A header changed, the body changed, too late, another key, another path.
            let mut other = h.clone();
            other.insert("idempotency-key".into(), "ffff".into());
            assert_eq!(
                check(&other, body, "/users", &vk, 1_700_000_010),
                Err(Refusal::Invalid)
            );
            assert_eq!(
                check(&h, br#"{"key": "other"}"#, "/users", &vk, 1_700_000_010),
                Err(Refusal::Digest)
            );
            assert_eq!(
                check(&h, body, "/users", &vk, 1_700_000_061),
                Err(Refusal::Expired)
            );
            let stranger = SigningKey::generate_ed25519().verifying_key();
            assert_eq!(
                check(&h, body, "/users", &stranger, 1_700_000_010),
                Err(Refusal::Invalid)
            );
            assert_eq!(
                check(&h, body, "/users/x", &vk, 1_700_000_010),
                Err(Refusal::Invalid)
            );
        }
    }

    #[test]
    fn a_signature_must_cover_the_authorization_header() {
        let body = b"";
        let key = SigningKey::generate_ed25519();
        let mut h = headers(body);
        for n in [
            "content-type",
            "content-length",
            "content-digest",
            "idempotency-key",
        ] {
            h.remove(n);
        }
        h.remove("authorization");
        let get = |n: &str| h.get(n).cloned();
        let r = Request {
            method: "GET",
            path: "/users",
            query: "?limit=10",
            header: &get,
        };
        let (input, sig) = sign(&r, &key, "k1", 100);
        assert!(
            input.contains("(\"@method\" \"@path\" \"@query\" \"accept\" \"upvest-client-id\")")
        );
        h.insert("signature-input".into(), input);
        h.insert("signature".into(), sig);
        // The authorization header is added after signing: it is not covered.
        h.insert("authorization".into(), "Bearer x".into());
        let get = |n: &str| h.get(n).cloned();
        let r = Request {
            method: "GET",
            path: "/users",
            query: "?limit=10",
            header: &get,
        };
        let vk = key.verifying_key();
        assert_eq!(
            verify(&r, body, |_| Some(vk.clone()), 110, |_| true),
            Err(Refusal::NotCovered("authorization"))
        );
    }

    #[test]
    fn an_ed25519_key_is_written_as_pkcs8_v1() {
        let pem = SigningKey::generate_ed25519().to_pem(None);
        let (label, der) = pkcs8::der::pem::decode_vec(pem.as_bytes()).unwrap();
        assert_eq!(label, "PRIVATE KEY");
        // SEQUENCE (46 bytes) { INTEGER 0 (v1), AlgorithmIdentifier { 1.3.101.112 },
        // OCTET STRING { OCTET STRING (32 bytes) } }: no [1] public key.
        assert_eq!(
            der[..16],
            [
                0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
                0x04, 0x20
            ]
        );
        assert_eq!(der.len(), 48);
    }

    #[test]
    fn keys_read_back_from_pkcs8_pem_plain_and_encrypted() {
        for key in [SigningKey::generate_ed25519(), SigningKey::generate_p521()] {
            let plain = key.to_pem(None);
            let again = SigningKey::from_pem(&plain, None).unwrap();
            let msg = b"hello";
            assert!(key.verifying_key().verify(msg, &again.sign(msg)));
            let locked = key.to_pem(Some("s3cret"));
            assert!(locked.contains("ENCRYPTED PRIVATE KEY"));
            assert!(SigningKey::from_pem(&locked, None).is_err());
            let wrong = SecretString::from("nope".to_string());
            assert!(SigningKey::from_pem(&locked, Some(&wrong)).is_err());
            let right = SecretString::from("s3cret".to_string());
            let again = SigningKey::from_pem(&locked, Some(&right)).unwrap();
            assert!(key.verifying_key().verify(msg, &again.sign(msg)));
        }
    }
}
