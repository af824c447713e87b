//! The sandbox's own side of bunq's body signatures: RSA PKCS#1 v1.5 with SHA-256 over the
//! exact body bytes, base64 in a header. It checks what clients send in
//! `X-Bunq-Client-Signature` and signs its answers for `X-Bunq-Server-Signature` with the
//! fixed sandbox key in `assets/sandbox-keys/`. RSA is aws-lc-rs's (constant time), never the
//! `rsa` crate's (RUSTSEC-2023-0071); nothing here is shared with the client.

use aws_lc_rs::signature::{self as sig, ParsedPublicKey, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use std::sync::OnceLock;

/// The sandbox's bunq server key (see `assets/sandbox-keys/README.md`).
pub const SERVER_KEY_PEM: &str =
    include_str!("../../../assets/sandbox-keys/sandbox-bunq-server-rsa2048.pem");
/// Its public half, as `/installation` hands it out.
pub const SERVER_PUBLIC_PEM: &str =
    include_str!("../../../assets/sandbox-keys/sandbox-bunq-server-rsa2048.pub.pem");

/// bunq's keys are 2048-bit RSA; smaller ones are refused.
const MIN_BITS: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the signature is missing")]
    Missing,
    #[error("the signature is not base64")]
    NotBase64,
    #[error("the signature does not match the body")]
    Mismatch,
}

/// The body of a PEM block with this label, decoded; `None` for anything else.
fn pem_body(pem: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let text = pem.trim();
    let inner = text.strip_prefix(&begin)?.strip_suffix(&end)?;
    let b64: String = inner.split_whitespace().collect();
    B64.decode(b64).ok().filter(|d| !d.is_empty())
}

/// A client's registered public key.
pub struct ClientKey(ParsedPublicKey);

impl ClientKey {
    /// `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) or `-----BEGIN RSA PUBLIC KEY-----`
    /// (PKCS#1) of an RSA key of at least 2048 bits.
    pub fn from_pem(pem: &str) -> Option<ClientKey> {
        let der = pem_body(pem, "PUBLIC KEY").or_else(|| pem_body(pem, "RSA PUBLIC KEY"))?;
        let bits = aws_lc_rs::rsa::PublicKey::from_der(&der)
            .ok()?
            .modulus_len()
            * 8;
        if bits < MIN_BITS {
            return None;
        }
        ParsedPublicKey::new(&sig::RSA_PKCS1_2048_8192_SHA256, der)
            .ok()
            .map(ClientKey)
    }

    /// Checks `X-Bunq-Client-Signature` (base64, surrounding spaces ignored) over `body`.
    pub fn verify(&self, body: &[u8], signature: Option<&str>) -> Result<(), Refusal> {
        let bytes = B64
            .decode(signature.ok_or(Refusal::Missing)?.trim())
            .map_err(|_| Refusal::NotBase64)?;
        self.0
            .verify_sig(body, &bytes)
            .map_err(|_| Refusal::Mismatch)
    }
}

/// The server key, parsed on first use (the sandbox starts without it).
fn server_key() -> &'static RsaKeyPair {
    static KEY: OnceLock<RsaKeyPair> = OnceLock::new();
    KEY.get_or_init(|| {
        let der = pem_body(SERVER_KEY_PEM, "PRIVATE KEY").expect("the shipped key is PEM");
        RsaKeyPair::from_pkcs8(&der).expect("the shipped key is a PKCS#8 RSA key")
    })
}

/// `X-Bunq-Server-Signature` for an answer's body.
pub fn sign(body: &[u8]) -> String {
    let key = server_key();
    let mut out = vec![0u8; key.public_modulus_len()];
    key.sign(
        &sig::RSA_PKCS1_SHA256,
        &aws_lc_rs::rand::SystemRandom::new(),
        body,
        &mut out,
    )
    .expect("PKCS#1 v1.5 signing with a 2048-bit key");
    B64.encode(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::KeyPair as _;

    #[test]
    fn the_shipped_server_key_pair_matches_and_its_signatures_verify() {
        let public = ClientKey::from_pem(SERVER_PUBLIC_PEM).expect("a 2048-bit public key");
        let body = br#"{"Response":[]}"#;
        assert_eq!(public.verify(body, Some(&sign(body))), Ok(()));
        assert_eq!(
            public.verify(body, Some(&sign(b"another body"))),
            Err(Refusal::Mismatch)
        );
        let der = pem_body(SERVER_PUBLIC_PEM, "PUBLIC KEY").unwrap();
        let spki = aws_lc_rs::encoding::AsDer::<aws_lc_rs::encoding::PublicKeyX509Der>::as_der(
            server_key().public_key(),
        )
        .unwrap();
        assert_eq!(spki.as_ref(), der.as_slice());
    }

    #[test]
    fn missing_garbled_or_small_keys_and_signatures_are_refused() {
        let public = ClientKey::from_pem(SERVER_PUBLIC_PEM).unwrap();
        assert_eq!(public.verify(b"x", None), Err(Refusal::Missing));
        assert_eq!(public.verify(b"x", Some("%%")), Err(Refusal::NotBase64));
        assert_eq!(public.verify(b"x", Some("AAAA")), Err(Refusal::Mismatch));
        assert!(
            ClientKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                .is_none()
        );
        assert!(ClientKey::from_pem(SERVER_KEY_PEM).is_none());
        // A 1024-bit key (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024).
        let small = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDHMGrf8UxIYgFDt2TM16ZRzbXH
xX2PI3E+k0upzxt3vbvoyzXQGP173wybqa1uATQ8cpj64QeDHbAJRYmW4GZzMd5q
0kFPpGV+l2hPkdGAerJQM7hnfe5IQDgyzet3X/nyhkt9qbYlqd2V5up0HQ7SAReb
1PSyQ0KQQ23ZOPxn2wIDAQAB
-----END PUBLIC KEY-----";
        assert!(ClientKey::from_pem(small).is_none());
    }
}
